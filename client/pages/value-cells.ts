import type { GridHandle, GridSpec } from '../grid/grid.ts';
import { permissionsOf } from '../state/permissions.ts';
import type { PageContext } from './context.ts';
import { cellHistoryAction } from './history.ts';
import { reviewCells } from './threads.ts';

/**
 * What a grid of plan values gets from its cell → value path mapping (`flattenPlan`'s paths): the cell's history and
 * the DiCS's questions in its context menu, the question marker and its tooltip, and the reason a cell of a submitted
 * year is read-only. `watch` redraws the markers when the questions change; call its result when the grid goes.
 */
export function valueCells<R>(
  ctx: PageContext,
  pathOf: (row: R, key: string) => string | null,
): { options: Pick<GridSpec<R>, 'cellActions' | 'cellClass' | 'cellNote' | 'readOnlyNote'>; watch(grid: GridHandle<R>): () => void } {
  const review = reviewCells(ctx, pathOf);
  const permissions = permissionsOf(ctx.store);
  return {
    options: {
      cellActions: [cellHistoryAction(ctx, pathOf), ...review.actions],
      cellClass: review.cellClass,
      cellNote: review.cellNote,
      readOnlyNote: (row, key) => {
        const path = pathOf(row, key);
        return path ? permissions.yearLock(path) : null;
      },
    },
    watch: (grid) => review.watch(grid),
  };
}

/** A grid cell and the save queue's cell it shows. */
export type ShownCell = { rowIndex: number; key: string; cell: { grid: string; row: string; period: string } };

/**
 * Keeps the cells the server refused marked in `grid`, with the reason, until a later save fixes them (the save
 * queue keeps the refusals; the status line counts them). `mark()` again after the grid's rows were replaced;
 * `stop()` when the grid goes.
 */
export function watchRefusals<R>(ctx: PageContext, grid: GridHandle<R>, cellsOf: () => ShownCell[]): { mark(): void; stop(): void } {
  const mark = () => {
    for (const c of cellsOf()) grid.setRefused(c.rowIndex, c.key, ctx.queue.refusal(c.cell));
  };
  mark();
  return { mark, stop: ctx.queue.onRefusals(mark) };
}
