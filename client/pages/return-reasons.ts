import { formatDateTime } from '../../schemas/dates.ts';
import type { ReturnReason } from '../../schemas/review-queue.ts';
import { api, failureMessage, send } from '../api.ts';
import { h, replaceChildren } from '../dom.ts';
import type { Route } from '../router.ts';
import { meCan } from '../state/me.ts';
import { toast } from '../ui/dialog.ts';

/**
 * The DiCS's open « demandes de correction » where the commune must correct: on a fiche action's page those about
 * that fiche, on a page of the fiche plan those about that section, on the report page all of them (the plan as a
 * whole included). The chef de projet marks each « Corrigé »; the DiCS sees it at the next submission.
 */

/** The demandes a page shows. */
export function reasonsForRoute(reasons: readonly ReturnReason[], route: Route): ReturnReason[] {
  if (route.page === 'fiche') return reasons.filter((r) => r.cibleType === 'fiche' && r.cible === route.actionId);
  if (route.page === 'section') return reasons.filter((r) => r.cibleType === 'section' && r.cible === route.section);
  if (route.page === 'report') return [...reasons];
  return [];
}

function reasonItem(planId: string, r: ReturnReason, showTarget: boolean, onResolved: () => void): HTMLElement {
  const done = h('button', { type: 'button', 'data-testid': 'return-reason-resolve' }, 'Corrigé');
  done.title = 'Marquer cette demande comme corrigée : la DiCS le verra à la prochaine soumission';
  done.hidden = !meCan('answer');
  done.addEventListener('click', async () => {
    done.disabled = true;
    try {
      await send(api.plans[':planId']['return-reasons'][':reasonId'].resolve.$post({ param: { planId, reasonId: r.id } }));
      toast('Demande marquée corrigée');
      onResolved();
    } catch (err) {
      done.disabled = false;
      toast(failureMessage(err), 'error');
    }
  });
  return h(
    'li',
    { 'data-testid': 'return-reason', 'data-reason': r.id },
    h('strong', null, 'Demande de correction de la DiCS'),
    ` — ${r.motifLabel}`,
    showTarget ? ` — ${r.cibleLibelle}` : null,
    h('p', { class: 'return-reason-text' }, r.texte),
    h('p', { class: 'hint' }, `${r.kindLabel} ${r.annee} (soumission n°${r.numero}) · ${r.createdBy}, le ${formatDateTime(r.createdAt)}`),
    done,
  );
}

/**
 * The banner of a page of the plan: empty and hidden until the plan's open demandes came, hidden when the page has
 * none. A failure to load them is not the page's failure: the banner stays hidden.
 */
export function returnReasonsBanner(planId: string, route: Route): HTMLElement | null {
  if (route.page !== 'fiche' && route.page !== 'section' && route.page !== 'report') return null;
  const el = h('section', { class: 'return-reasons banner', 'aria-label': 'Demandes de correction de la DiCS', 'data-testid': 'return-reasons', hidden: true });
  const load = async () => {
    const reasons = reasonsForRoute(await send(api.plans[':planId']['return-reasons'].$get({ param: { planId }, query: {} })), route);
    el.hidden = reasons.length === 0;
    replaceChildren(
      el,
      route.page === 'report' ? h('h2', null, `Demandes de correction ouvertes (${reasons.length})`) : null,
      h(
        'ul',
        null,
        reasons.map((r) => reasonItem(planId, r, route.page === 'report', () => void load().catch(() => {}))),
      ),
    );
  };
  void load().catch(() => {});
  return el;
}
