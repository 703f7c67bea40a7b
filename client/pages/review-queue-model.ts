import { formatDateTime } from '../../schemas/dates.ts';
import {
  DemandeSchema,
  RETURN_MOTIF_TYPES,
  RETURN_MOTIF_TYPE_LABELS,
  type Demande,
  type QueueItem,
  type ReturnMotifType,
  type ReturnReason,
  type ReturnTarget,
  type ReturnTargetType,
  type SubmissionChanges,
  type SubmissionReview,
} from '../../schemas/review-queue.ts';

/**
 * « File d'instruction » as data and actions, without the DOM: the submissions awaiting review of a programme
 * (oldest first, as the server answers them), the rows selected, the submission opened in the side panel (its
 * checklist and its changes since the last approved version), which checklists the reviewer has opened — « Approuver
 * les n sélectionnés » waits until each selected one was —, the demandes of a return being written, and the
 * approval and return requests. The view draws what this answers after each change.
 */

export type QueueRequests = {
  queue(programme: string): Promise<QueueItem[]>;
  review(planId: string, submissionId: string): Promise<SubmissionReview>;
  changes(planId: string, submissionId: string): Promise<SubmissionChanges>;
  approve(items: { planId: string; submissionId: string }[], motif: string | null): Promise<unknown>;
  returnSubmission(planId: string, submissionId: string, body: { motif: string | null; demandes: Demande[] }): Promise<unknown>;
  /** Every demande of a submission (the previous return's, to see which were marked corrected). */
  reasons(planId: string, submissionId: string): Promise<ReturnReason[]>;
};

/** The submission shown in the side panel, once its checklist and changes came. */
export type OpenedItem = { item: QueueItem; review: SubmissionReview; changes: SubmissionChanges; previousDemandes: ReturnReason[] };

/** One demande being written in the « Retourner… » dialog; `cible` is `<type>:<id>` of a target, or `plan`. */
export type DemandeDraft = { cible: string; motifType: ReturnMotifType; texte: string };

export const itemKey = (i: Pick<QueueItem, 'submissionId'>) => i.submissionId;

/** « 3 j », « aujourd’hui »: how long a submission waits. */
export function waitingText(days: number): string {
  return days === 0 ? 'aujourd’hui' : `${days} j`;
}

/** « Prête » or « 2 points manquants (budget) »: the checklist summary of a row. */
export function checklistText(item: Pick<QueueItem, 'checklist'>): string {
  const missing = item.checklist.items.filter((i) => !i.ok);
  if (missing.length === 0) return 'Complète';
  const n = missing.reduce((sum, i) => sum + i.manquants, 0);
  return `${n} valeur${n > 1 ? 's' : ''} manquante${n > 1 ? 's' : ''}`;
}

/** « 4 modifications depuis la version approuvée n°1 », « Première soumission ». */
export function changesText(item: Pick<QueueItem, 'depuis' | 'changements'>): string {
  const { base, numero } = item.depuis;
  if (base === 'aucune') return 'Première soumission';
  const n = item.changements;
  const what = n === 0 ? 'Aucune modification' : `${n} modification${n > 1 ? 's' : ''}`;
  return base === 'approuvee' ? `${what} depuis la version approuvée (n°${numero})` : `${what} depuis la soumission n°${numero} (aucune approuvée)`;
}

/** « 2 / 3 corrigées » for a re-submission after a return with demandes, else null. */
export function previousDemandesText(item: Pick<QueueItem, 'demandesPrecedentes'>): string | null {
  const { total, corrigees } = item.demandesPrecedentes;
  return total === 0 ? null : `${corrigees} / ${total} demande${total > 1 ? 's' : ''} marquée${corrigees > 1 ? 's' : ''} corrigée${corrigees > 1 ? 's' : ''}`;
}

export const submittedText = (item: Pick<QueueItem, 'soumisLe' | 'soumisPar'>) => `${formatDateTime(item.soumisLe)} par ${item.soumisPar}`;

/** The choices of a demande's target: the whole plan, then the submitted plan's sections and fiches. */
export function targetOptions(cibles: readonly ReturnTarget[]): { value: string; label: string }[] {
  return [{ value: 'plan', label: 'Plan entier' }, ...cibles.map((c) => ({ value: `${c.cibleType}:${c.cible}`, label: c.label }))];
}

export const MOTIF_OPTIONS = RETURN_MOTIF_TYPES.map((value) => ({ value, label: RETURN_MOTIF_TYPE_LABELS[value] }));

