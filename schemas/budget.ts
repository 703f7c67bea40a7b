import { z } from 'zod';
import { formatPercent, ratioHundredthsOfPercent, sumOrNull } from './numbers.ts';
import { optCents } from './primitives.ts';
import type { Transfer } from './transfer.ts';

/** The budget of the fiche plan (spec §1.9) and of each yearly version: integer cents, blank = null. */
export const BudgetSchema = z
  .object({
    recettes: z
      .object({
        /** Total as typed on the form; null = not typed (the sum of the lines is shown). */
        total: optCents,
        subventionPcs: optCents,
        partCommunale: optCents,
        subventionsArt20: optCents,
        autres: optCents,
      })
      .strict()
      .default({ total: null, subventionPcs: null, partCommunale: null, subventionsArt20: null, autres: null }),
    depenses: z
      .object({
        total: optCents,
        personnel: optCents,
        fonctionnement: optCents,
        investissement: optCents,
        /** "Subventions aux institutions et associations (y compris art.20)". */
        subventionsInstitutions: optCents,
      })
      .strict()
      .default({ total: null, personnel: null, fonctionnement: null, investissement: null, subventionsInstitutions: null }),
  })
  .strict();
export type Budget = z.output<typeof BudgetSchema>;

export type RecetteLine = Exclude<keyof Budget['recettes'], 'total'>;
export type DepenseLine = Exclude<keyof Budget['depenses'], 'total'>;

/** The budget's lines as the official form names them, in form order (pages, exports and version differences). */
export const RECETTES_LINES: readonly { key: RecetteLine; label: string }[] = [
  { key: 'subventionPcs', label: 'Subvention PCS' },
  { key: 'partCommunale', label: 'Part communale' },
  { key: 'subventionsArt20', label: 'Subvention(s) art.20' },
  { key: 'autres', label: 'Autre(s) subv./recette(s)' },
];
export const DEPENSES_LINES: readonly { key: DepenseLine; label: string }[] = [
  { key: 'personnel', label: 'Frais de personnel' },
  { key: 'fonctionnement', label: 'Frais de fonctionnement' },
  { key: 'investissement', label: "Frais d'investissement" },
  { key: 'subventionsInstitutions', label: 'Subventions aux institutions et associations (y compris art.20)' },
];

/** The part communale must be at least 25 % of the subvention PCS. */
export const PART_COMMUNALE_MINIMUM_PERCENT = 25;
/** The minimum as every page, sheet and message prints it (`formatPercent`): « 25,0 % ». */
export const PART_COMMUNALE_MINIMUM_TEXT = formatPercent(PART_COMMUNALE_MINIMUM_PERCENT * 100);

/** The smallest part communale that reaches the decree's minimum for a subvention; null without a subvention. */
export function partCommunaleMinimumOf(subventionPcs: number | null): number | null {
  return subventionPcs !== null && subventionPcs > 0 ? Math.ceil((subventionPcs * PART_COMMUNALE_MINIMUM_PERCENT) / 100) : null;
}

export type BudgetFigures = {
  /** Σ of the recettes lines / of the dépenses lines; null when every line is blank. */
  recettesSum: number | null;
  depensesSum: number | null;
  /** The totals that count: as typed on the form when typed, else the sums. */
  totalRecettes: number | null;
  totalDepenses: number | null;
  /** Σ of the partner transfers, and of those under art.20. */
  transfersSum: number | null;
  art20Sum: number | null;
  /** Part communale / subvention PCS in hundredths of a percent; null when not computable. */
  partCommunaleRatio: number | null;
  /** Smallest part communale that reaches the minimum, in cents; null without a subvention PCS. */
  partCommunaleMinimum: number | null;
};

/**
 * Every figure of the budget that the checks, the grid's totals and the exports show, in integer cents, computed
 * once here so that they cannot disagree.
 */
export function computeBudgetFigures(plan: { budget: Budget; transferts: readonly Pick<Transfer, 'montant' | 'art20'>[] }): BudgetFigures {
  const { recettes: r, depenses: d } = plan.budget;
  const recettesSum = sumOrNull([r.subventionPcs, r.partCommunale, r.subventionsArt20, r.autres]);
  const depensesSum = sumOrNull([d.personnel, d.fonctionnement, d.investissement, d.subventionsInstitutions]);
  return {
    recettesSum,
    depensesSum,
    totalRecettes: r.total ?? recettesSum,
    totalDepenses: d.total ?? depensesSum,
    transfersSum: sumOrNull(plan.transferts.map((t) => t.montant)),
    art20Sum: sumOrNull(plan.transferts.filter((t) => t.art20 === true).map((t) => t.montant)),
    partCommunaleRatio: ratioHundredthsOfPercent(r.partCommunale, r.subventionPcs),
    partCommunaleMinimum: partCommunaleMinimumOf(r.subventionPcs),
  };
}
