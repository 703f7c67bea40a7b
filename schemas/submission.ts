import { z } from 'zod';
import type { PlanDocument } from './plan.ts';
import type { JustifiedFinding } from './checks.ts';
import { FINDING_LEVEL_LABELS } from './checks.ts';
import { describeCell } from './cells.ts';
import { computeBudgetFigures } from './budget.ts';
import { budgetOfYear } from './finance.ts';
import { formatBelgianNumber, formatEuros } from './numbers.ts';
import { MAX_REASON_LENGTH, describePath, describeScope, type FlatValue } from './audit.ts';
import { PORTEUR_TYPES } from './enums.ts';
import { actionFieldPath, actionPathPrefix, indicatorValuePath, indicatorsPath, stablePathOfIds, valueAtPath } from './plan-path.ts';
import type { Justification } from './finance.ts';
import { ANNUAL_REPORT_KIND, CHECKLIST_ITEM_IDS, submissionDueDate, submissionYears, type ChecklistItemId, type Programme } from './reference.ts';

/**
 * A submission to the DiCS of one of the kinds the programme declares (yearly report, initial plan, financial
 * justification…) for one year it covers: the plan is frozen in an immutable snapshot with its XLSX and PDF (and
 * their SHA-256); the DiCS approves it or returns it; a returned or reopened submission makes the year editable
 * again and the next one of the same kind and year carries the values changed since the previous one.
 */

export const SUBMISSION_STATUSES = ['soumis', 'retourne', 'approuve', 'rouvert'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];
export const SUBMISSION_STATUS_LABELS: Record<SubmissionStatus, string> = {
  soumis: 'Soumis — en cours d’examen par la DiCS',
  retourne: 'Retourné par la DiCS',
  approuve: 'Approuvé par la DiCS',
  rouvert: 'Rouvert',
};

/** A year whose latest submission is under review or approved is read-only. */
export const LOCKING_STATUSES: readonly SubmissionStatus[] = ['soumis', 'approuve'];

/**
 * Where the XLSX and PDF of a submission stand: being generated, stored, failed, or to be generated from the
 * snapshot at their first download (`a-generer`: submissions of the regional demonstration data set).
 */
export const FILE_STATES = ['en-cours', 'prets', 'echec', 'a-generer'] as const;
export type FileState = (typeof FILE_STATES)[number];

/** One changed value of the "Modifications depuis la dernière soumission" annex. */
export type SubmissionChange = { path: string; label: string; old: FlatValue; new: FlatValue; oldText: string; newText: string };

/** What the API answers for a submission (the snapshot and the files are fetched on their own). */
export type Submission = {
  id: string;
  /** The programme's kind of submission (`soumissions[].id`), its label and the due date of this year's one (ISO). */
  kind: string;
  kindLabel: string;
  echeance: string | null;
  annee: number;
  numero: number;
  statut: SubmissionStatus;
  soumisLe: string;
  soumisPar: string;
  fichiers: FileState;
  /** Progress of the files' generation, for the person waiting (0 to 1) and its message. */
  progression: number;
  message: string;
  xlsxSha256: string | null;
  pdfSha256: string | null;
  decideLe: string | null;
  decidePar: string | null;
  motif: string | null;
  changements: SubmissionChange[];
};

/** The id of a kind of submission, as the programme declares it (`rapport-annuel`, `plan-initial`…). */
export const SubmissionKindId = z
  .string()
  .trim()
  .min(1, 'Indiquez le type de soumission')
  .max(60)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Type de soumission en minuscules, chiffres et tirets (ex. rapport-annuel)');
/** A submission's year and kind; without a kind, the programme's annual report (when it declares one). */
/**
 * How sentences name a kind's submission of a year: « rapport 2021 » for the yearly report (as it always was),
 * « « Plan initial 2027 » » for another kind; `start` capitalises it for the start of a sentence (« Le rapport 2021 »).
 */
export function submissionName(s: Pick<Submission, 'kind' | 'kindLabel' | 'annee'>, start = false): string {
  if (s.kind !== ANNUAL_REPORT_KIND) return `« ${s.kindLabel} ${s.annee} »`;
  return start ? `Le rapport ${s.annee}` : `le rapport ${s.annee}`;
}