/** A draft as the API takes it, checked with the server's schema: the demande, or the message of its first problem with its field. */
export function demandeOf(draft: DemandeDraft): { ok: true; demande: Demande } | { ok: false; field: 'cible' | 'texte' | 'motifType'; message: string } {
  const [type, ...rest] = draft.cible.split(':');
  const parsed = DemandeSchema.safeParse({
    cibleType: (type ?? '') as ReturnTargetType,
    cible: type === 'plan' ? null : rest.join(':') || null,
    motifType: draft.motifType,
    texte: draft.texte,
  });
  if (parsed.success) return { ok: true, demande: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = issue.path[0] === 'texte' ? 'texte' : issue.path[0] === 'motifType' ? 'motifType' : 'cible';
  return { ok: false, field, message: issue.message };
}

export type QueueModel = ReturnType<typeof createQueueModel>;

export function createQueueModel(requests: QueueRequests, programme: string) {
  let items: QueueItem[] = [];
  const selected = new Set<string>();
  /** The submissions whose checklist the reviewer has opened in the side panel. */
  const seen = new Set<string>();
  let opened: OpenedItem | null = null;
  let error: string | null = null;
  const listeners = new Set<() => void>();
  const emit = () => {
    for (const l of listeners) l();
  };

  const model = {
    programme,
    get items(): readonly QueueItem[] {
      return items;
    },
    get opened(): OpenedItem | null {
      return opened;
    },
    get error(): string | null {
      return error;
    },
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async load(): Promise<void> {
      items = await requests.queue(programme);
      const present = new Set(items.map(itemKey));
      for (const key of [...selected]) if (!present.has(key)) selected.delete(key);
      if (opened && !present.has(itemKey(opened.item))) opened = null;
      emit();
    },
    isSelected: (item: QueueItem) => selected.has(itemKey(item)),
    wasSeen: (item: QueueItem) => seen.has(itemKey(item)),
    toggle(item: QueueItem, on: boolean): void {
      if (on) selected.add(itemKey(item));
      else selected.delete(itemKey(item));
      emit();
    },
    get selection(): QueueItem[] {
      return items.filter((i) => selected.has(itemKey(i)));
    },
    /** The selected submissions whose checklist was not opened yet: approving the selection waits for them. */
    get unseenSelection(): QueueItem[] {
      return model.selection.filter((i) => !seen.has(itemKey(i)));
    },
    /** Why « Approuver les n sélectionnés » is disabled, or null when it may be used. */
    get bulkApprovalBlocker(): string | null {
      const selection = model.selection;
      if (selection.length === 0) return 'Sélectionnez les soumissions à approuver';
      const unseen = model.unseenSelection;
      if (unseen.length === 0) return null;
      return `Ouvrez d’abord la liste de contrôle de chaque soumission sélectionnée (reste : ${unseen.map((i) => i.porteur).join(', ')})`;
    },
    /** Opens a submission in the side panel: its checklist and its changes; the checklist then counts as seen. */
    async open(item: QueueItem): Promise<void> {
      error = null;
      const previous = item.demandesPrecedentes.total > 0 ? item.demandesPrecedentes.submissionId : null;
      const [review, changes, previousDemandes] = await Promise.all([
        requests.review(item.planId, item.submissionId),
        requests.changes(item.planId, item.submissionId),
        previous ? requests.reasons(item.planId, previous) : Promise.resolve([]),
      ]);
      opened = { item, review, changes, previousDemandes };
      seen.add(itemKey(item));
      emit();
    },
    /** Approves one submission, or the selection (all or none); the queue is read again. */
    async approve(which: readonly QueueItem[], motif: string | null): Promise<void> {
      await requests.approve(
        which.map((i) => ({ planId: i.planId, submissionId: i.submissionId })),
        motif,
      );
      for (const i of which) selected.delete(itemKey(i));
      await model.load();
    },
    /** Returns the opened submission with a reason and demandes (each checked first); the queue is read again. */
    async returnOpened(motif: string | null, drafts: readonly DemandeDraft[]): Promise<void> {
      if (!opened) return;
      const demandes: Demande[] = [];
      for (const d of drafts) {
        const r = demandeOf(d);
        if (!r.ok) throw new Error(r.message);
        demandes.push(r.demande);
      }
      await requests.returnSubmission(opened.item.planId, opened.item.submissionId, { motif, demandes });
      selected.delete(itemKey(opened.item));
      opened = null;
      await model.load();
    },
    fail(message: string): void {
      error = message;
      emit();
    },
  };
  return model;
}
