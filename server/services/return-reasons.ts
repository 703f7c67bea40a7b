import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { returnReasons, submissions } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { Plan } from '../../schemas/plan.ts';
import { submissionKindOf, type Catalogue } from '../../schemas/reference.ts';
import {
  RETURN_MOTIF_TYPE_LABELS,
  describeReturnTarget,
  type Demande,
  type ReturnMotifType,
  type ReturnReason,
  type ReturnTargetType,
} from '../../schemas/review-queue.ts';
import { latestSubmissions } from '../../schemas/submission.ts';
import { appendAudit } from './audit.ts';
import { newIdOf, nowOf, requireProgramme, SYSTEM_ACTOR_NAME, type ServiceContext } from './context.ts';
import { requirePlanRow } from './plan-store.ts';

/**
 * The DiCS's « demandes de correction »: written with a return (one transaction with the decision), each on a
 * section of the fiche plan, a fiche action or the whole plan of the submitted snapshot; the commune reads the open
 * ones where it must correct and marks each « Corrigé »; the next submission of the same kind and year shows the
 * DiCS which ones were marked so.
 */

/** A demande whose target was found in the snapshot, with the name it had there. */
export type TargetedDemande = Demande & { cibleLibelle: string };

/** Names each demande's target in the submitted plan; 400 at `demandes.N.cible` for a target it does not hold. */
export function targetDemandes(snapshot: Plan, catalogue: Catalogue, demandes: readonly Demande[]): TargetedDemande[] {
  const issues: { path: string; message: string }[] = [];
  const out = demandes.map((d, i) => {
    const cibleLibelle = describeReturnTarget(snapshot, catalogue, d.cibleType, d.cible);
    if (cibleLibelle === null) {
      issues.push({
        path: `demandes.${i}.cible`,
        message: d.cibleType === 'fiche' ? 'Cette fiche action n’existe pas dans le plan soumis' : 'Section inconnue de la fiche plan',
      });
    }
    return { ...d, cibleLibelle: cibleLibelle ?? '' };
  });
  if (issues.length) {
    throw new ValidationError(`Demande de correction : ${issues.map((i) => `${i.message} (${i.path})`).join(' ; ')}`, issues);
  }
  return out;
}

/** Stores the demandes of a return, in the caller's transaction (the return's). */
export function insertReturnReasons(ctx: ServiceContext, db: DbOrTx, planId: string, submissionId: string, demandes: readonly TargetedDemande[]): void {
  if (!demandes.length) return;
  const newId = newIdOf(ctx);
  const createdAt = nowOf(ctx);
  const createdBy = ctx.actor?.nom ?? SYSTEM_ACTOR_NAME;
  db.insert(returnReasons)
    .values(
      demandes.map((d) => ({
        id: newId(),
        submissionId,
        planId,
        cibleType: d.cibleType,
        cible: d.cible,
        cibleLibelle: d.cibleLibelle,
        motifType: d.motifType,
        texte: d.texte,
        createdAt,
        createdBy,
        resolvedAt: null,
      })),
    )
    .run();
}

type Row = typeof returnReasons.$inferSelect & { kind: string; annee: number; numero: number; statut: string };

function rowsOf(db: DbOrTx, planId: string, where?: SQL): Row[] {
  return db
    .select({
      id: returnReasons.id,
      submissionId: returnReasons.submissionId,
      planId: returnReasons.planId,
      cibleType: returnReasons.cibleType,
      cible: returnReasons.cible,
      cibleLibelle: returnReasons.cibleLibelle,
      motifType: returnReasons.motifType,
      texte: returnReasons.texte,
      createdAt: returnReasons.createdAt,
      createdBy: returnReasons.createdBy,
      resolvedAt: returnReasons.resolvedAt,
      kind: submissions.kind,
      annee: submissions.annee,
      numero: submissions.numero,
      statut: submissions.statut,
    })
    .from(returnReasons)
    .innerJoin(submissions, eq(submissions.id, returnReasons.submissionId))
    .where(and(eq(returnReasons.planId, planId), where))
    .orderBy(asc(returnReasons.createdAt), sql`${returnReasons}.rowid`)
    .all();
}

/** The submissions of the plan that are the latest of their kind and year and returned: their demandes are awaited. */
function currentReturnedIds(db: DbOrTx, planId: string): Set<string> {
  const rows = db
    .select({ id: submissions.id, kind: submissions.kind, annee: submissions.annee, numero: submissions.numero, statut: submissions.statut })
    .from(submissions)
    .where(eq(submissions.planId, planId))
    .all();
  return new Set(
    latestSubmissions(rows)
      .filter((s) => s.statut === 'retourne')
      .map((s) => s.id),
  );
}

