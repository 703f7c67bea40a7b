import { Hono } from 'hono';
import { createFactory } from 'hono/factory';
import { z } from 'zod';
import { shortText, RowId, Version } from '../../schemas/primitives.ts';
import { SECTION_KEYS } from '../../schemas/plan.ts';
import { createPlan, deletePlan, getPlan, listPlans, updatePlanHeader } from '../services/plans.ts';
import { updateSection } from '../services/sections.ts';
import { getPlanChecks } from '../services/checks.ts';
import { allow, type AppEnv } from './access.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import { EditBody, PlanParam, validate } from './validate.ts';

/** An edit of one section of the fiche plan (after the capability check of its route). */
const sectionEdit = createFactory<AppEnv>().createHandlers(
  validate('param', z.object({ planId: RowId, section: z.enum(SECTION_KEYS) })),
  validate('json', EditBody.omit({ position: true })),
  (c) => {
    const { planId, section } = c.req.valid('param');
    const { version, data } = c.req.valid('json');
    return c.json(updateSection({ ...c.var.ctx, planId, section, version, data }));
  },
);

/** Plans: list, create, read whole, rename, delete, checks, and the fiche plan's sections. */
export function planRoutes() {
  return (
    new Hono<AppEnv>()
      .get('/', allow('read'), (c) => c.json(listPlans(c.var.ctx)))
      .post('/', allow('create-plan'), validate('json', z.unknown()), (c) => c.json(createPlan({ ...c.var.ctx, input: c.req.valid('json') }), 201))
      .get('/:planId', allow('read'), validate('param', PlanParam), (c) => c.json(getPlan({ ...c.var.ctx, planId: c.req.valid('param').planId })))
      .put(
        '/:planId',
        allow(WRITE_CAPABILITIES.plan),
        validate('param', PlanParam),
        validate('json', z.object({ version: Version, commune: shortText.min(1).max(100) }).strict()),
        (c) => c.json(updatePlanHeader({ ...c.var.ctx, planId: c.req.valid('param').planId, ...c.req.valid('json') })),
      )
      .delete('/:planId', allow(WRITE_CAPABILITIES.plan), validate('param', PlanParam), (c) => {
        deletePlan({ ...c.var.ctx, planId: c.req.valid('param').planId });
        return c.body(null, 204);
      })
      .get('/:planId/checks', allow('read'), validate('param', PlanParam), (c) => c.json(getPlanChecks({ ...c.var.ctx, planId: c.req.valid('param').planId })))
      // The fiche plan's budget is a finance part; every other section is the chef de projet's.
      .put('/:planId/sections/:section{budget}', allow(WRITE_CAPABILITIES.budgetSection), ...sectionEdit)
      .put('/:planId/sections/:section', allow(WRITE_CAPABILITIES.plan), ...sectionEdit)
  );
}
