import { asc, count, eq } from 'drizzle-orm';
import { actions, organisations, plans, submissions } from '../db/schema.ts';
import { canSeePlan, type Actor } from '../../schemas/access.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { findIntegrityIssues } from '../../schemas/integrity.ts';
import { PlanDocumentSchema, type Plan, type PlanSummary } from '../../schemas/plan.ts';
import type { CreatePlanBody } from '../../schemas/requests/plans.ts';
import { insertPlanContent, readPlan, requirePlanRow } from './plan-store.ts';
import { newIdOf, nowOf, requireProgramme, type ServiceContext } from './context.ts';
import { appendAudit } from './audit.ts';
import { ensureOrganisation } from './auth.ts';
import { mutatePlan } from './mutate.ts';
import { requireOwnPorteur } from './porteur.ts';
import { readLineage } from './successor.ts';
import type { PlanLineage } from '../../schemas/requests/successor.ts';

/**
 * Refuses a plan the person does not see with 404, the same answer as for an unknown id, so that nothing tells
 * another commune's plans apart from plans that do not exist.
 */
export function requireVisiblePlan(ctx: ServiceContext & { actor: Actor; planId: string }): void {
  const row = ctx.db.select({ organisationId: plans.organisationId }).from(plans).where(eq(plans.id, ctx.planId)).get();
  if (!row || !canSeePlan(ctx.actor, row.organisationId)) throw new NotFoundError(`Plan introuvable : ${ctx.planId}`);
}

/** The plans the person may see (all for the DiCS and admins), with commune and programme, by commune. */
export function listPlans(ctx: ServiceContext): PlanSummary[] {
  const { db, actor } = ctx;
  const counts = new Map(
    db
      .select({ planId: actions.planId, n: count() })
      .from(actions)
      .groupBy(actions.planId)
      .all()
      .map((r) => [r.planId, r.n]),
  );
  return db
    .select({ plan: plans, organisation: organisations.nom })
    .from(plans)
    .leftJoin(organisations, eq(organisations.id, plans.organisationId))
    .orderBy(asc(plans.commune), asc(plans.programmeId))
    .all()
    .filter(({ plan }) => !actor || canSeePlan(actor, plan.organisationId))
    .map(({ plan: p, organisation }) => ({
      id: p.id,
      commune: p.commune,
      programmeId: p.programmeId,
      organisation,
      actionCount: counts.get(p.id) ?? 0,
      updatedAt: p.updatedAt,
    }));
}

/** A plan as the plans' routes answer it: the whole plan, with its lineage (the plan it was prepared from, the one prepared from it). */
export type PlanWithLineage = Plan & { lineage: PlanLineage };

export function getPlan(ctx: ServiceContext & { planId: string }): PlanWithLineage {
  return { ...readPlan(ctx.db, ctx.planId), lineage: readLineage(ctx, ctx.planId) };
}

/**
 * Stores a whole plan document (a sample, or an import) as a new plan, in one transaction: either every row is
 * written or none. Ids inside the document are references; stored rows get fresh ids.
 */
export function importPlanDocument(ctx: ServiceContext & { document: unknown }): Plan {
  const parsed = PlanDocumentSchema.safeParse(ctx.document);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const doc = parsed.data;
  const programme = requireProgramme(ctx, doc.programmeId);
  const issues = findIntegrityIssues(doc, programme);
  if (issues.length) throw new ValidationError(`Données invalides (${issues[0]!.path}) : ${issues[0]!.message}`, issues);
  const id = newIdOf(ctx)();
  const now = nowOf(ctx);
  ctx.db.transaction((db) => {
    requireOwnPorteur(ctx, db, { commune: doc.commune, communePorteuse: doc.porteur.communesAssociees[0] ?? null, denomination: doc.porteur.denomination });
    // A person of a commune creates their commune's plan; the DiCS or an admin creates it for the commune it names.
    const organisationId = ctx.actor?.organisationId ?? ensureOrganisation(ctx, db, doc.commune);
    db.insert(plans).values({ id, programmeId: doc.programmeId, commune: doc.commune, organisationId, createdAt: now, updatedAt: now, version: 1 }).run();
    insertPlanContent(db, id, doc, newIdOf(ctx));
    appendAudit(ctx, db, id, { event: 'modification', summary: `Plan créé : ${doc.commune}, ${programme.label}` });
  });
  return readPlan(ctx.db, id);
}

/** A new, empty plan for a commune and a programme; a person of a commune creates their own commune's plans only (403). */
export function createPlan(ctx: ServiceContext & { input: CreatePlanBody }): PlanWithLineage {
  const { input } = ctx;
  if (!ctx.reference.programmes.some((p) => p.id === input.programmeId)) {
    const known = ctx.reference.programmes.map((p) => p.id).join(', ');
    const message = `Programme inconnu : ${input.programmeId} (programmes : ${known})`;
    throw new ValidationError(message, [{ path: 'programmeId', message }]);
  }
  return getPlan({ ...ctx, planId: importPlanDocument({ ...ctx, document: input }).id });
}

/** Renames the commune of a plan (the programme of a plan never changes); a person of a commune keeps it theirs (403). */
export function updatePlanHeader(ctx: ServiceContext & { planId: string; version: number; commune: string }): PlanWithLineage {
  mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const row = requirePlanRow(db, ctx.planId);
      if (row.version !== ctx.version) {
        throw new ConflictError('Le plan a été modifié entre-temps', { commune: row.commune, version: row.version });
      }
      if (row.commune === ctx.commune) return;
      db.update(plans)
        .set({ commune: ctx.commune, version: row.version + 1 })
        .where(eq(plans.id, ctx.planId))
        .run();
    },
    { verifyIntegrity: false, addresses: () => ['commune'], unchanged: () => undefined },
  );
  return getPlan(ctx);
}

/** Deletes a plan and everything in it; a plan with a report submitted to the DiCS is an official record and stays. */
export function deletePlan(ctx: ServiceContext & { planId: string }): void {
  requirePlanRow(ctx.db, ctx.planId);
  const submitted = ctx.db.select({ annee: submissions.annee }).from(submissions).where(eq(submissions.planId, ctx.planId)).all();
  if (submitted.length) {
    throw new ConflictError(
      `Ce plan a des rapports soumis à la DiCS (${[...new Set(submitted.map((s) => s.annee))].join(', ')}) : il ne peut pas être supprimé`,
      null,
    );
  }
  ctx.db.delete(plans).where(eq(plans.id, ctx.planId)).run();
}
