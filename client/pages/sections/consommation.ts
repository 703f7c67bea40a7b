import { MAX_CENTS, formatEuros, sumOrNull } from '../../../schemas/numbers.ts';
import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import { consumptionPath } from '../../../schemas/plan-path.ts';
import { h } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import type { Column } from '../../grid/columns.ts';
import type { CellOp } from '../../state/save-queue.ts';
import { focusPath, type Page, type PageContext } from '../context.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { valueCells, watchRefusals } from '../value-cells.ts';
import { totalsBox, type Figure } from '../totals.ts';

const GRID = 'consumption';
const ROW = 'e-compte';
const TITLE = 'Consommation réelle de la subvention PCS et de la part communale, telle que mentionnée dans E-compte (= imputations)';

type YearRow = { year: number };

/** Σ of the amounts booked in E-compte, next to the annual budget (subvention PCS + part communale). */
export function consumptionFigures(ctx: PageContext): Figure[] {
  const { store } = ctx;
  const total = sumOrNull(store.years.map((y) => store.cellValue(GRID, ROW, String(y))));
  const { subventionPcs, partCommunale } = store.plan.budget.recettes;
  const annual = sumOrNull([subventionPcs, partCommunale]);
  return [
    {
      label: `Total consommé sur le programme (${store.years.length} années)`,
      value: total === null ? 'non renseigné' : formatEuros(total),
      testId: 'total-consommation',
    },
    {
      label: 'Budget annuel, recettes : subvention PCS + part communale',
      value: annual === null ? 'non renseigné' : formatEuros(annual),
      note: annual === null ? undefined : 'par an',
      testId: 'budget-annuel-pcs-communal',
    },
  ];
}

/** Actual spending per programme year, as booked in E-compte: one cell per year, saved cell by cell. */
export function renderConsommation(ctx: PageContext): Page {
  const { store, queue } = ctx;
  const rows: YearRow[] = store.years.map((year) => ({ year }));
  const columns: Column<YearRow>[] = [
    { key: 'year', title: 'Année', kind: 'text', readOnly: true, get: (r) => String(r.year), width: 100 },
    {
      key: 'montant',
      title: 'Montant (€)',
      kind: 'number',
      scale: 2,
      width: 200,
      get: (r) => store.cellValue(GRID, ROW, String(r.year)),
      check: (v) => (typeof v !== 'number' ? null : v < 0 ? 'Le montant ne peut pas être négatif' : v > MAX_CENTS ? 'Montant trop grand' : null),
    },
  ];

  const totals = totalsBox('Totaux');
  const pathOf = (r: YearRow, key: string) => (key === 'montant' ? consumptionPath(r.year) : null);
  const values = valueCells<YearRow>(ctx, pathOf);
  const host = h('div', { class: 'grid-host', 'data-path': 'consommation' });
  const grid = createGrid<YearRow>(host, {
    label: 'Consommation réelle par année (E-compte)',
    columns,
    rows,
    canEdit: (r, key) => key !== 'montant' || permissionsOf(store).canSave(WRITE_CAPABILITIES.cells, consumptionPath(r.year)),
    ...values.options,
    onChange(changes) {
      const cells: CellOp[] = [];
      for (const c of changes) {
        if (c.key !== 'montant') continue;
        const period = String(c.row.year);
        const value = c.value as number | null;
        store.setCell(GRID, ROW, period, value);
        cells.push({ grid: GRID, row: ROW, period, value, version: store.cellVersion(GRID, ROW, period) });
      }
      if (cells.length === 0) return;
      queue.enqueue({ kind: 'cells', cells });
      store.emit('local');
    },
  });

  const unwatchReview = values.watch(grid);
  const refusals = watchRefusals(ctx, grid, () =>
    rows.map((r, rowIndex) => ({ rowIndex, key: 'montant', cell: { grid: GRID, row: ROW, period: String(r.year) } })),
  );
  const updateTotals = () => totals.update(consumptionFigures(ctx));
  updateTotals();

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, TITLE),
    h('p', { class: 'hint' }, 'Un montant par année du programme, en euros (ex. 1.234,56). Une case vide reste « non renseigné ».'),
    host,
    totals.el,
  );
  return {
    el,
    refresh() {
      grid.refresh();
      updateTotals();
    },
    focus(path) {
      const m = /^consommation\.(\d{4})\b/.exec(path);
      if (m) {
        const index = store.years.indexOf(Number(m[1]));
        if (index >= 0) {
          grid.focusCell(index, 'montant');
          return true;
        }
      }
      return focusPath(el, path);
    },
    dispose() {
      unwatchReview();
      refusals.stop();
      grid.destroy();
    },
  };
}
