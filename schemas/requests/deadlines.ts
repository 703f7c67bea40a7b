import { z } from 'zod';
import { RowId } from '../primitives.ts';
import { ExtensionSchema } from '../deadlines.ts';
import { SubmissionKindId } from '../submission.ts';
import { PlanParam } from './shared.ts';

/** Requests of the deadline routes (server/routes/deadlines.ts): the DiCS's extensions, the person's due list and notifications, the outbox. */

/** `…/plans/:planId/deadlines/:kind/:annee`: one obligation of the plan (a kind of submission of its programme, a year it covers). */
export const DeadlineParam = PlanParam.extend({ kind: SubmissionKindId, annee: z.coerce.number().int().min(2000).max(2100) });
export type DeadlineParam = z.infer<typeof DeadlineParam>;

/** `PUT /api/plans/:planId/deadlines/:kind/:annee`: the granted due date (after the programme's) and its reason. */
export const GrantExtensionBody = ExtensionSchema;
export type GrantExtensionBody = z.infer<typeof GrantExtensionBody>;

/** `POST /api/me/notifications/:notificationId/read`. */
export const NotificationParam = z.object({ notificationId: RowId });
export type NotificationParam = z.infer<typeof NotificationParam>;

/** Answers. */
export type {
  DeadlineExtension as DeadlineExtensionResponse,
  MyNotifications as MyNotificationsResponse,
  Notification as NotificationResponse,
  OutboxMail as OutboxMailResponse,
  PlanObligation as PlanObligationResponse,
} from '../deadlines.ts';
