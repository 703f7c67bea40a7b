import type { ApiIssue } from './errors.ts';
import { describeAction } from './action.ts';
import {
  actionFieldPath,
  buildPath,
  consumptionPath,
  isPathWithin,
  justificationPath,
  labelPath,
  listRowPath,
  splitPath,
  timeSharePath,
  type FlatValue,
} from './plan-path.ts';
import { listFieldOf, listsOf } from './programme-lists.ts';
import type { PlanDocument } from './plan.ts';
import { TIME_PERIOD_EX_ANTE, TIME_PERIOD_EX_POST } from './plan.ts';
import { isProgrammeYear, programmeSpan, type Programme } from './reference.ts';

/**
 * Rules a plan document must satisfy beyond the shape of each field: every year belongs to the plan's programme,
 * and every reference (an action's transfer, a partner card's actions) points at a row of the same plan.
 * Returns French issues with their paths; an empty list means the document can be stored.
 */
export function findIntegrityIssues(doc: PlanDocument, programme: Programme): ApiIssue[] {
  const issues: ApiIssue[] = [];
  const checkYear = (year: string, path: string) => {
    if (!isProgrammeYear(programme, year)) {
      issues.push({ path, message: `L'année ${year} n'appartient pas au programme ${programme.label} (${programmeSpan(programme)})` });
    }
  };

  const ids = new Map<string, string>();
  const checkUnique = (id: string, path: string) => {
    const previous = ids.get(id);
    if (previous) issues.push({ path, message: `Identifiant « ${id} » déjà utilisé (${previous})` });
    else ids.set(id, path);
  };

  const transferIds = new Set(doc.transferts.map((t) => t.id));
  const actionIds = new Set(doc.actions.map((a) => a.id));
  doc.transferts.forEach((t, i) => checkUnique(t.id, buildPath('transferts', i, 'id')));

  doc.actions.forEach((a, ai) => {
    checkUnique(a.id, buildPath('actions', ai, 'id'));
    const transferId = a.fiche.operateur.transferId;
    if (transferId !== null && !transferIds.has(transferId)) {
      issues.push({
        path: buildPath('actions', ai, 'fiche', 'operateur', 'transferId'),
        message: `Le transfert « ${transferId} » n'existe pas dans ce plan`,
      });
    }
    a.fiche.valeursDeReference.forEach((v, vi) => {
      if (!a.indicators.some((ind) => ind.id === v.indicatorId)) {
        issues.push({
          path: buildPath('actions', ai, 'fiche', 'valeursDeReference', vi, 'indicatorId'),
          message: `La valeur de référence désigne un indicateur absent de la ${describeAction(a)}`,
        });
      }
    });
    a.indicators.forEach((ind, ii) => {
      checkUnique(ind.id, buildPath('actions', ai, 'indicators', ii, 'id'));
      for (const year of Object.keys(ind.values)) checkYear(year, buildPath('actions', ai, 'indicators', ii, 'values', year));
    });
  });

  for (const [category, periods] of Object.entries(doc.repartitionTemps)) {
    for (const period of Object.keys(periods ?? {})) {
      if (period !== TIME_PERIOD_EX_ANTE && period !== TIME_PERIOD_EX_POST) {
        checkYear(period, timeSharePath(category, period));
      }
    }
  }
  for (const year of Object.keys(doc.consommation)) checkYear(year, consumptionPath(year));
  doc.transferts.forEach((t, i) => {
    for (const year of Object.keys(t.parAnnee)) checkYear(year, buildPath('transferts', i, 'parAnnee', year));
  });
  doc.budgetsAnnuels.forEach((v, i) => {
    checkUnique(v.id, buildPath('budgetsAnnuels', i, 'id'));
    checkYear(String(v.annee), buildPath('budgetsAnnuels', i, 'annee'));
  });
  doc.imputations.forEach((l, i) => {
    checkUnique(l.id, buildPath('imputations', i, 'id'));
    checkYear(String(l.annee), buildPath('imputations', i, 'annee'));
  });
  for (const [year, dates] of Object.entries(doc.commissions.dates)) {
    checkYear(year, buildPath('commissions', 'dates', year));
    dates.forEach((date, i) => {
      if (!date.startsWith(`${year}-`)) {
        issues.push({ path: buildPath('commissions', 'dates', year, i), message: `La date ${date} n'est pas en ${year}` });
      }
    });
  }
  doc.formations.forEach((f, i) => {
    if (f.annee !== null) checkYear(String(f.annee), buildPath('formations', i, 'annee'));
  });

  const lists = ['equipeMembres', 'formations', 'reunionsOrganisees', 'reunionsInvite', 'partenaires'] as const;
  for (const list of lists) doc[list].forEach((row, i) => checkUnique(row.id, buildPath(list, i, 'id')));
  doc.partenaires.forEach((p, pi) =>
    p.actionIds.forEach((id, k) => {
      if (!actionIds.has(id)) {
        issues.push({ path: buildPath('partenaires', pi, 'actionIds', k), message: `L'action « ${id} » n'existe pas dans ce plan` });
      }
    }),
  );
  return issues;
}

