import { MAIL_STATUS_LABELS, type OutboxMail } from '../../schemas/deadlines.ts';
import { formatDateTime } from '../../schemas/dates.ts';
import { api, send } from '../api.ts';
import { h } from '../dom.ts';
import { accountMenu } from './account.ts';

/**
 * « Courriels » (administrator): the latest e-mails of the application, newest first — kept in the outbox when no
 * SMTP server is configured, or sent, or refused by the server with its error (tried again at the next reminder run).
 */
export async function renderOutboxPage(): Promise<HTMLElement> {
  const mails = (await send(api.outbox.$get())) as OutboxMail[];
  return h(
    'main',
    { id: 'main', class: 'plans-page outbox-page' },
    h('header', { class: 'app-header' }, h('h1', null, 'Cohésio'), h('p', null, h('a', { href: '#/' }, 'Plans')), accountMenu()),
    h(
      'section',
      null,
      h('h2', null, 'Courriels'),
      mails.length === 0
        ? h('p', null, 'Aucun courriel.')
        : h(
            'table',
            { class: 'plans-table', 'data-testid': 'outbox-table' },
            h('thead', null, h('tr', null, h('th', null, 'Date'), h('th', null, 'Destinataire'), h('th', null, 'Objet'), h('th', null, 'État'))),
            h(
              'tbody',
              null,
              mails.map((m) =>
                h(
                  'tr',
                  { 'data-status': m.statut },
                  h('td', null, formatDateTime(m.createdAt)),
                  h('td', null, m.destinataire),
                  h('td', null, h('details', null, h('summary', null, m.sujet), h('pre', { class: 'mail-text' }, m.texte))),
                  h('td', null, MAIL_STATUS_LABELS[m.statut], m.erreur ? h('p', { class: 'field-error' }, m.erreur) : null),
                ),
              ),
            ),
          ),
    ),
  );
}
