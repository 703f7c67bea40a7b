import { Hono } from 'hono';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import {
  ApproveFormBody,
  FormDecisionBody,
  FormDocumentParam,
  FormQueueQuery,
  FormThreadParam,
  OpenFormThreadBody,
  PostFormMessageBody,
  ResolveFormThreadBody,
  SubmitFormBody,
} from '../../schemas/requests/form-workflow.ts';
import { approveFormDocument, listFormReviewQueue, reopenFormDocument, returnFormDocument, submitFormDocument } from '../services/form-workflow.ts';
import { listFormThreads, openFormThread, postFormMessage, resolveFormThread } from '../services/form-threads.ts';
import { allow, type AppEnv } from './access.ts';
import { validate } from './validate.ts';

/**
 * The review of form documents by the DiCS, as the plan's submissions: the commune (whoever edits the plan's
 * documents) submits, the DiCS (`review`) approves or returns with a motif, `reopen` reopens; the DiCS's questions on
 * one field (opened and resolved by `review`, answered by `discuss`); the documents waiting in the review queue.
 */
export function formWorkflowRoutes() {
  const doc = '/plans/:planId/forms/:documentId';
  return new Hono<AppEnv>()
    .get('/region/queue/forms', allow('read-region'), validate('query', FormQueueQuery), (c) =>
      c.json(listFormReviewQueue({ ...c.var.ctx, ...c.req.valid('query') })),
    )
    .post(`${doc}/submit`, allow(WRITE_CAPABILITIES.plan), validate('param', FormDocumentParam), validate('json', SubmitFormBody), (c) =>
      c.json(submitFormDocument({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .post(`${doc}/approve`, allow('review'), validate('param', FormDocumentParam), validate('json', ApproveFormBody), (c) =>
      c.json(approveFormDocument({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .post(`${doc}/return`, allow('review'), validate('param', FormDocumentParam), validate('json', FormDecisionBody), (c) =>
      c.json(returnFormDocument({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .post(`${doc}/reopen`, allow('reopen'), validate('param', FormDocumentParam), validate('json', FormDecisionBody), (c) =>
      c.json(reopenFormDocument({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .get(`${doc}/threads`, allow('read'), validate('param', FormDocumentParam), (c) => c.json(listFormThreads({ ...c.var.ctx, ...c.req.valid('param') })))
    .post(`${doc}/threads`, allow('review'), validate('param', FormDocumentParam), validate('json', OpenFormThreadBody), (c) =>
      c.json(openFormThread({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') }), 201),
    )
    .post(`${doc}/threads/:threadId/messages`, allow('discuss'), validate('param', FormThreadParam), validate('json', PostFormMessageBody), (c) =>
      c.json(postFormMessage({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') }), 201),
    )
    .post(`${doc}/threads/:threadId/resolve`, allow('review'), validate('param', FormThreadParam), validate('json', ResolveFormThreadBody), (c) =>
      c.json(resolveFormThread({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    );
}
