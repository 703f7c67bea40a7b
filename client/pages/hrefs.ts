import type { Plan } from '../../schemas/plan.ts';
import { positionPathOf, splitPath } from '../../schemas/plan-path.ts';
import { ficheHref, financeHref, sectionHref } from '../router.ts';
import { sectionOfPath } from './sections/index.ts';

/**
 * Where a value of the plan is entered: the address of the page and field of a path. Shared by the plan's frame
 * (the checks panel) and the report page, which the frame shows: here, so that neither imports the other.
 */

/** The page and field of a finding's path (rows by position, `finance.<année>.<ligne>` for the reconciliation). */
export function findingHref(planId: string, plan: Plan, path: string): string {
  const parts = splitPath(path);
  // `finance.<year>.<line>`: a line of that year's reconciliation.
  if (parts[0] === 'finance' && /^\d{4}$/.test(parts[1] ?? '')) return financeHref(planId, 'rapprochement', Number(parts[1]), path);
  if (parts[0] === 'actions' && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
    const action = plan.actions[Number(parts[1])];
    if (action && (parts[2] === 'fiche' || parts[2] === 'indicators')) return ficheHref(planId, action.id, path);
    return sectionHref(planId, 'actions', path);
  }
  return sectionHref(planId, sectionOfPath(parts[0] ?? ''), path);
}

/** The address of the page and field where the value at `path` (by ids or by positions) is entered. */
export function valueHref(planId: string, plan: Plan, path: string): string {
  const parts = splitPath(path);
  const yearAt = (i: number) => (/^\d{4}$/.test(parts[i] ?? '') ? Number(parts[i]) : null);
  if (parts[0] === 'budgetsAnnuels') return financeHref(planId, 'budgets', yearAt(1));
  if (parts[0] === 'imputations') return financeHref(planId, 'imputations', yearAt(1));
  if (parts[0] === 'transferts' && parts[2] === 'parAnnee') return financeHref(planId, 'transferts', yearAt(3));
  return findingHref(planId, plan, positionPathOf(plan, path));
}
