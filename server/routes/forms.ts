import { Hono } from 'hono';
import { createFormDocument, deleteFormDocument, listFormDocuments, listFormKinds, readFormDocument, saveFormDocument } from '../services/form-documents.ts';
import { allow, type AppEnv } from './access.ts';
import { validate } from './validate.ts';
import { attachmentHeaders } from './attachment.ts';
import { XLSX_MIME } from './workbook.ts';
import { exportFormDocumentPdf, exportFormDocumentXlsx } from '../services/form-exports.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import {
  CreateFormDocumentBody,
  FormDocumentParam,
  ImportFormDocumentForm,
  PlanParam,
  SaveFormDocumentBody,
  VersionQuery,
} from '../../schemas/requests/forms.ts';
import { importFormDocumentXlsx } from '../services/form-imports.ts';
import { formWorkflowRoutes } from './form-workflow.ts';
import type { PdfPool } from '../workers/pdf-pool.ts';

/**
 * Form documents (templates/forms/): the kinds, and each plan's documents. Reading is the plan's (`read`); writing
 * is the chef de projet's, as the fiche plan's sections (`edit-plan`). The PDF is rendered by `pdfPool`'s threads.
 */
export function formRoutes(pdfPool: PdfPool) {
  return new Hono<AppEnv>()
    .get('/form-kinds', allow('read'), (c) => c.json(listFormKinds(c.var.ctx)))
    .get('/plans/:planId/forms', allow('read'), validate('param', PlanParam), (c) => c.json(listFormDocuments({ ...c.var.ctx, ...c.req.valid('param') })))
    .post('/plans/:planId/forms', allow(WRITE_CAPABILITIES.plan), validate('param', PlanParam), validate('json', CreateFormDocumentBody), (c) =>
      c.json(createFormDocument({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') }), 201),
    )
    .get('/plans/:planId/forms/:documentId', allow('read'), validate('param', FormDocumentParam), (c) =>
      c.json(readFormDocument({ ...c.var.ctx, ...c.req.valid('param') })),
    )
    .put(
      '/plans/:planId/forms/:documentId',
      allow(WRITE_CAPABILITIES.plan),
      validate('param', FormDocumentParam),
      validate('json', SaveFormDocumentBody),
      (c) => c.json(saveFormDocument({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('json') })),
    )
    .get('/plans/:planId/forms/:documentId/export.xlsx', allow('read'), validate('param', FormDocumentParam), async (c) => {
      const { filename, bytes } = await exportFormDocumentXlsx({ ...c.var.ctx, ...c.req.valid('param') });
      return c.body(new Uint8Array(bytes), 200, attachmentHeaders(filename, XLSX_MIME));
    })
    .get('/plans/:planId/forms/:documentId/export.pdf', allow('read'), validate('param', FormDocumentParam), async (c) => {
      const { filename, bytes } = await exportFormDocumentPdf({ ...c.var.ctx, pdfPool, ...c.req.valid('param') });
      return c.body(new Uint8Array(bytes), 200, attachmentHeaders(filename, 'application/pdf'));
    })
    .post(
      '/plans/:planId/forms/:documentId/import.xlsx',
      allow(WRITE_CAPABILITIES.plan),
      validate('param', FormDocumentParam),
      validate('form', ImportFormDocumentForm),
      async (c) => {
        const { file, apply, fingerprint } = c.req.valid('form');
        const bytes = new Uint8Array(await file.arrayBuffer());
        return c.json(await importFormDocumentXlsx({ ...c.var.ctx, ...c.req.valid('param'), bytes, apply: apply === 'true', fingerprint }));
      },
    )
    .delete('/plans/:planId/forms/:documentId', allow(WRITE_CAPABILITIES.plan), validate('param', FormDocumentParam), validate('query', VersionQuery), (c) => {
      deleteFormDocument({ ...c.var.ctx, ...c.req.valid('param'), version: c.req.valid('query').version });
      return c.body(null, 204);
    })
    .route('/', formWorkflowRoutes());
}
