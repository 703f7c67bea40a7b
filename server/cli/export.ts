/**
 * `npm run export -- --plan <id> --format xlsx|pdf [--annee <année>] --out <file>`: writes a plan of the database of
 * DATA_DIR as the official workbook or PDF. `--plan` may be omitted when the database holds a single plan; `--out`
 * defaults to the download name ("PCS Liège <années>.xlsx", "PCS Liège <années> - rapport <année>.pdf") in the
 * current folder; `--annee` is the PDF's report year (by default the last finished year of the programme).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { loadReference } from '../services/programmes.ts';
import { listPlans } from '../services/plans.ts';
import { exportPlanWorkbook } from '../services/workbook.ts';
import { createPdfExports, exportPlanPdf } from '../services/pdf.ts';

const FORMATS = ['xlsx', 'pdf'];

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({
  options: { plan: { type: 'string' }, format: { type: 'string', default: 'xlsx' }, annee: { type: 'string' }, out: { type: 'string' } },
  strict: true,
});
if (!FORMATS.includes(values.format!)) fail(`Format inconnu : ${values.format} (formats : ${FORMATS.join(', ')})`);
if (values.annee !== undefined && !/^\d{4}$/.test(values.annee)) fail(`Année invalide : ${values.annee} (AAAA)`);

const config = parseConfig(process.env);
const db = openDatabase(config.databaseFile);
const ctx = { db, reference: loadReference(db), pdf: createPdfExports({ maxWorkers: 1 }) };
const plans = listPlans(ctx);
const planId = values.plan ?? (plans.length === 1 ? plans[0]!.id : null);
if (!planId) {
  fail(`Précisez --plan parmi :\n${plans.map((p) => `  ${p.id}  ${p.commune} (${p.programmeId})`).join('\n') || '  (aucun plan dans la base)'}`);
}
if (!plans.some((p) => p.id === planId)) fail(`Plan introuvable : ${planId}`);
const t0 = performance.now();
try {
  const { filename, bytes } =
    values.format === 'pdf'
      ? await exportPlanPdf({ ...ctx, planId, annee: values.annee === undefined ? undefined : Number(values.annee) })
      : await exportPlanWorkbook({ ...ctx, planId });
  const out = values.out ?? filename;
  writeFileSync(out, bytes);
  console.log(`${out} : ${(bytes.length / 1024).toFixed(0)} ko, ${(performance.now() - t0).toFixed(0)} ms`);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
} finally {
  await ctx.pdf.pool.close();
  db.$client.close();
}
