import { asc, eq, type SQL } from 'drizzle-orm';
import { actions, bookedLines, indicators, planRows, transfers } from '../db/schema.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { findIntegrityIssues } from '../../schemas/integrity.ts';
import type { Db } from '../db/open.ts';
import { readPlan, requirePlanRow, touchPlan } from './plan-store.ts';
import { nowOf, requireProgramme, type ServiceContext } from './context.ts';
import { recordPlanChanges } from './audit.ts';

/**
 * Runs a change of plan `planId` in one transaction, then re-reads the plan and refuses the change (rolling it
 * back) if the result breaks an integrity rule or touches a value the person may not write; else the difference
 * goes to the audit trail. Nothing is ever half-written. A change that validates every reference itself (cell
 * edits) may skip the integrity rules with `verifyIntegrity: false`.
 */
export function mutatePlan<T>(
  ctx: ServiceContext,
  planId: string,
  change: (db: Db) => T,
  { verifyIntegrity = true }: { verifyIntegrity?: boolean } = {},
): T {
  return ctx.db.transaction((tx) => {
    const db = tx as unknown as Db;
    const planRow = requirePlanRow(db, planId);
    const before = readPlan(db, planId);
    const result = change(db);
    touchPlan(db, planId, nowOf(ctx));
    const plan = readPlan(db, planId);
    if (verifyIntegrity) {
      const issues = findIntegrityIssues(plan, requireProgramme(ctx, planRow.programmeId));
      if (issues.length) throw new ValidationError(`Modification refusée (${issues[0]!.path}) : ${issues[0]!.message}`, issues);
    }
    recordPlanChanges(ctx, db, planId, before, plan);
    return result;
  });
}

/** The row must exist and carry the version the client last saw; else 404 or 409 with what is stored now. */
export function requireVersion<R extends { version: number }>(
  row: R | undefined,
  expected: number,
  what: string,
  current: (row: R) => unknown = (r) => r,
): R {
  if (!row) throw new NotFoundError(`${what} est introuvable`);
  if (row.version !== expected) {
    throw new ConflictError(
      `${what} a été modifié(e) entre-temps (version ${row.version}, vous aviez la version ${expected})`,
      current(row),
    );
  }
  return row;
}

/** New position list after moving `id` to `position` (clamped); used to renumber rows of an ordered list. */
export function reorder(ids: readonly string[], id: string, position: number): string[] {
  const rest = ids.filter((x) => x !== id);
  const at = Math.max(0, Math.min(position, rest.length));
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}

type OrderedTable = typeof actions | typeof indicators | typeof transfers | typeof planRows | typeof bookedLines;

/** Ids of an ordered list (actions of a plan, indicators of an action, …) in their stored order. */
export function orderedIds(db: Db, table: OrderedTable, where: SQL | undefined): string[] {
  return db
    .select({ id: table.id, position: table.position })
    .from(table)
    .where(where)
    .orderBy(asc(table.position))
    .all()
    .map((r) => r.id);
}

/** Stores positions 0..n-1 in the order of `ids`. */
export function savePositions(db: Db, table: OrderedTable, ids: readonly string[]): void {
  ids.forEach((id, position) => db.update(table).set({ position }).where(eq(table.id, id)).run());
}
