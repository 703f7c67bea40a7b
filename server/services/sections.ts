import { and, eq } from 'drizzle-orm';
import { budgets, planSections } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { SECTION_SCHEMAS, type SectionKey } from '../../schemas/plan.ts';
import { budgetToRow, readPlan } from './plan-store.ts';
import { mutatePlan, requireVersion } from './mutate.ts';
import type { ServiceContext } from './context.ts';

/**
 * Replaces one section of the fiche plan (porteur, identité, budget, textes…) if `version` is the stored one.
 * Answers the section as stored with its new version; identical data changes nothing (same version, no audit entry).
 */
export function updateSection(ctx: ServiceContext & { planId: string; section: SectionKey; version: number; data: unknown }): {
  data: unknown;
  version: number;
} {
  const parsed = SECTION_SCHEMAS[ctx.section].safeParse(ctx.data);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, [ctx.section]);
  const data = parsed.data;
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const current = readPlan(db, ctx.planId);
      const what = `La section « ${ctx.section} »`;
      requireVersion({ version: current.versions[ctx.section] }, ctx.version, what, () => ({
        data: current[ctx.section],
        version: current.versions[ctx.section],
      }));
      const version = ctx.version + 1;
      if (ctx.section === 'budget') {
        db.update(budgets)
          .set({ ...budgetToRow(data as typeof current.budget), version })
          .where(eq(budgets.planId, ctx.planId))
          .run();
      } else {
        db.update(planSections)
          .set({ data, version })
          .where(and(eq(planSections.planId, ctx.planId), eq(planSections.section, ctx.section)))
          .run();
      }
      return { data, version };
    },
    {
      addresses: () => [ctx.section],
      unchanged: (db) => {
        const stored = readPlan(db, ctx.planId);
        return { data: stored[ctx.section], version: stored.versions[ctx.section] };
      },
    },
  );
}