/** A kind's submission of a year as a title: « Rapport 2021 », « Plan initial 2027 ». */
export function submissionTitle(s: Pick<Submission, 'kind' | 'kindLabel' | 'annee'>): string {
  return s.kind === ANNUAL_REPORT_KIND ? `Rapport ${s.annee}` : `${s.kindLabel} ${s.annee}`;
}

export const SubmitSchema = z.object({ annee: z.number().int().min(2000).max(2100), kind: SubmissionKindId.optional() }).strict();
const reason = z.string().trim().max(MAX_REASON_LENGTH, `Au plus ${MAX_REASON_LENGTH} caractères`);
/** A missing text is asked for by name (« Indiquez le motif »), a value of another type gets the general message. */
const askedFor = (message: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? message : undefined) });
/** Returning or reopening a year needs a reason; approving may carry a comment. */
export const DecisionSchema = z
  .object({
    motif: z.string(askedFor('Indiquez le motif')).trim().max(MAX_REASON_LENGTH, `Au plus ${MAX_REASON_LENGTH} caractères`).min(1, 'Indiquez le motif'),
  })
  .strict();
export const ApprovalSchema = z.object({ motif: reason.nullable().default(null) }).strict();

/** The latest submission of each kind and year (highest number), in no particular order. */
export function latestSubmissions<S extends Pick<Submission, 'kind' | 'annee' | 'numero'>>(submissions: readonly S[]): S[] {
  const latest = new Map<string, S>();
  for (const s of submissions) {
    const key = `${s.kind}|${s.annee}`;
    if ((latest.get(key)?.numero ?? 0) < s.numero) latest.set(key, s);
  }
  return [...latest.values()];
}

/**
 * The years that may not change: those where the latest submission of some kind is under review or approved (the
 * values the DiCS reads or has approved stay as they were; a unique kind locks the one year it covers).
 */
export function lockedYears(submissions: readonly Pick<Submission, 'kind' | 'annee' | 'numero' | 'statut'>[]): number[] {
  const years = latestSubmissions(submissions)
    .filter((s) => LOCKING_STATUSES.includes(s.statut))
    .map((s) => s.annee);
  return [...new Set(years)].sort();
}

/**
 * Where a kind of submission stands for one year it covers: the period has not begun (`non-commence`), it is being
 * prepared without a submission (`brouillon`), or the status of its latest submission.
 */
export const OBLIGATION_STATUSES = ['non-commence', 'brouillon', ...SUBMISSION_STATUSES] as const;
export type ObligationStatus = (typeof OBLIGATION_STATUSES)[number];
export const OBLIGATION_STATUS_LABELS: Record<ObligationStatus, string> = {
  'non-commence': 'Pas commencé',
  brouillon: 'En préparation — non soumis',
  ...SUBMISSION_STATUS_LABELS,
};

/** One submission the programme asks of the plan (a kind × a year it covers), with its due date and where it stands. */
export type Obligation = {
  kind: string;
  kindLabel: string;
  annee: number;
  /** Due date (ISO): the programme's, or the later one the DiCS granted this plan. */
  echeance: string;
  /** The programme's due date when the DiCS granted a later one (`echeance`), else null. */
  echeanceProgramme: string | null;
  statut: ObligationStatus;
  /** The latest submission of the kind and year, if any. */
  submissionId: string | null;
  numero: number | null;
  /** The due date is past and nothing was submitted, or the latest submission was returned or reopened. */
  enRetard: boolean;
};

/**
 * Where an obligation stands on `today` (ISO date): its latest submission's status, else `brouillon` once its year
 * has begun and `non-commence` before. Late when the due date is past and it is neither under review nor approved.
 */
export function obligationStatus(
  latest: Pick<Submission, 'statut'> | null,
  annee: number,
  echeance: string,
  today: string,
): { statut: ObligationStatus; enRetard: boolean } {
  const statut: ObligationStatus = latest ? latest.statut : today < `${annee}-01-01` ? 'non-commence' : 'brouillon';
  const done = latest !== null && LOCKING_STATUSES.includes(latest.statut);
  return { statut, enRetard: !done && today > echeance };
}

