import { attachJustifications, checkPlan, type JustifiedFinding } from '../../schemas/checks.ts';
import { readPlan } from './plan-store.ts';
import { requireCatalogue, requireProgramme, type ServiceContext } from './context.ts';

/** Findings of the stored plan, computed by the shared rules of `schemas/checks.ts`, each with its justification. */
export function getPlanChecks(ctx: ServiceContext & { planId: string }): JustifiedFinding[] {
  const plan = readPlan(ctx.db, ctx.planId);
  return attachJustifications(checkPlan(plan, requireProgramme(ctx, plan.programmeId), requireCatalogue(ctx, plan.programmeId)), plan.justifications);
}
