import { formatDateTime } from '../../../schemas/dates.ts';
import { NO, YES } from '../../../schemas/enums.ts';
import {
  IMPUTATION_NATURES,
  IMPUTATION_NATURE_LABELS,
  FUNCTIONAL_CODES,
  RECONCILIATION_STATUS_LABELS,
  bookedTotals,
  budgetOfYear,
  describeBudgetVersion,
  describeTransferSource,
  diffBudgets,
  natureOf,
  reconcileYear,
  versionsOfYear,
  type BudgetLineChange,
  type BudgetVersion,
  type PartnerReconciliation,
} from '../../../schemas/finance.ts';
import { formatEuros } from '../../../schemas/numbers.ts';
import type { Plan } from '../../../schemas/plan.ts';
import {
  DATE_FORMAT,
  NUMBER_FORMATS,
  SheetBuilder,
  isoToDate,
  toSpreadsheetNumber,
  wrappedHeight,
  type CellStyle,
  type LayoutCell,
  type SheetLayout,
} from './model.ts';

/**
 * The finance officer's records as read-only sheets: the budget versions of each year with their differences, the
 * E-compte imputations, and the reconciliation of each year. Every figure comes from `schemas/finance.ts` (the
 * functions the finance page shows); money cells hold numbers in euros with the workbook's euro format, a blank
 * figure is an empty cell (never 0). Every text is written as a plain string value, never as a formula.
 */

export const BUDGETS_SHEET = 'Budgets annuels';
export const IMPUTATIONS_SHEET = 'Imputations';
export const RECONCILIATION_SHEET = 'Rapprochement';

const euro = (col: number, cents: number | null, style: CellStyle = 'static'): LayoutCell => ({
  col,
  value: cents === null ? null : toSpreadsheetNumber(cents, 2),
  style,
  numFmt: NUMBER_FORMATS.euro,
});
const percent = (col: number, hundredths: number | null, style: CellStyle = 'static'): LayoutCell => ({
  col,
  value: hundredths === null ? null : toSpreadsheetNumber(hundredths, 4),
  style,
  numFmt: NUMBER_FORMATS.percent,
});
const text = (col: number, value: string | null, style: CellStyle = 'static', span?: number): LayoutCell => ({
  col,
  value,
  style,
  ...(span && span > 1 ? { span } : {}),
});
const headerRow = (titles: readonly string[], from = 2): LayoutCell[] => titles.map((value, i) => text(from + i, value, 'tableHeader'));
const yesNo = (v: boolean | null) => (v === null ? null : v ? YES : NO);

/** "Actualisation 1", "Prévisionnel": the kind and rank of a version, as `describeBudgetVersion` names it. */
function shortVersionName(all: readonly BudgetVersion[], v: BudgetVersion): string {
  return describeBudgetVersion(all, v).split(' — ')[0]!;
}

/** The sheet's name and its title row (null: no title row, for a part printed after another one). */
type LayoutOptions = { name: string; title: string | null };

/**
 * Per year, every recorded version of its budget side by side (description, date of decision, author, recording
 * time, comment, every line and the totals that count), then each version's difference from the previous one; a
 * year without version says that the fiche plan's annual budget applies.
 */
