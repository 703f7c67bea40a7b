/**
 * `npm run bench`: times the plan store on the Liège sample with a real SQLite file and prints medians.
 * `npm run bench -- --all` then runs every other bench of the performance goals one after the other (each in its own
 * process, so none inherits another's warm caches or memory) and ends with their goal lines gathered in one table.
 * Figures go to the README with the machine they came from; nothing here is asserted.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../server/db/open.ts';
import { loadReference } from '../server/services/programmes.ts';
import { seedSample } from '../server/services/seed.ts';
import { getPlan } from '../server/services/plans.ts';
import { getPlanChecks } from '../server/services/checks.ts';
import { updateCells } from '../server/services/cells.ts';
import { createApp } from '../server/app.ts';
import { getHistory } from '../server/services/audit.ts';
import { seedLargePlan } from './large-plan.ts';
import type { Plan } from '../schemas/plan.ts';
import { createDemoAccounts, DEMO_ACCOUNTS } from '../server/services/demo-accounts.ts';
import { signInInProcess } from './sign-in.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(label: string, fn: (i: number) => unknown): Promise<number> {
  await fn(-1); // warm-up
  const xs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn(i);
    xs.push(performance.now() - t0);
  }
  console.log(`${label.padEnd(52)} median ${median(xs).toFixed(2).padStart(7)} ms   min ${Math.min(...xs).toFixed(2)} ms   (${RUNS} runs)`);
  return median(xs);
}

const dir = mkdtempSync(join(tmpdir(), 'cohesio-bench-'));
const db = openDatabase(join(dir, 'bench.sqlite'));
const reference = loadReference(db);
const ctx = { db, reference };
const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`);

await time('import the Liège sample (validate + insert, 1 tx)', () => seedSample(ctx));
const plan = seedSample(ctx);
await time('read the whole Liège plan (getPlan)', () => getPlan({ ...ctx, planId: plan.id }));
await time('checks of the Liège plan (getPlanChecks)', () => getPlanChecks({ ...ctx, planId: plan.id }));
const year = String(reference.programmes.find((p) => p.id === plan.programmeId)!.years[1]);
/** Times writing one indicator target of `target` (alternating two values, so each run changes the cell). */
async function timeCellWrite(label: string, target: Plan): Promise<number> {
  const cell = target.actions[3]!.indicators[0]!;
  let version = cell.values[year]?.targetVersion ?? 0;
  return time(label, (i) => {
    const [c] = updateCells({
      ...ctx,
      planId: target.id,
      cells: [{ grid: 'indicator-target', row: cell.id, period: year, value: 300 + (i & 1), version }],
    });
    version = c!.version;
  });
}
const indicator = plan.actions[3]!.indicators[0]!;
const liegeWrite = await timeCellWrite('write one indicator cell (validate, version, audit, tx)', plan);
const large = seedLargePlan(ctx, 5);
const largeWrite = await timeCellWrite(`same on a plan 5× larger (${large.actions.length} fiches)`, large);
const goals: string[] = [];
goals.push(`cell write in process: ≤ 1 ms and independent of the plan's size — Liège ${liegeWrite.toFixed(2)} ms, 5× ${largeWrite.toFixed(2)} ms`);
console.log(`  goal: ≤ 1 ms and independent of the plan's size — Liège ${liegeWrite.toFixed(2)} ms, 5× ${largeWrite.toFixed(2)} ms`);
await time('history of that cell (audit trail, 1 value path)', () =>
  getHistory({ ...ctx, planId: plan.id, chemin: `actions.${plan.actions[3]!.id}.indicators.${indicator.id}.values.${year}.target`, limite: 500 }),
);
await createDemoAccounts(ctx);
const app = createApp(ctx);
const cookie = await signInInProcess(app, DEMO_ACCOUNTS[0].email);
await time('GET /api/plans/:id through the Hono app (session, JSON)', async () => (await app.request(`/api/plans/${plan.id}`, { headers: { cookie } })).text());
const rss = process.memoryUsage().rss / 2 ** 20;
console.log(`Peak RSS after the runs: ${rss.toFixed(0)} MiB`);
db.$client.close();
rmSync(dir, { recursive: true, force: true });

/** The benches of the goals of « Performance » (README), in the order of the list; each prints its figures with the word « goal » beside them. */
const GOAL_BENCHES = ['load.ts', 'pdf.ts', 'xlsx.ts', 'finance.ts', 'region.ts'];
if (process.argv.includes('--all')) {
  for (const script of GOAL_BENCHES) {
    console.log(
      `\n=== bench/${script} (load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}) ===`,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    process.stdout.write(run.stdout ?? '');
    const lines = (run.stdout ?? '').split('\n').filter((line) => /\bgoal/i.test(line));
    goals.push(...(run.status === 0 ? lines.map((line) => `${script}: ${line.trim()}`) : [`${script}: failed (exit ${run.status})`]));
  }
  console.log('\n=== Goals ===');
  for (const line of goals) console.log(line);
}
