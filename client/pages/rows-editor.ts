import type { z } from 'zod';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import { listRowPath } from '../../schemas/plan-path.ts';
import { h } from '../dom.ts';
import { createGrid, type GridHandle } from '../grid/grid.ts';
import type { Column } from '../grid/columns.ts';
import type { RowTarget } from '../state/save-queue.ts';
import { confirmDialog, promptText, toast } from '../ui/dialog.ts';
import { failureMessage } from '../api.ts';
import type { PageContext } from './context.ts';
import type { Capability } from '../../schemas/access.ts';
import { permissionsOf } from '../state/permissions.ts';
import { guardButton } from './read-only.ts';
import { deleteRow } from './references.ts';
import { reloadPlan } from './saves.ts';

/**
 * A grid of versioned rows (team, transfers, meetings, partner cards…): each edited row is validated with its
 * schema and saved on its own; a toolbar adds a row (asking for its required name), removes the selected one after
 * confirmation, and moves it up or down.
 */
export type RowsEditorSpec<R extends { id: string; version: number }> = {
  ctx: PageContext;
  label: string;
  /** `data-path` of the list in the plan (e.g. `transferts`) so findings can point at a row. */
  path: string;
  columns: Column<R>[];
  rows: () => R[];
  target: (row: R) => RowTarget;
  schema: z.ZodType;
  /** What to ask when adding a row: the one required text field. */
  create: { field: string; label: string; send: (data: Record<string, unknown>) => Promise<R> };
  /** Deletes the row; `detacher` when the person chose to detach the rows pointing at it (see references.ts). */
  remove: (row: R, detacher: boolean) => Promise<void>;
  /** Name of a row in messages ("la ligne « CPAS de Liège »"). */
  describe: (row: R) => string;
  onChanged?: () => void;
  height?: number;
  /** The capability of the routes that add, change and remove the rows (default: `edit-plan`, the lists'). */
  capability?: Capability;
};

/** What the schema checks and the API receives of a row: every field but its `id` and `version`. */
function fieldsOf(row: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'id' && key !== 'version'));
}

export function rowsEditor<R extends { id: string; version: number }>(
  spec: RowsEditorSpec<R>,
): { el: HTMLElement; grid: GridHandle<R>; focusRow(index: number, key?: string): void } {
  const { ctx } = spec;
  const permissions = permissionsOf(ctx.store);
  const capability = spec.capability ?? WRITE_CAPABILITIES.listRow;
  const host = h('div', { class: 'grid-host' });
  const grid = createGrid<R>(host, {
    label: spec.label,
    columns: spec.columns,
    rows: spec.rows(),
    height: spec.height,
    canEdit: (row, key) => permissions.canSave(capability, listRowPath(spec.path, row.id, key)),
    onChange(changes) {
      const touched = new Map<number, R>();
      for (const c of changes) {
        const r = spec.schema.safeParse(fieldsOf({ ...c.row, [c.key]: c.value }));
        if (!r.success) {
          grid.setError(c.rowIndex, c.key, r.error.issues[0]?.message ?? 'Valeur refusée');
          continue;
        }
        Object.assign(c.row, { [c.key]: c.value });
        touched.set(c.rowIndex, c.row);
      }
      for (const row of touched.values()) {
        ctx.queue.enqueue({
          kind: 'row',
          target: spec.target(row),
          label: spec.describe(row),
          data: fieldsOf(row),
          version: row.version,
        });
      }
      if (touched.size) {
        ctx.store.emit('local');
        spec.onChanged?.();
      }
    },
  });

  const reload = () => {
    grid.setRows(spec.rows());
    ctx.store.emit('local');
    spec.onChanged?.();
  };
  const failed = (err: unknown) => toast(failureMessage(err), 'error');

  const add = h('button', { type: 'button' }, 'Ajouter une ligne');
  add.addEventListener('click', async () => {
    const text = await promptText(`${spec.label} : nouvelle ligne`, spec.create.label);
    if (!text) return;
    try {
      const row = await spec.create.send({ [spec.create.field]: text });
      spec.rows().push(row);
      reload();
      grid.focusCell(spec.rows().length - 1, spec.create.field);
    } catch (err) {
      failed(err);
    }
  });
  const selected = () => {
    const i = grid.selectedRowIndex();
    const row = i === null ? undefined : spec.rows()[i];
    if (!row) toast('Sélectionnez d’abord une ligne dans le tableau');
    return row ? { i: i!, row } : null;
  };
  const remove = h('button', { type: 'button' }, 'Supprimer la ligne');
  remove.addEventListener('click', async () => {
    const s = selected();
    if (!s) return;
    if (!(await confirmDialog('Supprimer la ligne', `Supprimer ${spec.describe(s.row)} ? Cette suppression est définitive.`, 'Supprimer'))) return;
    try {
      await ctx.queue.idle();
      const outcome = await deleteRow((detacher) => spec.remove(s.row, detacher), permissions);
      if (outcome === 'kept') return;
      ctx.queue.discardRow(spec.target(s.row));
      // Other rows changed with it (fiches, partner cards, justifications): the server's plan replaces ours.
      if (outcome === 'detached') return await reloadPlan(ctx);
      spec.rows().splice(s.i, 1);
      reload();
    } catch (err) {
      failed(err);
    }
  });
  const move = (delta: number) => async () => {
    const s = selected();
    if (!s) return;
    const to = s.i + delta;
    const rows = spec.rows();
    if (to < 0 || to >= rows.length) return;
    rows.splice(s.i, 1);
    rows.splice(to, 0, s.row);
    ctx.queue.enqueue({
      kind: 'row',
      target: spec.target(s.row),
      label: spec.describe(s.row),
      data: fieldsOf(s.row),
      version: s.row.version,
      position: to,
    });
    reload();
    grid.focusCell(to, spec.columns[0]!.key);
  };
  const up = h('button', { type: 'button', 'aria-label': 'Monter la ligne sélectionnée' }, '↑ Monter');
  up.addEventListener('click', move(-1));
  const down = h('button', { type: 'button', 'aria-label': 'Descendre la ligne sélectionnée' }, '↓ Descendre');
  down.addEventListener('click', move(1));

  // Adding, removing and moving rows: the list's route, on a row of the list (any row: the rules name none).
  const canChangeRows = permissions.canSave(capability, `${spec.path}.new`);
  const reason = permissions.denial('ajouter, supprimer ou déplacer des lignes de ce tableau');
  for (const button of [add, remove, up, down]) guardButton(button, canChangeRows, reason);

  const el = h('div', { class: 'rows-editor', 'data-path': spec.path }, h('div', { class: 'toolbar' }, add, remove, up, down), host);
  return {
    el,
    grid,
    focusRow(index, key) {
      grid.focusCell(index, key ?? spec.columns[0]!.key);
    },
  };
}
