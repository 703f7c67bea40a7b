import { z } from 'zod';
import { RowId, Version } from '../primitives.ts';
import { ApprovalSchema, DecisionSchema, ThreadMessageSchema, ThreadResolveSchema } from '../submission.ts';
import { FormFieldPath } from '../form-workflow.ts';
import { FormDocumentParam } from './forms.ts';
import { QueueQuery } from './review-queue.ts';

/**
 * Requests of the review of form documents (server/routes/form-workflow.ts): submit, approve, return, reopen — each
 * with the version the person last saw (409 when stale) —, the DiCS's questions on one field, and the documents
 * waiting in the review queue.
 */

export { FormDocumentParam };

/** `POST …/forms/:documentId/submit`: the version submitted. */
export const SubmitFormBody = z.object({ version: Version }).strict();
export type SubmitFormBody = z.infer<typeof SubmitFormBody>;
/** `POST …/forms/:documentId/approve`: the version approved, an optional comment. */
export const ApproveFormBody = ApprovalSchema.extend({ version: Version }).strict();
export type ApproveFormBody = z.infer<typeof ApproveFormBody>;
/** `POST …/forms/:documentId/return` and `…/reopen`: the version, the motif (required). */
export const FormDecisionBody = DecisionSchema.extend({ version: Version }).strict();
export type FormDecisionBody = z.infer<typeof FormDecisionBody>;

/** A question of a document, in the address. */
export const FormThreadParam = FormDocumentParam.extend({ threadId: RowId });
export type FormThreadParam = z.infer<typeof FormThreadParam>;
/** `POST …/forms/:documentId/threads`: the field questioned (its path in the content) and the question. */
export const OpenFormThreadBody = ThreadMessageSchema.extend({ chemin: FormFieldPath }).strict();
export type OpenFormThreadBody = z.infer<typeof OpenFormThreadBody>;
/** `POST …/threads/:threadId/messages`: an answer, or the reviewer asking again. */
export const PostFormMessageBody = ThreadMessageSchema;
export type PostFormMessageBody = z.infer<typeof PostFormMessageBody>;
/** `POST …/threads/:threadId/resolve`: an optional closing word. */
export const ResolveFormThreadBody = ThreadResolveSchema;
export type ResolveFormThreadBody = z.infer<typeof ResolveFormThreadBody>;

/** `GET /api/region/queue/forms?programme=`: the documents of the programme's plans waiting for the DiCS. */
export const FormQueueQuery = QueueQuery;
export type FormQueueQuery = z.infer<typeof FormQueueQuery>;

/** Answers. */
export type { FormQueueItem as FormQueueItemResponse, FormThread as FormThreadResponse } from '../form-workflow.ts';