function reasonOut(ctx: ServiceContext, programmeId: string, r: Row): ReturnReason {
  const programme = ctx.reference.programmes.find((p) => p.id === programmeId);
  const kind = programme ? submissionKindOf(programme, r.kind) : null;
  return {
    id: r.id,
    submissionId: r.submissionId,
    cibleType: r.cibleType as ReturnTargetType,
    cible: r.cible,
    cibleLibelle: r.cibleLibelle,
    motifType: r.motifType as ReturnMotifType,
    motifLabel: RETURN_MOTIF_TYPE_LABELS[r.motifType as ReturnMotifType] ?? r.motifType,
    texte: r.texte,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    resolvedAt: r.resolvedAt,
    kind: r.kind,
    kindLabel: kind?.label ?? r.kind,
    annee: r.annee,
    numero: r.numero,
  };
}

/**
 * The plan's open demandes de correction: those of its returned submissions (the latest of their kind and year)
 * not marked corrected, oldest first. With `submissionId`, every demande of that submission, corrected or not.
 */
export function listReturnReasons(ctx: ServiceContext & { planId: string; submissionId?: string | undefined }): ReturnReason[] {
  const plan = requirePlanRow(ctx.db, ctx.planId);
  if (ctx.submissionId !== undefined) {
    return rowsOf(ctx.db, ctx.planId, eq(returnReasons.submissionId, ctx.submissionId)).map((r) => reasonOut(ctx, plan.programmeId, r));
  }
  const current = currentReturnedIds(ctx.db, ctx.planId);
  if (!current.size) return [];
  return rowsOf(ctx.db, ctx.planId, inArray(returnReasons.submissionId, [...current]))
    .filter((r) => r.resolvedAt === null)
    .map((r) => reasonOut(ctx, plan.programmeId, r));
}

/**
 * The commune marks a demande « Corrigé » (once: marking it again changes nothing). 409 when its submission was
 * submitted again or reopened since: the DiCS now reads the new submission.
 */
export function resolveReturnReason(ctx: ServiceContext & { planId: string; reasonId: string }): ReturnReason {
  const plan = requirePlanRow(ctx.db, ctx.planId);
  requireProgramme(ctx, plan.programmeId);
  const find = () => rowsOf(ctx.db, ctx.planId, eq(returnReasons.id, ctx.reasonId))[0];
  const row = find();
  if (!row) throw new NotFoundError(`Demande de correction introuvable : ${ctx.reasonId}`);
  if (row.resolvedAt !== null) return reasonOut(ctx, plan.programmeId, row);
  if (!currentReturnedIds(ctx.db, ctx.planId).has(row.submissionId)) {
    throw new ConflictError(
      'Cette demande porte sur une soumission qui n’est plus retournée (soumise à nouveau depuis) : elle ne peut plus être marquée corrigée',
      reasonOut(ctx, plan.programmeId, row),
    );
  }
  ctx.db.transaction((db) => {
    db.update(returnReasons)
      .set({ resolvedAt: nowOf(ctx) })
      .where(eq(returnReasons.id, row.id))
      .run();
    appendAudit(ctx, db, ctx.planId, {
      event: 'reponse',
      summary: `Demande de correction de la DiCS marquée corrigée : ${row.cibleLibelle} — ${RETURN_MOTIF_TYPE_LABELS[row.motifType as ReturnMotifType] ?? row.motifType} : ${row.texte}`,
    });
  });
  return reasonOut(ctx, plan.programmeId, find()!);
}

/** The demandes of each of these submissions: how many, and how many the commune marked corrected. */
export function countReturnReasons(db: DbOrTx, submissionIds: readonly string[]): Map<string, { total: number; corrigees: number }> {
  const out = new Map<string, { total: number; corrigees: number }>();
  if (!submissionIds.length) return out;
  const rows = db
    .select({ submissionId: returnReasons.submissionId, resolvedAt: returnReasons.resolvedAt })
    .from(returnReasons)
    .where(inArray(returnReasons.submissionId, [...submissionIds]))
    .all();
  for (const r of rows) {
    const c = out.get(r.submissionId) ?? { total: 0, corrigees: 0 };
    c.total += 1;
    if (r.resolvedAt !== null) c.corrigees += 1;
    out.set(r.submissionId, c);
  }
  return out;
}
