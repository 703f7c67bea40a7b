import { Hono } from 'hono';
import { ConsolidationQuery, RegionExportJobParam, RegionExportQuery, StartRegionExportBody } from '../../schemas/requests/region.ts';
import { consolidateRegion, createRegionExports, exportRegion, getRegionExport, startRegionExport, takeRegionExportFile } from '../services/consolidation.ts';
import { allow, type AppEnv } from './access.ts';
import { jobFileResponse } from './attachment.ts';
import { validate } from './validate.ts';

/** The DiCS's consolidation across a programme's plans: the pivot, and the flat XLSX / CSV as jobs (`read-region`). */
export function consolidationRoutes() {
  const exports = createRegionExports();
  return new Hono<AppEnv>()
    .get('/consolidation', allow('read-region'), validate('query', ConsolidationQuery), async (c) =>
      c.json(await consolidateRegion({ ...c.var.ctx, ...c.req.valid('query') })),
    )
    .get('/export.xlsx', allow('read-region'), validate('query', RegionExportQuery), async (c) =>
      jobFileResponse(await exportRegion({ ...c.var.ctx, exports, format: 'xlsx', ...c.req.valid('query') })),
    )
    .get('/export.csv', allow('read-region'), validate('query', RegionExportQuery), async (c) =>
      jobFileResponse(await exportRegion({ ...c.var.ctx, exports, format: 'csv', ...c.req.valid('query') })),
    )
    .post('/exports', allow('read-region'), validate('json', StartRegionExportBody), (c) =>
      c.json(startRegionExport({ ...c.var.ctx, exports, ...c.req.valid('json') }), 202),
    )
    .get('/exports/:jobId', allow('read-region'), validate('param', RegionExportJobParam), (c) =>
      c.json(getRegionExport({ ...c.var.ctx, exports, ...c.req.valid('param') })),
    )
    .get('/exports/:jobId/file', allow('read-region'), validate('param', RegionExportJobParam), (c) =>
      jobFileResponse(takeRegionExportFile({ ...c.var.ctx, exports, ...c.req.valid('param') })),
    );
}