/** How obligations (and the DiCS's extensions of their due dates) are keyed: one kind of submission, one year. */
export function obligationKey(kind: string, annee: number): string {
  return `${kind}|${annee}`;
}

/**
 * What the programme asks of the plan on `today` (ISO date): every kind × every year it covers, in the programme's
 * order of kinds then years, with its due date (a later one from `extensions`, by obligationKey) and where it stands
 * (see obligationStatus). The API's obligations and the report page's « À remettre » lines.
 */
export function planObligations(
  programme: Programme,
  submissions: readonly Pick<Submission, 'id' | 'kind' | 'annee' | 'numero' | 'statut'>[],
  today: string,
  extensions: ReadonlyMap<string, string> = new Map(),
): Obligation[] {
  const latest = new Map(latestSubmissions(submissions).map((s) => [obligationKey(s.kind, s.annee), s]));
  return programme.soumissions.flatMap((kind) =>
    submissionYears(programme, kind).map((annee) => {
      const key = obligationKey(kind.id, annee);
      const programmeDue = submissionDueDate(programme, kind, annee)!;
      const echeance = extensions.get(key) ?? programmeDue;
      const last = latest.get(key) ?? null;
      return {
        kind: kind.id,
        kindLabel: kind.label,
        annee,
        echeance,
        echeanceProgramme: echeance === programmeDue ? null : programmeDue,
        ...obligationStatus(last, annee, echeance, today),
        submissionId: last?.id ?? null,
        numero: last?.numero ?? null,
      };
    }),
  );
}

/**
 * The obligations still to hand in on `today` (ISO date), soonest due first: neither under review nor approved, and
 * either their year has begun or they are due within a year (an initial plan is prepared before its year).
 */
export function openObligations(obligations: readonly Obligation[], today: string): Obligation[] {
  const inAYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`;
  return obligations
    .filter((o) => !(LOCKING_STATUSES as readonly ObligationStatus[]).includes(o.statut) && (o.statut !== 'non-commence' || o.echeance <= inAYear))
    .sort((x, y) => x.echeance.localeCompare(y.echeance) || x.kind.localeCompare(y.kind));
}

// ——— Completeness checklist ————————————————————————————————————————————————————————————————————————————————————

export { CHECKLIST_ITEM_IDS, type ChecklistItemId } from './reference.ts';

/** One missing value: what people read, where it is entered, and — when the form allows an exception — its key. */
export type ChecklistDetail = {
  message: string;
  /** The value to fill, rows named by id (`actions.<id>.fiche.description`): the page links to its field. */
  path: string;
  /** What a justification refers to (`completude:actions.#<id>.fiche.description`); null when none may excuse it. */
  key: string | null;
};

/** A justified exception, shown under its item: it no longer blocks the submission. */
export type JustifiedDetail = ChecklistDetail & { justification: { texte: string; auteur: string; justifieLe: string; version: number; outdated: boolean } };

export type ChecklistItem = {
  id: ChecklistItemId;
  label: string;
  ok: boolean;
  /** What is still missing (each blocks the submission), with the path of the value to fill (for a link). */
  details: ChecklistDetail[];
  /** Missing values excused by a justification (where the form allows one). */
  justified: JustifiedDetail[];
};

/** Prefix of the keys of completeness items in the justifications (next to the findings' `rule:path` keys). */
export const COMPLETENESS_RULE = 'completude';

/** `actions.<id>.indicators.<id>.values.<année>.actual` → `completude:actions.#<id>.indicators.#<id>.values.<année>.actual`. */
function completenessKey(path: string): string {
  return `${COMPLETENESS_RULE}:${stablePathOfIds(path)}`;
}

