import { Hono } from 'hono';
import { createFactory } from 'hono/factory';
import {
  approveSubmission,
  getSubmissionChecklist,
  getSubmissionFile,
  getSubmissionSnapshot,
  listObligations,
  listSubmissions,
  reopenSubmission,
  returnSubmission,
  submitReport,
} from '../services/submissions.ts';
import { listReviewThreads, openReviewThread, postReviewMessage, resolveReviewThread } from '../services/review.ts';
import type { PdfPool } from '../workers/pdf-pool.ts';
import { allow, type AppEnv } from './access.ts';
import { attachmentHeaders } from './attachment.ts';
import {
  ApproveBody,
  ChecklistQuery,
  OpenThreadBody,
  PostMessageBody,
  ReopenBody,
  ResolveThreadBody,
  ReturnBody,
  SubmissionParam,
  SubmissionsQuery,
  SubmitReportBody,
  ThreadParam,
  ThreadsQuery,
} from '../../schemas/requests/submissions.ts';
import { PlanParam } from '../../schemas/requests/shared.ts';
import { validate } from './validate.ts';

/** A submission's stored file, with its SHA-256 in a header. */
const submittedFile = (kind: 'pdf' | 'xlsx', pdfPool: PdfPool) =>
  createFactory<AppEnv>().createHandlers(validate('param', SubmissionParam), async (c) => {
    const { filename, mime, bytes, sha256 } = await getSubmissionFile({ ...c.var.ctx, pdfPool, ...c.req.valid('param'), kind });
    return c.body(new Uint8Array(bytes), 200, { ...attachmentHeaders(filename, mime), 'x-cohesio-sha256': sha256 });
  });

/**
 * The submissions to the DiCS of every kind the programme declares (the annual report by default), their review
 * (approve, return, reopen), what the programme asks of the plan and when (obligations) and the DiCS's questions.
 */
export function submissionRoutes(pdfPool: PdfPool) {
  return new Hono<AppEnv>()
    .get('/:planId/submissions', allow('read'), validate('param', PlanParam), validate('query', SubmissionsQuery), (c) =>
      c.json(listSubmissions({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('query') })),
    )
    .get('/:planId/obligations', allow('read'), validate('param', PlanParam), (c) => c.json(listObligations({ ...c.var.ctx, ...c.req.valid('param') })))
    .get('/:planId/submissions/checklist', allow('read'), validate('param', PlanParam), validate('query', ChecklistQuery), (c) =>
      c.json(getSubmissionChecklist({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('query') })),
    )
    .post('/:planId/submissions', allow('submit'), validate('param', PlanParam), validate('json', SubmitReportBody), (c) =>
      c.json(submitReport({ ...c.var.ctx, pdfPool, ...c.req.valid('param'), input: c.req.valid('json') }), 202),
    )
    .post('/:planId/submissions/:submissionId/approve', allow('review'), validate('param', SubmissionParam), validate('json', ApproveBody), (c) =>
      c.json(approveSubmission({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .post('/:planId/submissions/:submissionId/return', allow('review'), validate('param', SubmissionParam), validate('json', ReturnBody), (c) =>
      c.json(returnSubmission({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .post('/:planId/submissions/:submissionId/reopen', allow('reopen'), validate('param', SubmissionParam), validate('json', ReopenBody), (c) =>
      c.json(reopenSubmission({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .get('/:planId/submissions/:submissionId/snapshot.json', allow('read'), validate('param', SubmissionParam), (c) =>
      c.json(getSubmissionSnapshot({ ...c.var.ctx, ...c.req.valid('param') })),
    )
    .get('/:planId/submissions/:submissionId/report.pdf', allow('read'), ...submittedFile('pdf', pdfPool))
    .get('/:planId/submissions/:submissionId/report.xlsx', allow('read'), ...submittedFile('xlsx', pdfPool))
    .get('/:planId/threads', allow('read'), validate('param', PlanParam), validate('query', ThreadsQuery), (c) =>
      c.json(listReviewThreads({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('query') })),
    )
    .post('/:planId/threads', allow('review'), validate('param', PlanParam), validate('json', OpenThreadBody), (c) =>
      c.json(openReviewThread({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') }), 201),
    )
    .post('/:planId/threads/:threadId/messages', allow('discuss'), validate('param', ThreadParam), validate('json', PostMessageBody), (c) =>
      c.json(postReviewMessage({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') }), 201),
    )
    .post('/:planId/threads/:threadId/resolve', allow('review'), validate('param', ThreadParam), validate('json', ResolveThreadBody), (c) =>
      c.json(resolveReviewThread({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    );
}
