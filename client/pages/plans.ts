import type { PlanSummary } from '../../schemas/plan.ts';
import type { Programme } from '../../schemas/reference.ts';
import { formatDateTime } from '../../schemas/dates.ts';
import { api, send, ApiFailure } from '../api.ts';
import { h } from '../dom.ts';
import { ORGANISATIONS_HREF, OUTBOX_HREF, consolidationHref, programmesHref, queueHref, regionHref, sectionHref } from '../router.ts';
import { currentMe, meCan } from '../state/me.ts';
import { accountMenu } from './account.ts';
import { dueSection } from './due-list.ts';
import { notificationsMenu } from './notifications.ts';

/**
 * The plans the signed-in person sees (the server answers only those: their commune's, or all for the DiCS), and the
 * creation of a new plan (commune + programme) for the roles that may create one.
 */
export async function renderPlansPage(programmes: Programme[]): Promise<HTMLElement> {
  const plans = (await send(api.plans.$get())) as PlanSummary[];
  const programmeLabel = (id: string) => programmes.find((p) => p.id === id)?.label ?? id;

  // A person of a commune creates their commune's plans only (the server refuses another name): it is filled in.
  const organisation = currentMe()?.organisation ?? null;
  const commune = h('input', {
    type: 'text',
    id: 'new-commune',
    required: true,
    autocomplete: 'off',
    value: organisation ?? '',
    readonly: organisation !== null,
  });
  const programme = h(
    'select',
    { id: 'new-programme' },
    programmes.map((p) => h('option', { value: p.id }, p.label)),
  );
  const error = h('p', { class: 'field-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { class: 'new-plan' },
    h('h2', null, 'Nouveau plan'),
    h('div', { class: 'field' }, h('label', { for: 'new-commune' }, 'Commune (ou commune porteuse)'), commune),
    h('div', { class: 'field' }, h('label', { for: 'new-programme' }, 'Programme'), programme),
    error,
    h('button', { type: 'submit', class: 'primary' }, 'Créer le plan'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const plan = await send(api.plans.$post({ json: { commune: commune.value, programmeId: programme.value } }));
      location.hash = sectionHref((plan as { id: string }).id, 'porteur');
    } catch (err) {
      error.hidden = false;
      error.textContent = err instanceof ApiFailure ? (err.body.issues[0]?.message ?? err.body.message) : 'Serveur injoignable';
    }
  });

  return h(
    'main',
    { id: 'main', class: 'plans-page' },
    h(
      'header',
      { class: 'app-header' },
      h('h1', null, 'Cohésio'),
      h(
        'p',
        null,
        'Plans de Cohésion sociale de Wallonie',
        meCan('manage-organisations') ? [' · ', h('a', { href: ORGANISATIONS_HREF, 'data-testid': 'organisations-link' }, 'Organisations')] : null,
        meCan('read-region') ? [' · ', h('a', { href: regionHref(), 'data-testid': 'region-link' }, 'Plans de la région')] : null,
        meCan('read-region') ? [' · ', h('a', { href: consolidationHref(), 'data-testid': 'consolidation-link' }, 'Consolidation')] : null,
      ),
      // The administrator edits the programmes, the DiCS reads them.
      meCan('manage-programmes') || meCan('review')
        ? h('a', { href: programmesHref(), class: 'header-link', 'data-testid': 'programmes-link' }, 'Programmes')
        : null,
      meCan('read-region') ? h('a', { href: queueHref(), class: 'header-link', 'data-testid': 'queue-link' }, 'File d’instruction') : null,
      meCan('read-outbox') ? h('a', { href: OUTBOX_HREF, class: 'header-link', 'data-testid': 'outbox-link' }, 'Courriels') : null,
      meCan('download-backup') ? h('a', { href: '/api/admin/backup', download: true, class: 'header-link', 'data-testid': 'backup-link' }, 'Sauvegarde') : null,
      notificationsMenu(),
      accountMenu(),
    ),
    // What is due on the person's plans: for the people of a commune, association or CPAS (the DiCS has its own lists).
    currentMe()?.organisation ? dueSection() : null,
    h(
      'section',
      null,
      h('h2', null, 'Plans'),
      plans.length === 0
        ? h('p', null, 'Aucun plan pour l’instant.')
        : h(
            'table',
            { class: 'plans-table' },
            h(
              'thead',
              null,
              h('tr', null, h('th', null, 'Porteur'), h('th', null, 'Programme'), h('th', null, 'Actions'), h('th', null, 'Dernière modification')),
            ),
            h(
              'tbody',
              null,
              plans.map((p) =>
                h(
                  'tr',
                  null,
                  h(
                    'td',
                    null,
                    h('a', { href: sectionHref(p.id, 'porteur') }, p.porteur),
                    // A member commune's officer reads the association's plan.
                    p.lectureSeule
                      ? h('span', { class: 'badge read-only', title: 'Plan d’une association dont votre commune est membre' }, ' (lecture seule)')
                      : null,
                  ),
                  h('td', null, programmeLabel(p.programmeId)),
                  h('td', { class: 'num' }, p.actionCount),
                  h('td', null, formatDateTime(p.updatedAt)),
                ),
              ),
            ),
          ),
    ),
    meCan('create-plan') ? form : null,
  );
}
