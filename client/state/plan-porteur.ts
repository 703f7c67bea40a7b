import type { PlanPorteurResponse } from '../../schemas/requests/organisations.ts';

/**
 * What the open plan's pages know of its porteur (`GET /api/plans/:planId/porteur`): the organisation carrying it,
 * an association's members with their totals, and whether the person only reads the plan (an officer of a member
 * commune of the association). Kept with the plan's store; absent before it is loaded, then nothing is read-only
 * on its account (the server refuses anyway).
 */
const byStore = new WeakMap<object, PlanPorteurResponse>();

export function setPlanPorteur(store: object, porteur: PlanPorteurResponse): void {
  byStore.set(store, porteur);
}

export function planPorteurOf(store: object): PlanPorteurResponse | null {
  return byStore.get(store) ?? null;
}