// ——— Values of the programme's lists ————————————————————————————————————————————————————————————————————————————

/** A value a write brings at a path of `flattenPlan` (rows by id), and the one it replaces. */
export type ListedChange = { path: string; old: FlatValue; new: FlatValue };

/**
 * Every value a write brings to a field of a programme list (schemas/programme-lists.ts) must be in that list of the
 * plan's programme. Only what the write changes is checked: a value stored before the list changed (a plan moved to
 * another programme, a list reworded) stays readable and the rest of the plan stays writable; a multiple choice keeps
 * its former values. Issues are at the value's path (the item's, in a multiple choice), in French.
 */
export function findListIssues(
  plan: Pick<PlanDocument, 'actions'> & Partial<PlanDocument>,
  programme: Programme,
  changes: readonly ListedChange[],
): ApiIssue[] {
  const lists = listsOf(programme);
  const issues: ApiIssue[] = [];
  for (const change of changes) {
    if (change.new === null) continue;
    const field = listFieldOf(splitPath(change.path));
    if (!field) continue;
    const allowed = lists[field.list];
    const values = field.multiple ? choicesOf(change.new) : [String(change.new)];
    const former = field.multiple ? choicesOf(change.old) : [change.old];
    values.forEach((value, i) => {
      if (allowed.includes(value) || former.includes(value)) return;
      const shown = allowed.map((v) => `« ${v} »`).join(', ');
      issues.push({
        // A multiple choice's issue names the value, as the schema names an item of a list.
        path: field.multiple ? buildPath(change.path, i) : change.path,
        message: `${labelPath(plan, change.path)} : « ${value} » n'est pas une valeur de la liste du programme ${programme.shortName} (${shown})`,
      });
    });
  }
  return issues;
}

/** The values of a multiple choice as `flattenPlan` keeps it (a JSON array), none when blank. */
function choicesOf(value: FlatValue): string[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : [value];
  } catch {
    return [value];
  }
}

// ——— Rows other rows point at ————————————————————————————————————————————————————————————————————————————————————

/**
 * What may point at a row of a plan: a fiche's operator at a transfer, a partner card at an action, a justification
 * at the rows of its finding (keys name rows by `#<id>`), a DiCS question at a value under the row, and the snapshot
 * of a report under review or approved at the actions, indicators and transfers it holds.
 */
export const ROW_REFERENCE_KINDS = ['operateur', 'carte-partenaire', 'justification', 'question', 'soumission'] as const;
export type RowReferenceKind = (typeof ROW_REFERENCE_KINDS)[number];

/**
 * One reference to a row about to be deleted. `detachable` references can be undone with the deletion (the fiche
 * keeps its operator's name but no transfer, the card loses the action, the justification goes); the others (a
 * question of the DiCS, a submitted report) must keep pointing at something, so the row stays.
 */
export type RowReference = { kind: RowReferenceKind; path: string; label: string; detachable: boolean };

/** What `409 in_use` carries in `current`: every reference, and whether all of them can be detached. */
export type RowReferences = { references: RowReference[]; detachable: boolean; detachLabel: string };

export type ReferenceSources = {
  /** The DiCS's questions of the plan (any status: a resolved question still names its value). */
  threads: readonly { chemin: string; annee: number; libelle: string }[];
  /** Snapshots of the reports under review or approved (a returned or reopened report may change). */
  lockedSnapshots: readonly { annee: number; plan: Pick<PlanDocument, 'actions' | 'transferts'> }[];
};