export function layoutBudgetVersions(plan: Plan, years: readonly number[], { name, title }: LayoutOptions): SheetLayout {
  const all = plan.budgetsAnnuels;
  const widest = Math.max(1, ...years.map((y) => versionsOfYear(all, y).length));
  const lastCol = 2 + widest;
  const widths = [2, 58, ...Array.from({ length: widest }, () => 22)];
  const b = new SheetBuilder();
  if (title !== null) b.add([text(2, title, 'title', lastCol - 1)]);

  for (const year of years) {
    const versions = versionsOfYear(all, year);
    const applies = budgetOfYear(plan, year);
    b.blank();
    b.add([text(2, `Budget ${year}`, 'section', lastCol - 1)]);
    b.add([text(2, `Budget qui s'applique en ${year} : ${applies.label}`, 'note', lastCol - 1)]);
    if (versions.length === 0) continue;

    const names = versions.map((v) => describeBudgetVersion(all, v));
    b.add(headerRow(['Version', ...names]), { height: Math.max(...names.map((n) => wrappedHeight(n, 22))) });
    b.add([
      text(2, 'Date de la décision', 'label'),
      ...versions.map((v, i) => ({ col: 3 + i, value: isoToDate(v.dateDecision), style: 'static' as const, numFmt: DATE_FORMAT })),
    ]);
    b.add([text(2, 'Auteur', 'label'), ...versions.map((v, i) => text(3 + i, v.auteur))]);
    b.add([text(2, 'Enregistrée le', 'label'), ...versions.map((v, i) => text(3 + i, formatDateTime(v.enregistreLe)))]);
    const comments = versions.map((v) => v.commentaire);
    b.add([text(2, 'Commentaire', 'label'), ...comments.map((c, i) => text(3 + i, c))], {
      height: Math.max(...comments.map((c) => wrappedHeight(c, 22))),
    });
    // Each version against the previous one (the first against itself: its own figures, no difference).
    const changes: BudgetLineChange[][] = versions.map((v, i) => diffBudgets((versions[i - 1] ?? v).budget, v.budget));
    const lines = changes[0]!;
    lines.forEach((line, l) => {
      const style: CellStyle = line.key === 'total' ? 'total' : 'static';
      b.add([text(2, line.label, line.key === 'total' ? 'total' : 'label'), ...changes.map((c, i) => euro(3 + i, c[l]!.after, style))]);
    });

    if (versions.length < 2) continue;
    b.add([text(2, `Écarts avec la version précédente (${year})`, 'subtitle', lastCol - 1)]);
    const pairs = versions.slice(1).map((v, i) => `${shortVersionName(all, v)} − ${shortVersionName(all, versions[i]!)}`);
    b.add(headerRow(['Ligne', ...pairs]), { height: Math.max(...pairs.map((p) => wrappedHeight(p, 22))) });
    lines.forEach((line, l) => {
      const style: CellStyle = line.key === 'total' ? 'total' : 'static';
      b.add([text(2, line.label, line.key === 'total' ? 'total' : 'label'), ...changes.slice(1).map((c, i) => euro(3 + i, c[l]!.delta, style))]);
    });
  }
  return { name, key: null, widths, rows: b.rows, frozenRows: title === null ? 0 : 1, landscape: true, protect: false };
}

/**
 * Every E-compte imputation (year, functional code, economic article, label, amount, nature and whether the nature
 * comes from the documented rule or was set by the officer), then the totals per year and nature.
 */
export function layoutImputations(plan: Plan, { name, title }: LayoutOptions): SheetLayout {
  const b = new SheetBuilder();
  const lastCol = 9;
  const widths = [2, 9, 16, 28, 16, 44, 17, 17, 34];
  if (title !== null) b.add([text(2, title, 'title', lastCol - 1)]);
  const lines = [...plan.imputations].sort((x, y) => x.annee - y.annee);
  if (lines.length === 0) {
    b.add([text(2, 'Aucune imputation E-compte enregistrée : le rapprochement compare le budget et les transferts seulement.', 'note', lastCol - 1)]);
    return { name, key: null, widths, rows: b.rows, frozenRows: title === null ? 0 : 1, landscape: true, protect: false };
  }
  const first = b.add(headerRow(['Année', 'Code fonctionnel', 'Fonction', 'Article économique', 'Libellé', 'Montant', 'Nature', 'Nature établie par']));
  for (const l of lines) {
    b.add([
      { col: 2, value: l.annee, style: 'static', numFmt: NUMBER_FORMATS.year },
      text(3, l.codeFonctionnel),
      text(4, FUNCTIONAL_CODES[l.codeFonctionnel]),
      text(5, l.articleEconomique),
      text(6, l.libelle),
      euro(7, l.montant),
      text(8, IMPUTATION_NATURE_LABELS[natureOf(l)]),
      text(9, l.nature === null ? 'Règle de classement (fonction et article)' : 'Choisie manuellement'),
    ]);
  }
  const autoFilter = `B${first}:I${b.next - 1}`;

  b.blank();
  b.add([text(2, 'Totaux par année et par nature', 'section', lastCol - 1)]);
  b.add(headerRow(['Année', ...IMPUTATION_NATURES.map((n) => IMPUTATION_NATURE_LABELS[n]), 'Total', "Nombre d'imputations"]));
  for (const year of new Set(lines.map((l) => l.annee))) {
    const totals = bookedTotals(plan.imputations, year);
    b.add([
      { col: 2, value: year, style: 'total', numFmt: NUMBER_FORMATS.year },
      ...IMPUTATION_NATURES.map((n, i) => euro(3 + i, totals[n], 'total')),
      euro(3 + IMPUTATION_NATURES.length, totals.total, 'total'),
      { col: 4 + IMPUTATION_NATURES.length, value: totals.lines, style: 'total', numFmt: NUMBER_FORMATS.count },
    ]);
  }
  return { name, key: null, widths, rows: b.rows, frozenRows: title === null ? 0 : 1, landscape: true, protect: false, autoFilter };
}

