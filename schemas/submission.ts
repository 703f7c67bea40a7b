import { z } from 'zod';
import type { PlanDocument } from './plan.ts';
import type { JustifiedFinding } from './checks.ts';
import { FINDING_LEVEL_LABELS } from './checks.ts';
import { describeCell } from './cells.ts';
import { computeBudgetFigures } from './budget.ts';
import { budgetOfYear } from './finance.ts';
import { formatEuros } from './numbers.ts';
import { MAX_REASON_LENGTH, type FlatValue } from './audit.ts';

/**
 * The annual report's submission to the DiCS: a year of the plan is frozen in an immutable snapshot with its XLSX
 * and PDF (and their SHA-256); the DiCS approves it or returns it; a returned or reopened year is editable again and
 * its next submission carries the values changed since the previous one.
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

export const FILE_STATES = ['en-cours', 'prets', 'echec'] as const;
export type FileState = (typeof FILE_STATES)[number];

/** One changed value of the "Modifications depuis la dernière soumission" annex. */
export type SubmissionChange = { path: string; label: string; old: FlatValue; new: FlatValue; oldText: string; newText: string };

/** What the API answers for a submission (the snapshot and the files are fetched on their own). */
export type Submission = {
  id: string;
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

export const SubmitSchema = z.object({ annee: z.number().int().min(2000).max(2100) }).strict();
const reason = z.string().trim().max(MAX_REASON_LENGTH, `Au plus ${MAX_REASON_LENGTH} caractères`);
/** A missing text is asked for by name (« Indiquez le motif »), a value of another type gets the general message. */
const askedFor = (message: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? message : undefined) });
/** Returning or reopening a year needs a reason; approving may carry a comment. */
export const DecisionSchema = z
  .object({ motif: z.string(askedFor('Indiquez le motif')).trim().max(MAX_REASON_LENGTH, `Au plus ${MAX_REASON_LENGTH} caractères`).min(1, 'Indiquez le motif') })
  .strict();
export const ApprovalSchema = z.object({ motif: reason.nullable().default(null) }).strict();

/** The years that may not change: those whose latest submission is under review or approved. */
export function lockedYears(submissions: readonly Pick<Submission, 'annee' | 'numero' | 'statut'>[]): number[] {
  const latest = new Map<number, Pick<Submission, 'numero' | 'statut'>>();
  for (const s of submissions) if ((latest.get(s.annee)?.numero ?? 0) < s.numero) latest.set(s.annee, s);
  return [...latest].filter(([, s]) => LOCKING_STATUSES.includes(s.statut)).map(([y]) => y).sort();
}

// ——— Completeness checklist ————————————————————————————————————————————————————————————————————————————————————

export type ChecklistItem = {
  id: 'realises' | 'budget' | 'constats';
  label: string;
  ok: boolean;
  /** What is missing, each with the path of the value to fill (for a link). */
  details: { message: string; path: string }[];
};

/**
 * What must hold before a year is submitted: every indicator has its actual for the year, the year's budget is
 * balanced, and no error-level finding is left unless justified.
 */
export function checkSubmission(plan: PlanDocument, year: number, findings: readonly JustifiedFinding[]): ChecklistItem[] {
  const period = String(year);
  const missing = plan.actions.flatMap((a) =>
    a.indicators
      .filter((i) => (i.values[period]?.actual ?? null) === null)
      .map((i) => ({
        message: describeCell(plan, { grid: 'indicator-actual', row: i.id, period }),
        path: `actions.${a.id}.indicators.${i.id}.values.${period}.actual`,
      })),
  );
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
        },
      ];
  const open = findings.filter((f) => f.level === 'error' && !f.justification);
  return [
    {
      id: 'realises',
      label: `Chaque indicateur a sa valeur réalisée ${year}`,
      ok: missing.length === 0,
      details: missing,
    },
    { id: 'budget', label: `Le budget ${year} est en équilibre`, ok: balanced, details: budgetDetails },
    {
      id: 'constats',
      label: 'Aucune erreur des contrôles sans justification',
      ok: open.length === 0,
      details: open.map((f) => ({ message: `${FINDING_LEVEL_LABELS[f.level]} : ${f.message}`, path: f.path })),
    },
  ];
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

const text = z.string(askedFor('Écrivez le message')).trim().min(1, 'Le message est vide').max(4000, 'Au plus 4 000 caractères');
export const ThreadOpenSchema = z
  .object({ annee: z.number().int().min(2000).max(2100), chemin: z.string(askedFor('Indiquez la valeur concernée (chemin)')).min(1).max(400).regex(/^[\w.·-]+$/, 'Chemin de valeur non reconnu'), texte: text })
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
  /** When the previous submission of the year was made, for the changes annex's title; null without one. */
  previousSubmittedAt: string | null;
  changes: readonly SubmissionChange[];
  threads: readonly ReviewThread[];
};

export const EMPTY_REVIEW_ANNEX: ReviewAnnex = { submissionNumber: null, previousSubmittedAt: null, changes: [], threads: [] };
