import { Hono } from 'hono';
import { HistoryQuerySchema } from '../../schemas/audit.ts';
import { getHistory } from '../services/audit.ts';
import { allow, type AppEnv } from './access.ts';
import { PlanParam, validate } from './validate.ts';

/** The plan's audit trail: every change (who, when, from where, old → new, why), for a cell, a fiche or the whole plan. */
export function historyRoutes() {
  return new Hono<AppEnv>().get('/:planId/history', allow('read'), validate('param', PlanParam), validate('query', HistoryQuerySchema), (c) =>
    c.json(getHistory({ ...c.var.ctx, planId: c.req.valid('param').planId, ...c.req.valid('query') })),
  );
}
