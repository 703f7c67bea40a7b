import { z } from 'zod';
import { RowId } from '../primitives.ts';
import { ApprovalSchema, DecisionSchema, SubmissionKindId, SubmitSchema, ThreadMessageSchema, ThreadOpenSchema, ThreadResolveSchema } from '../submission.ts';
import { ReturnSchema } from '../review-queue.ts';
import { OptionalYearQuery, PlanParam, YearQuery } from './shared.ts';

/** Requests of the submission routes (server/routes/submissions.ts): the annual report, its review, the DiCS's questions. */

export const SubmissionParam = PlanParam.extend({ submissionId: RowId });
export type SubmissionParam = z.infer<typeof SubmissionParam>;
export const ThreadParam = PlanParam.extend({ threadId: RowId });
export type ThreadParam = z.infer<typeof ThreadParam>;

/**
 * `GET /api/plans/:planId/submissions?kind=`: every submission of the plan, or those of one kind. Without a kind,
 * the other routes take the programme's annual report (`rapport-annuel`) when it declares one.
 */
export const SubmissionsQuery = z.object({ kind: SubmissionKindId.optional() }).strict();
export type SubmissionsQuery = z.infer<typeof SubmissionsQuery>;
/** `GET /api/plans/:planId/submissions/checklist?annee=&kind=`. */
export const ChecklistQuery = YearQuery.extend({ kind: SubmissionKindId.optional() }).strict();
export type ChecklistQuery = z.infer<typeof ChecklistQuery>;
/** `GET /api/plans/:planId/threads?annee=`: one year's questions, or all. */
export const ThreadsQuery = OptionalYearQuery;
export type ThreadsQuery = z.infer<typeof ThreadsQuery>;

/** `POST /api/plans/:planId/submissions`: the year and the kind of the submission. */
export const SubmitReportBody = SubmitSchema;
export type SubmitReportBody = z.infer<typeof SubmitReportBody>;
/** `POST …/submissions/:submissionId/approve`: an optional comment (no body at all is no comment). */
export const ApproveBody = ApprovalSchema;
export type ApproveBody = z.infer<typeof ApproveBody>;
/**
 * `POST …/submissions/:submissionId/return`: the reason (`motif`) and/or typed demandes de correction, each on a
 * section, a fiche or the plan (`schemas/review-queue.ts`); at least one of them.
 */
export const ReturnBody = ReturnSchema;
export type ReturnBody = z.infer<typeof ReturnBody>;
/** `POST …/submissions/:submissionId/reopen`: the reason. */
export const ReopenBody = DecisionSchema;
export type ReopenBody = z.infer<typeof ReopenBody>;

/** `POST /api/plans/:planId/threads`: a question of the DiCS about one value of one year. */
export const OpenThreadBody = ThreadOpenSchema;
export type OpenThreadBody = z.infer<typeof OpenThreadBody>;
/** `POST …/threads/:threadId/messages`. */
export const PostMessageBody = ThreadMessageSchema;
export type PostMessageBody = z.infer<typeof PostMessageBody>;
/** `POST …/threads/:threadId/resolve`: an optional closing word. */
export const ResolveThreadBody = ThreadResolveSchema;
export type ResolveThreadBody = z.infer<typeof ResolveThreadBody>;

/** Answers: a submission, a DiCS question with its messages. */
export type { Obligation as ObligationResponse, ReviewThread as ReviewThreadResponse, Submission as SubmissionResponse } from '../submission.ts';
