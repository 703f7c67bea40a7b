import {
  ROLE_LABELS,
  WRITING_CAPABILITIES,
  canWritePath,
  hasCapability,
  roleDenial,
  writeScopeOf,
  type Capability,
  type Me,
  type WriteScope,
} from '../../schemas/access.ts';
import { yearOfPath } from '../../schemas/audit.ts';
import { describeAction } from '../../schemas/action.ts';
import { latestSubmissions, submissionTitle, type Submission } from '../../schemas/submission.ts';
import type { PlanStore } from './plan-store.ts';
import { currentMe } from './me.ts';
import { reviewOf } from './review.ts';
import { planPorteurOf } from './plan-porteur.ts';

/**
 * What the signed-in person may change in the open plan, by the server's own rules (`schemas/access.ts`): the
 * route's capability and the value rule of each path (`flattenPlan`'s paths). The interface shows read-only what
 * this answers no to; the server refuses it anyway. Before the person is known (no `Me` yet) everything is
 * writable, as the interface was before accounts: the server stays the judge. Whatever the role, a value of a year
 * whose annual report is under review or approved (`reviewOf(store).lockedYears()`) is read-only, as the server's
 * `year_locked` rule says.
 */
export type Permissions = {
  me(): Me | null;
  /**
   * May the person change the value at `path` (`budget.recettes.subventionPcs`, `actions.<id>.fiche.description`…)?
   * No when their role may not, or when the value belongs to a year whose report is submitted or approved.
   */
  canWrite(path: string): boolean;
  /** Why the value at `path` is read-only because its year's report is submitted or approved; null otherwise. */
  yearLock(path: string): string | null;
  /** Does the person's role have this capability (the one a route asks)? */
  can(capability: Capability): boolean;
  /** Both: the route saving the value needs `capability`, and the value rule must allow `path`. */
  canSave(capability: Capability, path: string): boolean;
  /** The role changes nothing in a plan (the DiCS reviewer). */
  isReadOnly(): boolean;
  /** The actions a partner operator operates in this plan (their ids). */
  partnerActionIds(): ReadonlySet<string>;
  /** "Votre rôle (Agent de la DiCS) ne permet pas de {what}". */
  denial(what: string): string;
};

const cache = new WeakMap<PlanStore, Permissions>();

/** The permissions for the plan of `store`, kept with the store (the write scope follows the plan's changes). */
export function permissionsOf(store: PlanStore): Permissions {
  let p = cache.get(store);
  if (!p) {
    p = createPermissions(store);
    cache.set(store, p);
  }
  return p;
}

function createPermissions(store: PlanStore): Permissions {
  // The scope (actions a partner operates, finance indicators) depends on the plan: recomputed after a change.
  let scope: { key: string | null; plan: unknown; value: WriteScope } | null = null;
  store.subscribe(() => {
    scope = null;
  });
  const scopeOf = (me: Me): WriteScope => {
    if (!scope || scope.key !== me.partenaire || scope.plan !== store.plan) {
      scope = { key: me.partenaire, plan: store.plan, value: writeScopeOf(store.plan, me) };
    }
    return scope.value;
  };
  // The same rule as the server's `year_locked`: a path naming a locked programme year.
  const lockedYearOf = (path: string): number | null => {
    const locked = reviewOf(store).lockedYears();
    return locked.length ? yearOfPath(path, locked) : null;
  };
  const self: Permissions = {
    me: currentMe,
    canWrite(path) {
      const me = currentMe();
      if (planPorteurOf(store)?.lectureSeule) return false;
      return (me === null || canWritePath(me, path, scopeOf(me))) && lockedYearOf(path) === null;
    },
    yearLock(path) {
      const year = lockedYearOf(path);
      if (year === null) return null;
      const lock = latestSubmissionOf(reviewOf(store).submissions(), year);
      const approved = lock?.statut === 'approuve';
      const what = lock ? submissionTitle(lock) : `Rapport ${year}`;
      return `${what} ${approved ? 'approuvé par la DiCS' : 'soumis à la DiCS'} : les valeurs ${year} sont en lecture seule${approved ? '' : ' (rouvrez-le avec un motif pour les modifier)'}`;
    },
    can(capability) {
      const me = currentMe();
      // A member commune's officer reads the association's plan: nothing but reading.
      if (capability !== 'read' && planPorteurOf(store)?.lectureSeule) return false;
      return me === null || hasCapability(me, capability);
    },
    canSave(capability, path) {
      return self.can(capability) && self.canWrite(path);
    },
    isReadOnly() {
      return !WRITING_CAPABILITIES.some((c) => self.can(c));
    },
    partnerActionIds() {
      const me = currentMe();
      return me ? scopeOf(me).partnerActionIds : new Set();
    },
    denial(what) {
      const me = currentMe();
      return roleDenial(me ? me.roleLabel || ROLE_LABELS[me.role] : null, what);
    },
  };
  return self;
}

/**
 * The latest submission of `kind` for a year (the one whose status counts), if any. Without a kind: the one that
 * locks the year when one does (under review first, then approved), else the latest submitted of any kind.
 */
export function latestSubmissionOf(submissions: readonly Submission[], year: number, kind?: string): Submission | undefined {
  const latest = latestSubmissions(submissions.filter((s) => s.annee === year && (kind === undefined || s.kind === kind)));
  const rank = (s: Submission) => (s.statut === 'soumis' ? 2 : s.statut === 'approuve' ? 1 : 0);
  return latest.sort((a, b) => rank(b) - rank(a) || b.soumisLe.localeCompare(a.soumisLe))[0];
}

/** What the person may change, in one sentence for the plan's banner; null when they may change everything. */
export function writeSummary(store: PlanStore): { readOnly: boolean; text: string } | null {
  const p = permissionsOf(store);
  const me = p.me();
  if (!me) return null;
  const label = me.roleLabel || ROLE_LABELS[me.role];
  const porteur = planPorteurOf(store);
  if (porteur?.lectureSeule) return { readOnly: true, text: `Lecture seule : ${porteur.motif ?? 'plan d’une association dont votre commune est membre'}` };
  if (p.isReadOnly()) return { readOnly: true, text: `Lecture seule : votre rôle (${label}) ne permet pas de modifier ce plan` };
  if (me.role === 'partenaire') {
    const operated = store.plan.actions.filter((a) => p.partnerActionIds().has(a.id));
    if (operated.length === 0) {
      return { readOnly: true, text: `Lecture seule : aucune action de ce plan n’est opérée par ${me.partenaire ?? 'votre organisation'}` };
    }
    return {
      readOnly: false,
      text: `Vous modifiez les textes et les valeurs réalisées des actions que vous opérez : ${operated.map((a) => describeAction(a).replace(/^Fiche /, '')).join(', ')}. Le reste du plan est en lecture seule.`,
    };
  }
  if (me.role === 'finance') {
    return {
      readOnly: false,
      text: 'Vous modifiez les données financières : budget, transferts, consommation, budgets annuels, imputations, justifications et indicateurs financiers des fiches. Le reste du plan est en lecture seule.',
    };
  }
  return null;
}
