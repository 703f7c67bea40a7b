/**
 * Validates a sample plan against the schemas and prints what a reviewer needs to compare it with the source:
 * every schema issue with its path, then per action each indicator row with its computed and typed ex-ante.
 * Usage: npx tsx server/cli/check-sample.ts [sample-name] [--action a01]
 */
import { readSampleDocument } from '../../samples/load-sample.ts';
import { PlanDocumentSchema } from '../../schemas/plan.ts';
import { ActionSchema } from '../../schemas/action.ts';
import { aggregateIndicator } from '../../schemas/indicator.ts';
import { formatUnitValue } from '../../schemas/numbers.ts';
import { pathOfIssue } from '../../schemas/plan-path.ts';
import programmes from '../../templates/programmes.json' with { type: 'json' };

const args = process.argv.slice(2);
const only = args.includes('--action') ? args[args.indexOf('--action') + 1] : undefined;
const name = args.find((a) => !a.startsWith('--') && a !== only);
const doc = readSampleDocument(name);
const programme = programmes.find((p) => p.id === doc.programmeId) ?? programmes[0]!;

let failed = false;
for (const raw of doc.actions ?? []) {
  const r = ActionSchema.safeParse(raw);
  const id = (raw as { id?: string }).id ?? '?';
  if (!r.success) {
    failed = true;
    for (const i of r.error.issues) console.log(`ERREUR action ${id} ${pathOfIssue(i.path)}: ${i.message}`);
    continue;
  }
  if (only && id !== only) continue;
  const a = r.data;
  console.log(`\n== ${a.id} ${a.code} ${a.fiche.operateur.organisme ?? '(équipe PCS)'} — ${a.indicators.length} indicateurs`);
  for (const ind of a.indicators) {
    const agg = aggregateIndicator(ind, programme.years);
    const years = programme.years.map((y) => {
      const v = ind.values[String(y)]?.target ?? null;
      return v === null ? '_' : formatUnitValue(v, ind.unit);
    });
    const fmt = (v: number | null) => (v === null ? '_' : formatUnitValue(v, ind.unit));
    const flag = agg.exAnteDiffers ? `  ⚠ typé ${fmt(ind.exAnte)} ≠ calculé ${fmt(agg.computedExAnte)}` : '';
    console.log(`  [${ind.category}/${ind.unit}] ${ind.label.slice(0, 70)} | ex-ante ${fmt(agg.exAnte)} | ${years.join(' · ')}${flag}`);
  }
}
const full = PlanDocumentSchema.safeParse(doc);
if (!full.success) {
  failed = true;
  for (const i of full.error.issues) console.log(`ERREUR plan ${pathOfIssue(i.path)}: ${i.message}`);
} else {
  console.log(`\nDocument valide : ${full.data.actions.length} actions, ${full.data.transferts.length} transferts.`);
}
process.exit(failed ? 1 : 0);
