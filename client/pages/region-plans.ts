import { formatDate } from '../../schemas/dates.ts';
import { formatBelgianNumber, formatPercent } from '../../schemas/numbers.ts';
import { ORGANISATION_KINDS, type OrganisationKind } from '../../schemas/porteur.ts';
import type { Programme } from '../../schemas/reference.ts';
import {
  OBLIGATION_STATUS_SHORT_LABELS,
  OVERDUE_COLUMNS,
  overdueCellValue,
  PORTEUR_NATURE_LABELS,
  regionCellValue,
  regionColumns,
  type OverdueItem,
  type OverdueList,
  type RegionCellValue,
  type RegionColumn,
  type RegionOverview,
  type RegionPlanRow,
} from '../../schemas/region-plans.ts';
import { OBLIGATION_STATUSES, type ObligationStatus } from '../../schemas/submission.ts';
import { api, send } from '../api.ts';
import { h } from '../dom.ts';
import type { Column } from '../grid/columns.ts';
import { createGrid, type GridHandle } from '../grid/grid.ts';
import { regionHref, reportHref, sectionHref } from '../router.ts';
import { accountMenu } from './account.ts';
import {
  columnTitle,
  filterOverdue,
  filterPlans,
  nextSort,
  NO_FILTERS,
  overdueCountLabel,
  overdueSortValue,
  planCountLabel,
  planSortValue,
  provincesOf,
  sortRows,
  statusColumnsOf,
  type RegionFilters,
  type SortState,
} from './region-plans-model.ts';

/**
 * « Plans de la région », for the DiCS and the administrator: a programme's plans in the grid of the rest of the
 * application (read-only), sorted by a click on a column's header, filtered and searched in the browser; a double
 * click or Enter opens the plan. « En retard » shows the overdue list instead; « Télécharger (XLSX) » downloads both.
 * The rules are the model's (`region-plans-model.ts`); every figure is the server's.
 */
export async function renderRegionPage(programmes: Programme[], programmeId: string | null): Promise<HTMLElement> {
  // Without a programme in the address, the server answers the current published one.
  const query = programmeId ? { programme: programmeId } : {};
  const [overview, overdue] = (await Promise.all([send(api.region.plans.$get({ query })), send(api.region.overdue.$get({ query }))])) as [
    RegionOverview,
    OverdueList,
  ];
  const state = { filters: { ...NO_FILTERS } as RegionFilters, view: 'plans' as RegionView };
  const count = h('span', { class: 'region-count', 'data-testid': 'region-count', role: 'status' });
  const plansHost = h('div', { class: 'grid-host' });
  const overdueHost = h('div', { class: 'grid-host', hidden: true });
  const columns = regionColumns(overview.kinds);
  const plansList = sortableList<RegionPlanRow>(plansHost, {
    label: 'Plans de la région',
    columns,
    rows: overview.plans,
    value: (row, c) => regionCellValue(row, c, overview.kinds),
    sortValue: planSortValue(overview.kinds, columns),
    rowClassName: (row) => (row.obligationsEnRetard > 0 ? 'region-late' : undefined),
    open: (row) => (location.hash = sectionHref(row.planId, 'porteur')),
    onSorted: () => update(),
  });
  const overdueList = sortableList<OverdueItem>(overdueHost, {
    label: 'Obligations en retard',
    columns: OVERDUE_COLUMNS,
    rows: overdue.items,
    value: overdueCellValue,
    sortValue: overdueSortValue,
    open: (item) => (location.hash = reportHref(item.planId, item.annee, item.kind)),
    onSorted: () => update(),
  });
  const tabs = viewTabs((view) => {
    state.view = view;
    update();
  });

  function update(): void {
    // The list shown first, then its rows: a grid measures its container when it draws.
    plansHost.hidden = state.view !== 'plans';
    overdueHost.hidden = state.view !== 'retard';
    const plans = filterPlans(overview.plans, state.filters);
    plansList.show(plans);
    const items = filterOverdue(overdue.items, overview.plans, state.filters);
    overdueList.show(items);
    count.textContent = state.view === 'plans' ? planCountLabel(plans.length, overview.plans.length) : overdueCountLabel(items.length);
    for (const [view, tab] of tabs) tab.setAttribute('aria-pressed', String(view === state.view));
  }
  const setFilter = (change: Partial<RegionFilters>) => {
    state.filters = { ...state.filters, ...change };
    update();
  };

  const page = h(
    'main',
    { id: 'main', class: 'plans-page region-page' },
    h('header', { class: 'app-header' }, h('h1', null, 'Cohésio'), h('p', null, h('a', { href: '#/' }, '← Plans'), ' · Plans de la région'), accountMenu()),
    h(
      'section',
      null,
      h('h2', null, `Plans de la région — ${overview.programme.label}`),
      programmeBar(programmes, overview, [...tabs.values()]),
      filtersBar(overview, setFilter),
      h('p', { class: 'hint' }, count, ` — situation au ${formatDate(overview.aujourdhui)} ; double-cliquez sur une ligne (ou Entrée) pour l’ouvrir.`),
      plansHost,
      overdueHost,
    ),
  );
  update();
  return page;
}

type RegionView = 'plans' | 'retard';

/** « Plans » and « En retard »: which list the page shows. */
function viewTabs(choose: (view: RegionView) => void): Map<RegionView, HTMLButtonElement> {
  const labels: [RegionView, string][] = [
    ['plans', 'Plans'],
    ['retard', 'En retard'],
  ];
  return new Map(
    labels.map(([view, label]) => [
      view,
      h('button', { type: 'button', class: 'region-tab', 'data-testid': `region-tab-${view}`, onclick: () => choose(view) }, label),
    ]),
  );
}

