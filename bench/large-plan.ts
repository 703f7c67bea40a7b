/**
 * A plan `factor` times the Liège sample's size for the benches: the sample's fiches (with their indicators and
 * yearly values) copied `factor - 1` more times under new ids, imported through `importPlanDocument` like any plan.
 */
import { readSampleDocument } from '../samples/load-sample.ts';
import { importPlanDocument } from '../server/services/plans.ts';
import type { ServiceContext } from '../server/services/context.ts';
import type { Plan } from '../schemas/plan.ts';

export function seedLargePlan(ctx: ServiceContext, factor: number): Plan {
  const doc = readSampleDocument();
  const fiches = doc.actions ?? [];
  const copies = Array.from({ length: factor - 1 }, (_, k) =>
    // Every id of a fiche starts with the fiche's own id (`a01`, `a01-i01`, `a01-p01`): renamed together.
    fiches.map((action) => JSON.parse(JSON.stringify(action).replace(/"(a\d+)(-[^"]*)?"/g, (_m, id: string, rest = '') => `"${id}x${k + 2}${rest}"`))),
  );
  return importPlanDocument({ ...ctx, document: { ...doc, actions: [...fiches, ...copies.flat()] } });
}
