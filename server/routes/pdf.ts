import { Hono } from 'hono';
import { PdfJobParam, PdfQuery, StartPdfJobBody } from '../../schemas/requests/pdf.ts';
import { PlanParam } from '../../schemas/requests/shared.ts';
import { exportPlanPdf, getPdfJob, startPdfJob, takePdfJobFile, type PdfExports } from '../services/pdf.ts';
import { allow, type AppEnv } from './access.ts';
import { validate } from './validate.ts';
import { attachmentHeaders, jobFileResponse } from './attachment.ts';

function pdfResponse(filename: string, bytes: Uint8Array, extra: Record<string, string> = {}) {
  return new Response(new Uint8Array(bytes), { headers: { ...attachmentHeaders(filename, 'application/pdf'), ...extra } });
}

/** The official PDF: at once (waiting for it), or as a job whose progress the page shows. */
export function pdfRoutes(pdf: PdfExports) {
  return new Hono<AppEnv>()
    .get('/:planId/export.pdf', allow('read'), validate('param', PlanParam), validate('query', PdfQuery), async (c) => {
      const { filename, bytes, cached } = await exportPlanPdf({ ...c.var.ctx, pdf, planId: c.req.valid('param').planId, annee: c.req.valid('query').annee });
      return pdfResponse(filename, bytes, { 'x-cohesio-cache': cached ? 'hit' : 'miss' });
    })
    .post('/:planId/pdf-jobs', allow('read'), validate('param', PlanParam), validate('json', StartPdfJobBody), (c) =>
      c.json(startPdfJob({ ...c.var.ctx, pdf, planId: c.req.valid('param').planId, annee: c.req.valid('json').annee }), 202),
    )
    .get('/:planId/pdf-jobs/:jobId', allow('read'), validate('param', PdfJobParam), (c) => c.json(getPdfJob({ ...c.var.ctx, pdf, ...c.req.valid('param') })))
    .get('/:planId/pdf-jobs/:jobId/file', allow('read'), validate('param', PdfJobParam), (c) => {
      const { filename, file } = takePdfJobFile({ ...c.var.ctx, pdf, ...c.req.valid('param') });
      return jobFileResponse({ filename, file, contentType: 'application/pdf' });
    });
}
