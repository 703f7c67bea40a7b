import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import type { JustifiedFinding } from '../../../schemas/checks.ts';
import { brusselsDate, formatDate } from '../../../schemas/dates.ts';
import { extensionText } from '../../../schemas/deadlines.ts';
import { ANNUAL_REPORT_KIND, submissionDueDate, submissionYears, type SubmissionKind } from '../../../schemas/reference.ts';
import {
  COMPLETENESS_RULE,
  SUBMISSION_STATUS_LABELS,
  checkSubmission,
  isReadyToSubmit,
  openObligations,
  planObligations,
  submissionName,
  submissionTitle,
  type Obligation,
  type ChecklistDetail,
  type ChecklistItem,
  type JustifiedDetail,
  type ReviewThread,
  type Submission,
  type SubmissionStatus,
} from '../../../schemas/submission.ts';
import { ApiFailure, NetworkFailure, failureMessage } from '../../api.ts';
import { latestSubmissionOf, type Permissions } from '../../state/permissions.ts';
import type { PlanStore } from '../../state/plan-store.ts';
import { planYear } from '../../state/plan-year.ts';
import type { ReviewState } from '../../state/review.ts';

/**
 * The submissions page as data and actions, without the DOM: which kind of submission the programme declares is
 * shown (the annual report by default) and for which year it covers, its due date, what is still missing before the
 * submission (the kind's items of `checkSubmission`, on the plan as edited), what "Soumettre" may do and why not,
 * the submissions of the kind and year newest first with the decisions the person may take, the DiCS's questions of
 * the year, the obligations still to hand in, and the following of the files' generation. The requests, the saves and the toasts are given, so that
 * the rules can be tested without a browser; the view draws what this answers after each `subscribe` call.
 */

/** How often the page asks where the generation of a submission's files is. */
export const POLL_MS = 500;

/** Consecutive polls without an answer before the page stops following (about 10 s). */
export const MAX_NETWORK_MISSES = 20;

/** The DiCS's decisions (approve, return) and the reopening, on the latest submission of the year. */
export type DecisionKind = 'approve' | 'return' | 'reopen';

/** The requests of the page. */
export type ReportApi = {
  submit(year: number, kind: string): Promise<unknown>;
  decide(kind: DecisionKind, submissionId: string, motif: string | null): Promise<unknown>;
};

export type ReportModelDeps = {
  store: PlanStore;
  /** The year the address asks for (null: the plan's current year). */
  requestedYear: number | null;
  /** The kind of submission the address asks for (null or absent: the annual report, else the programme's first kind). */
  requestedKind?: string | null;
  review: ReviewState;
  permissions: Pick<Permissions, 'can' | 'canSave' | 'denial'>;
  api: ReportApi;
  /** The edits not yet saved, and waiting for them (false when some are still waiting after a while). */
  saves: { pending(): number; waitForAll(): Promise<boolean> };
  toast(text: string): void;
  /** Today, for the default year (the last finished calendar year of the programme). */
  now?: Date;
  /** The later due dates the DiCS granted the plan, by obligationKey (kind, year); none when absent. */
  extensions?: () => ReadonlyMap<string, string>;
};

/** A refusal or failure shown above the checklist, with the values the server named. */
export type ReportAlert = { text: string; issues: readonly { path: string; message: string }[] };

/** What the submit area shows: why the person may not submit, or the button and why it is disabled. */
export type SubmitState = { kind: 'unavailable'; text: string } | { kind: 'button'; reason: string | null; disabled: boolean };

/** The progress of the files' generation (0 to 1) and its message; null when hidden. */
export type ReportProgress = { value: number; message: string } | null;

export type SubmissionEntry = { submission: Submission; isLatest: boolean; decisions: DecisionKind[] };

/** Asks the person for a decision's text and sends it with `send`; true when the decision was recorded. */
export type AskDecision = (send: (motif: string | null) => Promise<unknown>) => Promise<boolean>;

/** The kind the page shows: the one asked for when the programme declares it, else its annual report, else its first kind. */
export function reportKindOf(kinds: readonly SubmissionKind[], requested: string | null | undefined): SubmissionKind {
  return kinds.find((k) => k.id === requested) ?? kinds.find((k) => k.id === ANNUAL_REPORT_KIND) ?? kinds[0]!;
}

/** « À remettre : Plan initial 2027 pour le 31/03/2027 (en retard) ». */
export function obligationText(o: Obligation): string {
  const granted = extensionText(o);
  return `À remettre : ${o.kindLabel} ${o.annee} pour le ${formatDate(o.echeance)}${o.enRetard ? ' (en retard)' : ''}${granted ? ` — ${granted}` : ''}`;
}

/** "Soumis — en cours d’examen par la DiCS", or "Non soumis" for a year without submission. */
export const statusLabel = (s: Submission | undefined) => (s ? SUBMISSION_STATUS_LABELS[s.statut] : 'Non soumis');

/** `/api/plans/<id>/submissions/<sid>/report.pdf`: the file as it was generated at the submission. */
export const fileHref = (planId: string, s: Submission, kind: 'pdf' | 'xlsx') =>
  `/api/plans/${encodeURIComponent(planId)}/submissions/${encodeURIComponent(s.id)}/report.${kind}`;

