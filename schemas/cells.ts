import { z } from 'zod';
import type { Action } from './action.ts';
import { LABEL_SEPARATOR, buildPath, indicatorValuePath, labelPath } from './plan-path.ts';
import { Version } from './primitives.ts';

/**
 * Cell-level edits of the plan's yearly grids, each with the version the client last saw: indicator targets and
 * actuals (row = indicator id, period = year), the chef de projet's time shares (row = category code, period =
 * "ex-ante" | year | "ex-post"), E-compte consumption (row = "e-compte", period = year) and the amount transferred
 * to a partner per year (row = transfer id, period = year).
 */
export const CELL_GRIDS = ['indicator-target', 'indicator-actual', 'time', 'consumption', 'transfer'] as const;
export type CellGrid = (typeof CELL_GRIDS)[number];

export const CellEditSchema = z
  .object({
    grid: z.enum(CELL_GRIDS),
    row: z.string().min(1).max(64),
    period: z.string().min(1).max(10),
    /** Minor units (cents, hundredths) or Belgian text; null clears the cell. */
    value: z.union([z.number(), z.string().max(40)]).nullable(),
    version: Version,
  })
  .strict();
export type CellEdit = z.infer<typeof CellEditSchema>;

export const CellsEditSchema = z.object({ cells: z.array(CellEditSchema).min(1).max(5000) }).strict();

export type StoredCell = { grid: CellGrid; row: string; period: string; value: number | null; version: number };

/**
 * French location of a cell, as schemas/plan-path.ts labels its path: "Fiche 1.3.03 · indicateur 2 « … » · Cible
 * <année>", "Transfert à « CPAS » · <année>".
 */
export function describeCell(doc: Parameters<typeof labelPath>[0], cell: Pick<CellEdit, 'grid' | 'row' | 'period'>): string {
  const path = cellPathOf(doc, cell);
  if (path) return labelPath(doc, path);
  return `Indicateur inconnu${LABEL_SEPARATOR}${cell.grid === 'indicator-target' ? 'Cible' : 'Réalisé'} ${cell.period}`;
}

/**
 * The path of a cell in the flattened plan (schemas/audit.ts `flattenPlan`): the value the write rules of
 * schemas/access.ts judge. An indicator cell needs its action; an indicator of no action of the plan has no path.
 */
export function cellPathOf(plan: { actions: readonly Pick<Action, 'id' | 'indicators'>[] }, cell: Pick<CellEdit, 'grid' | 'row' | 'period'>): string | null {
  switch (cell.grid) {
    case 'time':
      return buildPath('repartitionTemps', cell.row, cell.period);
    case 'consumption':
      return buildPath('consommation', cell.period);
    case 'transfer':
      return buildPath('transferts', cell.row, 'parAnnee', cell.period);
    case 'indicator-target':
    case 'indicator-actual': {
      const action = plan.actions.find((a) => a.indicators.some((i) => i.id === cell.row));
      return action ? indicatorValuePath(action.id, cell.row, cell.period, cell.grid === 'indicator-target' ? 'target' : 'actual') : null;
    }
  }
}
