import { createRequire } from 'node:module';

/**
 * Memory the C library holds free, given back to the system: the addon in `server/native/malloc-trim/` (glibc's
 * `malloc_trim(0)`), built by `npm install` (the `postinstall` script, node-gyp). glibc keeps in its arenas what a
 * busy spell freed — requests, exports and the PDF, reading and consolidation threads — and gives back only the top
 * of a heap by itself: after 20 000 mixed requests the server stayed ~150 MiB above its start once idle, and one call
 * brought it back below (`npm run bench:soak`, README « Memory under load »). Where the addon could not be built
 * (no compiler) or the C library is not glibc, nothing is trimmed and the server runs as before.
 */
type Addon = { trim: () => boolean };

let addon: Addon | null | undefined;

function load(): Addon | null {
  if (addon !== undefined) return addon;
  try {
    addon = createRequire(import.meta.url)('./malloc-trim/build/Release/malloc_trim.node') as Addon;
  } catch {
    addon = null;
  }
  return addon;
}

/** Whether the addon is there (built by `npm install`). */
export function canTrimNativeMemory(): boolean {
  return load() !== null;
}

/** Gives the C library's free memory back to the system; whether any was (false without the addon). */
export function trimNativeMemory(): boolean {
  return load()?.trim() ?? false;
}