const isBlank = (v: unknown) => v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/**
 * The fields of the fiche plan the official form requires (spec §1), as paths of the plan document. The form prints
 * no "obligatoire" marks: a field is required here when the DiCS cannot follow the plan without it and the printed
 * Liège form fills it — who carries the plan (§1.3 Porteur), the commune (§1.4 Identité: address, representatives,
 * directeur financier, population, province; its general phone and e-mail are printed blank), the PCS team and its
 * chef de projet (§1.5: address, name, phone, e-mail, président de la CA; §1.6: start date, contract, ETP,
 * engagement, experience, diploma), the use of the service citoyen (§1.8) and the diagnostic and strategy texts
 * (§1.14: only the last one, "Commentaires facultatifs…", is printed optional). None of these may be excused.
 */
const FICHE_PLAN_FIELDS = [
  'porteur.type',
  'porteur.porteParQui',
  'porteur.dateApprobation',
  'identite.adresse',
  'identite.representants',
  'identite.directeurFinancier',
  'identite.population',
  'identite.province',
  'equipe.adressePcs',
  'equipe.chefDeProjet.nom',
  'equipe.chefDeProjet.prenom',
  'equipe.telephone',
  'equipe.courriel1',
  'equipe.presidentCa.nom',
  'chefDeProjet.dateEntreeFonction',
  'chefDeProjet.typeContrat',
  'chefDeProjet.etp',
  'chefDeProjet.engagementOuDetachement',
  'chefDeProjet.anneesExperience',
  'chefDeProjet.diplome',
  'serviceCitoyen.recours',
  'textes.portrait',
  'textes.problemesBesoins',
  'textes.vision',
  'textes.plusValue',
  'textes.objectifStrategique',
] as const;

/**
 * The fields of each fiche action the form requires (spec §1.15 and §2.2): its statut in the Liste des actions, an
 * operator — the PCS team or a named partner (§2.2 #13; §5: "a mandatory operator link") —, the problems it answers
 * (#1), its publics (#16), its type (#17), its description (#18) and at least one indicator (#19). A fiche may be
 * excused by a justification: the official print itself carries fiches with only their header (spec §6.3 #33).
 */
function missingOfFiche(a: PlanDocument['actions'][number]): { path: string; what: string }[] {
  const at = (...fields: string[]) => actionFieldPath(a.id, ...fields);
  const out: { path: string; what: string }[] = [];
  if (a.statut === null) out.push({ path: at('statut'), what: 'à remplir' });
  const op = a.fiche.operateur;
  if (!op.equipePcs && isBlank(op.organisme))
    out.push({ path: at('fiche', 'operateur', 'organisme'), what: 'opérateur à désigner (équipe PCS ou partenaire)' });
  for (const field of ['problemesBesoins', 'publics', 'typeAction', 'description'] as const) {
    if (isBlank(a.fiche[field])) out.push({ path: at('fiche', field), what: 'à remplir' });
  }
  if (a.indicators.length === 0) out.push({ path: at('indicators'), what: 'au moins un indicateur' });
  return out;
}

/**
 * Every mandatory value of the official form still blank for the report of `year`, by checklist item: the fiche
 * plan's fields, at least one fiche action, each fiche's fields, each indicator's actual for the year (spec §2.3:
 * the yearly "Réalisé"; an actual that cannot be measured may be excused, as Capfly's fiche explains its count).
 */
