import { performance } from 'node:perf_hooks';
import { trimNativeMemory } from './native/malloc-trim.ts';

/**
 * What the server does once it has gone idle after a busy spell.
 *
 * - **Caches let go** (`releaseWhenIdle`): after `RELEASE_AFTER_MS` idle, every cache registered here forgets what it
 *   holds (the workbook export cache, the PDF pool's documents and parts). A cache serves a burst — the same file asked
 *   twice while someone works — and a quiet server re-renders on demand (a Liège workbook in ~0.1 s, its PDF in ~1 s);
 *   the threads that render them end after the same 30 s (PDF_IDLE_SECONDS, the reading and consolidation threads),
 *   so the first request after a pause pays a thread's start anyway.
 * - **A full garbage collection**: V8 collects when JavaScript allocates; after a burst of exports, imports or renders
 *   the heap keeps its garbage (100 MiB and more, `npm run bench:soak`) — and the files transferred from threads their
 *   native memory — for as long as nobody calls. Only when the server runs with `--expose-gc` (`npm start` does).
 * - **The C library's free memory given back** (`trimNativeMemory`, glibc's `malloc_trim`): after the collection,
 *   and once more a check later, when the threads that ended meanwhile have freed theirs.
 */

/** How often the server looks whether it is idle. */
const CHECK_MS = 15_000;
/** Idle: the event loop busy less than this share of the last CHECK_MS. */
const IDLE_UTILISATION = 0.02;
/** A collection is worth it when the heap has grown this much since the last one. */
const GROWTH_BYTES = 32 * 1024 * 1024;
/** Caches let go once the server has been idle this long: two checks in a row (30 s to 45 s of quiet). */
export const RELEASE_AFTER_MS = 2 * CHECK_MS;

// Weak: what an app that is gone holds (tests make many) is not kept alive by this list; `release` must not hold it.
const holders = new Set<{ owner: WeakRef<object>; release: (owner: never) => void }>();

/**
 * `release(owner)` is called each time the server has been idle `RELEASE_AFTER_MS`, for as long as `owner` lives:
 * a cache forgets what it holds. `release` is kept strongly: it must reach the cache through its argument only.
 */
export function releaseWhenIdle<T extends object>(owner: T, release: (owner: T) => void): void {
  holders.add({ owner: new WeakRef(owner), release: release as (owner: never) => void });
}

/** Lets every registered cache forget what it holds now (what the idle watch does); how many did. */
export function releaseIdleMemory(): number {
  let released = 0;
  for (const holder of holders) {
    const owner = holder.owner.deref();
    if (!owner) {
      holders.delete(holder);
      continue;
    }
    (holder.release as (owner: object) => void)(owner);
    released++;
  }
  return released;
}

/** Watches the event loop: releases the caches and collects garbage once idle (above). */
export function collectWhenIdle(): NodeJS.Timeout {
  const gc = (globalThis as { gc?: () => void }).gc;
  let last = performance.eventLoopUtilization();
  let afterLastGc = process.memoryUsage().heapUsed;
  /** Checks in a row that found the server idle. */
  let idleChecks = 0;
  const collect = () => {
    if (!gc) {
      trimNativeMemory();
      return;
    }
    gc();
    afterLastGc = process.memoryUsage().heapUsed;
    // What the first collection's finalizers released (zlib streams, buffers: external memory) goes with a second
    // one; then the C library gives back what is free.
    setTimeout(() => {
      gc();
      trimNativeMemory();
    }, 1000).unref();
  };
  return setInterval(() => {
    const now = performance.eventLoopUtilization();
    const idle = performance.eventLoopUtilization(now, last).utilization < IDLE_UTILISATION;
    last = now;
    idleChecks = idle ? idleChecks + 1 : 0;
    if (!idle) return;
    // Once per idle spell: the caches forget, and what they held is collected.
    if (idleChecks * CHECK_MS === RELEASE_AFTER_MS && releaseIdleMemory() > 0) return collect();
    // One check later the render and reading threads have ended (30 s idle): what they freed is given back too.
    if (idleChecks * CHECK_MS === RELEASE_AFTER_MS + CHECK_MS) trimNativeMemory();
    if (process.memoryUsage().heapUsed >= afterLastGc + GROWTH_BYTES) collect();
  }, CHECK_MS).unref();
}
