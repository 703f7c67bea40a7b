/**
 * Loaded into the server by `npm run bench:soak` (`node --import ./bench/soak-probe.ts server/main.ts`), never by
 * `npm start`: every second it writes the server's `process.memoryUsage()` (RSS, JS heap, external, array buffers)
 * to `SOAK_PROBE_FILE`, so the bench can tell JS heap retention from native memory. When the bench creates
 * `<file>.gc` it runs a full garbage collection first (the server runs with --expose-gc then: SOAK_GC=1), and
 * `<file>.heap` asks for a heap snapshot next to the file (SOAK_HEAP=1).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';

const file = process.env.SOAK_PROBE_FILE;
if (file) {
  const write = () => {
    for (const [ask, act] of [
      [`${file}.gc`, () => (globalThis as { gc?: () => void }).gc?.()],
      [`${file}.heap`, () => console.log(`Instantané du tas : ${writeHeapSnapshot(`${file}.${Date.now()}.heapsnapshot`)}`)],
    ] as const) {
      if (!existsSync(ask)) continue;
      rmSync(ask);
      act();
    }
    const m = process.memoryUsage();
    const h = getHeapStatistics();
    writeFileSync(file, JSON.stringify({ ...m, heapLimit: h.heap_size_limit, mallocedMemory: h.malloced_memory, at: Date.now() }));
  };
  setInterval(write, 1000).unref();
}
