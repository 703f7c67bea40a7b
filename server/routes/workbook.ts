import { Hono } from 'hono';
import { ImportWorkbookForm } from '../../schemas/requests/workbook.ts';
import { PlanParam } from '../../schemas/requests/shared.ts';
import { exportPlanWorkbook, importPlanWorkbook, WORKBOOK_CACHE_BYTES } from '../services/workbook.ts';
import { createByteCache } from '../byte-cache.ts';
import { allow, type AppEnv } from './access.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import { validate } from './validate.ts';
import { attachmentHeaders } from './attachment.ts';

export const XLSX_MIME = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The official workbook: export (an unchanged plan's workbook from this application's cache), and import (preview,
 * then apply) of an edited export.
 */
export function workbookRoutes() {
  const cache = createByteCache(WORKBOOK_CACHE_BYTES);
  return new Hono<AppEnv>()
    .get('/:planId/export.xlsx', allow('read'), validate('param', PlanParam), async (c) => {
      const { filename, bytes } = await exportPlanWorkbook({ ...c.var.ctx, cache, planId: c.req.valid('param').planId });
      return c.body(new Uint8Array(bytes), 200, attachmentHeaders(filename, XLSX_MIME));
    })
    .post('/:planId/import.xlsx', allow(WRITE_CAPABILITIES.workbookImport), validate('param', PlanParam), validate('form', ImportWorkbookForm), async (c) => {
      const { file, apply, fingerprint } = c.req.valid('form');
      const bytes = new Uint8Array(await file.arrayBuffer());
      const result = await importPlanWorkbook({
        ...c.var.ctx,
        origin: 'import',
        planId: c.req.valid('param').planId,
        bytes,
        apply: apply === 'true',
        fingerprint: fingerprint ?? null,
      });
      return c.json(result);
    });
}
