import type { MyNotifications } from '../../schemas/deadlines.ts';
import { formatDateTime } from '../../schemas/dates.ts';
import { api, failureMessage, send } from '../api.ts';
import { h, replaceChildren } from '../dom.ts';
import { toast } from '../ui/dialog.ts';
import { markedRead, notificationsLabel } from './home-model.ts';

/**
 * The signed-in person's notifications in a page header: a button with the unread count that opens the list, each
 * with its date, text, a link to where it leads and « Marquer comme lu ».
 */
export function notificationsMenu(): HTMLElement {
  let state: MyNotifications = { nonLues: 0, notifications: [] };
  const button = h('button', { type: 'button', class: 'header-button', 'aria-expanded': 'false', 'data-testid': 'notifications-button' }, 'Notifications');
  const panel = h('div', { class: 'notifications-panel', hidden: true, 'data-testid': 'notifications-panel', role: 'region', 'aria-label': 'Notifications' });

  function draw(): void {
    button.textContent = notificationsLabel(state);
    button.dataset.unread = String(state.nonLues);
    replaceChildren(
      panel,
      state.notifications.length === 0
        ? h('p', { class: 'hint' }, 'Aucune notification.')
        : h(
            'ul',
            { class: 'notifications-list' },
            state.notifications.map((n) =>
              h(
                'li',
                { class: n.readAt ? 'read' : 'unread', 'data-testid': 'notification', 'data-nature': n.nature },
                h('strong', null, n.titre),
                h('span', { class: 'hint' }, ` — ${formatDateTime(n.createdAt)}`),
                h('p', { class: 'notification-text' }, n.texte),
                n.lien ? h('a', { href: n.lien }, 'Ouvrir') : null,
                n.lien && !n.readAt ? ' · ' : null,
                n.readAt
                  ? null
                  : h(
                      'button',
                      { type: 'button', class: 'link-button', 'data-testid': 'notification-read', onclick: () => void markRead(n.id) },
                      'Marquer comme lu',
                    ),
              ),
            ),
          ),
    );
  }

  async function markRead(id: string): Promise<void> {
    state = markedRead(state, id, new Date().toISOString());
    draw();
    try {
      state = await send(api.me.notifications[':notificationId'].read.$post({ param: { notificationId: id } }));
      draw();
    } catch (err) {
      toast(`La notification n’a pas pu être marquée comme lue : ${failureMessage(err)}`, 'error');
    }
  }

  button.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    button.setAttribute('aria-expanded', String(!panel.hidden));
  });
  void send(api.me.notifications.$get())
    .then((s) => {
      state = s;
      draw();
    })
    .catch(() => {
      // The header works without them; the page says nothing more.
    });
  draw();
  return h('div', { class: 'notifications-menu' }, button, panel);
}
