/**
 * `npm run bench:uploads`: every hostile upload (bench/hostile-files.ts) through the real import services, each in a
 * fresh process, beside the honest Liège workbook import as baseline: time of the import call, peak resident memory
 * above the process's baseline (sampled every 2 ms), heap growth, and the French refusal. `-- --before` also runs the workbooks
 * through the guard this one replaced (the sizes declared by the ZIP directory, then exceljs), to show what the drills
 * found: expect seconds and gigabytes there. Figures go to README-snippets/uploads.md with the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { MAX_IMPUTATION_FILE_BYTES } from '../schemas/imputation-import.ts';
import { openDatabase } from '../server/db/open.ts';
import { AppError } from '../server/errors.ts';
import { loadReference } from '../server/services/programmes.ts';
import { seedSample } from '../server/services/seed.ts';
import { importImputationFile } from '../server/services/finance.ts';
import { exportPlanWorkbook, importPlanWorkbook } from '../server/services/workbook.ts';
import { readZipDirectory } from '../server/zip.ts';
import { hostileCsvFiles, hostileWorkbooks } from './hostile-files.ts';

const db = openDatabase(':memory:');
let nextId = 0;
const ctx = { db, reference: loadReference(db), newId: () => `bench-${++nextId}` };
const plan = seedSample(ctx);
const planId = plan.id;

type Mode = 'workbook' | 'imputations' | 'before';
type Measure = { ms: number; rssMb: number; heapMb: number; outcome: string };

/** The guard as it was: the sizes the ZIP directory declares, summed, then exceljs unpacks whatever the file holds. */
async function importBefore(bytes: Uint8Array): Promise<string> {
  const dir = readZipDirectory(bytes, 2_000);
  if ('problem' in dir) return `refusé : ${dir.problem}`;
  if (dir.entries.reduce((n, e) => n + e.size, 0) > 100 * 1024 * 1024) return 'refusé : décompressé > 100 Mo (déclaré)';
  try {
    await new ExcelJS.Workbook().xlsx.load(new Uint8Array(bytes).buffer);
    return 'ACCEPTÉ par exceljs';
  } catch {
    return 'refusé : fichier endommagé (après décompression)';
  }
}

const [flag, mode, file] = process.argv.slice(2);
if (flag === '--child') {
  const bytes = new Uint8Array(readFileSync(file!));
  // Resident memory sampled while the import runs (it yields between chunks), above what it was just before.
  const rss0 = process.memoryUsage.rss();
  let rssPeak = rss0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 2);
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  let outcome: string;
  try {
    if (mode === 'before') outcome = await importBefore(bytes);
    else {
      const run = mode === 'workbook' ? importPlanWorkbook : importImputationFile;
      await run({ ...ctx, planId, bytes, apply: false, fingerprint: null });
      outcome = 'lu (aperçu)';
    }
  } catch (e) {
    outcome = e instanceof AppError ? `refusé : ${e.message}` : `ERREUR ${String(e)}`;
  }
  const ms = performance.now() - t0;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  const measure: Measure = {
    ms,
    rssMb: (rssPeak - rss0) / 2 ** 20,
    heapMb: (process.memoryUsage().heapUsed - heap0) / 2 ** 20,
    outcome,
  };
  console.log(JSON.stringify(measure));
  process.exit(0);
}

const before = process.argv.includes('--before');
const dir = mkdtempSync(join(tmpdir(), 'cohesio-uploads-'));
const self = fileURLToPath(import.meta.url);
const tsx = join(fileURLToPath(new URL('..', import.meta.url)), 'node_modules', '.bin', 'tsx');

function measure(m: Mode, name: string, bytes: Uint8Array): Measure {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  const out = execFileSync(tsx, [self, '--child', m, path], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Measure;
}

console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
const { bytes: honest } = await exportPlanWorkbook({ ...ctx, planId });
const t0 = performance.now();
const workbooks = hostileWorkbooks(honest);
const csvs = hostileCsvFiles(MAX_IMPUTATION_FILE_BYTES);
console.log(`${workbooks.length} hostile workbooks and ${csvs.length} hostile CSV files built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

const rows: { file: string; kb: number; route: string; m: Measure }[] = [];
const baseline = measure('workbook', 'liege.xlsx', honest);
rows.push({ file: 'liege.xlsx (honnête)', kb: honest.length / 1024, route: 'import.xlsx', m: baseline });
for (const f of workbooks) rows.push({ file: f.name, kb: f.bytes.length / 1024, route: 'import.xlsx', m: measure('workbook', `${f.name}.xlsx`, f.bytes) });
const csvBaseline = readFileSync(fileURLToPath(new URL('../samples/imputations/liege-imputations-2021.csv', import.meta.url)));
rows.push({
  file: 'liege-imputations-2021.csv (honnête)',
  kb: csvBaseline.length / 1024,
  route: 'imputations',
  m: measure('imputations', 'liege.csv', csvBaseline),
});
for (const f of csvs) rows.push({ file: f.name, kb: f.bytes.length / 1024, route: 'imputations', m: measure('imputations', `${f.name}.csv`, f.bytes) });
if (before) {
  for (const f of [{ name: 'liege.xlsx (honnête)', bytes: honest }, ...workbooks]) {
    rows.push({ file: f.name, kb: f.bytes.length / 1024, route: 'AVANT (annuaire ZIP + exceljs)', m: measure('before', `before-${f.name}.xlsx`, f.bytes) });
  }
}

console.log('\n| fichier | Ko | route | temps | × Liège | pic RSS | tas | issue |');
console.log('|---|---:|---|---:|---:|---:|---:|---|');
for (const r of rows) {
  const ratio = r.m.ms / baseline.ms;
  console.log(
    `| ${r.file} | ${r.kb.toFixed(0)} | ${r.route} | ${r.m.ms.toFixed(0)} ms | ${ratio.toFixed(2)} | +${r.m.rssMb.toFixed(0)} Mo | ${r.m.heapMb >= 0 ? '+' : ''}${r.m.heapMb.toFixed(0)} Mo | ${r.m.outcome.slice(0, 110)} |`,
  );
}
const hostileRows = rows.filter((r) => !r.file.includes('honnête') && !r.route.startsWith('AVANT'));
const worstMs = Math.max(...hostileRows.map((r) => r.m.ms));
const worstRss = Math.max(...hostileRows.map((r) => r.m.rssMb));
console.log(`\nHostile files now: slowest ${worstMs.toFixed(0)} ms, highest peak RSS +${worstRss.toFixed(0)} Mo (goal: < 1 s, < +100 Mo).`);
rmSync(dir, { recursive: true, force: true });
