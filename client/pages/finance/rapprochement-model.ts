import type { JustifiedFinding } from '../../../schemas/checks.ts';
import { reconcileYear, type ReconciliationLine, type ReconciliationLineId, type YearReconciliation } from '../../../schemas/finance.ts';
import { buildPath, isPathUnder } from '../../../schemas/plan-path.ts';
import { financeHref, sectionHref } from '../../router.ts';

/**
 * The model of "Rapprochement {année}" (the view is `rapprochement.ts`): the budget that applies, the E-compte
 * imputations and the partner transfers of one programme year compared to the cent by `reconcileYear`, on the plan
 * as edited (the same function as the API, the checks and the exports), the counts the summary shows, where each
 * figure is entered, and the year's findings. No DOM: every answer is computed from the plan when asked.
 */

const budgetField = (key: string) => buildPath('budget', 'recettes', key);

/** Where the budget figure of a line is typed in the fiche plan (when no yearly version is recorded). */
const BUDGET_FIELD: Partial<Record<ReconciliationLineId, string>> = {
  equilibre: budgetField('total'),
  'subvention-pcs': budgetField('subventionPcs'),
  'part-communale': budgetField('partCommunale'),
  'pcs-et-communale': budgetField('subventionPcs'),
  'part-communale-minimum': budgetField('partCommunale'),
  art20: budgetField('subventionsArt20'),
  transferts: buildPath('budget', 'depenses', 'subventionsInstitutions'),
};

/** The findings a year's reconciliation shows: its own lines, and the partners' convention amounts of that year. */
export function findingsOfYear(findings: readonly JustifiedFinding[], year: number): JustifiedFinding[] {
  return findings.filter(
    (f) =>
      (f.rule.startsWith('rapprochement-') && isPathUnder(f.path, buildPath('finance', year))) ||
      (f.rule === 'convention-transfert' && (f.message.includes(` en ${year}`) || !/ en \d{4}/.test(f.message))),
  );
}

/** A figure's link: the page or field where it is entered, and what the tooltip says it is. */
export type FigureTarget = { href: string; title: string };

/** The reconciliation of the year with what the summary counts. */
export type ReconciliationView = {
  rec: YearReconciliation;
  /** Lines whose figures disagree (`ecart`) / lack a figure (`incomplet`). */
  disagreements: number;
  incomplete: number;
};

/** The year's findings as the page groups them: the lines' own, then the partners' conventions. */
export type FindingsView = {
  all: JustifiedFinding[];
  lines: JustifiedFinding[];
  conventions: JustifiedFinding[];
  /** Findings with a justification that still holds (not outdated). */
  justified: number;
};

export type RapprochementModelDeps = {
  store: { readonly plan: Parameters<typeof reconcileYear>[0]; justifiedChecks(): JustifiedFinding[] };
  planId: string;
  year: number;
};

export type RapprochementModel = ReturnType<typeof createRapprochementModel>;

export function createRapprochementModel({ store, planId, year }: RapprochementModelDeps) {
  const hrefs = {
    budgets: financeHref(planId, 'budgets', year),
    booked: financeHref(planId, 'imputations', year),
    transfers: financeHref(planId, 'transferts', year),
  };
  return {
    year,
    hrefs,
    /** The imputations and transfers of the year lead to their pages. */
    bookedTarget: { href: hrefs.booked, title: `Imputations E-compte ${year}` } satisfies FigureTarget,
    transfersTarget: { href: hrefs.transfers, title: `Transferts ${year}` } satisfies FigureTarget,

    reconcile(): ReconciliationView {
      const rec = reconcileYear(store.plan, year);
      return {
        rec,
        disagreements: rec.lines.filter((l) => l.status === 'ecart').length,
        incomplete: rec.lines.filter((l) => l.status === 'incomplet').length,
      };
    },

    /**
     * Where a budget figure is entered: the year's budget versions when one is recorded, else the field of the
     * fiche plan's annual budget the line compares (the total of the recettes for the summary, `line` null).
     */
    budgetTarget(rec: YearReconciliation, line: ReconciliationLine | null): FigureTarget {
      if (rec.budget.version) return { href: hrefs.budgets, title: `Budget ${year} : ${rec.budget.label}` };
      return {
        href: sectionHref(planId, 'budget', line ? BUDGET_FIELD[line.id] : budgetField('total')),
        title: 'Budget annuel de la fiche plan (aucune version enregistrée pour cette année)',
      };
    },

    findings(): FindingsView {
      const all = findingsOfYear(store.justifiedChecks(), year);
      return {
        all,
        lines: all.filter((f) => f.rule.startsWith('rapprochement-')),
        conventions: all.filter((f) => !f.rule.startsWith('rapprochement-')),
        justified: all.filter((f) => f.justification && !f.justification.outdated).length,
      };
    },

    /** A line's finding points at its line of this page; a partner's, at the year's transfers and conventions. */
    findingHref(f: JustifiedFinding): string {
      return f.path.startsWith('finance.') ? financeHref(planId, 'rapprochement', year, f.path) : hrefs.transfers;
    },
  };
}