/** The programme selector (another programme is another address), the view's buttons and the workbook's download. */
function programmeBar(programmes: Programme[], overview: RegionOverview, tabs: HTMLElement[]): HTMLElement {
  const select = h(
    'select',
    { id: 'region-programme', onchange: (e: Event) => (location.hash = regionHref((e.target as HTMLSelectElement).value)) },
    programmes.map((p) => h('option', { value: p.id, selected: p.id === overview.programme.id }, p.label)),
  );
  const download = h(
    'a',
    {
      href: `/api/region/plans.xlsx?programme=${encodeURIComponent(overview.programme.id)}`,
      download: true,
      class: 'button-link',
      'data-testid': 'region-xlsx',
    },
    'Télécharger (XLSX)',
  );
  return h('div', { class: 'toolbar' }, h('label', { for: 'region-programme' }, 'Programme'), select, ...tabs, download);
}

type ListSpec<R> = {
  label: string;
  columns: readonly RegionColumn[];
  rows: R[];
  value: (row: R, column: RegionColumn) => RegionCellValue;
  sortValue: (row: R, key: string) => RegionCellValue;
  rowClassName?: (row: R) => string | undefined;
  /** Double click or Enter on a row. */
  open: (row: R) => void;
  onSorted: () => void;
};

/** A read-only grid sorted by a click on a column's header (the sorted column's title carries ▲ or ▼). */
function sortableList<R>(host: HTMLElement, spec: ListSpec<R>): { show(rows: R[]): void } {
  let sort: SortState = null;
  const grid: GridHandle<R> = createGrid<R>(host, {
    label: spec.label,
    columns: spec.columns.map((c) => gridColumn<R>(c, (row) => spec.value(row, c))),
    rows: spec.rows,
    fixedColumns: 1,
    height: 480,
    ...(spec.rowClassName ? { rowClassName: spec.rowClassName } : {}),
    onChange: () => {},
    onHeaderClick: (key) => {
      sort = nextSort(sort, key);
      grid.setColumnTitles(spec.columns.map((c) => columnTitle(c, sort)));
      spec.onSorted();
    },
    onRowOpen: (row) => spec.open(row),
  });
  return { show: (rows) => grid.setRows(sortRows(rows, sort, spec.sortValue)) };
}

/** A read-only column of the grid showing a value of the overview as the product prints it. */
function gridColumn<R>(c: RegionColumn, value: (row: R) => string | number | null): Column<R> {
  const base = { key: c.key, title: c.title, width: Math.max(70, c.width * 7), readOnly: true };
  switch (c.type) {
    case 'euro':
      return { ...base, kind: 'number', scale: 2, get: value, format: (v) => formatBelgianNumber(v, 2) };
    case 'percent':
      return { ...base, kind: 'number', scale: 2, get: value, format: (v) => formatPercent(v) };
    case 'count':
      return { ...base, kind: 'number', scale: 0, get: value };
    case 'year':
      return { ...base, kind: 'text', get: (row) => (value(row) === null ? null : String(value(row))) };
    case 'date':
      return { ...base, kind: 'text', get: (row) => (value(row) === null ? null : formatDate(String(value(row)))) };
    case 'text':
    case 'status':
      return { ...base, kind: 'text', get: value };
  }
}

/** The filters and the search box: province, porteur kind, a kind and year's status, late only, words. */
function filtersBar(overview: RegionOverview, setFilter: (change: Partial<RegionFilters>) => void): HTMLElement {
  const option = (value: string, label: string) => h('option', { value }, label);
  const select = (id: string, label: string, options: HTMLOptionElement[], onchange: (value: string) => void) => [
    h('label', { for: id }, label),
    h('select', { id, onchange: (e: Event) => onchange((e.target as HTMLSelectElement).value) }, options),
  ];
  const statusColumn = h(
    'select',
    { id: 'region-status-column' },
    option('', 'Soumission…'),
    statusColumnsOf(overview.kinds).map((c) => option(c.key, c.title)),
  );
  const status = h(
    'select',
    { id: 'region-status' },
    option('', 'Tous les statuts'),
    OBLIGATION_STATUSES.map((s) => option(s, OBLIGATION_STATUS_SHORT_LABELS[s])),
  );
  const onStatus = () => setFilter({ statusColumn: statusColumn.value || null, status: status.value ? (status.value as ObligationStatus) : null });
  statusColumn.addEventListener('change', onStatus);
  status.addEventListener('change', onStatus);
  const late = h('input', { type: 'checkbox', id: 'region-late', onchange: (e: Event) => setFilter({ enRetard: (e.target as HTMLInputElement).checked }) });
  const search = h('input', {
    type: 'search',
    id: 'region-search',
    placeholder: 'Porteur, commune, chef de projet',
    oninput: (e: Event) => setFilter({ search: (e.target as HTMLInputElement).value }),
  });
  return h(
    'div',
    { class: 'toolbar region-filters' },
    h('label', { for: 'region-search' }, 'Rechercher'),
    search,
    ...select('region-province', 'Province', [option('', 'Toutes'), ...provincesOf(overview.plans).map((p) => option(p, p))], (v) =>
      setFilter({ province: v || null }),
    ),
    ...select('region-nature', 'Porteur', [option('', 'Tous'), ...ORGANISATION_KINDS.map((k) => option(k, PORTEUR_NATURE_LABELS[k]))], (v) =>
      setFilter({ nature: v ? (v as OrganisationKind) : null }),
    ),
    h('label', { for: 'region-status-column' }, 'Statut de'),
    statusColumn,
    status,
    late,
    h('label', { for: 'region-late' }, 'En retard uniquement'),
  );
}