export function missingMandatoryValues(plan: PlanDocument, year: number): Record<'fiche-plan' | 'actions' | 'fiches' | 'realises', ChecklistDetail[]> {
  const period = String(year);
  const label = (path: string) => describeScope(describePath(plan, path));
  const fichePlan: ChecklistDetail[] = FICHE_PLAN_FIELDS.filter((path) => isBlank(valueAtPath(plan, path))).map((path) => ({
    message: `${label(path)} : à remplir`,
    path,
    key: null,
  }));
  if (plan.porteur.type === PORTEUR_TYPES[1] && plan.porteur.communesAssociees.length === 0) {
    fichePlan.push({
      message: `${label('porteur.communesAssociees')} : à remplir pour une association de pouvoirs locaux`,
      path: 'porteur.communesAssociees',
      key: null,
    });
  }
  // §1.16: the chef de projet's time is reported every year ("Etat d'avancement"); the checks test its total.
  const time = Object.values(plan.repartitionTemps).some((periods) => (periods?.[period] ?? null) !== null);
  if (!time) fichePlan.push({ message: `Répartition de l'activité du chef de projet, ${year} : colonne vide`, path: 'repartitionTemps', key: null });

  const actions: ChecklistDetail[] = plan.actions.length
    ? []
    : [{ message: 'Liste des actions : le plan ne compte aucune fiche action', path: 'actions', key: null }];
  const fiches = plan.actions.flatMap((a) =>
    missingOfFiche(a).map(({ path, what }) => ({
      message: path === indicatorsPath(a.id) ? `${describeScope(describePath(plan, actionPathPrefix(a.id)))} : ${what}` : `${label(path)} : ${what}`,
      path,
      key: completenessKey(path),
    })),
  );
  const realises = plan.actions.flatMap((a) =>
    a.indicators
      .filter((i) => (i.values[period]?.actual ?? null) === null)
      .map((i) => {
        const path = indicatorValuePath(a.id, i.id, period, 'actual');
        return { message: describeCell(plan, { grid: 'indicator-actual', row: i.id, period }), path, key: completenessKey(path) };
      }),
  );
  return { 'fiche-plan': fichePlan, actions, fiches, realises };
}

/** The completeness item a justification key names (any programme year), if it is missing now and may be excused. */
export function findMissingValue(plan: PlanDocument, years: readonly number[], key: string): ChecklistDetail | undefined {
  if (!key.startsWith(`${COMPLETENESS_RULE}:`)) return undefined;
  const year = years.find((y) => key.endsWith(`.values.${y}.actual`)) ?? years[0];
  if (year === undefined) return undefined;
  const missing = missingMandatoryValues(plan, year);
  return [...missing.fiches, ...missing.realises].find((d) => d.key === key);
}

/** Splits missing values into those still blocking and those a justification excuses. */
function withJustifications(
  details: ChecklistDetail[],
  justifications: readonly Justification[],
): { details: ChecklistDetail[]; justified: JustifiedDetail[] } {
  const byKey = new Map(justifications.map((j) => [j.cle, j]));
  const open: ChecklistDetail[] = [];
  const justified: JustifiedDetail[] = [];
  for (const d of details) {
    const j = d.key === null ? undefined : byKey.get(d.key);
    if (j)
      justified.push({
        ...d,
        justification: { texte: j.texte, auteur: j.auteur, justifieLe: j.justifieLe, version: j.version, outdated: j.constat !== d.message },
      });
    else open.push(d);
  }
  return { details: open, justified };
}

/**
 * What must hold before a year is submitted, limited to the items its kind requires (`required`, in the fixed order
 * below): the mandatory values of the official form (fiche plan, at least one
 * fiche action, each fiche, each indicator's actual for the year) are filled — or, where the form allows it,
 * excused by a justification —, the year's budget is balanced, and no error-level finding is left unjustified.
 * "Each indicator has its actual" is no longer true of a plan without indicators: the fiches item asks for them.
 */
