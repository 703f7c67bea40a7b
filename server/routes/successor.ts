import { Hono } from 'hono';
import { allow, type AppEnv } from './access.ts';
import { PlanParam, PrepareSuccessorBody, SuccessorPreviewBody } from '../../schemas/requests/successor.ts';
import { cancelPreparation, prepareSuccessor, previewSuccessor } from '../services/successor.ts';
import { validate } from './validate.ts';

/**
 * « Préparer le plan suivant »: the proposal (no write), the preparation, and its undoing while the new plan is not
 * saved yet. Making a plan is the chef de projet's (and the administrator's): `create-plan`.
 */
export function successorRoutes() {
  return new Hono<AppEnv>()
    .post('/:planId/successor/preview', allow('create-plan'), validate('param', PlanParam), validate('json', SuccessorPreviewBody), (c) =>
      c.json(previewSuccessor({ ...c.var.ctx, planId: c.req.valid('param').planId, programmeId: c.req.valid('json').programmeId })),
    )
    .post('/:planId/successor', allow('create-plan'), validate('param', PlanParam), validate('json', PrepareSuccessorBody), (c) =>
      c.json(prepareSuccessor({ ...c.var.ctx, planId: c.req.valid('param').planId, input: c.req.valid('json') }), 201),
    )
    .delete('/:planId/preparation', allow('create-plan'), validate('param', PlanParam), (c) =>
      c.json(cancelPreparation({ ...c.var.ctx, planId: c.req.valid('param').planId })),
    );
}
