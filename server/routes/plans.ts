import { Hono } from 'hono';
import { z } from 'zod';
import { shortText, RowId, Version } from '../../schemas/primitives.ts';
import { SECTION_KEYS } from '../../schemas/plan.ts';
import { createPlan, deletePlan, getPlan, listPlans, updatePlanHeader } from '../services/plans.ts';
import { updateSection } from '../services/sections.ts';
import { getPlanChecks } from '../services/checks.ts';
import type { ServiceContext } from '../services/context.ts';
import { EditBody, PlanParam, validate } from './validate.ts';

/** Plans: list, create, read whole, rename, delete, checks, and the fiche plan's sections. */
export function planRoutes(ctx: ServiceContext) {
  return new Hono()
    .get('/', (c) => c.json(listPlans(ctx)))
    .post('/', validate('json', z.unknown()), (c) => c.json(createPlan({ ...ctx, input: c.req.valid('json') }), 201))
    .get('/:planId', validate('param', PlanParam), (c) => c.json(getPlan({ ...ctx, planId: c.req.valid('param').planId })))
    .put(
      '/:planId',
      validate('param', PlanParam),
      validate('json', z.object({ version: Version, commune: shortText.min(1).max(100) }).strict()),
      (c) => c.json(updatePlanHeader({ ...ctx, planId: c.req.valid('param').planId, ...c.req.valid('json') })),
    )
    .delete('/:planId', validate('param', PlanParam), (c) => {
      deletePlan({ ...ctx, planId: c.req.valid('param').planId });
      return c.body(null, 204);
    })
    .get('/:planId/checks', validate('param', PlanParam), (c) =>
      c.json(getPlanChecks({ ...ctx, planId: c.req.valid('param').planId })),
    )
    .put(
      '/:planId/sections/:section',
      validate('param', z.object({ planId: RowId, section: z.enum(SECTION_KEYS) })),
      validate('json', EditBody.omit({ position: true })),
      (c) => {
        const { planId, section } = c.req.valid('param');
        const { version, data } = c.req.valid('json');
        return c.json(updateSection({ ...ctx, planId, section, version, data }));
      },
    );
}
