import { z } from 'zod';
import { MAX_REASON_LENGTH } from './audit.ts';
import { formatBelgianNumber } from './numbers.ts';
import { RowId } from './primitives.ts';
import { resolveCatalogueEntry, type Catalogue, type ChecklistItemId } from './reference.ts';
import { describeAction, type Action } from './action.ts';
import type { PlanDocument } from './plan.ts';
import type { ChecklistItem, SubmissionChange } from './submission.ts';

/**
 * The DiCS's review queue and its typed returns: the submissions awaiting review across a programme's plans, and
 * the « demandes de correction » a return attaches to a section of the fiche plan, a fiche action or the whole plan,
 * which the commune sees where it must correct and marks « Corrigé ».
 */

/** What a demande de correction is about: a section of the fiche plan, a fiche action, or the plan as a whole. */
export const RETURN_TARGET_TYPES = ['section', 'fiche', 'plan'] as const;
export type ReturnTargetType = (typeof RETURN_TARGET_TYPES)[number];
export const RETURN_TARGET_TYPE_LABELS: Record<ReturnTargetType, string> = { section: 'Section de la fiche plan', fiche: 'Fiche action', plan: 'Plan entier' };

/** The kinds of demande, as the DiCS names them. */
export const RETURN_MOTIF_TYPES = ['donnee-manquante', 'incoherence', 'piece-justificative', 'hors-catalogue', 'autre'] as const;
export type ReturnMotifType = (typeof RETURN_MOTIF_TYPES)[number];
export const RETURN_MOTIF_TYPE_LABELS: Record<ReturnMotifType, string> = {
  'donnee-manquante': 'Donnée manquante',
  incoherence: 'Incohérence',
  'piece-justificative': 'Pièce justificative à fournir',
  'hors-catalogue': 'Hors catalogue',
  autre: 'Autre',
};

/**
 * The sections of the fiche plan a demande may target: the pages of the interface's left column (their ids are the
 * page addresses, `#/plan/<id>/<section>`), in the form's order, with the titles people see there.
 */
export const RETURN_SECTIONS = [
  { key: 'porteur', label: 'Porteur et identité' },
  { key: 'equipe', label: 'Chef de projet et équipe' },
  { key: 'budget', label: 'Budget' },
  { key: 'transferts', label: 'Transferts par partenaire' },
  { key: 'consommation', label: 'Consommation (E-compte)' },
  { key: 'isadf', label: 'Radar ISADF' },
  { key: 'indicateurs', label: 'Indicateurs du plan' },
  { key: 'textes', label: 'Textes du plan' },
  { key: 'actions', label: 'Liste des actions' },
  { key: 'temps', label: 'Répartition du temps du chef de projet' },
  { key: 'formations', label: 'Formations et commissions' },
  { key: 'reunions', label: 'Réunions et plateformes' },
  { key: 'communication', label: 'Communication' },
  { key: 'partenaires', label: 'Partenaires' },
] as const;

/** At most this many demandes in one return. */
export const MAX_RETURN_DEMANDES = 50;
/** At most this many characters in a demande's text. */
export const MAX_DEMANDE_TEXT = 2000;
/** At most this many submissions approved together. */
export const MAX_BULK_APPROVALS = 100;

/** A missing value is asked for by name, a value of another type gets the general message. */
const askedFor = (message: string) => ({ error: (issue: { input?: unknown }) => (issue.input === undefined ? message : undefined) });

/**
 * One demande de correction: its target (a section key of RETURN_SECTIONS, an action id of the submitted plan, or
 * null for the whole plan), its type and its text. Whether the target exists is judged against the submission's
 * snapshot by the server (400 at `demandes.N.cible`).
 */
export const DemandeSchema = z
  .object({
    cibleType: z.enum(RETURN_TARGET_TYPES, { message: 'Cible : section, fiche ou plan' }),
    cible: RowId.nullable().default(null),
    motifType: z.enum(RETURN_MOTIF_TYPES, { message: `Type de demande : ${Object.values(RETURN_MOTIF_TYPE_LABELS).join(', ')}` }),
    texte: z
      .string(askedFor('Écrivez la demande'))
      .trim()
      .min(1, 'Écrivez la demande')
      .max(MAX_DEMANDE_TEXT, `Au plus ${formatBelgianNumber(MAX_DEMANDE_TEXT, 0)} caractères`),
  })
  .strict()
  .superRefine((d, ctx) => {
    if (d.cibleType === 'plan' && d.cible !== null)
      ctx.addIssue({ code: 'custom', path: ['cible'], message: 'Une demande sur le plan entier ne nomme pas de cible' });
    if (d.cibleType !== 'plan' && d.cible === null)
      ctx.addIssue({ code: 'custom', path: ['cible'], message: d.cibleType === 'fiche' ? 'Choisissez la fiche action' : 'Choisissez la section' });
  });
export type Demande = z.infer<typeof DemandeSchema>;

/**
 * Returning a submission: a reason (`motif`, kept as before), typed demandes de correction, or both — at least
 * one of them. A body of the former shape (`{ motif }`) is still a return.
 */
export const ReturnSchema = z
  .object({
    motif: z.string().trim().max(MAX_REASON_LENGTH, `Au plus ${MAX_REASON_LENGTH} caractères`).nullable().default(null),
    demandes: z.array(DemandeSchema).max(MAX_RETURN_DEMANDES, `Au plus ${MAX_RETURN_DEMANDES} demandes`).default([]),
  })
  .strict()
  .transform((b) => ({ ...b, motif: b.motif || null }))
  .superRefine((b, ctx) => {
    if (b.motif === null && b.demandes.length === 0)
      ctx.addIssue({ code: 'custom', path: ['motif'], message: 'Indiquez le motif ou au moins une demande de correction' });
  });

