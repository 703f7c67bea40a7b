/**
 * Loaded into the server by `npm run bench:soak` (`node --import ./bench/soak-probe.ts server/main.ts`), never by
 * `npm start`: every second it writes the server's `process.memoryUsage()` (RSS, JS heap, external, array buffers)
 * to `SOAK_PROBE_FILE`, so the bench can tell JS heap retention from native memory. On SIGUSR2 it writes a heap
 * snapshot next to that file (`--heap` of the bench).
 */
import { writeFileSync } from 'node:fs';
import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';

const file = process.env.SOAK_PROBE_FILE;
if (file) {
  const write = () => {
    const m = process.memoryUsage();
    const h = getHeapStatistics();
    writeFileSync(file, JSON.stringify({ ...m, heapLimit: h.heap_size_limit, mallocedMemory: h.malloced_memory, at: Date.now() }));
  };
  setInterval(write, 1000).unref();
  process.on('SIGUSR2', () => {
    const path = writeHeapSnapshot(`${file}.${Date.now()}.heapsnapshot`);
    console.log(`Instantané du tas : ${path}`);
  });
}
