/**
 * `npx tsx bench/region-overview.ts [plans]`: the DiCS's overview of a programme's plans on a real SQLite file holding
 * `plans` copies of the Liège sample (195 by default): cold (every summary computed), warm (every summary cached),
 * after one plan changed (one summary computed), the overdue list and the workbook. Prints medians; asserts nothing.
 */
import { cpus, tmpdir, totalmem } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../server/db/open.ts';
import { planSummaries } from '../server/db/schema.ts';
import { loadReference } from '../server/services/programmes.ts';
import { seedSample } from '../server/services/seed.ts';
import { updateSection } from '../server/services/sections.ts';
import { readPlan } from '../server/services/plan-store.ts';
import { exportRegionPlansWorkbook, listOverdueObligations, listRegionPlans } from '../server/services/region-plans.ts';

const PLANS = Number(process.argv[2] ?? 195);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(label: string, fn: () => unknown, runs = RUNS): Promise<void> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  console.log(`${label.padEnd(64)} median ${median(xs).toFixed(1).padStart(8)} ms   min ${Math.min(...xs).toFixed(1)} ms   (${runs} runs)`);
}

const dir = mkdtempSync(join(tmpdir(), 'cohesio-bench-region-'));
const db = openDatabase(join(dir, 'bench.sqlite'));
const reference = loadReference(db);
const ctx = { db, reference };
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`,
);
const t0 = performance.now();
const ids = Array.from({ length: PLANS }, () => seedSample(ctx).id);
console.log(`${PLANS} copies of the Liège plan loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
const programmeId = readPlan(db, ids[0]!).programmeId;

await time(
  'overview, cold (every summary computed)',
  () => {
    db.delete(planSummaries).run();
    listRegionPlans({ ...ctx, programmeId });
  },
  3,
);
await time('overview, warm (every summary cached)', () => listRegionPlans({ ...ctx, programmeId }));
await time(
  'overview after one plan changed (one summary computed)',
  () => {
    const plan = readPlan(db, ids[0]!);
    updateSection({ ...ctx, planId: plan.id, section: 'textes', version: plan.versions.textes, data: { ...plan.textes, vision: `${performance.now()}` } });
    listRegionPlans({ ...ctx, programmeId });
  },
  5,
);
await time('overdue list, warm', () => listOverdueObligations({ ...ctx, programmeId }));
await time('overview workbook (XLSX), warm', () => exportRegionPlansWorkbook({ ...ctx, programmeId }), 5);

db.$client.close();
rmSync(dir, { recursive: true, force: true });
