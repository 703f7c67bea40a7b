import type { z } from 'zod';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import { SECTION_SCHEMAS, type Plan, type SectionKey } from '../../schemas/plan.ts';
import { buildPath, enclosingPaths } from '../../schemas/plan-path.ts';
import { FormBinder } from '../forms/fields.ts';
import type { PlanSession } from '../state/session.ts';
import { permissionsOf } from '../state/permissions.ts';

/** What every plan page receives: the open plan session. */
export type PageContext = PlanSession & { planId: string };

/**
 * A page of the plan. `focus(path)` puts the cursor on the field or cell of a plan path (from a finding) and says
 * whether it found it; `refresh()` redraws computed figures after an edit elsewhere; pages without `refresh` are
 * rebuilt when a value comes from the server (conflict resolved with the other value).
 */
export type Page = {
  el: HTMLElement;
  focus?(path: string): boolean;
  refresh?(): void;
  dispose?(): void;
};

/**
 * A form bound to one section of the fiche plan: validated with the section's schema and saved as a whole. Its
 * fields are read-only for a person whose role may not change them (the budget is saved by a finance route).
 */
export function sectionBinder<K extends SectionKey>(ctx: PageContext, section: K): FormBinder<Plan[K]> {
  const { store, queue } = ctx;
  const doc = structuredClone(store.plan[section]);
  const permissions = permissionsOf(store);
  return new FormBinder({
    doc,
    schema: SECTION_SCHEMAS[section] as z.ZodType,
    pathPrefix: section,
    canWrite: (path) => permissions.canSave(section === 'budget' ? WRITE_CAPABILITIES.budgetSection : WRITE_CAPABILITIES.plan, buildPath(section, path)),
    readOnlyReason: permissions.denial('modifier cette partie du plan'),
    save(data) {
      store.setSection(section, structuredClone(data) as Plan[K]);
      queue.enqueue({ kind: 'section', section, data, version: store.plan.versions[section] });
      store.emit('local');
    },
  });
}

/** Focuses the control whose `data-path` is `path` (or the closest parent path) inside `root`. */
export function focusPath(root: HTMLElement, path: string): boolean {
  for (const p of enclosingPaths(path)) {
    if (p === '') break;
    const el = root.querySelector<HTMLElement>(`[data-path="${CSS.escape(p)}"]`);
    if (el) {
      el.scrollIntoView({ block: 'center' });
      (el.matches('input, select, textarea, [tabindex]') ? el : (el.querySelector<HTMLElement>('input, select, textarea') ?? el)).focus();
      return true;
    }
  }
  return false;
}
