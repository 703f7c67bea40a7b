/**
 * `npx tsx bench/pdf-memory.ts [--limit <Mo>] [--renders N] [--parallel P] [--recycle R]`: the peak resident memory
 * of the process while the pool renders the Liège PDF N times (whole plan, report years varied so none comes from
 * the cache), P at a time in P threads, each thread's V8 heap limited to `--limit` Mo (0: V8's own limit) and ended
 * after R renders (0: never); RSS sampled every 20 ms, and read after each round and once the threads have ended.
 * One configuration per process, so they do not share a heap: run it once per configuration.
 */
import { openDatabase } from '../server/db/open.ts';
import { loadReference } from '../server/services/programmes.ts';
import { gatherPdfInput } from '../server/services/pdf.ts';
import { seedSample } from '../server/services/seed.ts';
import { createPdfPool } from '../server/workers/pdf-pool.ts';

function option(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  const n = i < 0 ? fallback : Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} expects a non-negative integer`);
  return n;
}
const limit = option('limit', 1024);
const renders = option('renders', 1);
const recycle = option('recycle', 0);
const parallel = Math.max(1, option('parallel', 1));

const MiB = 2 ** 20;
const rss = () => process.memoryUsage().rss / MiB;
const db = openDatabase(':memory:');
let nextId = 0;
const ctx = { db, reference: loadReference(db), newId: () => `bench-${++nextId}` };
const plan = seedSample(ctx);
const years = ctx.reference.programmes.find((p) => p.id === plan.programmeId)!.years;
const generatedAt = new Date().toISOString();

global.gc?.();
const baseline = rss();
let peak = baseline;
const timer = setInterval(() => (peak = Math.max(peak, rss())), 20);
const pool = createPdfPool({ maxWorkers: parallel, workerMemoryMb: limit, idleTimeoutMs: 0, maxRendersPerWorker: recycle });
const after: number[] = [];
let outcome = 'ok';
const t0 = Date.now();
try {
  for (let i = 0; i < renders; i += parallel) {
    const round = Array.from({ length: Math.min(parallel, renders - i) }, (_, j) => years[(i + j) % years.length]!);
    await Promise.all(round.map((annee) => pool.render(gatherPdfInput(ctx, plan, annee), generatedAt)));
    await new Promise((r) => setTimeout(r, 200));
    after.push(rss());
  }
} catch (err) {
  outcome = `failed: ${err instanceof Error ? err.message : String(err)}`;
}
const ms = Date.now() - t0;
await pool.close();
await new Promise((r) => setTimeout(r, 500));
clearInterval(timer);
console.log(
  JSON.stringify({
    limitMb: limit,
    renders,
    parallel,
    recycle,
    outcome,
    ms,
    baselineMiB: Math.round(baseline),
    peakMiB: Math.round(peak),
    rssAfterEachMiB: after.map(Math.round),
    rssAfterCloseMiB: Math.round(rss()),
  }),
);
