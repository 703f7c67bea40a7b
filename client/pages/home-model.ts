import { formatDate } from '../../schemas/dates.ts';
import { extensionText, type MyNotifications, type Notification, type PlanObligation } from '../../schemas/deadlines.ts';
import { ANNUAL_REPORT_KIND } from '../../schemas/reference.ts';
import { reportHref } from '../router.ts';

/**
 * The plans page's « À remettre » and the notifications, as data: what is due on each of the person's plans, soonest
 * first, the late ones marked « en retard de N jours », with the extension the DiCS granted; the unread count and
 * the list of notifications. No DOM: tested in test/client.
 */

/** Lines shown at once; the others are behind « n de plus ». */
export const DUE_LINES_SHOWN = 8;

export type DueLine = {
  key: string;
  planId: string;
  /** The kind's label and the year (and the plan's name when the person has several plans). */
  title: string;
  /** « à remettre pour le » and the due date (JJ/MM/AAAA). */
  when: string;
  /** « en retard de 12 jours », or null. */
  late: string | null;
  /** « délai accordé jusqu'au … (échéance du programme : …) », or null. */
  extension: string | null;
  /** The plan's report page for this kind and year. */
  href: string;
};

/** « en retard de 1 jour », « en retard de 12 jours ». */
export function lateText(days: number): string {
  return `en retard de ${days} jour${days > 1 ? 's' : ''}`;
}

/**
 * One line per open obligation, soonest due first (then by plan and kind). The plan is named in the title when the
 * obligations span several plans.
 */
export function dueLines(obligations: readonly PlanObligation[]): DueLine[] {
  const severalPlans = new Set(obligations.map((o) => o.planId)).size > 1;
  return [...obligations]
    .sort((x, y) => x.echeance.localeCompare(y.echeance) || x.porteur.localeCompare(y.porteur) || x.kind.localeCompare(y.kind))
    .map((o) => ({
      key: `${o.planId}|${o.kind}|${o.annee}`,
      planId: o.planId,
      title: `${severalPlans ? `${o.porteur} — ` : ''}${o.kindLabel} ${o.annee}`,
      when: `à remettre pour le ${formatDate(o.echeance)}`,
      late: o.enRetard && o.joursDeRetard > 0 ? lateText(o.joursDeRetard) : null,
      extension: extensionText(o),
      href: reportHref(o.planId, o.annee, o.kind === ANNUAL_REPORT_KIND ? null : o.kind),
    }));
}

/** The header's button: « Notifications », « Notifications (3) » with unread ones. */
export function notificationsLabel(state: Pick<MyNotifications, 'nonLues'>): string {
  return state.nonLues > 0 ? `Notifications (${state.nonLues})` : 'Notifications';
}

/** The state after « marquer comme lu » of `id`, before the server answers (the server's answer replaces it). */
export function markedRead(state: MyNotifications, id: string, at: string): MyNotifications {
  const target = state.notifications.find((n) => n.id === id);
  if (!target || target.readAt) return state;
  return {
    nonLues: Math.max(0, state.nonLues - 1),
    notifications: state.notifications.map((n): Notification => (n.id === id ? { ...n, readAt: at } : n)),
  };
}
