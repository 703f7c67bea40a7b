import { z } from 'zod';
import { RowId } from '../primitives.ts';
import { ApprovalSchema } from '../submission.ts';
import { MAX_BULK_APPROVALS } from '../review-queue.ts';
import { PlanParam } from './shared.ts';
import { SubmissionParam } from './submissions.ts';

/** Requests of the review queue's routes (server/routes/review-queue.ts). */

/** `GET /api/region/queue?programme=`: the submissions awaiting review of one programme's plans. */
export const QueueQuery = z.object({ programme: z.string({ message: 'Indiquez le programme' }).regex(/^[a-z0-9-]{1,40}$/, 'Programme inconnu') }).strict();
export type QueueQuery = z.infer<typeof QueueQuery>;

/** `POST /api/region/queue/approve`: several submissions approved together (all or none), with an optional comment. */
export const QueueApproveBody = ApprovalSchema.extend({
  items: z
    .array(z.object({ planId: RowId, submissionId: RowId }).strict())
    .min(1, 'Sélectionnez au moins une soumission')
    .max(MAX_BULK_APPROVALS, `Au plus ${MAX_BULK_APPROVALS} soumissions à la fois`),
}).strict();
export type QueueApproveBody = z.infer<typeof QueueApproveBody>;

/** `GET /api/plans/:planId/submissions/:submissionId/changes?since=approved|previous`. */
export const ChangesQuery = z
  .object({ since: z.enum(['approved', 'previous'], { message: '« since » vaut approved ou previous' }).default('approved') })
  .strict();
export type ChangesQuery = z.infer<typeof ChangesQuery>;

/** `GET /api/plans/:planId/submissions/:submissionId/review`: the submission's checklist and the targets of demandes. */
export const SubmissionReviewParam = SubmissionParam;
export type SubmissionReviewParam = z.infer<typeof SubmissionReviewParam>;

/**
 * `GET /api/plans/:planId/return-reasons`: the open demandes de correction of the plan (those of its returned
 * submissions not marked corrected); with `submissionId`, every demande of that submission, corrected or not.
 */
export const ReturnReasonsQuery = z.object({ submissionId: RowId.optional() }).strict();
export type ReturnReasonsQuery = z.infer<typeof ReturnReasonsQuery>;

/** `POST /api/plans/:planId/return-reasons/:reasonId/resolve`. */
export const ReturnReasonParam = PlanParam.extend({ reasonId: RowId });
export type ReturnReasonParam = z.infer<typeof ReturnReasonParam>;

export type {
  QueueItem as QueueItemResponse,
  ReturnReason as ReturnReasonResponse,
  SubmissionChanges as SubmissionChangesResponse,
  SubmissionReview as SubmissionReviewResponse,
} from '../review-queue.ts';