/** The finding a completeness detail is justified as (the same justification as a finding's). */
export function completenessFinding(d: ChecklistDetail & { key: string }, justification: JustifiedDetail['justification'] | null): JustifiedFinding {
  return { rule: COMPLETENESS_RULE, level: 'error', message: d.message, path: d.path, key: d.key, justification };
}

export type ReportModel = ReturnType<typeof createReportModel>;

export function createReportModel(deps: ReportModelDeps) {
  const { store, review, permissions } = deps;
  const programme = store.programme;
  const kind = reportKindOf(programme.soumissions, deps.requestedKind);
  const kindYears = submissionYears(programme, kind);
  // The plan's year when the kind covers it (an annual kind covers them all), else the kind's first year.
  const wanted = planYear(store, deps.requestedYear, deps.now);
  const year = kindYears.includes(wanted) ? wanted : kindYears[0]!;
  const named = { kind: kind.id, kindLabel: kind.label, annee: year };
  const isAnnual = kind.id === ANNUAL_REPORT_KIND;
  /** « du rapport 2021 », « de « Plan initial 2027 » ». */
  const ofNamed = isAnnual ? `du rapport ${year}` : `de ${submissionName(named)}`;
  const listeners = new Set<() => void>();

  let items: ChecklistItem[] = [];
  let busy = false;
  let disposed = false;
  let alert: ReportAlert | null = null;
  let progress: ReportProgress = null;
  let pollTimer: ReturnType<typeof setTimeout> | null = null;
  let misses = 0;
  // The submission whose files this page watches being generated: their end is told once.
  let watched: string | null = null;

  const changed = () => {
    for (const l of listeners) l();
  };
  const latest = () => latestSubmissionOf(review.submissions(), year, kind.id);
  const setAlert = (next: ReportAlert | null) => {
    alert = next;
  };
  const poll = () => {
    pollTimer = setTimeout(() => void reload(), POLL_MS);
  };

  /** Reloads the review state; the subscription redraws, and polling goes on while files are being generated. */
  async function reload(): Promise<void> {
    if (pollTimer !== null) clearTimeout(pollTimer);
    pollTimer = null;
    try {
      await review.refresh();
      misses = 0;
    } catch (err) {
      if (disposed) return;
      if (err instanceof NetworkFailure && latest()?.fichiers === 'en-cours' && ++misses < MAX_NETWORK_MISSES) {
        poll();
        return;
      }
      setAlert({ text: `L’état ${ofNamed} n’a pas pu être chargé : ${failureMessage(err)}`, issues: [] });
      changed();
      return;
    }
    if (disposed) return;
    if (latest()?.fichiers === 'en-cours') poll();
  }

  /** The review state changed: follow the files' generation, and say once when the watched files are done. */
  function followReview(): void {
    if (disposed) return;
    const last = latest();
    if (last?.fichiers === 'en-cours') watched = last.id;
    else if (watched && last?.id === watched) {
      watched = null;
      if (last.fichiers === 'prets') deps.toast(`${submissionTitle(named)} : classeur et PDF enregistrés`);
      else setAlert({ text: 'La génération des fichiers de la soumission a échoué.', issues: [] });
    }
    if (last?.fichiers === 'en-cours') progress = { value: last.progression, message: last.message };
    else if (!busy) progress = null;
    changed();
  }

  const model = {
    year,
    /** The years the kind covers (every programme year for an annual kind, its one year for a unique kind). */
    years: kindYears,
    kind,
    /** Every kind the programme declares, for the selector. */
    kinds: programme.soumissions,
    /** « Rapport annuel 2021 », « Plan initial 2027 »: the page's title. */
    title: isAnnual ? `Rapport annuel ${year}` : `${kind.label} ${year}`,
    /** « le rapport 2021 », « « Plan initial 2027 » »: how the page's sentences name what is submitted. */
    name: (start = false) => submissionName(named, start),
    /** When the kind's submission of the year is due (ISO date). */
    dueDate: submissionDueDate(programme, kind, year),
    /** What the programme still asks of the plan (in preparation, returned or reopened), soonest due first. */
    obligations(): Obligation[] {
      const today = brusselsDate((deps.now ?? new Date()).toISOString());
      return openObligations(planObligations(programme, review.submissions(), today, deps.extensions?.()), today);
    },
    latest,
    /** The status of the year's report, and its key (`brouillon` before any submission). */
    status(): { label: string; key: SubmissionStatus | 'brouillon' } {
      const last = latest();
      return { label: statusLabel(last), key: last?.statut ?? 'brouillon' };
    },
    /** Why the year's values are read-only (a submission of the year, of any kind, is under review or approved); null when they are not. */
    lockNote(): string | null {
      if (!review.lockedYears().includes(year)) return null;
      const lock = latestSubmissionOf(review.submissions(), year);
      const what = !lock || lock.kind === ANNUAL_REPORT_KIND ? 'le rapport' : submissionName(lock);
      return `Les valeurs ${year} du plan sont en lecture seule tant que ${what} est ${lock?.statut === 'approuve' ? 'approuvé' : 'en cours d’examen'}.`;
    },
    alert: () => alert,
    progress: () => progress,
    isBusy: () => busy,
    checklist: (): readonly ChecklistItem[] => items,
    /** Computes the checklist again on the plan as edited (as the checks panel does). */
    recomputeChecklist(): void {
      items = checkSubmission(store.plan, year, store.justifiedChecks(), kind.checklist);
      changed();
    },
    /** May the person justify a missing value (and if not, why). */
    canJustify: () => permissions.canSave(WRITE_CAPABILITIES.justification, 'justifications'),
    justifyDenial: () => permissions.denial('justifier une valeur manquante'),

    submitState(): SubmitState {
      if (!permissions.can('submit'))
        return { kind: 'unavailable', text: permissions.denial(isAnnual ? 'soumettre le rapport annuel' : `soumettre ${submissionName(named)}`) };
      const last = latest();
      const reason =
        last?.statut === 'approuve'
          ? `${submissionName(named, true)} est approuvé par la DiCS : seule la DiCS peut le rouvrir.`
          : last?.statut === 'soumis'
            ? `${submissionName(named, true)} est en cours d’examen par la DiCS : rouvrez-le avec un motif pour le soumettre à nouveau.`
            : !isReadyToSubmit(items)
              ? `Complétez d’abord les éléments marqués ✗ ci-dessus : ${items
                  .filter((i) => !i.ok)
                  .map((i) => i.label.toLowerCase())
                  .join(' ; ')}.`
              : last?.fichiers === 'en-cours'
                ? 'Les fichiers de la soumission précédente sont en cours de génération.'
                : null;
      return { kind: 'button', reason, disabled: reason !== null || busy };
    },

    /** The submissions of the kind and year, newest first; decisions are taken on the latest only. */
    submissions(): SubmissionEntry[] {
      const newestFirst = review
        .submissions()
        .filter((s) => s.annee === year && s.kind === kind.id)
        .sort((a, b) => b.numero - a.numero);
      return newestFirst.map((s, i) => ({ submission: s, isLatest: i === 0, decisions: i === 0 ? model.decisionsOf(s) : [] }));
    },

    /** The DiCS approves or returns a report under review; the commune or the DiCS reopens it (an approved one: the DiCS only). */
    decisionsOf(s: Submission): DecisionKind[] {
      const out: DecisionKind[] = [];
      if (s.statut === 'soumis' && permissions.can('review')) out.push('approve', 'return');
      if (permissions.can('reopen') && (s.statut === 'soumis' || (s.statut === 'approuve' && permissions.can('review')))) out.push('reopen');
      return out;
    },

    threads: (): ReviewThread[] => review.threads().filter((t) => t.annee === year),

    /** What the lists show, without the progress: they are redrawn only when it changes, so that polling keeps the focus. */
    listsKey(): string {
      return JSON.stringify([
        busy,
        model.submissions().map(({ submission: s }) => [s.id, s.statut, s.fichiers, s.decideLe]),
        model.threads().map((t) => [t.id, t.statut, t.messages.length]),
        model.obligations().map((o) => [o.kind, o.annee, o.statut, o.enRetard]),
      ]);
    },

    /** Submits the year's report (once the person confirmed): pending edits first, then the request, then reload. */
    async submit(): Promise<void> {
      if (busy || disposed) return;
      busy = true;
      setAlert(null);
      progress = { value: 0, message: 'Demande envoyée au serveur…' };
      changed();
      try {
        // The server checks and freezes the plan it holds: edits still being saved must reach it first.
        if (deps.saves.pending() > 0) {
          progress = { value: 0, message: 'Enregistrement des modifications en cours : la soumission suivra.' };
          changed();
          if (!(await deps.saves.waitForAll()))
            throw new Error('Des modifications ne sont pas encore enregistrées : attendez « Enregistré » puis soumettez à nouveau.');
        }
        await deps.api.submit(year, kind.id);
        deps.toast(`${submissionTitle(named)} soumis à la DiCS : génération du classeur et du PDF…`);
      } catch (err) {
        progress = null;
        setAlert({ text: failureMessage(err), issues: err instanceof ApiFailure ? err.body.issues : [] });
        changed();
      } finally {
        busy = false;
      }
      await reload();
    },

    /** A decision on submission `s`: `ask` gets the text and sends it; a recorded decision reloads the review state. */
    async decide(kind: DecisionKind, s: Submission, ask: AskDecision): Promise<void> {
      if (busy) return;
      setAlert(null);
      changed();
      const decided = await ask((motif) => deps.api.decide(kind, s.id, motif));
      if (decided && !disposed) await reload();
    },

    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    /** Computes the checklist, follows the review state and loads it. */
    start(): () => void {
      const unsubscribe = review.subscribe(followReview);
      items = checkSubmission(store.plan, year, store.justifiedChecks(), kind.checklist);
      followReview();
      void reload();
      return unsubscribe;
    },

    dispose(): void {
      disposed = true;
      if (pollTimer !== null) clearTimeout(pollTimer);
      listeners.clear();
    },
  };
  return model;
}
