import { and, asc, count, eq, lt, sql } from 'drizzle-orm';
import { actions, cells, indicators, plans, transfers } from '../db/schema.ts';
import { preparedPerDatabase, type Db } from '../db/open.ts';

/**
 * The statements of the cell write path (server/services/cells.ts), prepared once per database: a cell typed in
 * the grid runs a dozen point reads and writes, and building each query again (drizzle's SQL generation, SQLite's
 * compilation) would cost more than running it. Every statement reads or writes rows by key; none reads the plan
 * whole, so a write costs the same on a plan of any size. They run inside the caller's transaction (one connection).
 */
const p = (name: string) => sql.placeholder(name);

function prepareCellStatements(db: Db) {
  return {
    /** The plan's row, as the write needs it (404 when missing), with the stamp of its structure. */
    plan: db
      .select({ programmeId: plans.programmeId, preparedAt: plans.preparedAt, structureStamp: plans.structureStamp })
      .from(plans)
      .where(eq(plans.id, p('planId')))
      .prepare(),
    /** The fiche of an indicator of this plan (none for an indicator of another plan). */
    indicatorAction: db
      .select({ actionId: indicators.actionId })
      .from(indicators)
      .innerJoin(actions, eq(actions.id, indicators.actionId))
      .where(and(eq(indicators.id, p('indicatorId')), eq(actions.planId, p('planId'))))
      .prepare(),
    /** A fiche's list fields and operator (the rest of its fiche body is not parsed). */
    action: db
      .select({
        id: actions.id,
        version: actions.version,
        code: actions.code,
        position: actions.position,
        statut: actions.statut,
        droitVise: actions.droitVise,
        priorite: actions.priorite,
        transferId: actions.transferId,
        operateur: sql<string | null>`json_extract(${actions.fiche}, '$.operateur')`,
      })
      .from(actions)
      .where(eq(actions.id, p('actionId')))
      .prepare(),
    /** How many fiches come before a position in the plan's list (a fiche's rank). */
    actionsBefore: db
      .select({ n: count() })
      .from(actions)
      .where(and(eq(actions.planId, p('planId')), lt(actions.position, p('position'))))
      .prepare(),
    /** The plan's fiches of one code, in list order. */
    actionsOfCode: db
      .select({ id: actions.id })
      .from(actions)
      .where(and(eq(actions.planId, p('planId')), eq(actions.code, p('code'))))
      .orderBy(asc(actions.position))
      .prepare(),
    /** A fiche's indicator rows in order. */
    indicatorsOfAction: db
      .select()
      .from(indicators)
      .where(eq(indicators.actionId, p('actionId')))
      .orderBy(asc(indicators.position))
      .prepare(),
    /** One transfer of the plan. */
    transfer: db
      .select()
      .from(transfers)
      .where(and(eq(transfers.planId, p('planId')), eq(transfers.id, p('transferId'))))
      .prepare(),
    /** Every transfer of the plan (a partner's fiches are found through them). */
    transfersOfPlan: db
      .select()
      .from(transfers)
      .where(eq(transfers.planId, p('planId')))
      .orderBy(asc(transfers.position))
      .prepare(),
    /** One stored cell. */
    cell: db
      .select({ value: cells.value, version: cells.version })
      .from(cells)
      .where(and(eq(cells.planId, p('planId')), eq(cells.grid, p('grid')), eq(cells.rowKey, p('row')), eq(cells.period, p('period'))))
      .prepare(),
    insertCell: db
      .insert(cells)
      .values({
        planId: p('planId'),
        grid: p('grid'),
        rowKey: p('row'),
        period: p('period'),
        value: p('value'),
        indicatorId: p('indicatorId'),
        version: 1,
      })
      .prepare(),
    updateCell: db
      .update(cells)
      .set({ value: sql`${p('value')}`, version: sql`${p('version')}` })
      .where(and(eq(cells.planId, p('planId')), eq(cells.grid, p('grid')), eq(cells.rowKey, p('row')), eq(cells.period, p('period'))))
      .prepare(),
    /** The plan was changed now; the first saved change of a prepared plan makes it the commune's own. */
    touchPlan: db
      .update(plans)
      .set({ updatedAt: sql`${p('now')}`, preparedAt: null })
      .where(eq(plans.id, p('planId')))
      .prepare(),
  };
}

export type CellStatements = ReturnType<typeof prepareCellStatements>;

/** The cell write path's statements for this database, prepared on first use. */
export const cellStatementsOf = preparedPerDatabase(prepareCellStatements);
