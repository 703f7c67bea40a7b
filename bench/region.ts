/**
 * `npm run bench:region [-- plans]`: the DiCS's regional workspace on a real SQLite file holding the region generated
 * by `npm run seed -- --region` (195 plans by default): the overview through the Hono app (cold: every summary
 * computed; warm; after one plan changed), next to a bare Hono route of the same process (the ratio is the figure to
 * compare, the machine being shared), the overdue list, the review queue, the consolidation, and the consolidated
 * XLSX and CSV (time here, peak resident memory in a fresh process above its baseline). Prints; asserts nothing.
 * `BENCH_REGION_DB=<file>` reuses a database seeded by an earlier run (the seeding takes about a minute).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { createApp } from '../server/app.ts';
import { openDatabase } from '../server/db/open.ts';
import { planSummaries } from '../server/db/schema.ts';
import { loadReference } from '../server/services/programmes.ts';
import { seedRegion } from '../server/services/region-seed.ts';
import { DEMO_ACCOUNTS } from '../server/services/demo-accounts.ts';
import { buildRegionExport } from '../server/services/consolidation.ts';
import { readPlan } from '../server/services/plan-store.ts';
import { updateSection } from '../server/services/sections.ts';
import { currentProgramme } from '../schemas/region-plans.ts';
import type { RegionExportFormat } from '../schemas/consolidation.ts';
import { signInInProcess } from './sign-in.ts';

const PLANS = Number(process.argv[2] ?? 195);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);

const [child, childDb, childFormat] = process.argv.slice(2);
if (child === '--peak-export') {
  // One consolidated export in this fresh process: how far it lifts the peak resident memory above the baseline.
  const db = openDatabase(childDb!);
  const ctx = { db, reference: loadReference(db) };
  const programmeId = currentProgrammeId(ctx);
  const before = process.resourceUsage().maxRSS;
  const t0 = performance.now();
  let rows = 0;
  const { bytes } = await buildRegionExport(ctx, programmeId, childFormat as RegionExportFormat, (n) => {
    rows = n;
  });
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ baseline: before / 1024, peak: process.resourceUsage().maxRSS / 1024, ms, bytes: bytes.length, rows }));
  process.exit(0);
}

function currentProgrammeId(ctx: { reference: ReturnType<typeof loadReference> }): string {
  return currentProgramme(ctx.reference.programmes, new Date().toISOString().slice(0, 10))?.id ?? ctx.reference.programmes[0]!.id;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(label: string, fn: () => unknown, runs = RUNS): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  const m = median(xs);
  const digits = m < 1 ? 3 : 1;
  console.log(`${label.padEnd(66)} median ${m.toFixed(digits).padStart(8)} ms   min ${Math.min(...xs).toFixed(digits)} ms   (${runs} runs)`);
  return m;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}; load average ${load()}`,
);
const file = process.env.BENCH_REGION_DB ?? join(mkdtempSync(join(tmpdir(), 'cohesio-bench-region-')), 'region.sqlite');
const seeded = existsSync(file);
const db = openDatabase(file);
const reference = loadReference(db);
const ctx = { db, reference };
if (!seeded) {
  const t0 = performance.now();
  const result = await seedRegion(ctx, { count: PLANS, seed: 1 });
  console.log(`Region seeded: ${result.plans.length} plans in ${((performance.now() - t0) / 1000).toFixed(1)} s (${file})`);
}
const programmeId = currentProgrammeId(ctx);

const app = createApp(ctx);
const dics = DEMO_ACCOUNTS.find((a) => a.role === 'dics')!;
const cookie = await signInInProcess(app, dics.email);
const get = async (path: string) => {
  const res = await app.request(path, { headers: { cookie } });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.arrayBuffer();
};
const q = `programme=${encodeURIComponent(programmeId)}`;
const rows = JSON.parse(new TextDecoder().decode(await get(`/api/region/plans?${q}`))) as { plans: unknown[] };
console.log(`Programme ${programmeId}: ${rows.plans.length} plans in the overview`);

const bare = new Hono().get('/bare', (c) => c.json({ ok: true }));
const baseline = await time('bare Hono route (same process, baseline)', async () => (await bare.request('/bare')).text(), 200);
const cold = await time(
  'GET /api/region/plans, cold (every summary computed)',
  async () => {
    db.delete(planSummaries).run();
    await get(`/api/region/plans?${q}`);
  },
  3,
);
const warm = await time('GET /api/region/plans, warm (summaries cached)   goal ≤ 300 ms', () => get(`/api/region/plans?${q}`));
console.log(`  ratio overview / bare route: ${(warm / baseline).toFixed(0)}× warm, ${(cold / baseline).toFixed(0)}× cold`);
const someId = (rows.plans[0] as { planId: string }).planId;
await time(
  'GET /api/region/plans after one plan changed (one summary computed)',
  async () => {
    const plan = readPlan(db, someId);
    updateSection({ ...ctx, planId: plan.id, section: 'textes', version: plan.versions.textes, data: { ...plan.textes, vision: `${performance.now()}` } });
    await get(`/api/region/plans?${q}`);
  },
  5,
);
await time('GET /api/region/overdue', () => get(`/api/region/overdue?${q}`));
await time('GET /api/region/queue', () => get(`/api/region/queue?${q}`), 5);
await time('GET /api/region/plans.xlsx (the overview as a workbook)', () => get(`/api/region/plans.xlsx?${q}`), 5);
await time('GET /api/region/consolidation (pivot code × indicateur × année)', () => get(`/api/region/consolidation?${q}`), 5);
for (const format of ['xlsx', 'csv'] as const) {
  const runs = [...Array(3)].map(() => {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--peak-export', file, format], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!) as { baseline: number; peak: number; ms: number; bytes: number; rows: number };
  });
  const ms = median(runs.map((r) => r.ms));
  const peak = median(runs.map((r) => r.peak));
  const above = median(runs.map((r) => r.peak - r.baseline));
  console.log(
    `consolidated ${format.toUpperCase()} (fresh process, 3 runs)${' '.repeat(format === 'csv' ? 22 : 21)} median ${(ms / 1000).toFixed(2)} s, peak RSS ${peak.toFixed(0)} MiB (+${above.toFixed(0)} MiB), ${runs[0]!.rows} rows, ${(runs[0]!.bytes / 2 ** 20).toFixed(1)} MiB   goal ≤ 5 s, ≤ 500 MiB`,
  );
}
console.log(`Load average at the end: ${load()}`);
db.$client.close();
