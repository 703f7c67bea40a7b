import { Hono } from 'hono';
import { RegionPlansQuery } from '../../schemas/requests/region-plans.ts';
import { exportRegionPlansWorkbook, listOverdueObligations, listRegionPlans } from '../services/region-plans.ts';
import { allow, type AppEnv } from './access.ts';
import { attachmentHeaders } from './attachment.ts';
import { validate } from './validate.ts';
import { XLSX_MIME } from './workbook.ts';

/**
 * The DiCS's overview of a programme's plans (JSON and XLSX) and its overdue list; the DiCS and administrators only
 * (`read-region`). Without `?programme=`, the current published programme.
 */
export function regionPlanRoutes() {
  return new Hono<AppEnv>()
    .get('/plans', allow('read-region'), validate('query', RegionPlansQuery), (c) =>
      c.json(listRegionPlans({ ...c.var.ctx, programmeId: c.req.valid('query').programme })),
    )
    .get('/plans.xlsx', allow('read-region'), validate('query', RegionPlansQuery), async (c) => {
      const { filename, bytes } = await exportRegionPlansWorkbook({ ...c.var.ctx, programmeId: c.req.valid('query').programme });
      return c.body(new Uint8Array(bytes), 200, attachmentHeaders(filename, XLSX_MIME));
    })
    .get('/overdue', allow('read-region'), validate('query', RegionPlansQuery), (c) =>
      c.json(listOverdueObligations({ ...c.var.ctx, programmeId: c.req.valid('query').programme })),
    );
}
