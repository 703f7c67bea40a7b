import { currentMe } from '../../state/me.ts';
import { RECONCILIATION_STATUS_LABELS, type LineStatus } from '../../../schemas/finance.ts';
import { formatEuros } from '../../../schemas/numbers.ts';
import { h } from '../../dom.ts';
import { financeHref, type FinanceView } from '../../router.ts';
import type { PlanStore } from '../../state/plan-store.ts';
import { planYear } from '../../state/plan-year.ts';
import { yearSelect } from '../../ui/year-select.ts';

/**
 * What the finance pages share: the year they show (always one of the programme's years), the year selector that
 * changes the address, the French names of a line's status, and the author remembered in this browser (no user
 * accounts yet: whoever records a version or a justification types their name once).
 */

/** The year asked in the address when it belongs to the programme, else the plan's current year (`planYear`). */
export function financeYear(store: PlanStore, requested: number | null): number {
  return planYear(store, requested);
}

/** A status as a badge; the class gives its colour, the text says it (never colour alone). */
export function statusBadge(status: LineStatus | 'arrondi', testId?: string): HTMLElement {
  return h('span', { class: `status-badge status-${status}`, 'data-status': status, 'data-testid': testId ?? null }, RECONCILIATION_STATUS_LABELS[status]);
}

/** `€ 1.234,56`, or a dash with its reason for a blank figure (blank is never zero). */
export function eurosOrBlank(cents: number | null, blank = 'non renseigné'): string {
  return cents === null ? blank : formatEuros(cents);
}

/** A figure that leads to the place where it is entered. */
export function figureLink(href: string, text: string, title: string, testId?: string): HTMLElement {
  return h('a', { href, class: 'figure-link', title, 'data-testid': testId ?? null }, text);
}

/** The interface's year selector (`yearSelect`) over the programme's years — changing it opens the same page for that year. */
export function yearSelector(planId: string, view: FinanceView, years: readonly number[], year: number | null, opts: { allLabel?: string } = {}): HTMLElement {
  return yearSelect({
    years,
    value: year,
    allLabel: opts.allLabel,
    testId: 'finance-year',
    onChange: (y) => {
      location.hash = financeHref(planId, view, y);
    },
  }).el;
}

/** The author of a record: the signed-in person (the server takes the name from the session anyway). */
export function signedInName(): string {
  return currentMe()?.nom ?? '';
}
