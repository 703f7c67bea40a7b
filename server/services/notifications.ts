import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import { notifications, plans, users } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { NotFoundError, parseOrThrow } from '../errors.ts';
import type { Actor, Role } from '../../schemas/access.ts';
import { NOTIFICATIONS_SHOWN, PlanNoticeSchema, type MyNotifications, type NotificationNature, type PlanNotice } from '../../schemas/deadlines.ts';
import { newIdOf, nowOf, type ServiceContext } from './context.ts';
import { queueMail } from './mail.ts';

/**
 * What the application tells people: a notification they read in Cohésio (unread count in the header, « marquer comme
 * lu ») and the same by e-mail (server/services/mail.ts).
 */

/**
 * The people of a plan: the chef de projet and the finance officer of the organisation carrying it. Partner operators
 * are left out: they answer for their own actions, not for the plan's submissions and deadlines.
 */
export const PLAN_PEOPLE_ROLES: readonly Role[] = ['chef-de-projet', 'finance'];

/**
 * Tells every person of plan `planId` (PLAN_PEOPLE_ROLES of its organisation) `notice`: one notification each and one
 * e-mail each, queued (sent off the request). Pass the caller's transaction as `db` to write with it. Answers how many
 * people were told (0 for a plan without organisation or without such accounts).
 *
 * ```ts
 * notifyPlanPeople(ctx, planId, { nature: 'retour', titre: 'Rapport 2025 retourné', texte: '…', lien: reportHref(planId, 2025) });
 * ```
 */
export function notifyPlanPeople(ctx: ServiceContext, planId: string, notice: PlanNotice, db: DbOrTx = ctx.db): number {
  const n = parseOrThrow(PlanNoticeSchema, notice);
  const people = db
    .select({ id: users.id, email: users.email })
    .from(users)
    .innerJoin(plans, eq(plans.organisationId, users.organisationId))
    .where(and(eq(plans.id, planId), inArray(users.role, [...PLAN_PEOPLE_ROLES])))
    .all();
  const at = nowOf(ctx);
  const link = n.lien ? `\n\nOuvrir dans Cohésio : ${ctx.mail?.publicUrl ?? ''}/${n.lien}` : '';
  for (const p of people) {
    db.insert(notifications)
      .values({ id: newIdOf(ctx)(), userId: p.id, planId, nature: n.nature, titre: n.titre, texte: n.texte, lien: n.lien, createdAt: at })
      .run();
    queueMail(ctx, db, { destinataire: p.email, sujet: `[Cohésio] ${n.titre}`, texte: `${n.texte}${link}\n\n— Cohésio, Plans de Cohésion sociale` });
  }
  return people.length;
}

/** The person's unread count and latest notifications, newest first. */
export function listMyNotifications(ctx: ServiceContext & { actor: Actor }): MyNotifications {
  const mine = eq(notifications.userId, ctx.actor.userId);
  const unread =
    ctx.db
      .select({ n: count() })
      .from(notifications)
      .where(and(mine, isNull(notifications.readAt)))
      .get()?.n ?? 0;
  const rows = ctx.db.select().from(notifications).where(mine).orderBy(desc(notifications.createdAt), desc(notifications.id)).limit(NOTIFICATIONS_SHOWN).all();
  return {
    nonLues: unread,
    notifications: rows.map((r) => ({
      id: r.id,
      planId: r.planId,
      nature: r.nature as NotificationNature,
      titre: r.titre,
      texte: r.texte,
      lien: r.lien,
      createdAt: r.createdAt,
      readAt: r.readAt,
    })),
  };
}

/** « Marquer comme lu »: one of the person's notifications (404 for another person's). Answers the list as it is now. */
export function markNotificationRead(ctx: ServiceContext & { actor: Actor; notificationId: string }): MyNotifications {
  const row = ctx.db
    .select({ readAt: notifications.readAt })
    .from(notifications)
    .where(and(eq(notifications.id, ctx.notificationId), eq(notifications.userId, ctx.actor.userId)))
    .get();
  if (!row) throw new NotFoundError(`Notification introuvable : ${ctx.notificationId}`);
  if (!row.readAt)
    ctx.db
      .update(notifications)
      .set({ readAt: nowOf(ctx) })
      .where(eq(notifications.id, ctx.notificationId))
      .run();
  return listMyNotifications(ctx);
}
