import { reloadPlan } from './saves.ts';
import { deleteQuery, deleteRow } from './references.ts';
import { INDICATOR_CATEGORIES, type IndicatorCategory } from '../../schemas/enums.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import { IndicatorFieldsSchema, aggregateIndicator, type Indicator } from '../../schemas/indicator.ts';
import { AGGREGATIONS, UNITS, formatBelgianNumber, formatPercent, formatUnitValue, unitScale, type Unit } from '../../schemas/numbers.ts';
import { describeAction, type Action } from '../../schemas/action.ts';
import { indicatorPath, indicatorValuePath, indicatorsPath, splitPath } from '../../schemas/plan-path.ts';
import { api, send, failureMessage } from '../api.ts';
import { h } from '../dom.ts';
import { createGrid, type GridHandle } from '../grid/grid.ts';
import type { Column } from '../grid/columns.ts';
import type { CellOp } from '../state/save-queue.ts';
import { confirmDialog, toast } from '../ui/dialog.ts';
import type { PageContext } from './context.ts';
import { permissionsOf } from '../state/permissions.ts';
import { guardButton } from './read-only.ts';
import { valueCells, watchRefusals } from './value-cells.ts';

/**
 * The indicator tables of a fiche action as one grid: per indicator a "Cible" row (yearly targets, Ex-ante) and a
 * "Réalisé" row (yearly actuals, Résultats), each labelled so in its own column. Ex-ante and Résultats are computed live by `aggregateIndicator`, the
 * same function as the checks and the exports; Ex-ante is read-only unless the user explicitly types an ex-ante of
 * their own, which is then shown distinctly with the computed value beside it.
 */
export type IndicatorRow = { ind: Indicator; kind: 'target' | 'actual' };

/**
 * Exact Belgian text of a value: whole numbers without decimals, others with the unit's decimals; a percentage as
 * everywhere else (`formatPercent`: `25,0 %`), which the grid's parser reads back.
 */
export function formatExact(value: number, unit: Unit): string {
  if (unit === 'percent') return formatPercent(value);
  const scale = unitScale(unit);
  return formatBelgianNumber(value, scale, value % 10 ** scale === 0 ? 0 : scale);
}

/** How people name the two rows of an indicator, as the official workbook does. */
const KIND_LABELS = { target: 'Cible', actual: 'Réalisé' } as const;

export function indicatorFieldsOf(ind: Indicator) {
  return { category: ind.category, label: ind.label, unit: ind.unit, aggregation: ind.aggregation, standard: ind.standard, exAnte: ind.exAnte };
}

