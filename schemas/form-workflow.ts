import { z } from 'zod';
import type { MessageKind, ThreadMessage, ThreadStatus } from './submission.ts';

/**
 * The review of a form document by the DiCS, mirroring the plan's submissions: the commune submits a draft (it is
 * then read-only), the DiCS approves it or returns it with a motif; a returned document is edited and submitted
 * again; a submitted or approved one is reopened with a motif (the commune while the DiCS has not decided, an
 * approved one only the DiCS). The DiCS's questions on one field of a document are threads, as on the plan's values.
 */

export const FORM_STATUSES = ['brouillon', 'soumis', 'retourne', 'approuve', 'rouvert'] as const;
export type FormStatus = (typeof FORM_STATUSES)[number];

export const FORM_STATUS_LABELS: Record<FormStatus, string> = {
  brouillon: 'Brouillon',
  soumis: 'Soumis — en cours d’examen par la DiCS',
  retourne: 'Retourné par la DiCS',
  approuve: 'Approuvé par la DiCS',
  rouvert: 'Rouvert',
};

/** A document in these statuses is read-only: the DiCS reads it or has approved it. */
export const FORM_LOCKING_STATUSES: readonly FormStatus[] = ['soumis', 'approuve'];

/** Where a document stands in its review, as the API answers it with the document (null: no such step yet). */
export type FormReview = {
  statut: FormStatus;
  /** The latest submission: when and by whom. */
  soumisLe: string | null;
  soumisPar: string | null;
  /** The DiCS's latest decision on it (approval, return) or its reopening: when, by whom (with the role), the motif. */
  decideLe: string | null;
  decidePar: string | null;
  motif: string | null;
};

/** `#/plan/<id>/formulaires/<document>`: where a notification about a document leads. */
export function formDocumentLink(planId: string, documentId: string): string {
  return `#/plan/${encodeURIComponent(planId)}/formulaires/${encodeURIComponent(documentId)}`;
}

/** A question of the DiCS on one field of a document (`chemin`: its path in the content, e.g. `evaluation.groupes.1.objectifs`). */
export type FormThread = {
  id: string;
  documentId: string;
  chemin: string;
  /** The field as the audit names it: « Formulaire « … » · B. Evaluation · Groupe de travail 2 « … » · Objectifs ». */
  libelle: string;
  statut: ThreadStatus;
  ouvertLe: string;
  ouvertPar: string;
  messages: ThreadMessage[];
};
export type { MessageKind, ThreadStatus };

/** A path inside a document's content: section, field, then block or row numbers and ids. */
export const FormFieldPath = z
  .string({ error: (issue) => (issue.input === undefined ? 'Indiquez le champ concerné (chemin)' : undefined) })
  .min(1, 'Indiquez le champ concerné (chemin)')
  .max(300, 'Chemin trop long')
  .regex(/^[A-Za-z][\w-]*(\.[\w-]+)+$/, 'Chemin de champ non reconnu (section.champ…)');

/** A document waiting for the DiCS, as the review queue lists it. */
export type FormQueueItem = {
  planId: string;
  documentId: string;
  porteur: string;
  kind: string;
  kindLabel: string;
  title: string;
  soumisLe: string;
  soumisPar: string;
  joursAttente: number;
  questionsOuvertes: number;
  /** `#/plan/<id>/formulaires/<document>`. */
  lien: string;
};
