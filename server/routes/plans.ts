import { Hono } from 'hono';
import { createFactory } from 'hono/factory';
import { createPlan, deletePlan, getPlan, listPlans, updatePlanHeader } from '../services/plans.ts';
import { updateSection } from '../services/sections.ts';
import { getPlanChecks } from '../services/checks.ts';
import { getPlanPorteur } from '../services/plan-access.ts';
import { allow, type AppEnv } from './access.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import { CreatePlanBody, PlanParam, SectionParam, UpdatePlanBody, UpdateSectionBody } from '../../schemas/requests/plans.ts';
import { validate } from './validate.ts';

/** An edit of one section of the fiche plan (after the capability check of its route). */
const sectionEdit = createFactory<AppEnv>().createHandlers(validate('param', SectionParam), validate('json', UpdateSectionBody), (c) => {
  const { planId, section } = c.req.valid('param');
  const { version, data } = c.req.valid('json');
  return c.json(updateSection({ ...c.var.ctx, planId, section, version, data }));
});

/** Plans: list, create, read whole, rename, delete, checks, and the fiche plan's sections. */
export function planRoutes() {
  return (
    new Hono<AppEnv>()
      .get('/', allow('read'), (c) => c.json(listPlans(c.var.ctx)))
      .post('/', allow('create-plan'), validate('json', CreatePlanBody), (c) => c.json(createPlan({ ...c.var.ctx, input: c.req.valid('json') }), 201))
      .get('/:planId', allow('read'), validate('param', PlanParam), (c) => c.json(getPlan({ ...c.var.ctx, planId: c.req.valid('param').planId })))
      .put('/:planId', allow(WRITE_CAPABILITIES.plan), validate('param', PlanParam), validate('json', UpdatePlanBody), (c) =>
        c.json(updatePlanHeader({ ...c.var.ctx, planId: c.req.valid('param').planId, ...c.req.valid('json') })),
      )
      .delete('/:planId', allow(WRITE_CAPABILITIES.plan), validate('param', PlanParam), (c) => {
        deletePlan({ ...c.var.ctx, planId: c.req.valid('param').planId });
        return c.body(null, 204);
      })
      .get('/:planId/porteur', allow('read'), validate('param', PlanParam), (c) =>
        c.json(getPlanPorteur({ ...c.var.ctx, planId: c.req.valid('param').planId })),
      )
      .get('/:planId/checks', allow('read'), validate('param', PlanParam), (c) => c.json(getPlanChecks({ ...c.var.ctx, planId: c.req.valid('param').planId })))
      // The fiche plan's budget is a finance part; every other section is the chef de projet's.
      .put('/:planId/sections/:section{budget}', allow(WRITE_CAPABILITIES.budgetSection), ...sectionEdit)
      .put('/:planId/sections/:section', allow(WRITE_CAPABILITIES.plan), ...sectionEdit)
  );
}