export function checkSubmission(
  plan: PlanDocument,
  year: number,
  findings: readonly JustifiedFinding[],
  /** The items the kind of submission requires (`SubmissionKind.checklist`); all six by default. */
  required: readonly ChecklistItemId[] = CHECKLIST_ITEM_IDS,
): ChecklistItem[] {
  const missing = missingMandatoryValues(plan, year);
  const justify = (details: ChecklistDetail[]) => withJustifications(details, plan.justifications);
  const item = (id: ChecklistItemId, label: string, details: ChecklistDetail[]): ChecklistItem => {
    const split = justify(details);
    return { id, label, ok: split.details.length === 0, ...split };
  };
  const { budget, label } = budgetOfYear(plan, year);
  const figures = computeBudgetFigures({ budget, transferts: [] });
  const balanced = figures.totalRecettes !== null && figures.totalRecettes === figures.totalDepenses;
  const budgetDetails = balanced
    ? []
    : [
        {
          message:
            figures.totalRecettes === null || figures.totalDepenses === null
              ? `${label} : recettes ou dépenses non remplies`
              : `${label} : recettes ${formatEuros(figures.totalRecettes)}, dépenses ${formatEuros(figures.totalDepenses)}`,
          path: 'budget',
          key: null,
        },
      ];
  const open = findings.filter((f) => f.level === 'error' && !f.justification);
  const items: ChecklistItem[] = [
    item('fiche-plan', 'Les rubriques obligatoires de la fiche plan sont remplies', missing['fiche-plan']),
    item('actions', 'Le plan compte au moins une fiche action', missing.actions),
    item('fiches', 'Chaque fiche action a ses rubriques obligatoires (statut, opérateur, besoins, publics, type, description, indicateurs)', missing.fiches),
    item('realises', `Chaque indicateur a sa valeur réalisée ${year}`, missing.realises),
    { id: 'budget', label: `Le budget ${year} est en équilibre`, ok: balanced, details: budgetDetails, justified: [] },
    {
      id: 'constats',
      label: 'Aucune erreur des contrôles sans justification',
      ok: open.length === 0,
      details: open.map((f) => ({ message: `${FINDING_LEVEL_LABELS[f.level]} : ${f.message}`, path: f.path, key: null })),
      justified: [],
    },
  ];
  return items.filter((i) => required.includes(i.id));
}

export const isReadyToSubmit = (items: readonly ChecklistItem[]) => items.every((i) => i.ok);

// ——— Review threads ——————————————————————————————————————————————————————————————————————————————————————————————

export const THREAD_STATUSES = ['ouvert', 'repondu', 'resolu'] as const;
export type ThreadStatus = (typeof THREAD_STATUSES)[number];
export const THREAD_STATUS_LABELS: Record<ThreadStatus, string> = {
  ouvert: 'Question ouverte',
  repondu: 'Réponse donnée',
  resolu: 'Résolu',
};
export const MESSAGE_KINDS = ['question', 'reponse', 'resolution'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];
export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = { question: 'Question', reponse: 'Réponse', resolution: 'Résolution' };

export type ThreadMessage = { id: number; at: string; auteur: string; role: string; nature: MessageKind; texte: string };
export type ReviewThread = {
  id: string;
  annee: number;
  /** The value questioned (a path of flattenPlan, e.g. one indicator's actual) and how it was named then. */
  chemin: string;
  libelle: string;
  statut: ThreadStatus;
  ouvertLe: string;
  ouvertPar: string;
  messages: ThreadMessage[];
};

const text = z
  .string(askedFor('Écrivez le message'))
  .trim()
  .min(1, 'Le message est vide')
  .max(4000, `Au plus ${formatBelgianNumber(4000, 0)} caractères`);
export const ThreadOpenSchema = z
  .object({
    annee: z.number().int().min(2000).max(2100),
    chemin: z
      .string(askedFor('Indiquez la valeur concernée (chemin)'))
      .min(1)
      .max(400)
      .regex(/^[\w.·-]+$/, 'Chemin de valeur non reconnu'),
    texte: text,
  })
  .strict();
export const ThreadMessageSchema = z.object({ texte: text }).strict();
export const ThreadResolveSchema = z.object({ texte: z.string().trim().max(4000).nullable().default(null) }).strict();

/**
 * The review annexes of an export: the DiCS's questions on the plan, and for a re-submission the values changed
 * since the previous submission of the year. Empty lists print nothing.
 */
export type ReviewAnnex = {
  /** Number of the submission being generated (2 for the first re-submission), null for an ordinary export. */
  submissionNumber: number | null;
  /** The kind of submission being generated and its label (« Plan initial »), for the titles; absent for an ordinary export. */
  submissionLabel?: string;
  /** When the previous submission of the year was made, for the changes annex's title; null without one. */
  previousSubmittedAt: string | null;
  changes: readonly SubmissionChange[];
  threads: readonly ReviewThread[];
};

export const EMPTY_REVIEW_ANNEX: ReviewAnnex = { submissionNumber: null, previousSubmittedAt: null, changes: [], threads: [] };
