import { checkPlan, type Finding } from '../../schemas/checks.ts';
import { readPlan } from './plan-store.ts';
import { requireProgramme, type ServiceContext } from './context.ts';

/** Findings of the stored plan, computed by the shared rules of `schemas/checks.ts`. */
export function getPlanChecks(ctx: ServiceContext & { planId: string }): Finding[] {
  const plan = readPlan(ctx.db, ctx.planId);
  return checkPlan(plan, requireProgramme(ctx, plan.programmeId), ctx.reference.catalogue);
}
