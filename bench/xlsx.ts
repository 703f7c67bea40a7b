/**
 * `npm run bench:xlsx`: the official workbook of the Liège plan — export (read, layout, XLSX) and import (read the
 * workbook back and compare; apply ten changes) — as medians of several runs, then the peak memory of one export
 * and one import, each measured in a fresh process above its baseline. Figures go to the README with the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../server/db/open.ts';
import { loadReference } from '../server/services/programmes.ts';
import { seedSample } from '../server/services/seed.ts';
import { exportPlanWorkbook, importPlanWorkbook } from '../server/services/workbook.ts';
import { editWorkbookCells } from './workbook-edit.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const db = openDatabase(':memory:');
// Fixed ids, so that the workbook exported by this process is the plan of the child processes too.
let nextId = 0;
const ctx = { db, reference: loadReference(db), newId: () => `bench-${++nextId}` };
const plan = seedSample(ctx);
const planId = plan.id;

const [child, file] = process.argv.slice(2);
if (child === '--peak-export' || child === '--peak-import') {
  // One operation in this fresh process: how far it lifts the peak resident memory above the baseline.
  const input = child === '--peak-import' ? new Uint8Array(readFileSync(file!)) : null;
  const before = process.resourceUsage().maxRSS;
  if (input) await importPlanWorkbook({ ...ctx, planId, bytes: input, apply: false, fingerprint: null });
  else await exportPlanWorkbook({ ...ctx, planId });
  console.log(JSON.stringify({ baseline: before / 1024, peak: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}
const { bytes } = await exportPlanWorkbook({ ...ctx, planId });
const workbookFile = join(mkdtempSync(join(tmpdir(), 'cohesio-bench-')), 'liege.xlsx');
writeFileSync(workbookFile, bytes);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(label: string, fn: (i: number) => Promise<unknown>): Promise<void> {
  await fn(-1);
  await fn(-2);
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn(i);
    xs.push(performance.now() - t0);
  }
  console.log(`${label.padEnd(58)} median ${median(xs).toFixed(1).padStart(6)} ms   min ${Math.min(...xs).toFixed(1)} ms   (${RUNS} runs)`);
}

console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`Liège workbook: ${(bytes.length / 1024).toFixed(0)} kB, ${plan.actions.length + 4} sheets`);

await time('export the Liège plan (read plan, layout, XLSX bytes)', () => exportPlanWorkbook({ ...ctx, planId }));
await time('import preview of the unchanged export (0 changes)', () => importPlanWorkbook({ ...ctx, planId, bytes, apply: false, fingerprint: null }));

// Two edited workbooks applied in turn, so that each apply has ten real changes.
const sada = plan.actions.findIndex((a) => a.fiche.operateur.organisme === 'CPAS de Liège - SADA');
const years = ctx.reference.programmes.find((p) => p.id === plan.programmeId)!.years;
const editsOf = (v: number) =>
  [...Array(10).keys()].map((k) => ({ path: `actions.${sada}.indicators.${k % 5}.values.${years[Math.floor(k / 5)]}.actual`, value: v + k }));
const edited = [await editWorkbookCells(bytes, editsOf(1), plan), await editWorkbookCells(bytes, editsOf(100), plan)];
let turn = 0;
await time('import and apply ten changes (preview, then apply in 1 tx)', async () => {
  const file = edited[turn++ % 2]!;
  const preview = await importPlanWorkbook({ ...ctx, planId, bytes: file, apply: false, fingerprint: null });
  if (preview.changes.length !== 10) throw new Error(`expected 10 changes, got ${preview.changes.length}`);
  await importPlanWorkbook({ ...ctx, planId, bytes: file, apply: true, fingerprint: preview.fingerprint });
});

for (const what of ['export', 'import'] as const) {
  const runs = [...Array(5)].map(() => {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--peak-${what}`, workbookFile], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!) as { baseline: number; peak: number };
  });
  const lift = median(runs.map((r) => r.peak - r.baseline));
  console.log(
    `peak memory of one ${what} (fresh process, 5 runs)`.padEnd(58),
    `median +${lift.toFixed(0)} MiB above a ${median(runs.map((r) => r.baseline)).toFixed(0)} MiB baseline`,
  );
}
db.$client.close();
