import { z } from 'zod';

/** The one error shape of the API: every non-2xx body. `message` is French, for people. */
export const ERROR_CODES = [
  'validation',
  'unauthenticated',
  'forbidden',
  'not_found',
  'conflict',
  'in_use',
  'year_locked',
  'payload_too_large',
  'too_many_attempts',
  'unavailable',
  'internal',
] as const;

/** `path` names the value refused, rows by position (`actions.3.indicators.2.values.<année>.actual`): see `pathOfIssue`. */
export const ApiIssueSchema = z.object({ path: z.string(), message: z.string() });
export type ApiIssue = z.infer<typeof ApiIssueSchema>;

export const ApiErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  issues: z.array(ApiIssueSchema).default([]),
  /** With `conflict`: what is stored now, so the user can choose. */
  current: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;
