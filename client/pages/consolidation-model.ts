import {
  CONSOLIDATION_DIMENSIONS,
  CONSOLIDATION_DIMENSION_LABELS,
  CONSOLIDATION_MODE_LABELS,
  DEFAULT_CONSOLIDATION_DIMENSIONS,
  type BudgetConsolidationLine,
  type ConsolidationDimension,
  type ConsolidationResponse,
  type PivotLine,
} from '../../schemas/consolidation.ts';
import { UNITS, formatEuros, formatPercent, formatUnitValue } from '../../schemas/numbers.ts';
import type { Column } from '../grid/columns.ts';

/**
 * The « Consolidation » page's model, without a DOM: the dimensions chosen (in the closed list's order), the query
 * they make, and the read-only grid columns and rows of the pivot, the budgets and the transfers. Every figure is
 * formatted by the shared formatters from the server's integers; a blank stays blank.
 */

/** The chosen dimensions in the order the page offers them. */
export function orderedDimensions(chosen: Iterable<ConsolidationDimension>): ConsolidationDimension[] {
  const set = new Set(chosen);
  return CONSOLIDATION_DIMENSIONS.filter((d) => set.has(d));
}

/** `code,indicateur,annee`: the `lignes` of the query; the default when nothing is chosen. */
export function dimensionsQuery(chosen: Iterable<ConsolidationDimension>): string {
  const list = orderedDimensions(chosen);
  return (list.length ? list : DEFAULT_CONSOLIDATION_DIMENSIONS).join(',');
}

export type PivotRow = { line: PivotLine };

const unitLabel = (line: PivotLine) => UNITS.find((u) => u.code === line.unit)?.label ?? line.unit;
const value = (v: number | null, line: PivotLine) => (v === null ? '' : formatUnitValue(v, line.unit));

/** The pivot's columns: one per dimension, then unit, how the plans are added, Σ cibles, Σ réalisés, % atteint, plans. */
export function pivotColumns(dims: readonly ConsolidationDimension[]): Column<PivotRow>[] {
  return [
    ...dims.map(
      (d): Column<PivotRow> => ({
        kind: 'text',
        key: `dim-${d}`,
        title: CONSOLIDATION_DIMENSION_LABELS[d],
        width: d === 'annee' ? 60 : d === 'code' ? 70 : 220,
        get: (r) => r.line.keys[d] ?? '',
        readOnly: true,
      }),
    ),
    { kind: 'text', key: 'unite', title: 'Unité', width: 100, get: (r) => unitLabel(r.line), readOnly: true },
    { kind: 'text', key: 'mode', title: 'Agrégation entre plans', width: 200, get: (r) => CONSOLIDATION_MODE_LABELS[r.line.mode], readOnly: true },
    { kind: 'text', key: 'cibles', title: 'Cibles (Σ ou moyenne)', width: 120, get: (r) => value(r.line.cibles, r.line), readOnly: true, className: 'num' },
    {
      kind: 'text',
      key: 'realises',
      title: 'Réalisés (Σ ou moyenne)',
      width: 120,
      get: (r) => value(r.line.realises, r.line),
      readOnly: true,
      className: 'num',
    },
    {
      kind: 'text',
      key: 'atteint',
      title: '% atteint',
      width: 80,
      get: (r) => (r.line.atteint === null ? '' : formatPercent(r.line.atteint)),
      readOnly: true,
      className: 'num',
    },
    { kind: 'text', key: 'plansCible', title: 'Plans (cible)', width: 80, get: (r) => String(r.line.plansCible), readOnly: true, className: 'num' },
    { kind: 'text', key: 'plansRealise', title: 'Plans (réalisé)', width: 90, get: (r) => String(r.line.plansRealise), readOnly: true, className: 'num' },
  ];
}

export function pivotRows(r: ConsolidationResponse): PivotRow[] {
  return r.indicateurs.map((line) => ({ line }));
}

/** Budgets as a table: one row per line of the budget, one column per programme year (Σ of the plans, euros). */
export type BudgetRow = { cote: string; libelle: string; total: boolean; byYear: Record<string, BudgetConsolidationLine> };

export function budgetRows(r: ConsolidationResponse): BudgetRow[] {
  const rows = new Map<string, BudgetRow>();
  for (const b of r.budgets) {
    const key = `${b.cote}.${b.ligne}`;
    const row = rows.get(key) ?? { cote: b.cote === 'recettes' ? 'Recettes' : 'Dépenses', libelle: b.libelle, total: b.ligne === 'total', byYear: {} };
    row.byYear[String(b.annee)] = b;
    rows.set(key, row);
  }
  return [...rows.values()];
}

export function budgetColumns(years: readonly number[]): Column<BudgetRow>[] {
  return [
    { kind: 'text', key: 'cote', title: 'Côté', width: 80, readOnly: true },
    { kind: 'text', key: 'libelle', title: 'Article', width: 300, readOnly: true },
    ...years.map(
      (y): Column<BudgetRow> => ({
        kind: 'text',
        key: `y${y}`,
        title: String(y),
        width: 130,
        readOnly: true,
        className: 'num',
        get: (row) => {
          const b = row.byYear[String(y)];
          return b && b.montant !== null ? formatEuros(b.montant) : '';
        },
        note: (row) => {
          const b = row.byYear[String(y)];
          return b ? `${b.plans} plan${b.plans > 1 ? 's' : ''} avec un montant` : null;
        },
      }),
    ),
  ];
}

export type TransferRow = ConsolidationResponse['transferts'][number];

export function transferColumns(): Column<TransferRow>[] {
  const euros = (v: number | null) => (v === null ? '' : formatEuros(v));
  return [
    { kind: 'text', key: 'annee', title: 'Année', width: 70, get: (r) => String(r.annee), readOnly: true },
    { kind: 'text', key: 'art20', title: 'Transferts art. 20', width: 150, get: (r) => euros(r.art20), readOnly: true, className: 'num' },
    { kind: 'text', key: 'plansArt20', title: 'Plans (art. 20)', width: 100, get: (r) => String(r.plansArt20), readOnly: true, className: 'num' },
    { kind: 'text', key: 'autres', title: 'Autres transferts', width: 150, get: (r) => euros(r.autres), readOnly: true, className: 'num' },
    { kind: 'text', key: 'plans', title: 'Plans avec transferts', width: 140, get: (r) => String(r.plans), readOnly: true, className: 'num' },
  ];
}
