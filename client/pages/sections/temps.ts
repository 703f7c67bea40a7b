import { TIME_CATEGORIES } from '../../../schemas/enums.ts';
import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import { timeSharePath } from '../../../schemas/plan-path.ts';
import { TIME_PERIOD_EX_ANTE, TIME_PERIOD_EX_POST } from '../../../schemas/plan.ts';
import { formatPercent, sumOrNull } from '../../../schemas/numbers.ts';
import { h } from '../../dom.ts';
import { createGrid } from '../../grid/grid.ts';
import type { Column } from '../../grid/columns.ts';
import type { CellOp } from '../../state/save-queue.ts';
import { focusPath, type Page, type PageContext } from '../context.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { valueCells, watchRefusals } from '../value-cells.ts';

/**
 * "Répartition de l'activité du chef de projet": 19 categories × Ex-ante, each programme year, Ex-post, in % (two
 * decimals). Each column must total 100 %: the total row shows it live and turns red otherwise.
 */
type Row = { code: string; label: string; total?: boolean };
const TOTAL_ROW: Row = { code: 'total', label: 'Total (100%)', total: true };

export function renderTemps(ctx: PageContext): Page {
  const { store } = ctx;
  const periods = [TIME_PERIOD_EX_ANTE, ...store.years.map(String), TIME_PERIOD_EX_POST];
  const periodTitle = (p: string) => (p === TIME_PERIOD_EX_ANTE ? 'Ex-ante' : p === TIME_PERIOD_EX_POST ? 'Ex-post' : p);
  const rows: Row[] = [...TIME_CATEGORIES.map((c) => ({ code: c.code, label: c.label })), TOTAL_ROW];
  const columnTotal = (period: string) => sumOrNull(TIME_CATEGORIES.map((c) => store.cellValue('time', c.code, period)));

  const columns: Column<Row>[] = [
    { key: 'label', title: 'Temps consacré en % :', kind: 'text', readOnly: true, width: 420 },
    ...periods.map(
      (period): Column<Row> => ({
        key: period,
        title: periodTitle(period),
        kind: 'number',
        scale: 2,
        width: 82,
        format: (v) => formatPercent(v),
        get: (row) => (row.total ? columnTotal(period) : store.cellValue('time', row.code, period)),
        readOnly: (row) => row.total === true,
        computed: (row) => row.total === true,
        series: /^\d{4}$/.test(period),
        className: (row) => {
          if (!row.total) return undefined;
          const t = columnTotal(period);
          // Ex-post is filled at the end of the programme; an empty column is not an error.
          return t === null || t === 100_00 ? 'total-ok' : 'total-wrong';
        },
      }),
    ),
  ];

  const pathOf = (row: Row, key: string) => (row.total || key === 'label' ? null : timeSharePath(row.code, key));
  const values = valueCells<Row>(ctx, pathOf);
  const host = h('div', { class: 'grid-host', 'data-path': 'repartitionTemps' });
  const grid = createGrid<Row>(host, {
    label: 'Répartition de l’activité du chef de projet',
    columns,
    rows,
    fixedColumns: 1,
    height: 34 + rows.length * 29 + 20,
    rowClassName: (row) => (row.total ? 'row-total' : undefined),
    canEdit: (row, key) => permissionsOf(store).canSave(WRITE_CAPABILITIES.cells, timeSharePath(row.code, key)),
    ...values.options,
    onChange(changes) {
      const cells: CellOp[] = [];
      for (const c of changes) {
        const value = c.value as number | null;
        if (value !== null && (value < 0 || value > 100_00)) {
          grid.setError(c.rowIndex, c.key, 'Un pourcentage est compris entre 0 et 100');
          continue;
        }
        store.setCell('time', c.row.code, c.key, value);
        cells.push({ grid: 'time', row: c.row.code, period: c.key, value, version: store.cellVersion('time', c.row.code, c.key) });
      }
      if (cells.length) {
        ctx.queue.enqueue({ kind: 'cells', cells });
        store.emit('local');
      }
    },
  });
  const unwatchReview = values.watch(grid);
  const refusals = watchRefusals(ctx, grid, () =>
    rows.flatMap((r, rowIndex) => (r.total ? [] : periods.map((period) => ({ rowIndex, key: period, cell: { grid: 'time', row: r.code, period } })))),
  );
  const el = h(
    'article',
    { class: 'section-page wide' },
    h('h1', null, 'Répartition de l’activité du chef de projet'),
    h(
      'p',
      { class: 'hint' },
      'Pourcentages du temps de travail ; chaque colonne doit totaliser 100 %. Collez un bloc depuis un tableur : il est enregistré en une fois.',
    ),
    host,
  );
  return {
    el,
    refresh: () => grid.refresh(),
    focus(path) {
      const m = /^repartitionTemps(?:\.([\w-]+))?(?:\.([\w-]+))?/.exec(path);
      if (m) {
        // Paths name a period (column check) or a category and a period.
        const [a, b] = [m[1], m[2]];
        const period = periods.includes(a ?? '') ? a! : periods.includes(b ?? '') ? b! : periods[0]!;
        const rowIndex =
          b && !periods.includes(a ?? '')
            ? Math.max(
                0,
                rows.findIndex((r) => r.code === a),
              )
            : rows.length - 1;
        grid.focusCell(rowIndex, period);
        return true;
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
