import { defaultReportYear } from '../../schemas/pdf-export.ts';
import type { PlanStore } from './plan-store.ts';

/**
 * The programme year the person is looking at in the open plan, shared by every page that shows one year (Rapport
 * annuel, Rapprochement, Budgets annuels, Transferts par année, the PDF's report year in the header): chosen on one
 * page, it is the year of the next. Before any choice, the last finished calendar year inside the programme (the
 * annual report is written the year after). Always one of the programme's years, never a literal.
 */
const chosen = new WeakMap<PlanStore, number>();
const listeners = new WeakMap<PlanStore, Set<(year: number) => void>>();

/** The year a page shows: the one its address asks when it belongs to the programme, else the plan's current year. */
export function planYear(store: PlanStore, requested: number | null = null, now: Date = new Date()): number {
  if (requested !== null && store.years.includes(requested)) {
    choosePlanYear(store, requested);
    return requested;
  }
  const current = chosen.get(store);
  if (current !== undefined && store.years.includes(current)) return current;
  return defaultReportYear(store.years, now.getFullYear());
}

/** Remembers `year` as the plan's current year and tells the selectors showing it. */
export function choosePlanYear(store: PlanStore, year: number): void {
  if (!store.years.includes(year) || chosen.get(store) === year) return;
  chosen.set(store, year);
  for (const l of listeners.get(store) ?? []) l(year);
}

/** Called with the plan's current year whenever a page or a selector changes it; answers the unsubscribe. */
export function subscribePlanYear(store: PlanStore, listener: (year: number) => void): () => void {
  let set = listeners.get(store);
  if (!set) listeners.set(store, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}
