import { asc, count, eq } from 'drizzle-orm';
import { actions, plans } from '../db/schema.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { findIntegrityIssues } from '../../schemas/integrity.ts';
import {
  PlanDocumentSchema,
  PlanHeaderSchema,
  type Plan,
  type PlanSummary,
} from '../../schemas/plan.ts';
import { insertPlanContent, readPlan, requirePlanRow } from './plan-store.ts';
import { newIdOf, nowOf, requireProgramme, type ServiceContext } from './context.ts';

/** Every plan, with its commune and programme, most recently updated first. */
export function listPlans({ db }: ServiceContext): PlanSummary[] {
  const counts = new Map(
    db
      .select({ planId: actions.planId, n: count() })
      .from(actions)
      .groupBy(actions.planId)
      .all()
      .map((r) => [r.planId, r.n]),
  );
  return db
    .select()
    .from(plans)
    .orderBy(asc(plans.commune), asc(plans.programmeId))
    .all()
    .map((p) => ({
      id: p.id,
      commune: p.commune,
      programmeId: p.programmeId,
      actionCount: counts.get(p.id) ?? 0,
      updatedAt: p.updatedAt,
    }));
}

export function getPlan(ctx: ServiceContext & { planId: string }): Plan {
  return readPlan(ctx.db, ctx.planId);
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
  ctx.db.transaction((tx) => {
    tx.insert(plans).values({ id, programmeId: doc.programmeId, commune: doc.commune, createdAt: now, updatedAt: now, version: 1 }).run();
    insertPlanContent(tx as unknown as typeof ctx.db, id, doc, newIdOf(ctx));
  });
  return readPlan(ctx.db, id);
}

/** A new, empty plan for a commune and a programme. */
export function createPlan(ctx: ServiceContext & { input: unknown }): Plan {
  const parsed = PlanHeaderSchema.safeParse(ctx.input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error);
  if (!ctx.reference.programmes.some((p) => p.id === parsed.data.programmeId)) {
    const known = ctx.reference.programmes.map((p) => p.id).join(', ');
    const message = `Programme inconnu : ${parsed.data.programmeId} (programmes : ${known})`;
    throw new ValidationError(message, [{ path: 'programmeId', message }]);
  }
  return importPlanDocument({ ...ctx, document: parsed.data });
}

/** Renames the commune of a plan (the programme of a plan never changes). */
export function updatePlanHeader(ctx: ServiceContext & { planId: string; version: number; commune: string }): Plan {
  const row = requirePlanRow(ctx.db, ctx.planId);
  if (row.version !== ctx.version) {
    throw new ConflictError('Le plan a été modifié entre-temps', { commune: row.commune, version: row.version });
  }
  ctx.db
    .update(plans)
    .set({ commune: ctx.commune, version: row.version + 1, updatedAt: nowOf(ctx) })
    .where(eq(plans.id, ctx.planId))
    .run();
  return readPlan(ctx.db, ctx.planId);
}

export function deletePlan(ctx: ServiceContext & { planId: string }): void {
  requirePlanRow(ctx.db, ctx.planId);
  ctx.db.delete(plans).where(eq(plans.id, ctx.planId)).run();
}
