import { normaliseCommune, type OrganisationKind } from '../../schemas/porteur.ts';
import { OBLIGATION_STATUSES, type ObligationStatus } from '../../schemas/submission.ts';
import {
  OVERDUE_COLUMNS,
  overdueCellValue,
  regionCellValue,
  regionColumns,
  statusColumnKey,
  type OverdueItem,
  type RegionCellValue,
  type RegionColumn,
  type RegionKind,
  type RegionPlanRow,
} from '../../schemas/region-plans.ts';

/**
 * The model of « Plans de la région » without a DOM: filters (province, porteur kind, status of a kind and year,
 * late only), the search box (porteur, commune, chef de projet, organisation), a stable sort by any column, the
 * count line. Everything runs in the browser: a region is some 200 rows.
 */

export type RegionFilters = {
  province: string | null;
  nature: OrganisationKind | null;
  /** A status column (`statusColumnKey(kind, année)`) and the status it must show; both or neither. */
  statusColumn: string | null;
  status: ObligationStatus | null;
  /** Only plans with a late obligation. */
  enRetard: boolean;
  search: string;
};

export const NO_FILTERS: RegionFilters = { province: null, nature: null, statusColumn: null, status: null, enRetard: false, search: '' };

export type SortState = { key: string; direction: 'asc' | 'desc' } | null;

/** The words a search matches, without case, accents or repeated spaces. */
function searchable(...texts: (string | null)[]): string {
  return normaliseCommune(texts.filter((t) => t !== null).join(' · '));
}

/** Every word typed is found in the porteur, the commune, the chef de projet or the organisation. */
function matchesSearch(haystack: string, search: string): boolean {
  const words = normaliseCommune(search).split(' ').filter(Boolean);
  return words.every((w) => haystack.includes(w));
}

/** Does the plan's row pass every filter? */
export function matchesFilters(row: RegionPlanRow, f: RegionFilters): boolean {
  if (f.province !== null && row.province !== f.province) return false;
  if (f.nature !== null && row.porteurNature !== f.nature) return false;
  if (f.enRetard && row.obligationsEnRetard === 0) return false;
  if (f.statusColumn !== null && f.status !== null) {
    const o = row.obligations.find((x) => statusColumnKey(x.kind, x.annee) === f.statusColumn);
    if (!o || o.statut !== f.status) return false;
  }
  return f.search.trim() === '' || matchesSearch(searchable(row.porteur, row.commune, row.chefDeProjet, row.organisation), f.search);
}

export function filterPlans(rows: readonly RegionPlanRow[], f: RegionFilters): RegionPlanRow[] {
  return rows.filter((r) => matchesFilters(r, f));
}

/**
 * The late obligations of the plans that pass the filters (province, porteur kind, search; a chosen status column
 * keeps that kind and year only). `rows` gives each item its plan's chef de projet and organisation for the search.
 */
export function filterOverdue(items: readonly OverdueItem[], rows: readonly RegionPlanRow[], f: RegionFilters): OverdueItem[] {
  const byPlan = new Map(rows.map((r) => [r.planId, r]));
  return items.filter((i) => {
    if (f.province !== null && i.province !== f.province) return false;
    if (f.nature !== null && i.porteurNature !== f.nature) return false;
    if (f.statusColumn !== null && statusColumnKey(i.kind, i.annee) !== f.statusColumn) return false;
    const plan = byPlan.get(i.planId);
    return f.search.trim() === '' || matchesSearch(searchable(i.porteur, i.commune, plan?.chefDeProjet ?? null, plan?.organisation ?? null), f.search);
  });
}

const collator = new Intl.Collator('fr-BE', { sensitivity: 'base', numeric: true });

/** Compares two cell values: numbers and ISO dates in order, texts alphabetically (French), blanks last whatever the direction. */
function compareValues(a: RegionCellValue, b: RegionCellValue, direction: 'asc' | 'desc'): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const sign = direction === 'asc' ? 1 : -1;
  if (typeof a === 'number' && typeof b === 'number') return sign * (a - b);
  return sign * collator.compare(String(a), String(b));
}

/**
 * Rows sorted by one column, stably (rows that compare equal keep their order), blanks last; `value` reads a row's
 * value in the column. Without a sort, the rows as given.
 */
export function sortRows<T>(rows: readonly T[], sort: SortState, value: (row: T, key: string) => RegionCellValue): T[] {
  if (sort === null) return [...rows];
  return rows
    .map((row, index) => ({ row, index, v: value(row, sort.key) }))
    .sort((x, y) => compareValues(x.v, y.v, sort.direction) || x.index - y.index)
    .map((x) => x.row);
}

/**
 * How a row sorts in a column: its value in the column; a status column by the status's place in its life
 * (`OBLIGATION_STATUSES`: not started, in preparation, submitted, returned, approved, reopened), late ones last.
 */
export function planSortValue(kinds: readonly RegionKind[], columns: readonly RegionColumn[]) {
  const byKey = new Map(columns.map((c) => [c.key, c]));
  return (row: RegionPlanRow, key: string): RegionCellValue => {
    const column = byKey.get(key);
    if (!column) return null;
    if (column.type === 'status') {
      const o = row.obligations.find((x) => statusColumnKey(x.kind, x.annee) === key);
      return o ? OBLIGATION_STATUSES.indexOf(o.statut) + (o.enRetard ? OBLIGATION_STATUSES.length : 0) : null;
    }
    return regionCellValue(row, column, kinds);
  };
}

export const overdueSortValue = (item: OverdueItem, key: string): RegionCellValue => {
  const column = OVERDUE_COLUMNS.find((c) => c.key === key);
  return column ? overdueCellValue(item, column) : null;
};

/** A click on a column's header: ascending first, then descending, then back to ascending. */
export function nextSort(sort: SortState, key: string): SortState {
  return sort?.key === key && sort.direction === 'asc' ? { key, direction: 'desc' } : { key, direction: 'asc' };
}

/** « Porteur ▲ » for the sorted column. */
export function columnTitle(column: Pick<RegionColumn, 'key' | 'title'>, sort: SortState): string {
  return sort?.key === column.key ? `${column.title} ${sort.direction === 'asc' ? '▲' : '▼'}` : column.title;
}

/** « 12 plans sur 195 », « 1 plan sur 1 », « 0 plan sur 195 ». */
export function planCountLabel(shown: number, total: number): string {
  return `${shown} plan${shown > 1 ? 's' : ''} sur ${total}`;
}

/** « 40 obligations en retard », « 1 obligation en retard ». */
export function overdueCountLabel(shown: number): string {
  return `${shown} obligation${shown > 1 ? 's' : ''} en retard`;
}

/** The provinces of the rows (the filter's choices), alphabetically; plans without one are not a choice. */
export function provincesOf(rows: readonly RegionPlanRow[]): string[] {
  return [...new Set(rows.map((r) => r.province).filter((p) => p !== null))].sort((a, b) => collator.compare(a, b));
}

/** The status columns a filter may choose from: each kind and year of the programme, titled as submissionTitle says. */
export function statusColumnsOf(kinds: readonly RegionKind[]): RegionColumn[] {
  return regionColumns(kinds).filter((c) => c.type === 'status');
}
