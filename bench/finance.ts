/**
 * `npm run bench:finance`: the finance officer's operations on the Liège sample with a real SQLite file, with a
 * full year of E-compte imputations (the largest file accepted: 5 000 lines). Prints medians; nothing is asserted.
 */
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../server/db/open.ts';
import { loadReference } from '../server/services/programmes.ts';
import { seedSample } from '../server/services/seed.ts';
import { getPlanChecks } from '../server/services/checks.ts';
import { getReconciliation, importImputationFile } from '../server/services/finance.ts';
import { MAX_IMPUTATION_FILE_LINES } from '../schemas/imputation-import.ts';
import { formatBelgianNumber } from '../schemas/numbers.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(label: string, fn: () => unknown, before?: () => Promise<void>): Promise<number> {
  await before?.();
  await fn(); // warm-up
  const xs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await before?.();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fn();
    const c = process.cpuUsage(c0);
    xs.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  // CPU time of this process beside the wall time: on a shared machine the steadier of the two.
  console.log(
    `${label.padEnd(64)} median ${median(xs).toFixed(2).padStart(8)} ms   min ${Math.min(...xs).toFixed(2)} ms   CPU ${median(cpu).toFixed(0)} ms   (${RUNS} runs)`,
  );
  return median(xs);
}

const dir = mkdtempSync(join(tmpdir(), 'cohesio-bench-finance-'));
const db = openDatabase(join(dir, 'bench.sqlite'));
const reference = loadReference(db);
const ctx = { db, reference };
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}; load average ${load()}`,
);

const plan = seedSample(ctx);
const programme = reference.programmes.find((p) => p.id === plan.programmeId)!;
const year = programme.years[1]!;
const lines = Array.from({ length: MAX_IMPUTATION_FILE_LINES }, (_, i) => {
  const code = i % 10 === 0 ? '84011;435-01' : i % 3 === 0 ? '84010;465-48' : '84010;111-01';
  return `${year};${code};Imputation ${i + 1};${formatBelgianNumber(100_000 + i * 37, 2)}`;
});
const bytes = new TextEncoder().encode(['Année;Code fonctionnel;Article économique;Libellé;Montant', ...lines].join('\n'));
console.log(`File: ${MAX_IMPUTATION_FILE_LINES} lines, ${(bytes.length / 1024).toFixed(0)} kB`);

await time(`preview of a ${MAX_IMPUTATION_FILE_LINES}-line CSV of imputations`, () =>
  importImputationFile({ ...ctx, planId: plan.id, bytes, apply: false, fingerprint: null }),
);
// The apply request alone (the file read again, checked against the preview's fingerprint, the year's lines replaced,
// one audit entry listing every line removed and added), then preview and apply together as the person does them.
let fingerprint: string | null = null;
const applyMs = await time(
  `apply it alone (replace the year's lines, 1 transaction, 1 audit entry)`,
  () => importImputationFile({ ...ctx, planId: plan.id, bytes, apply: true, fingerprint }),
  async () => {
    fingerprint = ((await importImputationFile({ ...ctx, planId: plan.id, bytes, apply: false, fingerprint: null })) as { fingerprint: string }).fingerprint;
  },
);
const bothMs = await time(`preview, then apply`, async () => {
  const preview = await importImputationFile({ ...ctx, planId: plan.id, bytes, apply: false, fingerprint: null });
  await importImputationFile({ ...ctx, planId: plan.id, bytes, apply: true, fingerprint: preview.fingerprint });
});
console.log(`  goal ≤ 300 ms: apply ${applyMs.toFixed(0)} ms, preview then apply ${bothMs.toFixed(0)} ms`);
await time(`reconciliation of one year (${MAX_IMPUTATION_FILE_LINES} imputations)`, () => getReconciliation({ ...ctx, planId: plan.id, annee: year }));
await time(`reconciliation of every programme year`, () => getReconciliation({ ...ctx, planId: plan.id }));
await time(`checks of the plan, reconciliation included`, () => getPlanChecks({ ...ctx, planId: plan.id }));
console.log(`Load average at the end: ${load()}`);
console.log(`Peak RSS after the runs: ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
db.$client.close();
rmSync(dir, { recursive: true, force: true });
