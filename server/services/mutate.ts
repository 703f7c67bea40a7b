import { asc, eq, type SQL } from 'drizzle-orm';
import { plans, type actions, type imputationRows, type indicators, type planRows, type transfers } from '../db/schema.ts';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors.ts';
import { findIntegrityIssues, findListIssues } from '../../schemas/integrity.ts';
import type { DbOrTx } from '../db/open.ts';
import { readPlan, requirePlanRow, touchPlan } from './plan-store.ts';
import { nowOf, requireProgramme, type ServiceContext } from './context.ts';
import { recordPlanChanges } from './audit.ts';
import { porteurNamesChanged, requireOwnPorteur } from './porteur.ts';
import { ROLE_LABELS, canWriteUnder, writeScopeOf, type Actor } from '../../schemas/access.ts';
import { describePath, diffPlans, flattenPlan } from '../../schemas/audit.ts';
import { describeAction } from '../../schemas/action.ts';
import type { Plan } from '../../schemas/plan.ts';
import { buildPath, splitPath } from '../../schemas/plan-path.ts';

/** What a change may tell `mutatePlan` besides the change itself. */
export type MutateOptions<T> = {
  /** Re-check the plan's integrity rules after the change (a change that validates its references may skip it). */
  verifyIntegrity?: boolean;
  /**
   * What the write is addressed to: paths, or prefixes of paths, of `flattenPlan` (`actions.<id>`, `budget`,
   * `repartitionTemps.terrain.<année>`), read from the plan before the change. Each must be one the person may
   * write (`canWriteUnder`), whether or not the change alters its value: a role is refused by where it writes,
   * not only by what it changes.
   */
  addresses?: (plan: Plan) => readonly string[];
  /**
   * The answer when the change alters no value and no order of rows: the write is then rolled back, so that no
   * version moves and no audit entry is written (saving identical data is not a change).
   */
  unchanged?: (db: DbOrTx) => T;
};

/** Thrown inside the transaction to roll back a change that changed nothing. */
const NOTHING_CHANGED = Symbol('nothing changed');

/**
 * Runs a change of plan `planId` in one transaction, then re-reads the plan and refuses the change (rolling it
 * back) if the result breaks an integrity rule or touches a value the person may not write; else the difference
 * goes to the audit trail. Nothing is ever half-written. A change that validates every reference itself (cell
 * edits) may skip the integrity rules with `verifyIntegrity: false`. The person's right to write where the change
 * is addressed (`addresses`) is decided first, before anything is compared.
 */
export function mutatePlan<T>(ctx: ServiceContext, planId: string, change: (db: DbOrTx) => T, options: MutateOptions<T> = {}): T {
  const { verifyIntegrity = true, addresses, unchanged } = options;
  try {
    return ctx.db.transaction((db) => {
      const planRow = requirePlanRow(db, planId);
      const before = readPlan(db, planId);
      if (addresses && ctx.actor) requireWritable(ctx.actor, before, addresses(before));
      const result = change(db);
      touchPlan(db, planId, nowOf(ctx));
      // The first saved change of a prepared plan makes it the commune's own: its preparation can no longer be undone.
      if (planRow.preparedAt) db.update(plans).set({ preparedAt: null }).where(eq(plans.id, planId)).run();
      const plan = readPlan(db, planId);
      const changes = diffPlans(flattenPlan(before), flattenPlan(plan));
      if (unchanged && !changes.length && rowOrderOf(before) === rowOrderOf(plan)) throw NOTHING_CHANGED;
      const porteur = ctx.actor ? porteurNamesChanged(plan, changes) : null;
      if (porteur) requireOwnPorteur(ctx, db, porteur);
      const programme = requireProgramme(ctx, planRow.programmeId);
      const issues = [...(verifyIntegrity ? findIntegrityIssues(plan, programme) : []), ...findListIssues(plan, programme, changes)];
      if (issues.length) throw new ValidationError(`Modification refusée (${issues[0]!.path}) : ${issues[0]!.message}`, issues);
      recordPlanChanges(ctx, db, planId, before, plan, changes);
      return result;
    });
  } catch (e) {
    if (e === NOTHING_CHANGED && unchanged) return unchanged(ctx.db);
    throw e;
  }
}

/** 403 naming what the person may not write, among the places a change is addressed to. */
export function requireWritable(actor: Actor, plan: Pick<Plan, 'actions' | 'transferts'>, paths: readonly string[]): void {
  const scope = writeScopeOf(plan, actor);
  const refused = [...new Set(paths)].filter((p) => !canWriteUnder(actor, p, scope));
  if (!refused.length) return;
  const labels = refused.map((p) => describeAddress(plan, p));
  const more = labels.length > 1 ? ` (et ${labels.length - 1} autre(s))` : '';
  throw new ForbiddenError(
    `Votre rôle (${ROLE_LABELS[actor.role]}) ne permet pas de modifier : ${labels[0]}${more}`,
    refused.slice(0, 50).map((p, i) => ({ path: p, message: `${labels[i]} : modification non permise pour votre rôle` })),
  );
}

/** How people name the place a write is addressed to: a value, a row, an action, a section. */
function describeAddress(plan: Pick<Plan, 'actions' | 'transferts'>, path: string): string {
  const parts = splitPath(path);
  if (parts[0] === 'actions' && parts.length === 2) {
    const action = plan.actions.find((a) => a.id === parts[1]);
    return action ? describeAction(action) : 'Fiche supprimée';
  }
  return describePath(plan, path).replace(/ › $/, '');
}

/** The order of every list of rows of a plan (actions, indicators, transfers, list rows…): moving a row is a change. */
function rowOrderOf(plan: Plan): string {
  const out: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      if (value.some((v) => v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string')) {
        out.push(`${path}:${value.map((v) => (v as { id: string }).id).join(',')}`);
      }
      value.forEach((v, i) => walk(v, buildPath(path, i)));
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (v && typeof v === 'object') walk(v, buildPath(path, k));
    }
  };
  walk(plan, '');
  return out.join(';');
}

/** The row must exist and carry the version the client last saw; else 404 or 409 with what is stored now. */
export function requireVersion<R extends { version: number }>(row: R | undefined, expected: number, what: string, current: (row: R) => unknown = (r) => r): R {
  if (!row) throw new NotFoundError(`${what} est introuvable`);
  if (row.version !== expected) {
    throw new ConflictError(`${what} a été modifié(e) entre-temps (version ${row.version}, vous aviez la version ${expected})`, current(row));
  }
  return row;
}

/** New position list after moving `id` to `position` (clamped); used to renumber rows of an ordered list. */
export function reorder(ids: readonly string[], id: string, position: number): string[] {
  const rest = ids.filter((x) => x !== id);
  const at = Math.max(0, Math.min(position, rest.length));
  return [...rest.slice(0, at), id, ...rest.slice(at)];
}

type OrderedTable = typeof actions | typeof indicators | typeof transfers | typeof planRows | typeof imputationRows;

/** Ids of an ordered list (actions of a plan, indicators of an action, …) in their stored order. */
export function orderedIds(db: DbOrTx, table: OrderedTable, where: SQL | undefined): string[] {
  return db
    .select({ id: table.id, position: table.position })
    .from(table)
    .where(where)
    .orderBy(asc(table.position))
    .all()
    .map((r) => r.id);
}

/** Stores positions 0..n-1 in the order of `ids`. */
export function savePositions(db: DbOrTx, table: OrderedTable, ids: readonly string[]): void {
  ids.forEach((id, position) => db.update(table).set({ position }).where(eq(table.id, id)).run());
}
