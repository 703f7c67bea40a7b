import { computeBudgetFigures } from '../../../schemas/budget.ts';
import { budgetOfYear, reconcileYear, type PartnerActionFigures, type PartnerReconciliation } from '../../../schemas/finance.ts';
import { MAX_CENTS, formatEuros } from '../../../schemas/numbers.ts';
import type { Transfer } from '../../../schemas/transfer.ts';
import type { PlanStore } from '../../state/plan-store.ts';
import type { CellOp } from '../../state/save-queue.ts';

/**
 * The model of "Transferts par année" (the view is `transferts.ts`): what each partner receives in each programme
 * year — a blank year means the fiche plan's annual amount, a typed amount replaces it for that year only — with
 * the year sums against the budget lines they must equal; and, for the chosen year, the convention amount and the
 * part du budget of each fiche a partner operates (the fiches' own target cells). Money is integer cents.
 */

export type YearRow =
  | { kind: 'partner'; transfer: Transfer }
  | { kind: 'sum'; label: string; art20Only: boolean }
  | { kind: 'budget'; label: string; line: 'subventionsInstitutions' | 'subventionsArt20' };

export type ConventionRow = { transferId: string; partenaire: string; first: boolean; action: PartnerActionFigures };

/** A cell changed in one of the grids, as the grid reports it (a number column gives a number or null). */
export type CellChange<Row> = { row: Row; key: string; value: unknown };

const amountOf = (value: unknown): number | null => (typeof value === 'number' ? value : null);

export type TransfertsModelDeps = {
  store: Pick<PlanStore, 'plan' | 'years' | 'cellValue' | 'cellVersion' | 'setCell' | 'indicator'>;
  /** The year whose conventions are shown (and highlighted in the transfers). */
  year: number;
};

export type TransfertsModel = ReturnType<typeof createTransfertsModel>;

