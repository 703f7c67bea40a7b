import { Hono } from 'hono';
import { createAction, deleteAction, updateAction } from '../services/actions.ts';
import { createIndicator, deleteIndicator, updateIndicator } from '../services/indicators.ts';
import { updateCells, updateIndicatorValue } from '../services/cells.ts';
import { allow, type AppEnv } from './access.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import {
  ActionParam,
  CreateActionBody,
  CreateIndicatorBody,
  IndicatorParam,
  IndicatorValueParam,
  UpdateActionBody,
  UpdateCellsBody,
  UpdateIndicatorBody,
  UpdateIndicatorValueBody,
} from '../../schemas/requests/actions.ts';
import { DeleteQuery, PlanParam, isDetach } from '../../schemas/requests/shared.ts';
import { validate } from './validate.ts';

/** Actions (list row + fiche), their indicator rows, and the versioned cells of the yearly grids. */
export function actionRoutes() {
  return new Hono<AppEnv>()
    .post('/:planId/actions', allow(WRITE_CAPABILITIES.actionList), validate('param', PlanParam), validate('json', CreateActionBody), (c) =>
      c.json(createAction({ ...c.var.ctx, planId: c.req.valid('param').planId, input: c.req.valid('json') }), 201),
    )
    .put('/:planId/actions/:actionId', allow(WRITE_CAPABILITIES.action), validate('param', ActionParam), validate('json', UpdateActionBody), (c) =>
      c.json(updateAction({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    )
    .delete('/:planId/actions/:actionId', allow(WRITE_CAPABILITIES.actionList), validate('param', ActionParam), validate('query', DeleteQuery), (c) => {
      deleteAction({ ...c.var.ctx, ...c.req.valid('param'), version: c.req.valid('query').version, detach: isDetach(c.req.valid('query')) });
      return c.body(null, 204);
    })
    .post(
      '/:planId/actions/:actionId/indicators',
      allow(WRITE_CAPABILITIES.indicator),
      validate('param', ActionParam),
      validate('json', CreateIndicatorBody),
      (c) => c.json(createIndicator({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') }), 201),
    )
    .put(
      '/:planId/indicators/:indicatorId',
      allow(WRITE_CAPABILITIES.indicator),
      validate('param', IndicatorParam),
      validate('json', UpdateIndicatorBody),
      (c) => c.json(updateIndicator({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    )
    .delete('/:planId/indicators/:indicatorId', allow(WRITE_CAPABILITIES.indicator), validate('param', IndicatorParam), validate('query', DeleteQuery), (c) => {
      deleteIndicator({ ...c.var.ctx, ...c.req.valid('param'), version: c.req.valid('query').version, detach: isDetach(c.req.valid('query')) });
      return c.body(null, 204);
    })
    .put('/:planId/cells', allow(WRITE_CAPABILITIES.cells), validate('param', PlanParam), validate('json', UpdateCellsBody), (c) =>
      c.json(updateCells({ ...c.var.ctx, planId: c.req.valid('param').planId, cells: c.req.valid('json').cells })),
    )
    .put(
      '/:planId/indicators/:indicatorId/values/:year/:kind',
      allow(WRITE_CAPABILITIES.cells),
      validate('param', IndicatorValueParam),
      validate('json', UpdateIndicatorValueBody),
      (c) => c.json(updateIndicatorValue({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    );
}
