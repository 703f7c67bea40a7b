import { Hono } from 'hono';
import { allow, type AppEnv } from './access.ts';
import { validate } from './validate.ts';
import { grantExtension, listMyObligations, listPlanExtensions, withdrawExtension } from '../services/deadlines.ts';
import { listMyNotifications, markNotificationRead } from '../services/notifications.ts';
import { listOutbox } from '../services/mail.ts';
import { DeadlineParam, GrantExtensionBody, NotificationParam } from '../../schemas/requests/deadlines.ts';
import { PlanParam } from '../../schemas/requests/shared.ts';

/**
 * Deadlines and what people are told: the DiCS's extensions of a plan's due dates, what the signed-in person has to
 * hand in across their plans, their notifications, and the outbox of e-mails (administrator). Mounted at `/api`.
 */
export function deadlineRoutes() {
  return new Hono<AppEnv>()
    .get('/plans/:planId/deadlines', allow('read'), validate('param', PlanParam), (c) => c.json(listPlanExtensions({ ...c.var.ctx, ...c.req.valid('param') })))
    .put('/plans/:planId/deadlines/:kind/:annee', allow('grant-extension'), validate('param', DeadlineParam), validate('json', GrantExtensionBody), (c) =>
      c.json(grantExtension({ ...c.var.ctx, ...c.req.valid('param'), input: c.req.valid('json') })),
    )
    .delete('/plans/:planId/deadlines/:kind/:annee', allow('grant-extension'), validate('param', DeadlineParam), (c) => {
      withdrawExtension({ ...c.var.ctx, ...c.req.valid('param') });
      return c.body(null, 204);
    })
    .get('/me/obligations', allow('read'), (c) => c.json(listMyObligations(c.var.ctx)))
    .get('/me/notifications', allow('read'), (c) => c.json(listMyNotifications(c.var.ctx)))
    .post('/me/notifications/:notificationId/read', allow('read'), validate('param', NotificationParam), (c) =>
      c.json(markNotificationRead({ ...c.var.ctx, ...c.req.valid('param') })),
    )
    .get('/outbox', allow('read-outbox'), (c) => c.json(listOutbox(c.var.ctx)));
}
