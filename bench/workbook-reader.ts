/**
 * `npx tsx bench/workbook-reader.ts`: what reading uploads in a thread (server/workers/workbook-reader.ts) costs the
 * import preview of the Liège workbook — medians of the preview read in the server's own thread and in the reading
 * thread (warm), taken in turns so both meet the same load, and the first preview after the thread ended (a new
 * thread: TypeScript loader, exceljs). Figures for the README with the machine's load.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../server/db/open.ts';
import { readWorkbookFile } from '../server/imports/workbook-file.ts';
import { loadReference } from '../server/services/programmes.ts';
import { seedSample } from '../server/services/seed.ts';
import { exportPlanWorkbook, importPlanWorkbook } from '../server/services/workbook.ts';
import { createWorkbookReader, type WorkbookReader } from '../server/workers/workbook-reader.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);
const db = openDatabase(':memory:');
const ctx = { db, reference: loadReference(db) };
const planId = seedSample(ctx).id;
const { bytes } = await exportPlanWorkbook({ ...ctx, planId });

/** The reading as it was: in this thread. */
const inProcess: WorkbookReader = {
  read: readWorkbookFile,
  stats: () => ({ workers: 0, busy: 0, queued: 0, started: 0, read: 0, failed: 0 }),
  close: async () => {},
};
const threaded = createWorkbookReader();
const preview = async (reader: WorkbookReader) => {
  const t0 = performance.now();
  await importPlanWorkbook({ ...ctx, planId, bytes, apply: false, fingerprint: null, reader });
  return performance.now() - t0;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const load = loadavg()[0]!.toFixed(1);
const cold = await preview(threaded);
await preview(inProcess);
const times = { inProcess: [] as number[], threaded: [] as number[] };
for (let i = 0; i < RUNS; i++) {
  times.inProcess.push(await preview(inProcess));
  times.threaded.push(await preview(threaded));
}
console.log(`Aperçu d'import du classeur de Liège (${(bytes.length / 1024).toFixed(0)} ko), ${RUNS} fois, charge ${load} → ${loadavg()[0]!.toFixed(1)} :`);
console.log(`  dans le fil du serveur (avant)   médiane ${median(times.inProcess).toFixed(0)} ms`);
console.log(`  dans le fil de lecture (chaud)   médiane ${median(times.threaded).toFixed(0)} ms`);
console.log(`  premier aperçu, fil à démarrer   ${cold.toFixed(0)} ms`);
await threaded.close();