export function indicatorTable(
  ctx: PageContext,
  action: Action,
  onSelect: (ind: Indicator) => void,
): { el: HTMLElement; grid: GridHandle<IndicatorRow>; refresh(): void; focusIndicator(index: number, field?: string): void; dispose(): void } {
  const { store, queue, planId } = ctx;
  const years = store.years;
  const buildRows = (): IndicatorRow[] =>
    action.indicators.flatMap((ind) => [
      { ind, kind: 'target' as const },
      { ind, kind: 'actual' as const },
    ]);
  const aggregate = (ind: Indicator) => aggregateIndicator(ind, years);
  const isTarget = (r: IndicatorRow) => r.kind === 'target';
  // Yearly values are cells (their own route); the other fields are the indicator's row, a change of the plan's
  // structure. Each is writable when the route's capability and the value rule of its path allow it.
  const permissions = permissionsOf(store);
  const canEdit = (r: IndicatorRow, key: string) =>
    /^\d{4}$/.test(key)
      ? permissions.canSave(WRITE_CAPABILITIES.cells, indicatorValuePath(action.id, r.ind.id, key, r.kind))
      : permissions.canSave(WRITE_CAPABILITIES.indicator, indicatorPath(action.id, r.ind.id, key));

  const columns: Column<IndicatorRow>[] = [
    {
      key: 'category',
      title: 'Catégorie',
      kind: 'select',
      width: 110,
      options: INDICATOR_CATEGORIES.map((c) => ({ value: c.code, label: c.label })),
      get: (r) => (isTarget(r) ? r.ind.category : null),
      readOnly: (r) => !isTarget(r),
    },
    {
      key: 'label',
      title: 'Indicateur',
      kind: 'text',
      maxLength: 300,
      width: 215,
      get: (r) => (isTarget(r) ? r.ind.label : `↳ ${r.ind.label}`),
      readOnly: (r) => !isTarget(r),
    },
    {
      key: 'kind',
      title: 'Valeurs',
      kind: 'text',
      width: 72,
      get: (r) => KIND_LABELS[r.kind],
      readOnly: true,
      className: (r) => (isTarget(r) ? 'cell-kind' : 'cell-kind cell-actual'),
    },
    {
      key: 'unit',
      title: 'Unité',
      kind: 'select',
      width: 85,
      options: UNITS.map((u) => ({ value: u.code, label: u.label })),
      get: (r) => (isTarget(r) ? r.ind.unit : null),
      readOnly: (r) => !isTarget(r),
    },
    {
      key: 'exAnte',
      title: 'Ex-ante',
      kind: 'number',
      width: 78,
      scale: (r) => unitScale(r.ind.unit),
      format: (v, r) => formatExact(v, r.ind.unit),
      get: (r) => (isTarget(r) ? aggregate(r.ind).exAnte : null),
      readOnly: (r) => !isTarget(r) || r.ind.exAnte === null,
      computed: (r) => !isTarget(r) || r.ind.exAnte === null,
      note: (r) => (isTarget(r) ? indicatorOverrideNote(r.ind, years) : null),
      className: (r) => {
        if (!isTarget(r)) return 'cell-computed';
        const a = aggregate(r.ind);
        return r.ind.exAnte === null ? 'cell-computed' : a.exAnteDiffers ? 'cell-override cell-override-differs' : 'cell-override';
      },
    },
    ...years.map(
      (y): Column<IndicatorRow> => ({
        key: String(y),
        title: String(y),
        kind: 'number',
        width: 66,
        series: true,
        scale: (r) => unitScale(r.ind.unit),
        format: (v, r) => formatExact(v, r.ind.unit),
        get: (r) => store.cellValue(isTarget(r) ? 'indicator-target' : 'indicator-actual', r.ind.id, String(y)),
        className: (r) => (isTarget(r) ? undefined : 'cell-actual'),
      }),
    ),
    {
      key: 'resultats',
      title: 'Résultats',
      kind: 'number',
      width: 80,
      scale: (r) => unitScale(r.ind.unit),
      format: (v, r) => formatExact(v, r.ind.unit),
      get: (r) => (isTarget(r) ? null : aggregate(r.ind).resultats),
      readOnly: true,
      computed: true,
      className: () => 'cell-computed',
    },
  ];

  const saveFields = (ind: Indicator) =>
    queue.enqueue({
      kind: 'row',
      target: { type: 'indicator', id: ind.id },
      label: `${describeAction(action)}, « ${ind.label} »`,
      data: indicatorFieldsOf(ind),
      version: ind.version,
    });

  // The audit path of a cell: a yearly value, or a field of the indicator (its Cible row); computed cells have none.
  const pathOf = (r: IndicatorRow, key: string): string | null => {
    if (/^\d{4}$/.test(key)) return indicatorValuePath(action.id, r.ind.id, key, r.kind);
    return isTarget(r) && ['category', 'label', 'unit', 'exAnte'].includes(key) ? indicatorPath(action.id, r.ind.id, key) : null;
  };
  const values = valueCells<IndicatorRow>(ctx, pathOf);
  const host = h('div', { class: 'grid-host', 'data-path': 'indicators' });
  const grid = createGrid<IndicatorRow>(host, {
    label: `Indicateurs de ${describeAction(action)}`,
    columns,
    rows: buildRows(),
    fixedColumns: 3,
    height: Math.min(620, 34 + action.indicators.length * 2 * 29 + 20),
    rowClassName: (r) => (isTarget(r) ? 'row-target' : 'row-actual'),
    // "indicateur 2 Réalisé": the indicator's number in the fiche, as the checks and the workbook count them.
    rowLabel: (r) => `indicateur ${action.indicators.indexOf(r.ind) + 1} ${KIND_LABELS[r.kind]}`,
    canEdit,
    ...values.options,
    onSelect: (rowIndex) => {
      const row = buildRows()[rowIndex];
      if (row) onSelect(row.ind);
    },
    onChange(changes) {
      const cells: CellOp[] = [];
      const fieldsChanged = new Set<Indicator>();
      for (const c of changes) {
        const ind = c.row.ind;
        if (/^\d{4}$/.test(c.key)) {
          const gridName = isTarget(c.row) ? 'indicator-target' : 'indicator-actual';
          store.setCell(gridName, ind.id, c.key, c.value as number | null);
          cells.push({ grid: gridName, row: ind.id, period: c.key, value: c.value as number | null, version: store.cellVersion(gridName, ind.id, c.key) });
          continue;
        }
        const next = { ...indicatorFieldsOf(ind), [c.key]: c.value };
        if (c.key === 'exAnte' && c.value === null) next.exAnte = null;
        const r = IndicatorFieldsSchema.safeParse(next);
        if (!r.success || (c.key !== 'exAnte' && c.value === null)) {
          grid.setError(c.rowIndex, c.key, r.success ? 'Ce champ est obligatoire' : (r.error.issues[0]?.message ?? 'Valeur refusée'));
          continue;
        }
        Object.assign(ind, { [c.key]: c.value });
        fieldsChanged.add(ind);
      }
      if (cells.length) queue.enqueue({ kind: 'cells', cells });
      for (const ind of fieldsChanged) saveFields(ind);
      grid.refresh();
      store.emit('local');
    },
  });
  const unwatchReview = values.watch(grid);
  const refusals = watchRefusals(ctx, grid, () =>
    buildRows().flatMap((r, rowIndex) =>
      years.map((y) => ({ rowIndex, key: String(y), cell: { grid: isTarget(r) ? 'indicator-target' : 'indicator-actual', row: r.ind.id, period: String(y) } })),
    ),
  );

  const selectedIndicator = (): Indicator | null => {
    const i = grid.selectedRowIndex();
    const row = i === null ? undefined : buildRows()[i];
    if (!row) toast('Sélectionnez d’abord un indicateur dans le tableau');
    return row?.ind ?? null;
  };
  const failed = (err: unknown) => toast(failureMessage(err), 'error');
  const reset = (focusIndex?: number, key = 'label') => {
    grid.setRows(buildRows());
    refusals.mark();
    store.emit('local');
    if (focusIndex !== undefined) grid.focusCell(focusIndex * 2, key);
  };

  const category = h(
    'select',
    { id: `new-ind-cat-${action.id}` },
    INDICATOR_CATEGORIES.map((c) => h('option', { value: c.code }, c.label)),
  );
  const unit = h(
    'select',
    { id: `new-ind-unit-${action.id}` },
    UNITS.map((u) => h('option', { value: u.code }, u.label)),
  );
  const add = h('button', { type: 'button' }, 'Ajouter un indicateur');
  add.addEventListener('click', async () => {
    try {
      const created = await send(
        api.plans[':planId'].actions[':actionId'].indicators.$post({
          param: { planId, actionId: action.id },
          // The selects offer only the categories and units of the lists above.
          json: { data: { category: category.value as IndicatorCategory, unit: unit.value as Unit, label: 'Nouvel indicateur' } },
        }),
      );
      action.indicators.push(created);
      reset(action.indicators.length - 1);
    } catch (err) {
      failed(err);
    }
  });
  const remove = h('button', { type: 'button' }, 'Supprimer l’indicateur');
  remove.addEventListener('click', async () => {
    const ind = selectedIndicator();
    if (!ind) return;
    if (!(await confirmDialog('Supprimer l’indicateur', `Supprimer « ${ind.label} » et toutes ses valeurs (cibles et réalisés) ?`, 'Supprimer'))) return;
    try {
      await queue.idle();
      const outcome = await deleteRow(
        (detacher) =>
          send(api.plans[':planId'].indicators[':indicatorId'].$delete({ param: { planId, indicatorId: ind.id }, query: deleteQuery(ind.version, detacher) })),
        permissions,
      );
      if (outcome === 'kept') return;
      // Justifications removed with it are the server's to tell: its plan replaces ours.
      if (outcome === 'detached') return await reloadPlan(ctx);
      action.indicators.splice(action.indicators.indexOf(ind), 1);
      reset();
    } catch (err) {
      failed(err);
    }
  });
  const move = (delta: number) => () => {
    const ind = selectedIndicator();
    if (!ind) return;
    const from = action.indicators.indexOf(ind);
    const to = from + delta;
    if (to < 0 || to >= action.indicators.length) return;
    action.indicators.splice(from, 1);
    action.indicators.splice(to, 0, ind);
    queue.enqueue({
      kind: 'row',
      target: { type: 'indicator', id: ind.id },
      label: ind.label,
      data: indicatorFieldsOf(ind),
      version: ind.version,
      position: to,
    });
    reset(to);
  };
  const up = h('button', { type: 'button', 'aria-label': 'Monter l’indicateur sélectionné' }, '↑ Monter');
  up.addEventListener('click', move(-1));
  const down = h('button', { type: 'button', 'aria-label': 'Descendre l’indicateur sélectionné' }, '↓ Descendre');
  down.addEventListener('click', move(1));
  const override = h('button', { type: 'button' }, 'Saisir un ex-ante manuel');
  override.addEventListener('click', () => {
    const ind = selectedIndicator();
    if (!ind) return;
    ind.exAnte = aggregate(ind).computedExAnte ?? 0;
    saveFields(ind);
    reset(action.indicators.indexOf(ind), 'exAnte');
  });
  const computed = h('button', { type: 'button' }, 'Revenir à l’ex-ante calculé');
  computed.addEventListener('click', () => {
    const ind = selectedIndicator();
    if (!ind || ind.exAnte === null) return;
    ind.exAnte = null;
    saveFields(ind);
    reset(action.indicators.indexOf(ind), 'exAnte');
  });
  const canChangeIndicators = permissions.canSave(WRITE_CAPABILITIES.indicator, indicatorsPath(action.id));
  const reason = permissions.denial('ajouter, supprimer, déplacer ou redéfinir les indicateurs');
  for (const button of [add, remove, up, down, override, computed]) guardButton(button, canChangeIndicators, reason);
  category.disabled = unit.disabled = !canChangeIndicators;
  const aggregation = h(
    'p',
    { class: 'hint' },
    'Ex-ante et Résultats sont calculés à partir des années (',
    AGGREGATIONS.map((a) => a.label.toLowerCase()).join(', '),
    ' selon l’unité). Un ex-ante saisi à la main apparaît en orange, avec la valeur calculée en info-bulle.',
  );

  const el = h(
    'section',
    { class: 'indicators' },
    h('h2', null, 'Indicateurs (de la plus value apportée par l’intervention/l’implication du PCS)'),
    h(
      'div',
      { class: 'toolbar' },
      h('label', { for: category.id }, 'Catégorie'),
      category,
      h('label', { for: unit.id }, 'Unité'),
      unit,
      add,
      remove,
      up,
      down,
      override,
      computed,
    ),
    aggregation,
    host,
  );

  return {
    el,
    grid,
    refresh: () => grid.refresh(),
    focusIndicator(index, field) {
      const key = field === 'exAnte' ? 'exAnte' : field && /^values\.\d{4}/.test(field) ? splitPath(field)[1]! : 'label';
      // `values.<année>.actual` is on the indicator's Réalisé row, under its Cible row.
      grid.focusCell(index * 2 + (field?.endsWith('.actual') ? 1 : 0), key);
    },
    dispose() {
      unwatchReview();
      refusals.stop();
      grid.destroy();
    },
  };
}

export function indicatorOverrideNote(ind: Indicator, years: readonly number[]): string | null {
  const a = aggregateIndicator(ind, years);
  if (!a.exAnteDiffers || a.computedExAnte === null || a.exAnte === null) return null;
  return `Ex-ante saisi ${formatUnitValue(a.exAnte, ind.unit)} ≠ calculé ${formatUnitValue(a.computedExAnte, ind.unit)}`;
}
