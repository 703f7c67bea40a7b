import { releaseWhenIdle } from './idle-collect.ts';

/**
 * A cache of rendered files bounded in bytes: the least recently used files leave first, a file larger than the
 * bound is never kept, and two requests for the same key while it is being produced share one production. Emptied
 * once the server has been idle a while (server/idle-collect.ts): a quiet server renders again on demand.
 */
export type ByteCache = {
  /** The cached bytes of `key`, or those `produce` gives (kept if they fit); `cached` says which. */
  getOrProduce(key: string, produce: () => Promise<Uint8Array>): Promise<{ bytes: Uint8Array; cached: boolean }>;
  /** Bytes held now (for tests and benches). */
  readonly size: number;
  /** Forgets every file kept (productions in progress still share their result). */
  clear(): void;
};

export function createByteCache(maxBytes: number): ByteCache {
  // A Map iterates in insertion order: re-inserting on a hit makes its first key the least recently used.
  const entries = new Map<string, Uint8Array>();
  const inFlight = new Map<string, Promise<Uint8Array>>();
  let size = 0;

  function keep(key: string, bytes: Uint8Array): void {
    if (bytes.byteLength > maxBytes || entries.has(key)) return;
    entries.set(key, bytes);
    size += bytes.byteLength;
    for (const [oldest, old] of entries) {
      if (size <= maxBytes) break;
      entries.delete(oldest);
      size -= old.byteLength;
    }
  }

  const cache: ByteCache = {
    get size() {
      return size;
    },
    clear() {
      entries.clear();
      size = 0;
    },
    async getOrProduce(key, produce) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
        return { bytes: hit, cached: true };
      }
      const pending = inFlight.get(key);
      if (pending) return { bytes: await pending, cached: true };
      const promise = produce();
      inFlight.set(key, promise);
      try {
        const bytes = await promise;
        keep(key, bytes);
        return { bytes, cached: false };
      } finally {
        inFlight.delete(key);
      }
    },
  };
  releaseWhenIdle(cache, (c) => c.clear());
  return cache;
}