/** A demande de correction as the API answers it. */
export type ReturnReason = {
  id: string;
  submissionId: string;
  cibleType: ReturnTargetType;
  cible: string | null;
  /** How the target was named when the submission was returned (« Fiche 1.1.05 Français langue étrangère »). */
  cibleLibelle: string;
  motifType: ReturnMotifType;
  motifLabel: string;
  texte: string;
  createdAt: string;
  createdBy: string;
  /** When the commune marked it « Corrigé »; null while it is open. */
  resolvedAt: string | null;
  /** The submission's kind, year and number, to say which return it belongs to. */
  kind: string;
  kindLabel: string;
  annee: number;
  numero: number;
};

/** A target the reviewer may choose for a demande: a section or a fiche (code + intitulé) of the submitted plan. */
export type ReturnTarget = { cibleType: Exclude<ReturnTargetType, 'plan'>; cible: string; label: string };

/** One checklist item of a submission, counted: what the queue shows without the details. */
export type ChecklistSummaryItem = { id: ChecklistItemId; label: string; ok: boolean; manquants: number; justifies: number };
export type ChecklistSummary = { pret: boolean; items: ChecklistSummaryItem[] };

/**
 * What a submission is compared with: the last approved submission of the same plan, kind and year (`approuvee`);
 * when none was approved, the previous submission (`precedente`: what the commune changed since it was returned or
 * reopened); nothing for a first submission (`aucune`).
 */
export const CHANGES_BASES = ['approuvee', 'precedente', 'aucune'] as const;
export type ChangesBase = (typeof CHANGES_BASES)[number];
export type ChangesSince = { base: ChangesBase; submissionId: string | null; numero: number | null; soumisLe: string | null; libelle: string };

/** One submission awaiting review, as the queue lists it. */
export type QueueItem = {
  planId: string;
  submissionId: string;
  porteur: string;
  province: string | null;
  kind: string;
  kindLabel: string;
  annee: number;
  numero: number;
  soumisLe: string;
  soumisPar: string;
  /** Whole days since the submission (Brussels dates). */
  joursAttente: number;
  /** The DiCS's questions of the plan and year not resolved yet. */
  questionsOuvertes: number;
  checklist: ChecklistSummary;
  /** What changed since the last approved version (or the previous submission, see ChangesSince). */
  depuis: ChangesSince;
  changements: number;
  /**
   * The demandes of the previous submission of the same kind and year (when it was returned with some), and how many
   * the commune marked corrected; `submissionId` lists them (GET …/return-reasons?submissionId=).
   */
  demandesPrecedentes: { submissionId: string | null; total: number; corrigees: number };
};

/** The changes of a submission since its base (GET …/changes). */
export type SubmissionChanges = { depuis: ChangesSince; changements: SubmissionChange[] };

/** The review of one submission, for the queue's side panel: its checklist, targets for demandes. */
export type SubmissionReview = { checklist: ChecklistSummary & { elements: ChecklistItem[] }; cibles: ReturnTarget[] };

/** « 3 demandes de correction : Donnée manquante — Fiche 1.1.05 : … » as the motif of a return given only demandes. */
export function summariseDemandes(demandes: readonly { motifType: ReturnMotifType; cibleLibelle: string; texte: string }[]): string {
  const n = demandes.length;
  const list = demandes.map((d) => `${RETURN_MOTIF_TYPE_LABELS[d.motifType]} — ${d.cibleLibelle} : ${d.texte}`).join(' ; ');
  const text = `${n} demande${n > 1 ? 's' : ''} de correction : ${list}`;
  return text.length <= MAX_REASON_LENGTH ? text : `${text.slice(0, MAX_REASON_LENGTH - 1)}…`;
}

/** « Fiche 1.1.05 (CALIF) — Français langue étrangère »: a fiche as a demande names it (code, operator, intitulé). */
function ficheTargetLabel(action: Pick<Action, 'code' | 'fiche'>, catalogue: Catalogue): string {
  const intitule = resolveCatalogueEntry(catalogue, action.code)?.intitule;
  return intitule ? `${describeAction(action)} — ${intitule}` : describeAction(action);
}

/** The targets a demande may name in a plan: the sections of the fiche plan, then its fiches (code + intitulé). */
export function returnTargetsOf(plan: Pick<PlanDocument, 'actions'>, catalogue: Catalogue): ReturnTarget[] {
  return [
    ...RETURN_SECTIONS.map((s) => ({ cibleType: 'section' as const, cible: s.key, label: `Fiche plan — ${s.label}` })),
    ...plan.actions.map((a) => ({ cibleType: 'fiche' as const, cible: a.id, label: ficheTargetLabel(a, catalogue) })),
  ];
}

/** How a demande's target reads (« Plan entier », « Fiche plan — Budget », a fiche's label), null when the plan has no such target. */
export function describeReturnTarget(
  plan: Pick<PlanDocument, 'actions'>,
  catalogue: Catalogue,
  cibleType: ReturnTargetType,
  cible: string | null,
): string | null {
  if (cibleType === 'plan') return 'Plan entier';
  return returnTargetsOf(plan, catalogue).find((t) => t.cibleType === cibleType && t.cible === cible)?.label ?? null;
}
