import { h } from '../dom.ts';
import { buildPath, splitPath } from '../../schemas/plan-path.ts';
import { getAt, type FormBinder } from '../forms/fields.ts';
import { createGrid, type GridHandle } from '../grid/grid.ts';
import type { Column } from '../grid/columns.ts';
import { confirmDialog, toast } from '../ui/dialog.ts';
import { guardButton } from './read-only.ts';

/**
 * A grid over an array inside a form's document (representatives, ISADF dimensions, plan indicators, a fiche's
 * other partners and publics): edits go into the document, which the form validates and saves as a whole; the
 * document's issues inside the array mark their cells. A toolbar adds a row and removes the selected one.
 */
export type EmbeddedGridSpec<R> = {
  binder: FormBinder;
  /** Path of the array in the form's document, e.g. `dimensions` or `fiche.publics`. */
  path: string;
  label: string;
  columns: Column<R>[];
  /** The row to add (possibly after asking for its name); null adds nothing. */
  newRow: () => R | null | Promise<R | null>;
  addLabel: string;
  removeLabel: string;
  /** Column focused after adding a row (default: the first). */
  focusKey?: string;
  /** Question asked before removing a row; without it the row is removed at once. */
  confirmRemove?: (row: R) => string;
  /** Adjusts a row after one of its cells changed (a value no longer allowed by another column). */
  normalise?: (row: R, key: string) => void;
};

export function embeddedGrid<R>(spec: EmbeddedGridSpec<R>): { el: HTMLElement; grid: GridHandle<R>; rows(): R[] } {
  const segments = splitPath(spec.path);
  const rows = () => (getAt(spec.binder.binding.doc, segments) as R[] | undefined) ?? [];
  const host = h('div', { class: 'grid-host', 'data-path': buildPath(spec.binder.binding.pathPrefix, spec.path) });

  const commit = (list: R[]) => {
    for (const issue of spec.binder.commit(spec.path, list)) {
      const p = issue.path.map(String);
      if (!segments.every((s, i) => p[i] === s)) continue;
      const index = Number(p[segments.length]);
      if (Number.isInteger(index)) grid.setError(index, p[segments.length + 1] ?? spec.columns[0]!.key, issue.message);
    }
  };

  // A row's path in the document: its id when it has one (as in the audit trail), else its position.
  const rowPath = (row: R, index: number) => buildPath(spec.path, String((row as { id?: unknown }).id ?? index));
  const grid: GridHandle<R> = createGrid<R>(host, {
    label: spec.label,
    columns: spec.columns,
    rows: rows(),
    canEdit: (row, key, index) => spec.binder.canWrite(buildPath(rowPath(row, index), key)),
    onChange(changes) {
      for (const c of changes) {
        Object.assign(c.row as object, { [c.key]: c.value });
        spec.normalise?.(c.row, c.key);
      }
      commit(rows());
      grid.refresh();
    },
  });

  const add = h('button', { type: 'button' }, spec.addLabel);
  add.addEventListener('click', async () => {
    const row = await spec.newRow();
    if (row === null) return;
    const list = [...rows(), row];
    grid.setRows(list);
    commit(list);
    grid.focusCell(list.length - 1, spec.focusKey ?? spec.columns[0]!.key);
  });
  const remove = h('button', { type: 'button' }, spec.removeLabel);
  remove.addEventListener('click', async () => {
    const i = grid.selectedRowIndex();
    const row = i === null ? undefined : rows()[i];
    if (i === null || row === undefined) {
      toast('Sélectionnez d’abord une ligne dans le tableau');
      return;
    }
    if (spec.confirmRemove && !(await confirmDialog(spec.removeLabel, spec.confirmRemove(row), 'Retirer'))) return;
    const list = rows().filter((_, j) => j !== i);
    grid.setRows(list);
    commit(list);
  });

  const canChangeRows = spec.binder.canWrite(spec.path);
  guardButton(add, canChangeRows, spec.binder.binding.readOnlyReason);
  guardButton(remove, canChangeRows, spec.binder.binding.readOnlyReason);

  return { el: h('div', null, h('div', { class: 'toolbar' }, add, remove), host), grid, rows };
}