/**
 * Per year, the reconciliation lines of `reconcileYear` (budget, booked, transferred, each difference, status and
 * where each figure comes from), each partner's transfer against the convention amounts of its fiches, and the
 * sum of the fiches' shares of the budget.
 */
export function layoutReconciliation(plan: Plan, years: readonly number[], { name, title }: LayoutOptions): SheetLayout {
  const lastCol = 9;
  const widths = [2, 46, 18, 18, 18, 18, 24, 14, 58];
  const b = new SheetBuilder();
  if (title !== null) b.add([text(2, title, 'title', lastCol - 1)]);
  for (const year of years) {
    const rec = reconcileYear(plan, year);
    b.blank();
    b.add([text(2, `Rapprochement ${year}`, 'section', lastCol - 1)]);
    const { typed, fromFichePlan } = rec.transferred;
    const summary =
      `Budget : ${rec.budget.label}. ` +
      `Imputations E-compte ${year} : ${rec.booked.lines}. ` +
      `Transferts ${year} : ${typed} montant${typed > 1 ? 's' : ''} saisi${typed > 1 ? 's' : ''} pour l'année, ${fromFichePlan} repris de la fiche plan.`;
    b.add([text(2, summary, 'note', lastCol - 1)], { height: wrappedHeight(summary, 200) });

    b.add(headerRow(['Ligne', 'Budget', 'Imputé', 'Transféré', 'Écart', 'Écart calculé', 'Statut', 'Origine des chiffres']));
    for (const line of rec.lines) {
      const [firstDiff, ...otherDiffs] = line.differences;
      b.add(
        [
          text(2, line.label, 'label'),
          euro(3, line.budget),
          euro(4, line.booked),
          euro(5, line.transferred),
          euro(6, firstDiff?.value ?? null),
          text(7, firstDiff?.label ?? null),
          text(8, RECONCILIATION_STATUS_LABELS[line.status]),
          text(9, line.origin),
        ],
        // The line's path as row key: the checks sheet links a reconciliation finding to this row.
        { key: line.path, height: Math.max(wrappedHeight(line.origin, 63), wrappedHeight(line.label, 50)) },
      );
      for (const d of otherDiffs) {
        b.add([text(2, null), text(3, null), text(4, null), text(5, null), euro(6, d.value), text(7, d.label), text(8, null), text(9, null)]);
      }
    }

    b.add([text(2, `Transferts aux partenaires ${year} et conventions des fiches`, 'subtitle', lastCol - 1)]);
    b.add(
      headerRow([
        'Partenaire',
        'Art.20',
        `Transfert ${year}`,
        'Source du montant',
        'Σ conventions des fiches',
        'Écart (conventions − transfert)',
        'Statut',
        `Fiches liées (montant de convention ${year})`,
      ]),
      { height: 32 },
    );
    for (const p of rec.partners) {
      const fiches = partnerFiches(p);
      b.add(
        [
          text(2, p.partenaire, 'label'),
          text(3, yesNo(p.art20)),
          euro(4, p.transfer.amount),
          text(5, p.transfer.source === null ? null : describeTransferSource(p.transfer.source, year)),
          euro(6, p.conventionsSum),
          euro(7, p.difference),
          text(8, RECONCILIATION_STATUS_LABELS[p.status]),
          text(9, fiches),
        ],
        { height: Math.max(wrappedHeight(fiches, 63), wrappedHeight(p.partenaire, 50)) },
      );
    }
    b.add([text(2, `Total des transferts ${year}`, 'total', 2), euro(4, rec.transferred.total, 'total')]);
    b.add([text(2, 'dont art.20', 'total', 2), euro(4, rec.transferred.art20, 'total')]);

    b.add([text(2, `Part du budget PCS affectée aux actions (${year})`, 'subtitle', lastCol - 1)]);
    b.add(headerRow(['Fiches dont la part est renseignée', `Σ part du budget ${year}`, 'Statut']));
    const shares = rec.actionShares;
    b.add([
      text(2, `Σ « Part du budget PCS affecté à l'action » de ${shares.items.length} fiche${shares.items.length > 1 ? 's' : ''}`, 'total'),
      percent(3, shares.total, 'total'),
      text(4, RECONCILIATION_STATUS_LABELS[shares.status], 'total'),
    ]);
  }
  return { name, key: null, widths, rows: b.rows, frozenRows: title === null ? 0 : 1, landscape: true, protect: false };
}

/** "Fiche 1.3.03 (CPAS de Liège - SADA) : € 21.750,00" — one linked fiche a line. */
function partnerFiches(p: PartnerReconciliation): string {
  return p.actions.map((a) => `${a.label} : ${a.convention === null ? 'non renseigné' : formatEuros(a.convention)}`).join('\n');
}
