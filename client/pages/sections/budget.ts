import { BudgetSchema } from '../../../schemas/plan.ts';
import { formatEuros, formatPercent } from '../../../schemas/numbers.ts';
import { buildPath } from '../../../schemas/plan-path.ts';
import { DEPENSES_LINES, PART_COMMUNALE_MINIMUM_TEXT, RECETTES_LINES, computeBudgetFigures } from '../../../schemas/budget.ts';
import { h } from '../../dom.ts';
import { createGrid, type GridHandle } from '../../grid/grid.ts';
import type { Column } from '../../grid/columns.ts';
import { focusPath, sectionBinder, type Page, type PageContext } from '../context.ts';
import { totalsBox, type Figure } from '../totals.ts';
import { transferFigures } from './transferts.ts';

/**
 * "Budget annuel du PCS (prévisionnel en 2019 puis à actualiser)" for the PCS 2020-2025: recettes and dépenses, their
 * totals and ratios. The prévisionnel is made the year before the programme's first year.
 */
type Side = 'recettes' | 'depenses';
type Line = { side: Side; field: string; label: string; computed?: boolean };

const LINES: Record<Side, Line[]> = {
  recettes: [
    ...RECETTES_LINES.map((l): Line => ({ side: 'recettes', field: l.key, label: l.label })),
    { side: 'recettes', field: 'total', label: 'Total (tel que saisi sur le formulaire)' },
    { side: 'recettes', field: 'sum', label: 'Total calculé', computed: true },
  ],
  depenses: [
    ...DEPENSES_LINES.map((l): Line => ({ side: 'depenses', field: l.key, label: l.label })),
    { side: 'depenses', field: 'total', label: 'Total (tel que saisi sur le formulaire)' },
    { side: 'depenses', field: 'sum', label: 'Total calculé', computed: true },
  ],
};

function budgetFigures(ctx: PageContext): Figure[] {
  const { recettes } = ctx.store.plan.budget;
  const f = computeBudgetFigures(ctx.store.plan);
  const r = f.totalRecettes ?? 0;
  const d = f.totalDepenses ?? 0;
  const ratio = f.partCommunaleRatio;
  const partOk = f.partCommunaleMinimum === null || recettes.partCommunale === null ? undefined : recettes.partCommunale >= f.partCommunaleMinimum;
  return [
    { label: 'Total des recettes', value: formatEuros(f.recettesSum ?? 0), testId: 'total-recettes' },
    { label: 'Total des dépenses', value: formatEuros(f.depensesSum ?? 0), testId: 'total-depenses' },
    {
      label: 'Équilibre recettes − dépenses',
      value: formatEuros(r - d),
      status: r === d ? 'ok' : 'error',
      note: r === d ? 'budget équilibré' : 'le budget doit être en équilibre',
      testId: 'budget-balance',
    },
    {
      label: 'Part communale / subvention PCS',
      value: ratio === null ? 'non calculable' : formatPercent(ratio),
      status: partOk === undefined ? undefined : partOk ? 'ok' : 'error',
      note: `minimum ${PART_COMMUNALE_MINIMUM_TEXT}`,
      testId: 'part-communale',
    },
    ...transferFigures(ctx),
  ];
}

export function renderBudget(ctx: PageContext): Page {
  const binder = sectionBinder(ctx, 'budget');
  const doc = binder.binding.doc;
  const totals = totalsBox('Contrôles du budget');
  const grids: GridHandle<Line>[] = [];

  const amountOf = (line: Line): number | null => {
    if (line.computed) {
      const f = computeBudgetFigures({ budget: doc, transferts: [] });
      return line.side === 'recettes' ? f.recettesSum : f.depensesSum;
    }
    return (doc[line.side] as Record<string, number | null>)[line.field] ?? null;
  };

  const makeGrid = (side: Side, title: string) => {
    const columns: Column<Line>[] = [
      { key: 'label', title: 'Poste', kind: 'text', readOnly: true, width: 380 },
      {
        key: 'amount',
        title: 'Montant (€)',
        kind: 'number',
        scale: 2,
        width: 160,
        get: amountOf,
        readOnly: (line) => line.computed === true,
        computed: (line) => line.computed === true,
      },
    ];
    const host = h('div', { class: 'grid-host', 'data-path': buildPath('budget', side) });
    const grid = createGrid<Line>(host, {
      label: `Budget : ${title}`,
      columns,
      rows: LINES[side],
      rowClassName: (line) => (line.computed ? 'row-total' : line.field === 'total' ? 'row-typed-total' : undefined),
      rowLabel: (line) => `« ${line.label} »`,
      canEdit: (line, key) => key !== 'amount' || binder.canWrite(buildPath(line.side, line.field)),
      onChange(changes) {
        for (const c of changes) {
          (doc[side] as Record<string, number | null>)[c.row.field] = c.value as number | null;
        }
        const r = BudgetSchema.safeParse(doc);
        if (!r.success) {
          for (const c of changes) grid.setError(c.rowIndex, 'amount', r.error.issues[0]?.message ?? 'Montant refusé');
          return;
        }
        binder.commit(side, doc[side]);
        grid.refresh();
      },
    });
    grids.push(grid);
    return h('section', null, h('h2', null, `${title} :`), host);
  };

  const refresh = () => {
    Object.assign(doc, structuredClone(ctx.store.plan.budget));
    for (const g of grids) g.refresh();
    totals.update(budgetFigures(ctx));
  };

  const el = h(
    'article',
    { class: 'section-page' },
    h('h1', null, `Budget annuel du PCS (prévisionnel en ${ctx.store.years[0]! - 1} puis à actualiser)`),
    h('p', { class: 'hint' }, 'Montants en euros, au cent près (ex. 1.666.037,68). Une case vide n’est pas un zéro.'),
    h('div', { class: 'budget-grids' }, makeGrid('recettes', 'Recettes'), makeGrid('depenses', 'Dépenses')),
    totals.el,
  );
  totals.update(budgetFigures(ctx));
  return {
    el,
    refresh,
    focus(path) {
      const m = /^budget\.(recettes|depenses)\.(\w+)/.exec(path);
      if (m) {
        const side = m[1] as Side;
        const index = LINES[side].findIndex((l) => l.field === m[2]);
        grids[side === 'recettes' ? 0 : 1]?.focusCell(Math.max(0, index), 'amount');
        return true;
      }
      return focusPath(el, path);
    },
    dispose() {
      binder.flush();
      for (const g of grids) g.destroy();
    },
  };
}
