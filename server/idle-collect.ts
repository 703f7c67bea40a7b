import { performance } from 'node:perf_hooks';

/**
 * A full garbage collection once the server has gone idle after a busy spell. V8 collects when JavaScript allocates:
 * after a burst of exports, imports or renders the heap keeps its garbage (100 MiB and more, `npm run bench:soak`) for
 * as long as nobody calls. Only when the server runs with `--expose-gc` (`npm start` does); otherwise nothing.
 */

/** How often the server looks whether it is idle. */
const CHECK_MS = 15_000;
/** Idle: the event loop busy less than this share of the last CHECK_MS. */
const IDLE_UTILISATION = 0.02;
/** A collection is worth it when the heap has grown this much since the last one. */
const GROWTH_BYTES = 32 * 1024 * 1024;

export function collectWhenIdle(): NodeJS.Timeout | null {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return null;
  let last = performance.eventLoopUtilization();
  let afterLastGc = process.memoryUsage().heapUsed;
  return setInterval(() => {
    const now = performance.eventLoopUtilization();
    const idle = performance.eventLoopUtilization(now, last).utilization < IDLE_UTILISATION;
    last = now;
    if (!idle || process.memoryUsage().heapUsed < afterLastGc + GROWTH_BYTES) return;
    gc();
    afterLastGc = process.memoryUsage().heapUsed;
    // What the first collection's finalizers released (zlib streams, buffers: external memory) goes with a second one.
    setTimeout(gc, 1000).unref();
  }, CHECK_MS).unref();
}
