import type { ApiIssue } from '../../schemas/errors.ts';
import {
  CHECKLIST_ITEM_IDS,
  PROGRAMME_STATUS_LABELS,
  programmeSpan,
  type Catalogue,
  type ChecklistItemId,
  type Programme,
  type SubmissionKind,
  type SubmissionPeriodicity,
} from '../../schemas/reference.ts';
import { ReplaceCatalogueBody, UpdateProgrammeBody, type ProgrammeRecord } from '../../schemas/requests/programmes.ts';

/**
 * The programmes page without a DOM: how a programme reads (status, years, extension), the draft's form as text
 * fields and the bodies it sends, the server's or the schema's issues by field path.
 */

/** What each checklist item is called on the programme's submission kinds (the checklist of schemas/submission.ts). */
export const CHECKLIST_ITEM_LABELS: Record<ChecklistItemId, string> = {
  'fiche-plan': 'Fiche plan',
  actions: 'Actions',
  fiches: 'Fiches action',
  realises: 'Réalisés',
  budget: 'Budget',
  constats: 'Constats',
};

export const PERIODICITY_LABELS: Record<SubmissionPeriodicity, string> = { annuelle: 'Annuelle', unique: 'Unique' };

/** « Publié » or « Projet »: the status a list shows. */
export function statusLabel(p: Programme): string {
  return p.statut === 'publie' ? PROGRAMME_STATUS_LABELS.publie : 'Projet';
}

const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];

/** `2026-12-31` → « 31 décembre 2026 » (« 1er » for the first day). */
export function longDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return `${d === 1 ? '1er' : d} ${MONTHS[(m ?? 1) - 1]} ${y}`;
}

/** « prolongé jusqu'au 31 décembre 2026 (décision : …) » for an extended programme, else null. */
export function prolongationText(p: Programme): string | null {
  return p.prolongation ? `prolongé jusqu'au ${longDate(p.end)} (décision : ${p.prolongation.decision})` : null;
}

/** « 2020-2026 (7 ans) ». */
export function yearsText(p: Programme): string {
  return `${programmeSpan(p)} (${p.years.length} an${p.years.length > 1 ? 's' : ''})`;
}

/** A kind of submission as its row of the form edits it: text fields, checklist as ticks. */
export type KindRow = {
  id: string;
  label: string;
  periodicite: SubmissionPeriodicity;
  mois: string;
  jour: string;
  decalage: string;
  annee: string;
  date: string;
  checklist: ChecklistItemId[];
};

export type ProgrammeForm = {
  label: string;
  shortName: string;
  firstYear: string;
  lastYear: string;
  populationReferenceDate: string;
  soumissions: KindRow[];
};

export type ActionRow = { code: string; intitule: string; objectif: string };

export function kindRowOf(k: SubmissionKind): KindRow {
  const e = k.echeance;
  return {
    id: k.id,
    label: k.label,
    periodicite: k.periodicite,
    mois: 'mois' in e ? String(e.mois) : '',
    jour: 'jour' in e ? String(e.jour) : '',
    decalage: 'decalage' in e ? String(e.decalage) : '',
    annee: 'annee' in e ? String(e.annee) : '',
    date: 'date' in e ? e.date : '',
    checklist: [...k.checklist],
  };
}

/** A new kind of submission: annual, due on 31 March of the next year, the whole checklist. */
export function newKindRow(): KindRow {
  return { id: '', label: '', periodicite: 'annuelle', mois: '3', jour: '31', decalage: '1', annee: '', date: '', checklist: [...CHECKLIST_ITEM_IDS] };
}

export function formOf(p: Programme): ProgrammeForm {
  return {
    label: p.label,
    shortName: p.shortName,
    firstYear: String(p.years[0]),
    lastYear: String(p.years[p.years.length - 1]),
    populationReferenceDate: p.populationReferenceDate,
    soumissions: p.soumissions.map(kindRowOf),
  };
}

export function actionRowsOf(c: Catalogue): ActionRow[] {
  return c.actions.map((a) => ({ code: a.code, intitule: a.intitule, objectif: a.objectif ?? '' }));
}

