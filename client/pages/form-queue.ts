import { formatDateTime } from '../../schemas/dates.ts';
import type { FormQueueItem } from '../../schemas/form-workflow.ts';
import { api, failureMessage, send } from '../api.ts';
import { h, replaceChildren } from '../dom.ts';
import { waitingText } from './review-queue-model.ts';

/**
 * « Formulaires soumis » under the review queue: the form documents of the programme's plans waiting for the DiCS,
 * oldest first, each a link to the document, where the reviewer approves, returns or asks.
 */
export function formQueueSection(programme: string): HTMLElement {
  const host = h('p', { class: 'hint' }, 'Chargement des formulaires soumis…');
  const section = h(
    'section',
    { class: 'form-queue', 'data-testid': 'form-queue', 'aria-labelledby': 'form-queue-title' },
    h('h2', { id: 'form-queue-title' }, 'Formulaires soumis'),
    host,
  );
  void (async () => {
    try {
      const items = (await send(api.region.queue.forms.$get({ query: { programme } }))) as FormQueueItem[];
      replaceChildren(
        section,
        h('h2', { id: 'form-queue-title' }, 'Formulaires soumis'),
        items.length ? table(items) : h('p', { 'data-testid': 'form-queue-empty' }, 'Aucun formulaire en attente d’examen pour ce programme.'),
      );
    } catch (err) {
      replaceChildren(host, failureMessage(err));
    }
  })();
  return section;
}

function table(items: readonly FormQueueItem[]): HTMLElement {
  const th = (text: string) => h('th', { scope: 'col' }, text);
  return h(
    'table',
    { class: 'plans-table queue-table', 'data-testid': 'form-queue-table' },
    h('caption', { class: 'hint' }, 'Formulaires en attente d’examen, le plus ancien d’abord'),
    h('thead', null, h('tr', null, ['Porteur', 'Document', 'Genre', 'Soumis le', 'Attente', 'Questions ouvertes'].map(th))),
    h(
      'tbody',
      null,
      items.map((i) =>
        h(
          'tr',
          { 'data-testid': 'form-queue-row', 'data-plan': i.planId, 'data-document': i.documentId },
          h('th', { scope: 'row' }, i.porteur),
          h('td', null, h('a', { href: i.lien, 'data-testid': 'form-queue-open' }, i.title)),
          h('td', null, i.kindLabel),
          h('td', null, `${formatDateTime(i.soumisLe)} par ${i.soumisPar}`),
          h('td', { class: 'num' }, waitingText(i.joursAttente)),
          h('td', { class: 'num' }, String(i.questionsOuvertes)),
        ),
      ),
    ),
  );
}