/** Does a justification's finding key (`rule:actions.#<id>.indicators.#<id>.exAnte`) name one of these rows? */
function keyNamesRow(cle: string, ids: ReadonlySet<string>): boolean {
  for (const m of cle.matchAll(/#([^.~·:]+)/g)) if (ids.has(m[1]!)) return true;
  return false;
}

/**
 * Every reference to the row at `rowPath` (`transferts.<id>`, `actions.<id>`, `actions.<id>.indicators.<id>`,
 * `<liste>.<id>`, `imputations.<année>.<id>`), in the order people fix them: links first, then what cannot move.
 */
export function findRowReferences(plan: PlanDocument, rowPath: string, sources: ReferenceSources): RowReference[] {
  const parts = splitPath(rowPath);
  const [head] = parts;
  const id = parts[parts.length - 1]!;
  const out: RowReference[] = [];
  const ids = new Set([id]);
  if (head === 'actions' && parts.length === 2) plan.actions.find((a) => a.id === id)?.indicators.forEach((i) => ids.add(i.id));

  if (head === 'transferts') {
    for (const a of plan.actions) {
      if (a.fiche.operateur.transferId === id) {
        out.push({
          kind: 'operateur',
          path: actionFieldPath(a.id, 'fiche', 'operateur', 'transferId'),
          label: describeAction(a).replace(/^Fiche /, ''),
          detachable: true,
        });
      }
    }
  }
  if (head === 'actions' && parts.length === 2) {
    for (const p of plan.partenaires) {
      if (p.actionIds.includes(id))
        out.push({ kind: 'carte-partenaire', path: listRowPath('partenaires', p.id, 'actionIds'), label: `« ${p.nom} »`, detachable: true });
    }
  }
  for (const j of plan.justifications) {
    if (keyNamesRow(j.cle, ids)) {
      out.push({ kind: 'justification', path: justificationPath(j.cle), label: `« ${j.texte} » (${j.auteur})`, detachable: true });
    }
  }
  for (const t of sources.threads) {
    if (isPathWithin(t.chemin, rowPath)) {
      out.push({ kind: 'question', path: t.chemin, label: `« ${t.libelle} » (${t.annee})`, detachable: false });
    }
  }
  for (const s of sources.lockedSnapshots) {
    const held =
      head === 'transferts'
        ? s.plan.transferts.some((t) => t.id === id)
        : head === 'actions' && parts.length === 2
          ? s.plan.actions.some((a) => a.id === id)
          : head === 'actions' && parts[2] === 'indicators'
            ? s.plan.actions.some((a) => a.indicators.some((i) => i.id === id))
            : false;
    if (held) out.push({ kind: 'soumission', path: rowPath, label: `rapport ${s.annee}`, detachable: false });
  }
  return out;
}

const REFERENCE_PHRASES: Record<RowReferenceKind, (labels: string[]) => string> = {
  operateur: (l) => `est l'opérateur ${l.length > 1 ? 'des fiches' : 'de la fiche'} ${l.join(', ')}`,
  'carte-partenaire': (l) => `figure sur ${l.length > 1 ? 'les fiches partenaire' : 'la fiche partenaire'} ${l.join(', ')}`,
  justification: (l) => `est visé(e) par ${l.length > 1 ? `${l.length} justifications de constats` : 'une justification de constat'} (${l.join(' ; ')})`,
  question: (l) => `fait l'objet ${l.length > 1 ? 'de questions' : "d'une question"} de la DiCS sur ${l.join(', ')}`,
  soumission: (l) => `figure dans le ${l.join(', ')} soumis à la DiCS`,
};

/** The button of the confirmation dialog that detaches the references, then deletes the row. */
export function detachLabel(references: readonly RowReference[]): string {
  const kinds = new Set(references.map((r) => r.kind));
  if (kinds.size === 1 && kinds.has('operateur')) return 'Détacher de ces fiches et supprimer';
  if (kinds.size === 1 && kinds.has('carte-partenaire')) return 'Retirer des fiches partenaire et supprimer';
  if (kinds.size === 1 && kinds.has('justification')) return 'Retirer les justifications et supprimer';
  return 'Détacher et supprimer';
}

/**
 * « Le transfert « X » est l'opérateur des fiches 1.3.03 (…), 2.4.01 (…) : détachez-les d'abord » — or, when a
 * question of the DiCS or a submitted report holds the row, why it cannot be deleted at all.
 */
export function describeRowReferences(what: string, references: readonly RowReference[]): string {
  const byKind = new Map<RowReferenceKind, string[]>();
  for (const r of references) byKind.set(r.kind, [...(byKind.get(r.kind) ?? []), r.label]);
  const phrases = ROW_REFERENCE_KINDS.filter((k) => byKind.has(k)).map((k) => REFERENCE_PHRASES[k](byKind.get(k)!));
  const said = phrases.length > 1 ? `${phrases.slice(0, -1).join(', ')} et ${phrases[phrases.length - 1]}` : phrases[0]!;
  if (references.some((r) => r.kind === 'soumission')) return `${what} ${said} : rouvrez le rapport avec un motif pour le supprimer`;
  if (references.some((r) => !r.detachable)) return `${what} ${said} : une question de la DiCS doit toujours désigner sa valeur, il ne peut pas être supprimé`;
  // Every detachable reference is feminine (une fiche, une fiche partenaire, une justification).
  return `${what} ${said} : ${references.length > 1 ? "détachez-les d'abord" : "détachez-la d'abord"}`;
}
