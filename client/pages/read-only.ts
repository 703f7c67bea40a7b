import { h } from '../dom.ts';
import { writeSummary } from '../state/permissions.ts';
import type { PlanStore } from '../state/plan-store.ts';

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
