import { asc, count, eq } from 'drizzle-orm';
import { actions, organisations, planSections, plans, submissions } from '../db/schema.ts';
import { planAccessOf, type Actor } from '../../schemas/access.ts';
import { associationTotals, porteurOfOrganisation, porteurTitle } from '../../schemas/porteur.ts';
import { ConflictError, ForbiddenError, ValidationError } from '../errors.ts';
import { findIntegrityIssues, findListIssues } from '../../schemas/integrity.ts';
import { flattenPlan } from '../../schemas/plan-path.ts';
import { PlanDocumentSchema, PorteurSchema, type Plan, type PlanSummary } from '../../schemas/plan.ts';
import type { CreatePlanBody } from '../../schemas/requests/plans.ts';
import { insertPlanContent, readPlan, requirePlanRow } from './plan-store.ts';
import { newIdOf, nowOf, requireProgramme, type ServiceContext } from './context.ts';
import { appendAudit } from './audit.ts';
import { ensureOrganisation } from './auth.ts';
import { mutatePlan } from './mutate.ts';
import { requireOwnPorteur } from './porteur.ts';
import { associationsOfMember, requirePlanAccess } from './plan-access.ts';
import { readOrganisation } from './organisations.ts';
import { readLineage } from './successor.ts';
import type { PlanLineage } from '../../schemas/requests/successor.ts';

/**
 * Refuses a plan the person does not see with 404, the same answer as for an unknown id, so that nothing tells
 * another commune's plans apart from plans that do not exist. A member commune's officer sees their association's.
 */
export function requireVisiblePlan(ctx: ServiceContext & { actor: Actor; planId: string }): void {
  requirePlanAccess(ctx);
}

/**
 * The plans the person may see (all for the DiCS and admins), with commune, porteur and programme, by commune; the
 * plans of an association the person's commune is a member of are marked read-only.
 */
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
  const porteurs = new Map(
    db
      .select({ planId: planSections.planId, data: planSections.data })
      .from(planSections)
      .where(eq(planSections.section, 'porteur'))
      .all()
      .map((r) => [r.planId, PorteurSchema.safeParse(r.data).data ?? PorteurSchema.parse({})]),
  );
  const memberOf = actor ? associationsOfMember(db, actor) : new Set<string>();
  return db
    .select({ plan: plans, organisation: organisations.nom })
    .from(plans)
    .leftJoin(organisations, eq(organisations.id, plans.organisationId))
    .orderBy(asc(plans.commune), asc(plans.programmeId))
    .all()
    .map((row) => ({ ...row, access: actor ? planAccessOf(actor, row.plan.organisationId, memberOf) : ('ecriture' as const) }))
    .filter(({ access }) => access !== null)
    .map(({ plan: p, organisation, access }) => ({
      id: p.id,
      commune: p.commune,
      porteur: porteurTitle({ commune: p.commune, porteur: porteurs.get(p.id) ?? PorteurSchema.parse({}) }),
      programmeId: p.programmeId,
      organisation,
      lectureSeule: access === 'lecture',
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
export function importPlanDocument(ctx: ServiceContext & { document: unknown; organisationId?: string }): Plan {
  const parsed = PlanDocumentSchema.safeParse(ctx.document);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  const doc = parsed.data;
  const programme = requireProgramme(ctx, doc.programmeId);
  const brought = [...flattenPlan(doc)].map(([path, value]) => ({ path, old: null, new: value }));
  const issues = [...findIntegrityIssues(doc, programme), ...findListIssues(doc, programme, brought)];
  if (issues.length) throw new ValidationError(`Données invalides (${issues[0]!.path}) : ${issues[0]!.message}`, issues);
  const id = newIdOf(ctx)();
  const now = nowOf(ctx);
  ctx.db.transaction((db) => {
    requireOwnPorteur(ctx, db, { commune: doc.commune, communePorteuse: doc.porteur.communesAssociees[0] ?? null, denomination: doc.porteur.denomination });
    // A person of a commune creates their commune's plan; the DiCS or an admin creates it for the commune it names.
    const organisationId = ctx.organisationId ?? ctx.actor?.organisationId ?? ensureOrganisation(ctx, db, doc.commune);
    db.insert(plans).values({ id, programmeId: doc.programmeId, commune: doc.commune, organisationId, createdAt: now, updatedAt: now, version: 1 }).run();
    insertPlanContent(db, id, doc, newIdOf(ctx));
    appendAudit(ctx, db, id, { event: 'modification', summary: `Plan créé : ${doc.commune}, ${programme.label}` });
  });
  return readPlan(ctx.db, id);
}

/**
 * A new, empty plan for a programme: for the commune the body names, or for an organisation (`organisationId`: its
 * commune, its association with the communes in order, or its CPAS, prefilled in the porteur section). A person of
 * a commune or association creates their own organisation's plans only (403); the plan of an association or a CPAS
 * created by its staff is prefilled the same way.
 */
export function createPlan(ctx: ServiceContext & { input: CreatePlanBody }): PlanWithLineage {
  const { input } = ctx;
  if (!ctx.reference.programmes.some((p) => p.id === input.programmeId)) {
    const known = ctx.reference.programmes.map((p) => p.id).join(', ');
    const message = `Programme inconnu : ${input.programmeId} (programmes : ${known})`;
    throw new ValidationError(message, [{ path: 'programmeId', message }]);
  }
  const own = ctx.actor?.organisationId ?? null;
  if (input.organisationId && own && input.organisationId !== own) {
    const message = 'Vous créez les plans de votre organisation seulement';
    throw new ForbiddenError(message, [{ path: 'organisationId', message }]);
  }
  const organisationId = input.organisationId ?? own;
  const organisation = organisationId ? readOrganisation(ctx.db, organisationId) : null;
  if (organisation && (input.organisationId || organisation.nature !== 'commune')) {
    const { commune, porteur } = porteurOfOrganisation(organisation);
    // An association's plan counts the inhabitants of all its communes.
    const population = organisation.nature === 'association' ? associationTotals(organisation.membres).population : null;
    const document = { programmeId: input.programmeId, commune, porteur, ...(population === null ? {} : { identite: { population } }) };
    return getPlan({ ...ctx, planId: importPlanDocument({ ...ctx, organisationId: organisation.id, document }).id });
  }
  if (!input.commune) {
    const message = 'Indiquez la commune du plan, ou l’organisation qui le porte';
    throw new ValidationError(message, [{ path: 'commune', message }]);
  }
  return getPlan({ ...ctx, planId: importPlanDocument({ ...ctx, document: { programmeId: input.programmeId, commune: input.commune } }).id });
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
