import { formatDateTime } from '../../schemas/dates.ts';
import { h, replaceChildren } from '../dom.ts';
import { reportHref } from '../router.ts';
import { latestSubmissionOf, writeSummary } from '../state/permissions.ts';
import type { PlanStore } from '../state/plan-store.ts';
import { reviewOf } from '../state/review.ts';

/**
 * How the interface shows what the signed-in person may not do (the rules are `client/state/permissions.ts`, i.e.
 * the server's): buttons disabled with the reason as their tooltip, and a banner at the top of the plan.
 */

/** Disables a button the person's role may not use, saying why ("Votre rôle (…) ne permet pas de …"). */
export function guardButton(button: HTMLButtonElement, allowed: boolean, reason: string | undefined): void {
  if (allowed) return;
  button.disabled = true;
  button.classList.add('not-allowed');
  if (reason) button.title = reason;
}

/** The banner of a plan for a role that changes only part of it (or nothing); null for the others. */
export function permissionBanner(store: PlanStore): HTMLElement | null {
  const summary = writeSummary(store);
  if (!summary) return null;
  return h(
    'p',
    { class: `permission-banner${summary.readOnly ? ' read-only' : ''}`, role: 'note', 'data-testid': 'permission-banner' },
    summary.text,
  );
}

/** "JJ/MM/AAAA" of an instant (Brussels time). */
const dayOf = (iso: string) => formatDateTime(iso).split(' à ')[0]!;

/**
 * One line per year whose annual report is under review or approved: its values are read-only for everybody
 * ("Rapport <année> soumis le JJ/MM/AAAA par … : les valeurs <année> sont en lecture seule").
 */
export function lockedYearBanners(store: PlanStore): HTMLElement[] {
  const review = reviewOf(store);
  return review.lockedYears().flatMap((year) => {
    const latest = latestSubmissionOf(review.submissions(), year);
    if (!latest) return [];
    const what =
      latest.statut === 'approuve'
        ? `Rapport ${year} approuvé par la DiCS le ${dayOf(latest.decideLe ?? latest.soumisLe)}${latest.decidePar ? ` (${latest.decidePar})` : ''}`
        : `Rapport ${year} soumis le ${dayOf(latest.soumisLe)} par ${latest.soumisPar}`;
    return [
      h(
        'p',
        { class: 'permission-banner year-locked', role: 'note', 'data-testid': 'year-lock-banner', 'data-year': year },
        `${what} : les valeurs ${year} sont en lecture seule. `,
        h('a', { href: reportHref(store.plan.id, year) }, `Voir le rapport ${year}`),
      ),
    ];
  });
}

/**
 * The banners above the plan's pages: what the role may change, then each read-only year. `update()` redraws them
 * (the review state changed); the element stays in place, empty when there is nothing to say.
 */
export function planBanners(store: PlanStore): { el: HTMLElement; update(): void } {
  const el = h('div', { class: 'plan-banners' });
  const update = () => replaceChildren(el, permissionBanner(store), lockedYearBanners(store));
  update();
  return { el, update };
}
