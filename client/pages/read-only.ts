import { formatDateTime } from '../../schemas/dates.ts';
import { ANNUAL_REPORT_KIND } from '../../schemas/reference.ts';
import { submissionName, submissionTitle } from '../../schemas/submission.ts';
import { h, replaceChildren } from '../dom.ts';
import { reportHref } from '../router.ts';
import { latestSubmissionOf, writeSummary } from '../state/permissions.ts';
import type { PlanStore } from '../state/plan-store.ts';
import { reviewOf } from '../state/review.ts';

/**
 * How the interface shows what the signed-in person may not do (the rules are `client/state/permissions.ts`, i.e.
 * the server's): a button their role may never use is not shown at all, a button blocked for a while is disabled
 * with the reason as its tooltip, and a banner at the top of the plan says what the role may change.
 */

/**
 * A button the person may not use. By default the refusal comes from their role and lasts: the button is not shown
 * (a DiCS reviewer sees no "Importer un XLSX…", no "Ajouter une ligne"), the banner says the plan is read-only.
 * `temporary`: the role may, but not now (a year whose report is under review): the button stays, disabled, saying
 * why ("Rapport 2021 soumis à la DiCS…").
 */
export function guardButton(button: HTMLButtonElement, allowed: boolean, reason: string | undefined, opts: { temporary?: boolean } = {}): void {
  if (allowed) return;
  button.disabled = true;
  button.classList.add('not-allowed');
  if (reason) button.title = reason;
  if (!opts.temporary) button.hidden = true;
}

/** The banner of a plan for a role that changes only part of it (or nothing); null for the others. */
export function permissionBanner(store: PlanStore): HTMLElement | null {
  const summary = writeSummary(store);
  if (!summary) return null;
  return h('p', { class: `permission-banner${summary.readOnly ? ' read-only' : ''}`, role: 'note', 'data-testid': 'permission-banner' }, summary.text);
}

/** "JJ/MM/AAAA" of an instant (Brussels time). */
const dayOf = (iso: string) => formatDateTime(iso).split(' à ')[0]!;

/**
 * One line per year locked by a submission under review or approved (of any kind): its values are read-only for
 * everybody ("Rapport <année> soumis le JJ/MM/AAAA par … : les valeurs <année> sont en lecture seule").
 */
export function lockedYearBanners(store: PlanStore): HTMLElement[] {
  const review = reviewOf(store);
  return review.lockedYears().flatMap((year) => {
    const latest = latestSubmissionOf(review.submissions(), year);
    if (!latest) return [];
    const title = submissionTitle(latest);
    const what =
      latest.statut === 'approuve'
        ? `${title} approuvé par la DiCS le ${dayOf(latest.decideLe ?? latest.soumisLe)}${latest.decidePar ? ` (${latest.decidePar})` : ''}`
        : `${title} soumis le ${dayOf(latest.soumisLe)} par ${latest.soumisPar}`;
    return [
      h(
        'p',
        { class: 'permission-banner year-locked', role: 'note', 'data-testid': 'year-lock-banner', 'data-year': year },
        `${what} : les valeurs ${year} sont en lecture seule. `,
        h('a', { href: reportHref(store.plan.id, year, latest.kind === ANNUAL_REPORT_KIND ? null : latest.kind) }, `Voir ${submissionName(latest)}`),
      ),
    ];
  });
}

/**
 * The banners above the plan's pages: what the role may change, then each read-only year, then `others` (the plan's
 * preparation). `update()` redraws them (the review state changed); the element stays in place, empty when there is
 * nothing to say.
 */
export function planBanners(store: PlanStore, others: HTMLElement[] = []): { el: HTMLElement; update(): void } {
  const el = h('div', { class: 'plan-banners' });
  const update = () => replaceChildren(el, permissionBanner(store), lockedYearBanners(store), others);
  update();
  return { el, update };
}
