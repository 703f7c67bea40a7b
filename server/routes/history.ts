import { Hono } from 'hono';
import { HistoryQuery } from '../../schemas/requests/history.ts';
import { PlanParam } from '../../schemas/requests/shared.ts';
import { getHistory } from '../services/audit.ts';
import { exportHistoryWorkbook } from '../services/history.ts';
import { allow, type AppEnv } from './access.ts';
import { attachmentHeaders } from './attachment.ts';
import { validate } from './validate.ts';
import { XLSX_MIME } from './workbook.ts';

/**
 * The plan's audit trail: every change (who, when, from where, old → new, why), for a cell, a fiche or the whole
 * plan, as JSON for the history panel or as an XLSX download (same entries, same filter).
 */
export function historyRoutes() {
  return new Hono<AppEnv>()
    .get('/:planId/history', allow('read'), validate('param', PlanParam), validate('query', HistoryQuery), (c) =>
      c.json(getHistory({ ...c.var.ctx, planId: c.req.valid('param').planId, ...c.req.valid('query') })),
    )
    .get('/:planId/history.xlsx', allow('read'), validate('param', PlanParam), validate('query', HistoryQuery), async (c) => {
      const { filename, bytes } = await exportHistoryWorkbook({ ...c.var.ctx, planId: c.req.valid('param').planId, ...c.req.valid('query') });
      return c.body(new Uint8Array(bytes), 200, attachmentHeaders(filename, XLSX_MIME));
    });
}
