import { and, desc, eq, inArray } from 'drizzle-orm';
import { actions, justifications, planRows, reviewThreads, submissions } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { AppError, InUseError } from '../errors.ts';
import { describeRowReferences, detachLabel, findRowReferences, type ReferenceSources, type RowReferences } from '../../schemas/integrity.ts';
import { LOCKING_STATUSES } from '../../schemas/submission.ts';
import type { PlanDocument } from '../../schemas/plan.ts';
import { justificationPath, splitPath } from '../../schemas/plan-path.ts';
import { readPlan } from './plan-store.ts';

/**
 * The one rule for deleting a row that other rows point at: never silently. Without `detach`, any reference
 * refuses the deletion (409 `in_use`, listing them); with `detach`, the detachable ones (a fiche's operator link, a
 * partner card's action, a justification) are undone in the same change — inside `mutatePlan`, so each fiche or
 * card changed is a value of the audit trail — and the row goes. A DiCS question always keeps its value (409
 * `in_use`), a report under review or approved keeps what it holds (409 `year_locked`).
 */
export function guardRowDeletion(db: DbOrTx, planId: string, rowPath: string, what: string, detach: boolean): void {
  guardRowsDeletion(db, planId, [{ rowPath, what }], detach);
}

/** The same rule for rows deleted together (the imputations an E-compte import replaces): the plan is read once. */
export function guardRowsDeletion(
  db: DbOrTx,
  planId: string,
  rows: readonly { rowPath: string; what: string }[],
  detach: boolean,
  /** The plan as stored now, when the caller has just read it. */
  stored?: PlanDocument,
): void {
  if (!rows.length) return;
  const plan = stored ?? readPlan(db, planId);
  const threads = db
    .select({ chemin: reviewThreads.chemin, annee: reviewThreads.annee, libelle: reviewThreads.libelle })
    .from(reviewThreads)
    .where(eq(reviewThreads.planId, planId))
    .all();
  const sources = { threads, lockedSnapshots: lockedSnapshotsOf(db, planId) };
  for (const { rowPath, what } of rows) guardOne(db, planId, plan, rowPath, what, detach, sources);
}

function guardOne(db: DbOrTx, planId: string, plan: PlanDocument, rowPath: string, what: string, detach: boolean, sources: ReferenceSources): void {
  const references = findRowReferences(plan, rowPath, sources);
  if (!references.length) return;
  const message = describeRowReferences(what, references);
  const issues = references.map((r) => ({ path: r.path, message: `${what} : ${r.label}` }));
  if (references.some((r) => r.kind === 'soumission')) throw new AppError(409, 'year_locked', message, issues);
  const detachable = references.every((r) => r.detachable);
  const current: RowReferences = { references, detachable, detachLabel: detachLabel(references) };
  if (!detach || !detachable) throw new InUseError(message, issues, current);
  detachReferences(db, planId, plan, rowPath);
}

/** The snapshots of the submissions (of every kind) that are the latest of their kind and year and under review or approved. */
function lockedSnapshotsOf(db: DbOrTx, planId: string): { annee: number; plan: Pick<PlanDocument, 'actions' | 'transferts'> }[] {
  const rows = db
    .select({ kind: submissions.kind, annee: submissions.annee, statut: submissions.statut, snapshot: submissions.snapshot })
    .from(submissions)
    .where(eq(submissions.planId, planId))
    .orderBy(desc(submissions.numero))
    .all();
  const latest = new Map<string, (typeof rows)[number]>();
  for (const r of rows) if (!latest.has(`${r.kind}|${r.annee}`)) latest.set(`${r.kind}|${r.annee}`, r);
  return [...latest.values()]
    .filter((r) => LOCKING_STATUSES.includes(r.statut))
    .map((r) => ({ annee: r.annee, plan: JSON.parse(r.snapshot) as Pick<PlanDocument, 'actions' | 'transferts'> }));
}

/** Undoes the detachable references to the row (each row changed takes a new version). */
function detachReferences(db: DbOrTx, planId: string, plan: PlanDocument, rowPath: string): void {
  const references = findRowReferences(plan, rowPath, { threads: [], lockedSnapshots: [] });
  const id = splitPath(rowPath).pop()!;
  for (const r of references) {
    if (r.kind === 'operateur') {
      const actionId = splitPath(r.path)[1]!;
      const row = db
        .select({ version: actions.version })
        .from(actions)
        .where(and(eq(actions.id, actionId), eq(actions.planId, planId)))
        .get();
      if (row)
        db.update(actions)
          .set({ transferId: null, version: row.version + 1 })
          .where(eq(actions.id, actionId))
          .run();
    } else if (r.kind === 'carte-partenaire') {
      const cardId = splitPath(r.path)[1]!;
      const card = db
        .select()
        .from(planRows)
        .where(and(eq(planRows.id, cardId), eq(planRows.planId, planId)))
        .get();
      const data = card?.data as { actionIds?: string[] } | undefined;
      if (card && data) {
        db.update(planRows)
          .set({ data: { ...data, actionIds: (data.actionIds ?? []).filter((x) => x !== id) }, version: card.version + 1 })
          .where(eq(planRows.id, cardId))
          .run();
      }
    }
  }
  const keys = plan.justifications.filter((j) => references.some((r) => r.kind === 'justification' && r.path === justificationPath(j.cle))).map((j) => j.cle);
  if (keys.length)
    db.delete(justifications)
      .where(and(eq(justifications.planId, planId), inArray(justifications.cle, keys)))
      .run();
}
