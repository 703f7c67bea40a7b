import { ImputationSchema } from '../schemas/finance.ts';
import type { PlanDocument } from '../schemas/plan.ts';

/** The Liège fiche plan's yearly budget, in cents: subvention PCS, part communale and art. 20 subsidy (spec §1.9). */
export const SUBVENTION = 166603768;
export const PART_COMMUNALE = 64697798;
export const ART20 = 11198108;

/**
 * The plan with, for each of `years`, imputations equal to the budget, as the municipal accounts book it: the
 * subvention on 84010 art. 465-48, the part communale on 84010 art. 161-01, the art.20 subsidy on function 84011.
 */
export function withBookedBudget(plan: PlanDocument, years: readonly number[]): PlanDocument {
  const imputations = years.flatMap((annee) =>
    [
      { id: `sub-${annee}`, annee, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Subvention PCS', montant: SUBVENTION },
      { id: `pc-${annee}`, annee, codeFonctionnel: '84010', articleEconomique: '161-01', libelle: 'Part communale', montant: PART_COMMUNALE },
      { id: `a20-${annee}`, annee, codeFonctionnel: '84011', articleEconomique: '465-48', libelle: 'Subside art.20', montant: ART20 },
    ].map((line) => ImputationSchema.parse(line)),
  );
  return { ...plan, imputations };
}

/** The same plan with the year's subvention PCS imputation (of `withBookedBudget`) moved by `delta` cents. */
export function withSubventionOff(plan: PlanDocument, year: number, delta: number): PlanDocument {
  return { ...plan, imputations: plan.imputations.map((l) => (l.id === `sub-${year}` ? { ...l, montant: l.montant + delta } : l)) };
}