/** A number typed in a field; blank or not a number is left to the schema to name (« Nombre attendu »). */
const numberOf = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text.trim()));

function kindOf(r: KindRow): unknown {
  const echeance =
    r.periodicite === 'annuelle'
      ? { mois: numberOf(r.mois), jour: numberOf(r.jour), decalage: numberOf(r.decalage) }
      : { annee: numberOf(r.annee), date: r.date };
  return { id: r.id.trim(), label: r.label, periodicite: r.periodicite, echeance, checklist: CHECKLIST_ITEM_IDS.filter((c) => r.checklist.includes(c)) };
}

export type Checked<T> = { ok: true; body: T } | { ok: false; issues: ApiIssue[] };

const issuesOf = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): ApiIssue[] =>
  issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));

/**
 * The body of `PUT /api/programmes/:id` from the form, or the issues at the form's fields (same paths as the
 * server's). A start or end date other than 1 January / 31 December is kept while its year stays the first / last.
 */
export function definitionBodyOf(form: ProgrammeForm, record: ProgrammeRecord): Checked<UpdateProgrammeBody> {
  const { start, end } = record.programme;
  const first = form.firstYear.trim();
  const last = form.lastYear.trim();
  const parsed = UpdateProgrammeBody.safeParse({
    version: record.version,
    ...(start.startsWith(`${first}-`) && start !== `${first}-01-01` ? { start } : {}),
    ...(end.startsWith(`${last}-`) && end !== `${last}-12-31` ? { end } : {}),
    label: form.label,
    shortName: form.shortName,
    firstYear: numberOf(form.firstYear),
    lastYear: numberOf(form.lastYear),
    populationReferenceDate: form.populationReferenceDate,
    predecesseur: record.programme.predecesseur,
    soumissions: form.soumissions.map(kindOf),
  });
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, issues: issuesOf(parsed.error.issues) };
}

/**
 * The body of `PUT /api/programmes/:id/catalogue` from the actions table: axes and thématiques kept, an action
 * kept by its code keeps its default indicators, a blank objective is none.
 */
export function catalogueBodyOf(rows: ActionRow[], record: ProgrammeRecord): Checked<ReplaceCatalogueBody> {
  const indicatorsOf = (code: string) => record.catalogue.actions.find((a) => a.code === code)?.indicators ?? [];
  const parsed = ReplaceCatalogueBody.safeParse({
    ...record.catalogue,
    version: record.version,
    actions: rows.map((r) => ({ code: r.code.trim(), intitule: r.intitule, objectif: r.objectif.trim() || null, indicators: indicatorsOf(r.code.trim()) })),
  });
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, issues: issuesOf(parsed.error.issues) };
}

/**
 * Where an issue is shown: the field of its path, or the closest enclosing one that the form has
 * (`soumissions.0.echeance.mois` → that field; `soumissions` → the table). Unplaced issues go to the form's top.
 */
export function placeIssues(issues: readonly ApiIssue[], fields: ReadonlySet<string>): { byField: Map<string, string[]>; unplaced: string[] } {
  const byField = new Map<string, string[]>();
  const unplaced: string[] = [];
  for (const issue of issues) {
    const parts = issue.path.split('.');
    let placed = false;
    for (let n = parts.length; n > 0 && !placed; n--) {
      const path = parts.slice(0, n).join('.');
      if (fields.has(path)) {
        byField.set(path, [...(byField.get(path) ?? []), issue.message]);
        placed = true;
      }
    }
    if (!placed) unplaced.push(issue.path ? `${issue.path} : ${issue.message}` : issue.message);
  }
  return { byField, unplaced };
}

/** « 31 mars de l'année suivante » (annual) or « 31 mars 2027 (année 2027) » (unique). */
export function echeanceText(k: SubmissionKind): string {
  const e = k.echeance;
  if ('date' in e) return `${longDate(e.date)} (année ${e.annee})`;
  const after = e.decalage === 0 ? 'de l’année' : e.decalage === 1 ? 'de l’année suivante' : `${e.decalage} ans après l’année`;
  return `${e.jour === 1 ? '1er' : e.jour} ${MONTHS[e.mois - 1]} ${after}`;
}