export function createTransfertsModel({ store, year }: TransfertsModelDeps) {
  const yearTotal = (y: number, art20Only: boolean) => {
    const { transferred } = reconcileYear(store.plan, y);
    return art20Only ? transferred.art20 : transferred.total;
  };
  /** The budget line a year's sum must equal: the budget that applies to that year (latest version, else the fiche plan). */
  const budgetLineOf = (line: 'subventionsInstitutions' | 'subventionsArt20', y: number) =>
    line === 'subventionsArt20'
      ? budgetOfYear(store.plan, y).budget.recettes.subventionsArt20
      : budgetOfYear(store.plan, y).budget.depenses.subventionsInstitutions;
  let partnersOfYear = new Map<string, PartnerReconciliation>();
  const partnerOf = (transferId: string) => partnersOfYear.get(transferId)!;

  /** Sets the changed cells in the plan and answers them as the save queue sends them. */
  const setCells = (grid: 'transfer' | 'indicator-target', cells: { row: string; period: string; value: number | null }[]): CellOp[] =>
    cells.map(({ row, period, value }) => {
      store.setCell(grid, row, period, value);
      return { grid, row, period, value, version: store.cellVersion(grid, row, period) };
    });

  const model = {
    year,
    years: store.years,

    // ——— Transfers per year ———

    /** The partners, then the year sums (all, art.20) and the budget lines they must equal. */
    yearRows(): YearRow[] {
      return [
        ...store.plan.transferts.map((transfer): YearRow => ({ kind: 'partner', transfer })),
        { kind: 'sum', label: 'Σ transferts', art20Only: false },
        { kind: 'sum', label: 'Σ transferts art.20', art20Only: true },
        { kind: 'budget', label: 'Budget : subventions aux institutions et associations', line: 'subventionsInstitutions' },
        { kind: 'budget', label: 'Budget : subvention(s) art.20', line: 'subventionsArt20' },
      ];
    },

    /** A row's figure of year `y`: the amount typed for the year (blank: the annual amount applies), a sum, a budget line. */
    yearValue(row: YearRow, y: number): number | null {
      if (row.kind === 'partner') return store.cellValue('transfer', row.transfer.id, String(y));
      return row.kind === 'sum' ? yearTotal(y, row.art20Only) : budgetLineOf(row.line, y);
    },

    /** A row's annual figure of the fiche plan: the partner's amount, the sums, the fiche plan's budget lines. */
    annualValue(row: YearRow): number | null {
      if (row.kind === 'partner') return row.transfer.montant;
      if (row.kind === 'sum') return row.art20Only ? computeBudgetFigures(store.plan).art20Sum : computeBudgetFigures(store.plan).transfersSum;
      return row.line === 'subventionsArt20' ? store.plan.budget.recettes.subventionsArt20 : store.plan.budget.depenses.subventionsInstitutions;
    },

    /** What a cell of year `y` shows: where a budget comes from, whether a partner's amount is typed or the annual one. */
    yearNote(row: YearRow, y: number): string | null {
      if (row.kind === 'budget') return `Budget ${y} : ${budgetOfYear(store.plan, y).label}`;
      if (row.kind !== 'partner') return null;
      if (store.cellValue('transfer', row.transfer.id, String(y)) !== null) return `Montant saisi pour ${y}`;
      return row.transfer.montant === null
        ? 'Vide : aucun montant annuel dans la fiche plan'
        : `Vide : montant annuel de la fiche plan (${formatEuros(row.transfer.montant)})`;
    },

    /** A year's sum against the budget line it must equal (a blank counts as 0 against a figure); null when both are blank. */
    sumAgreement(row: YearRow & { kind: 'sum' }, y: number): 'total-ok' | 'total-wrong' | null {
      const budget = budgetLineOf(row.art20Only ? 'subventionsArt20' : 'subventionsInstitutions', y);
      const total = yearTotal(y, row.art20Only);
      if (budget === null && total === null) return null;
      return (budget ?? 0) === (total ?? 0) ? 'total-ok' : 'total-wrong';
    },

    /** Why a typed transfer is refused, or null. */
    checkAmount(value: unknown): string | null {
      if (typeof value !== 'number') return null;
      return value < 0 ? 'Le montant ne peut pas être négatif' : value > MAX_CENTS ? 'Montant trop grand' : null;
    },

    /** Partners' amounts typed for years: set in the plan; the cells to save (sums and budget lines are not edited). */
    editTransfers(changes: readonly CellChange<YearRow>[]): CellOp[] {
      return setCells(
        'transfer',
        changes.flatMap((c) => (c.row.kind === 'partner' ? [{ row: c.row.transfer.id, period: c.key, value: amountOf(c.value) }] : [])),
      );
    },

    // ——— Conventions of the chosen year ———

    /** Re-reads the partners' reconciliation of the year (after a change). */
    refreshPartners(): void {
      partnersOfYear = new Map(reconcileYear(store.plan, year).partners.map((p) => [p.transferId, p]));
    },

    /** One row per fiche a partner operates, the partner named on its first fiche. */
    conventionRows(): ConventionRow[] {
      return reconcileYear(store.plan, year).partners.flatMap((p) =>
        p.actions.map((action, i): ConventionRow => ({ transferId: p.transferId, partenaire: p.partenaire, first: i === 0, action })),
      );
    },

    /** The fiche's indicator a column edits: its convention amount or its part du budget; null when it has none. */
    indicatorOf(row: ConventionRow, key: string): string | null {
      return key === 'convention' ? row.action.conventionIndicatorId : key === 'partBudget' ? row.action.partBudgetIndicatorId : null;
    },

    unitOf(indicatorId: string | null) {
      return indicatorId ? (store.indicator(indicatorId)?.indicator.unit ?? null) : null;
    },

    /** The fiche's target of the year for the column's indicator. */
    targetValue(row: ConventionRow, key: string): number | null {
      const id = model.indicatorOf(row, key);
      return id ? store.cellValue('indicator-target', id, String(year)) : null;
    },

    /** A partner's figure, shown on its first fiche only. */
    partnerFigure(row: ConventionRow, read: (p: PartnerReconciliation) => number | null): number | null {
      return row.first ? read(partnerOf(row.transferId)) : null;
    },

    partnerStatus(row: ConventionRow): PartnerReconciliation['status'] | null {
      return row.first ? partnerOf(row.transferId).status : null;
    },

    /** Fiches' targets typed next to the transfer: set in the plan; the cells to save. */
    editConventions(changes: readonly CellChange<ConventionRow>[]): CellOp[] {
      return setCells(
        'indicator-target',
        changes.flatMap((c) => {
          const id = model.indicatorOf(c.row, c.key);
          return id ? [{ row: id, period: String(year), value: amountOf(c.value) }] : [];
        }),
      );
    },

    /** Fiches without a convention or a part du budget line (to be added in the fiche). */
    fichesMissingLines(rows: readonly ConventionRow[]): ConventionRow[] {
      return rows.filter((r) => r.action.conventionIndicatorId === null || r.action.partBudgetIndicatorId === null);
    },
  };
  model.refreshPartners();
  return model;
}
