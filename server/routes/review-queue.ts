import { Hono } from 'hono';
import { approveQueueItems, getSubmissionChanges, getSubmissionReview, listReviewQueue } from '../services/review-queue.ts';
import { listReturnReasons, resolveReturnReason } from '../services/return-reasons.ts';
import { allow, type AppEnv } from './access.ts';
import { validate } from './validate.ts';
import {
  ChangesQuery,
  QueueApproveBody,
  QueueQuery,
  ReturnReasonParam,
  ReturnReasonsQuery,
  SubmissionReviewParam,
} from '../../schemas/requests/review-queue.ts';
import { PlanParam } from '../../schemas/requests/shared.ts';

/**
 * The DiCS's review queue (`/api/region/queue`: the submissions awaiting review of a programme, approving several
 * at once) and, per plan, what the queue shows of one submission (its changes since the last approved version, its
 * checklist and the targets of demandes) and the demandes de correction of a return, which the commune marks corrected.
 * Mounted at `/api` with full paths, so that it takes one line of `server/app.ts`.
 */
export function reviewQueueRoutes() {
  return new Hono<AppEnv>()
    .get('/region/queue', allow('read-region'), validate('query', QueueQuery), (c) => c.json(listReviewQueue({ ...c.var.ctx, ...c.req.valid('query') })))
    .post('/region/queue/approve', allow('review'), validate('json', QueueApproveBody), (c) =>
      c.json(approveQueueItems({ ...c.var.ctx, input: c.req.valid('json') })),
    )
    .get('/plans/:planId/submissions/:submissionId/changes', allow('read'), validate('param', SubmissionReviewParam), validate('query', ChangesQuery), (c) =>
      c.json(getSubmissionChanges({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('query') })),
    )
    .get('/plans/:planId/submissions/:submissionId/review', allow('read'), validate('param', SubmissionReviewParam), (c) =>
      c.json(getSubmissionReview({ ...c.var.ctx, ...c.req.valid('param') })),
    )
    .get('/plans/:planId/return-reasons', allow('read'), validate('param', PlanParam), validate('query', ReturnReasonsQuery), (c) =>
      c.json(listReturnReasons({ ...c.var.ctx, ...c.req.valid('param'), ...c.req.valid('query') })),
    )
    .post('/plans/:planId/return-reasons/:reasonId/resolve', allow('answer'), validate('param', ReturnReasonParam), (c) =>
      c.json(resolveReturnReason({ ...c.var.ctx, ...c.req.valid('param') })),
    );
}
