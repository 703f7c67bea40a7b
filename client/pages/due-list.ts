import type { PlanObligation } from '../../schemas/deadlines.ts';
import { api, failureMessage, send } from '../api.ts';
import { h, replaceChildren } from '../dom.ts';
import { DUE_LINES_SHOWN, dueLines, type DueLine } from './home-model.ts';

/**
 * « À remettre » on the plans page: what is due on each of the person's plans and when, soonest first, the late ones
 * marked « en retard de N jours » (`GET /api/me/obligations`, the rules in home-model.ts).
 */
export function dueSection(): HTMLElement {
  const body = h('div', null, h('p', { class: 'hint' }, 'Chargement…'));
  const item = (l: DueLine) =>
    h(
      'li',
      { class: l.late ? 'late' : null, 'data-testid': 'due-line', 'data-plan': l.planId },
      h('a', { href: l.href }, l.title),
      ` — ${l.when}`,
      l.late ? h('strong', { class: 'due-late' }, ` — ${l.late}`) : null,
      l.extension ? h('span', { class: 'hint' }, ` — ${l.extension}`) : null,
    );
  send(api.me.obligations.$get())
    .then((obligations) => {
      const lines = dueLines(obligations as PlanObligation[]);
      const rest = lines.slice(DUE_LINES_SHOWN);
      replaceChildren(
        body,
        lines.length === 0 ? h('p', null, 'Rien à remettre pour l’instant.') : h('ul', { class: 'due-list' }, lines.slice(0, DUE_LINES_SHOWN).map(item)),
        rest.length ? h('details', null, h('summary', null, `${rest.length} de plus`), h('ul', { class: 'due-list' }, rest.map(item))) : null,
      );
    })
    .catch((err: unknown) => replaceChildren(body, h('p', { class: 'field-error', role: 'alert' }, `Échéances indisponibles : ${failureMessage(err)}`)));
  return h('section', { class: 'due-section', 'data-testid': 'due-section', 'aria-labelledby': 'due-title' }, h('h2', { id: 'due-title' }, 'À remettre'), body);
}
