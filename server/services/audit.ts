import { and, desc, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import { auditChanges, auditValues, formDocuments, submissions } from '../db/schema.ts';
import { preparedPerDatabase, type Db, type DbOrTx } from '../db/open.ts';
import { AppError, ForbiddenError } from '../errors.ts';
import { ROLE_LABELS, canWritePath, writeScopeOf } from '../../schemas/access.ts';
import {
  describePath,
  diffPlans,
  flattenPlan,
  formatPathValue,
  yearOfPath,
  type AuditEntry,
  type AuditEvent,
  type FlatValue,
  type ValueChange,
} from '../../schemas/audit.ts';
import type { Plan, PlanDocument } from '../../schemas/plan.ts';
import { nowOf, requireProgramme, SYSTEM_ACTOR_NAME, type ServiceContext } from './context.ts';
import { ANNUAL_REPORT_KIND, submissionKindOf } from '../../schemas/reference.ts';
import { lockedYears, submissionName } from '../../schemas/submission.ts';
import { readLockingSubmission, readPlan } from './plan-store.ts';
import { formKindsOr } from '../form-definitions.ts';
import { formFieldAt } from '../../schemas/form-document.ts';
import type { FormValueField } from '../../schemas/form-definition.ts';
import { FORM_AUDIT_ROOT, splitPath } from '../../schemas/plan-path.ts';

type Described = ValueChange & { label: string };
/** What the trail needs of a plan to judge and name its changes: its rows (a part of them suffices for a cell write). */
type ChangedPlan = Pick<Plan, 'actions' | 'transferts' | 'programmeId'> & Partial<Plan>;

/**
 * Writes one entry of the trail (a change of values, or an event such as a submission) in the caller's transaction
 * `_tx`: its statements are prepared on `ctx.db`, the same connection, so they run inside that transaction.
 */
export function appendAudit(
  ctx: ServiceContext,
  _tx: DbOrTx,
  planId: string,
  entry: { event: AuditEvent; summary?: string | null; values?: readonly Described[] },
): void {
  const actor = ctx.actor;
  const st = auditStatementsOf(ctx.db);
  const row = st.insertChange.get({
    planId,
    at: nowOf(ctx),
    event: entry.event,
    userId: actor?.userId ?? null,
    userName: actor?.nom ?? SYSTEM_ACTOR_NAME,
    userRole: actor ? ROLE_LABELS[actor.role] : 'Système',
    origin: actor ? (ctx.origin ?? 'api') : 'systeme',
    reason: ctx.reason ?? null,
    summary: entry.summary ?? null,
  });
  // A whole import can change tens of thousands of values: one prepared statement, run per value (same transaction).
  const json = (v: FlatValue) => (v === null ? null : JSON.stringify(v));
  for (const v of entry.values ?? []) st.insertValue.run(row!.id, planId, v.path, v.label, json(v.old), json(v.new));
}

/**
 * The trail's statements, prepared once per database: every change writes one entry and reads the plan's
 * submissions (the read-only years), and a cell typed in the grid must not pay for building them again.
 */
function prepareAuditStatements(db: Db) {
  const p = (name: string) => sql.placeholder(name);
  return {
    insertChange: db
      .insert(auditChanges)
      .values({
        planId: p('planId'),
        at: p('at'),
        event: p('event'),
        userId: p('userId'),
        userName: p('userName'),
        userRole: p('userRole'),
        origin: p('origin'),
        reason: p('reason'),
        summary: p('summary'),
      })
      .returning({ id: auditChanges.id })
      .prepare(),
    insertValue: db.$client.prepare('insert into audit_values (change_id, plan_id, path, label, old_value, new_value) values (?, ?, ?, ?, ?, ?)'),
    submissionsOfPlan: db
      .select({ kind: submissions.kind, annee: submissions.annee, numero: submissions.numero, statut: submissions.statut })
      .from(submissions)
      .where(eq(submissions.planId, p('planId')))
      .prepare(),
  };
}

const auditStatementsOf = preparedPerDatabase(prepareAuditStatements);

/**
 * The difference a change made to a plan, checked against what the person may write (403 naming every refused
 * value, and then the caller's transaction rolls back) and recorded in the trail. Answers the changes.
 */
export function recordPlanChanges(
  ctx: ServiceContext,
  db: DbOrTx,
  planId: string,
  before: ChangedPlan,
  after: ChangedPlan,
  changes: readonly ValueChange[] = diffPlans(flattenPlan(before), flattenPlan(after)),
): Described[] {
  if (!changes.length) return [];
  const described = changes.map((c) => ({ ...c, label: describePath(c.new === null ? before : after, c.path) }));
  const actor = ctx.actor;
  if (actor) {
    const scope = writeScopeOf(before, actor);
    const refused = described.filter((c) => !canWritePath(actor, c.path, scope));
    if (refused.length) {
      const more = refused.length > 1 ? ` (et ${refused.length - 1} autre(s) valeur(s))` : '';
      throw new ForbiddenError(
        `Votre rôle (${ROLE_LABELS[actor.role]}) ne permet pas de modifier : ${refused[0]!.label}${more}`,
        refused.slice(0, 50).map((c) => ({ path: c.path, message: `${c.label} : modification non permise pour votre rôle` })),
      );
    }
  }
  requireOpenYears(ctx, db, planId, before.programmeId, described);
  appendAudit(ctx, db, planId, { event: 'modification', values: described });
  return described;
}

/**
 * 409 `year_locked` when one of these changes (paths with their labels) is in a year whose report is submitted to
 * or approved by the DiCS: its values are read-only until the report is reopened.
 */
export function requireOpenYears(
  ctx: ServiceContext,
  db: DbOrTx,
  planId: string,
  programmeId: string,
  described: readonly { path: string; label: string }[],
): void {
  const locked = lockedYears(auditStatementsOf(ctx.db).submissionsOfPlan.all({ planId }));
  const frozen = locked.length ? described.filter((c) => yearOfPath(c.path, locked) !== null) : [];
  if (!frozen.length) return;
  const year = yearOfPath(frozen[0]!.path, locked)!;
  // The yearly report as it always was named; another kind by its label (« Justification financière annuelle 2027 »).
  const lock = readLockingSubmission(db, planId, year);
  const kind = lock && lock.kind !== ANNUAL_REPORT_KIND ? submissionKindOf(requireProgramme(ctx, programmeId), lock.kind) : null;
  const name = lock && kind ? submissionName({ kind: lock.kind, kindLabel: kind.label, annee: year }) : `le rapport ${year}`;
  throw new AppError(
    409,
    'year_locked',
    `${frozen[0]!.label} : ${name} est ${lock?.statut === 'approuve' ? 'approuvé par' : 'soumis à'} la DiCS, ses valeurs sont en lecture seule (rouvrez-le avec un motif pour les modifier)`,
    frozen.slice(0, 50).map((c) => ({ path: c.path, message: `${c.label} : rapport ${yearOfPath(c.path, locked)} soumis` })),
  );
}

/** `path` itself or a path under it (`isPathWithin` of schemas/plan-path.ts, said in SQL): `LIKE` with its wildcards escaped. */
function underPath(path: string): SQL {
  const escaped = path.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  return or(eq(auditValues.path, path), like(auditValues.path, `${escaped}.%`))!;
}

/**
 * The field of its definition a form document's value in the trail holds (`formulaires.<document>.<path in it>`):
 * through the document's kind, or, for a document deleted since, the one kind that has such a field.
 */
function formFieldsOf(ctx: ServiceContext, paths: readonly string[]): (path: string) => FormValueField | null {
  const ids = [...new Set(paths.map(splitPath).flatMap(([root, id]) => (root === FORM_AUDIT_ROOT && id ? [id] : [])))];
  if (ids.length === 0) return () => null;
  const kindOf = new Map(
    ctx.db
      .select({ id: formDocuments.id, kind: formDocuments.kind })
      .from(formDocuments)
      .where(inArray(formDocuments.id, ids))
      .all()
      .map((r) => [r.id, r.kind]),
  );
  const definitions = formKindsOr(ctx.forms);
  return (path) => {
    const [root, id, ...rest] = splitPath(path);
    if (root !== FORM_AUDIT_ROOT || !id) return null;
    const inside = rest.join('.');
    const definition = definitions.get(kindOf.get(id) ?? '');
    if (definition) return formFieldAt(definition, inside);
    const candidates = [...definitions.values()].flatMap((d) => formFieldAt(d, inside) ?? []);
    return candidates.length === 1 ? candidates[0]! : null;
  };
}

/**
 * The plan's trail, newest first: every entry, or only those touching `chemin` (a cell, a fiche `actions.<id>`,
 * a part of the plan), with each value named and formatted as people read it.
 */
export function getHistory(ctx: ServiceContext & { planId: string; chemin?: string | undefined; limite: number }): AuditEntry[] {
  const plan: PlanDocument = readPlan(ctx.db, ctx.planId);
  let changeIds: number[] | null = null;
  if (ctx.chemin) {
    const rows = ctx.db
      .selectDistinct({ id: auditValues.changeId })
      .from(auditValues)
      .where(and(eq(auditValues.planId, ctx.planId), underPath(ctx.chemin)))
      .orderBy(desc(auditValues.changeId))
      .limit(ctx.limite)
      .all();
    changeIds = rows.map((r) => r.id);
    if (!changeIds.length) return [];
  }
  const changes = ctx.db
    .select()
    .from(auditChanges)
    .where(and(eq(auditChanges.planId, ctx.planId), changeIds ? inArray(auditChanges.id, changeIds) : undefined))
    .orderBy(desc(auditChanges.id))
    .limit(ctx.limite)
    .all();
  if (!changes.length) return [];
  const values = ctx.db
    .select()
    .from(auditValues)
    .where(
      and(
        inArray(
          auditValues.changeId,
          changes.map((c) => c.id),
        ),
        ctx.chemin ? underPath(ctx.chemin) : undefined,
      ),
    )
    .all();
  const byChange = new Map<number, AuditEntry['values']>();
  const formField = formFieldsOf(
    ctx,
    values.map((v) => v.path),
  );
  for (const v of values) {
    const list = byChange.get(v.changeId) ?? [];
    list.push({
      path: v.path,
      // Named from today's plan; a row deleted since keeps the name recorded with the change.
      label: describePath(plan, v.path, v.label),
      old: v.oldValue as FlatValue,
      new: v.newValue as FlatValue,
      oldText: formatPathValue(plan, v.path, v.oldValue as FlatValue, formField(v.path)),
      newText: formatPathValue(plan, v.path, v.newValue as FlatValue, formField(v.path)),
    });
    byChange.set(v.changeId, list);
  }
  return changes.map((c) => ({
    id: c.id,
    at: c.at,
    event: c.event,
    userName: c.userName,
    userRole: c.userRole,
    origin: c.origin,
    reason: c.reason,
    summary: c.summary,
    values: byChange.get(c.id) ?? [],
  }));
}
