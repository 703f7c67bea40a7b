import { formatDateTime } from '../../schemas/dates.ts';
import type { Plan } from '../../schemas/plan.ts';
import { planYear } from '../state/plan-year.ts';
import { yearSelect } from '../ui/year-select.ts';
import {
  ApprovalSchema,
  DecisionSchema,
  MESSAGE_KIND_LABELS,
  SUBMISSION_STATUS_LABELS,
  THREAD_STATUS_LABELS,
  checkSubmission,
  isReadyToSubmit,
  COMPLETENESS_RULE,
  type ChecklistDetail,
  type ChecklistItem,
  type JustifiedDetail,
  type ReviewThread,
  type Submission,
} from '../../schemas/submission.ts';
import { api, send, ApiFailure, NetworkFailure, failureMessage } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { financeHref, reportHref } from '../router.ts';
import { latestSubmissionOf, permissionsOf } from '../state/permissions.ts';
import { reviewOf } from '../state/review.ts';
import { confirmDialog, showModal, toast } from '../ui/dialog.ts';
import type { Page, PageContext } from './context.ts';
import { waitForSaves } from './saves.ts';
import { findingHref } from './shell.ts';
import { justificationView, openJustifyDialog } from './finance/justify.ts';
import { guardButton } from './read-only.ts';
import { WRITE_CAPABILITIES } from '../../schemas/access.ts';
import type { JustifiedFinding } from '../../schemas/checks.ts';

/**
 * "Rapport annuel {année}": what is still missing before the year can be submitted to the DiCS (the checklist of
 * `checkSubmission`, on the plan as edited), "Soumettre le rapport {année}" and the generation of its files, then
 * every submission of the year with its files and their SHA-256, the DiCS's decision and, for a re-submission, the
 * values changed since the previous one; the DiCS approves or returns it, the commune or the DiCS reopens it. The
 * DiCS's questions of the year are listed (they are answered from the cell they are on).
 */

/** How often the page asks where the generation of a submission's files is. */
const POLL_MS = 500;

/** Consecutive polls without an answer before the page stops following (about 10 s). */
const MAX_NETWORK_MISSES = 20;

/** A checklist item's values listed openly up to this many; more are behind a disclosure. */
const OPEN_DETAILS = 8;

/**
 * `actions.<id>.indicators.<id>.values.<année>.actual` → `actions.3.indicators.0.values.<année>.actual`: the pages find
 * a field or a cell by its position in the plan, the review's paths name rows by id.
 */
function positionalPath(plan: Plan, path: string): string {
  let node: unknown = plan;
  return path
    .split('.')
    .map((part) => {
      if (Array.isArray(node)) {
        const list: unknown[] = node;
        const byId = list.findIndex((row) => row !== null && typeof row === 'object' && (row as { id?: unknown }).id === part);
        const index = byId >= 0 ? byId : /^\d+$/.test(part) ? Number(part) : -1;
        node = index >= 0 ? list[index] : undefined;
        return index >= 0 ? String(index) : part;
      }
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
      return part;
    })
    .join('.');
}

/** The address of the page and field where the value at `path` (by ids or by positions) is entered. */
export function valueHref(planId: string, plan: Plan, path: string): string {
  const parts = path.split('.');
  const yearAt = (i: number) => (/^\d{4}$/.test(parts[i] ?? '') ? Number(parts[i]) : null);
  if (parts[0] === 'budgetsAnnuels') return financeHref(planId, 'budgets', yearAt(1));
  if (parts[0] === 'imputations') return financeHref(planId, 'imputations', yearAt(1));
  if (parts[0] === 'transferts' && parts[2] === 'parAnnee') return financeHref(planId, 'transferts', yearAt(3));
  return findingHref(planId, plan, positionalPath(plan, path));
}

/** "Soumis — en cours d’examen par la DiCS", or "Non soumis" for a year without submission. */
const statusLabel = (s: Submission | undefined) => (s ? SUBMISSION_STATUS_LABELS[s.statut] : 'Non soumis');

/** `/api/plans/<id>/submissions/<sid>/report.pdf`: the file as it was generated at the submission. */
const fileHref = (planId: string, s: Submission, kind: 'pdf' | 'xlsx') =>
  `/api/plans/${encodeURIComponent(planId)}/submissions/${encodeURIComponent(s.id)}/report.${kind}`;

/**
 * The dialog of a decision (approve, return, reopen): a text — required or optional — checked with the server's
 * schema, the request, and its refusal shown in the dialog. Resolves true when the decision was recorded.
 */
function decisionDialog(opts: {
  title: string;
  text: string;
  fieldLabel: string;
  required: boolean;
  confirmLabel: string;
  testId: string;
  run: (motif: string | null) => Promise<unknown>;
}): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('decision-title');
    const fieldId = uid('decision-motif');
    const field = h('textarea', { id: fieldId, rows: 4, maxlength: 500, 'data-testid': 'decision-motif', required: opts.required });
    const fieldError = h('p', { class: 'field-error', id: `${fieldId}-err`, role: 'alert', hidden: true, 'data-testid': 'decision-error' });
    field.setAttribute('aria-describedby', `${fieldId}-err`);
    const message = h('div', { class: 'dialog-message', role: 'alert', 'data-testid': 'decision-failure' });
    const cancel = h('button', { type: 'button' }, 'Annuler');
    const confirm = h('button', { type: 'submit', class: 'primary', 'data-testid': 'decision-confirm' }, opts.confirmLabel);
    let busy = false;
    let done = false;
    const form = h(
      'form',
      { novalidate: true },
      h('h2', { id: titleId }, opts.title),
      h('p', null, opts.text),
      h('div', { class: 'field' }, h('label', { for: fieldId }, opts.fieldLabel), field, fieldError),
      message,
      h('div', { class: 'dialog-buttons' }, cancel, confirm),
    );
    const dialog = h('dialog', { class: 'dialog decision-dialog', 'aria-labelledby': titleId, 'data-testid': opts.testId }, form);
    const close = showModal(dialog, { onClosed: () => resolve(done), focus: field, dismissWith: cancel, canDismiss: () => !busy });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      const parsed = opts.required ? DecisionSchema.safeParse({ motif: field.value }) : ApprovalSchema.safeParse({ motif: field.value.trim() || null });
      const issue = parsed.success ? null : (parsed.error.issues[0]?.message ?? 'Valeur invalide');
      fieldError.hidden = issue === null;
      fieldError.textContent = issue ?? '';
      field.setAttribute('aria-invalid', String(issue !== null));
      if (!parsed.success) {
        field.focus();
        return;
      }
      busy = true;
      confirm.disabled = cancel.disabled = true;
      replaceChildren(message, h('p', null, 'Enregistrement…'));
      try {
        await opts.run(parsed.data.motif);
        done = true;
        close();
      } catch (err) {
        replaceChildren(message, h('p', { class: 'import-message error' }, failureMessage(err)));
      } finally {
        busy = false;
        confirm.disabled = cancel.disabled = false;
      }
    });
  });
}

export function renderReportPage(ctx: PageContext, requested: number | null): Page {
  const { store, planId } = ctx;
  const years = store.years;
  const year = planYear(store, requested);
  const review = reviewOf(store);
  const permissions = permissionsOf(store);
  const ofYear = () => review.submissions().filter((s) => s.annee === year);
  const latest = () => latestSubmissionOf(review.submissions(), year);

  const yearField = yearSelect({
    years,
    value: year,
    testId: 'report-year',
    onChange: (y) => {
      location.hash = reportHref(planId, y);
    },
  });

  const status = h('strong', { 'data-testid': 'report-status' });
  const lockNote = h('p', { class: 'hint', 'data-testid': 'report-lock' });
  const alert = h('div', { class: 'report-alert', role: 'alert', 'data-testid': 'report-alert' });
  const checklistHost = h('div', null);
  const submitHost = h('div', { class: 'report-submit' });
  const bar = h('progress', { max: 1, value: 0, 'data-testid': 'report-progress-bar', 'aria-label': 'Avancement de la génération des fichiers' });
  const progressMessage = h('p', { class: 'report-progress-message', 'data-testid': 'report-progress-message' });
  const progress = h(
    'div',
    { class: 'report-progress', role: 'status', 'aria-live': 'polite', 'data-testid': 'report-progress', hidden: true },
    bar,
    progressMessage,
  );
  const submissionsHost = h('div', { 'data-testid': 'report-submissions' });
  const threadsHost = h('div', { 'data-testid': 'report-threads' });

  const el = h(
    'article',
    { class: 'section-page report-page', 'data-year': year },
    h('h1', null, `Rapport annuel ${year}`),
    h('div', { class: 'report-head' }, yearField.el, h('p', { class: 'report-status' }, 'Statut : ', status)),
    lockNote,
    alert,
    h(
      'section',
      { 'aria-labelledby': 'report-checklist-title' },
      h('h2', { id: 'report-checklist-title' }, 'Avant la soumission'),
      checklistHost,
      submitHost,
      progress,
    ),
    h(
      'section',
      { 'aria-labelledby': 'report-submissions-title' },
      h('h2', { id: 'report-submissions-title' }, `Soumissions du rapport ${year}`),
      submissionsHost,
    ),
    h('section', { 'aria-labelledby': 'report-threads-title' }, h('h2', { id: 'report-threads-title' }, `Questions de la DiCS sur ${year}`), threadsHost),
  );

  let busy = false;
  let disposed = false;
  let items: ChecklistItem[] = [];

  const showAlert = (text: string | null, issues: readonly { path: string; message: string }[] = []) => {
    if (text === null) return replaceChildren(alert);
    replaceChildren(
      alert,
      h('p', { class: 'import-message error' }, text),
      issues.length
        ? h(
            'details',
            null,
            h('summary', null, `Détail (${issues.length})`),
            h(
              'ul',
              null,
              issues.map((i) => h('li', null, h('a', { href: valueHref(planId, store.plan, i.path) }, i.message))),
            ),
          )
        : null,
    );
  };

  // ——— The checklist and the submit button ——————————————————————————————————————————————————————————————————————

  /**
   * "Justifier" next to a missing value the form allows to excuse (a fiche printed with its header only, an actual
   * that cannot be measured): the same justification as a finding's, in the signed-in person's name.
   */
  function justifyButton(d: ChecklistDetail, justification: JustifiedDetail['justification'] | null): HTMLElement | null {
    if (d.key === null) return null;
    const finding: JustifiedFinding = { rule: COMPLETENESS_RULE, level: 'error', message: d.message, path: d.path, key: d.key, justification };
    const button = h(
      'button',
      { type: 'button', class: 'justify-button', 'data-testid': 'checklist-justify', 'aria-haspopup': 'dialog' },
      justification ? 'Modifier la justification' : 'Justifier',
    );
    button.addEventListener('click', () => void openJustifyDialog(ctx, finding));
    guardButton(button, permissions.canSave(WRITE_CAPABILITIES.justification, 'justifications'), permissions.denial('justifier une valeur manquante'));
    return button;
  }

  function detailsOf(item: ChecklistItem): HTMLElement[] {
    const out: HTMLElement[] = [];
    if (item.details.length > 0) {
      const list = h(
        'ul',
        { class: 'checklist-details' },
        item.details.map((d) =>
          h(
            'li',
            { 'data-testid': 'checklist-detail', 'data-key': d.key },
            h('a', { href: valueHref(planId, store.plan, d.path), 'data-path': d.path }, d.message),
            ' ',
            justifyButton(d, null),
          ),
        ),
      );
      out.push(
        item.details.length <= OPEN_DETAILS
          ? list
          : h('details', { class: 'checklist-more' }, h('summary', null, `Voir les ${item.details.length} valeurs à compléter`), list),
      );
    }
    if (item.justified.length > 0) {
      const n = item.justified.length;
      out.push(
        h(
          'details',
          { class: 'checklist-justified', 'data-testid': 'checklist-justified' },
          h('summary', null, `${n} exception${n > 1 ? 's' : ''} justifiée${n > 1 ? 's' : ''}`),
          h(
            'ul',
            null,
            item.justified.map((d) =>
              h(
                'li',
                { 'data-key': d.key },
                h('a', { href: valueHref(planId, store.plan, d.path), 'data-path': d.path }, d.message),
                justificationView(d.justification),
                justifyButton(d, d.justification),
              ),
            ),
          ),
        ),
      );
    }
    return out;
  }

  function drawChecklist(): void {
    items = checkSubmission(store.plan, year, store.justifiedChecks());
    replaceChildren(
      checklistHost,
      h(
        'ul',
        { class: 'report-checklist', 'data-testid': 'report-checklist' },
        items.map((item) =>
          h(
            'li',
            { class: item.ok ? 'checklist-ok' : 'checklist-missing', 'data-item': item.id, 'data-ok': String(item.ok), 'data-testid': 'checklist-item' },
            h('span', { class: 'checklist-mark', 'aria-hidden': 'true' }, item.ok ? '✓' : '✗'),
            h('span', { class: 'visually-hidden' }, item.ok ? 'Complet : ' : 'À compléter : '),
            h('span', { class: 'checklist-label' }, item.label),
            item.ok ? null : h('span', { class: 'checklist-count', 'data-testid': 'checklist-count' }, ` — ${item.details.length} à compléter`),
            detailsOf(item),
          ),
        ),
      ),
    );
    drawSubmit();
  }

  function drawSubmit(): void {
    const last = latest();
    if (!permissions.can('submit')) {
      replaceChildren(submitHost, h('p', { class: 'hint', 'data-testid': 'submit-unavailable' }, permissions.denial('soumettre le rapport annuel')));
      return;
    }
    const reasonId = uid('submit-reason');
    const generating = last?.fichiers === 'en-cours';
    const reason =
      last?.statut === 'approuve'
        ? `Le rapport ${year} est approuvé par la DiCS : seule la DiCS peut le rouvrir.`
        : last?.statut === 'soumis'
          ? `Le rapport ${year} est en cours d’examen par la DiCS : rouvrez-le avec un motif pour le soumettre à nouveau.`
          : !isReadyToSubmit(items)
            ? `Complétez d’abord les éléments marqués ✗ ci-dessus : ${items
                .filter((i) => !i.ok)
                .map((i) => i.label.toLowerCase())
                .join(' ; ')}.`
            : generating
              ? 'Les fichiers de la soumission précédente sont en cours de génération.'
              : null;
    const button = h(
      'button',
      { type: 'button', class: 'primary', 'data-testid': 'report-submit', 'aria-describedby': reason ? reasonId : null, 'aria-haspopup': 'dialog' },
      `Soumettre le rapport ${year}`,
    );
    if (reason || busy) {
      button.disabled = true;
      if (reason) button.title = reason;
    }
    button.addEventListener('click', () => void submit());
    replaceChildren(submitHost, button, reason ? h('p', { class: 'hint', id: reasonId, 'data-testid': 'submit-reason' }, reason) : null);
  }

  async function submit(): Promise<void> {
    if (busy) return;
    const confirmed = await confirmDialog(
      `Soumettre le rapport ${year}`,
      `Le rapport ${year} sera transmis à la DiCS avec son classeur et son PDF. Les valeurs ${year} du plan passeront en lecture seule pour tout le monde, jusqu’à ce que la DiCS retourne le rapport ou qu’il soit rouvert avec un motif.`,
      `Soumettre le rapport ${year}`,
    );
    if (!confirmed || disposed) return;
    busy = true;
    showAlert(null);
    drawSubmit();
    progress.hidden = false;
    bar.value = 0;
    progressMessage.textContent = 'Demande envoyée au serveur…';
    try {
      // The server checks and freezes the plan it holds: edits still being saved must reach it first.
      if (ctx.queue.pending > 0) {
        progressMessage.textContent = 'Enregistrement des modifications en cours : la soumission suivra.';
        if (!(await waitForSaves(ctx)))
          throw new Error('Des modifications ne sont pas encore enregistrées : attendez « Enregistré » puis soumettez à nouveau.');
      }
      await send(api.plans[':planId'].submissions.$post({ param: { planId }, json: { annee: year } }));
      toast(`Rapport ${year} soumis à la DiCS : génération du classeur et du PDF…`);
    } catch (err) {
      progress.hidden = true;
      showAlert(failureMessage(err), err instanceof ApiFailure ? err.body.issues : []);
    } finally {
      busy = false;
    }
    await reload();
  }

  // ——— The submissions of the year, their files and the decisions ————————————————————————————————————————————————

  function fileLink(s: Submission, kind: 'pdf' | 'xlsx'): HTMLElement {
    const hash = kind === 'pdf' ? s.pdfSha256 : s.xlsxSha256;
    return h(
      'li',
      { class: 'submission-file' },
      h('a', { href: fileHref(planId, s, kind), download: true, 'data-testid': `submission-${kind}` }, kind === 'pdf' ? 'PDF' : 'XLSX'),
      ' — SHA-256 : ',
      h('code', { class: 'sha256', 'data-testid': `submission-${kind}-sha256` }, hash ?? '—'),
    );
  }

  function filesOf(s: Submission): HTMLElement {
    if (s.fichiers === 'prets') return h('ul', { class: 'submission-files' }, fileLink(s, 'pdf'), fileLink(s, 'xlsx'));
    if (s.fichiers === 'echec')
      return h('p', { class: 'import-message error' }, 'La génération des fichiers a échoué : rouvrez le rapport puis soumettez-le à nouveau.');
    return h('p', { class: 'hint' }, s.message);
  }

  function changesOf(s: Submission): HTMLElement | null {
    if (s.numero === 1) return null;
    const n = s.changements.length;
    if (n === 0) return h('p', { class: 'hint', 'data-testid': 'submission-changes' }, 'Aucune valeur modifiée depuis la soumission précédente.');
    return h(
      'details',
      { class: 'submission-changes', 'data-testid': 'submission-changes' },
      h('summary', null, `${n} valeur${n > 1 ? 's' : ''} modifiée${n > 1 ? 's' : ''} depuis la soumission précédente`),
      h(
        'ul',
        null,
        s.changements.map((c) =>
          h('li', null, `${c.label} : `, h('span', { class: 'old' }, c.oldText || 'vide'), ' → ', h('span', { class: 'new' }, c.newText || 'vide')),
        ),
      ),
    );
  }

  /** The buttons of the decisions the person may take on the latest submission. */
  function decisionsOf(s: Submission): HTMLElement | null {
    const buttons: HTMLButtonElement[] = [];
    const add = (label: string, testId: string, run: () => Promise<unknown>, cls = '') => {
      const b = h('button', { type: 'button', class: cls, 'data-testid': testId, 'aria-haspopup': 'dialog', disabled: busy }, label);
      b.addEventListener('click', () => void decide(run));
      buttons.push(b);
    };
    const param = { planId, submissionId: s.id };
    if (s.statut === 'soumis' && permissions.can('review')) {
      add(
        'Approuver',
        'report-approve',
        () =>
          decisionDialog({
            title: `Approuver le rapport ${year}`,
            text: `Le rapport ${year} (soumission n°${s.numero}) sera approuvé ; ses valeurs restent en lecture seule.`,
            fieldLabel: 'Commentaire (facultatif)',
            required: false,
            confirmLabel: 'Approuver',
            testId: 'approve-dialog',
            run: (motif) => send(api.plans[':planId'].submissions[':submissionId'].approve.$post({ param, json: { motif } })),
          }),
        'primary',
      );
      add('Retourner à la commune', 'report-return', () =>
        decisionDialog({
          title: `Retourner le rapport ${year} à la commune`,
          text: `La commune pourra à nouveau modifier les valeurs ${year}, puis soumettre le rapport une nouvelle fois. Dites-lui ce qu’il faut revoir.`,
          fieldLabel: 'Motif du retour',
          required: true,
          confirmLabel: 'Retourner à la commune',
          testId: 'return-dialog',
          run: (motif) => send(api.plans[':planId'].submissions[':submissionId'].return.$post({ param, json: { motif: motif ?? '' } })),
        }),
      );
    }
    const mayReopen = permissions.can('reopen') && (s.statut === 'soumis' || (s.statut === 'approuve' && permissions.can('review')));
    if (mayReopen) {
      add('Rouvrir le rapport', 'report-reopen', () =>
        decisionDialog({
          title: `Rouvrir le rapport ${year}`,
          text: `Les valeurs ${year} redeviendront modifiables ; le rapport devra être soumis à nouveau. Le motif est enregistré dans l’historique du plan.`,
          fieldLabel: 'Motif de la réouverture',
          required: true,
          confirmLabel: 'Rouvrir le rapport',
          testId: 'reopen-dialog',
          run: (motif) => send(api.plans[':planId'].submissions[':submissionId'].reopen.$post({ param, json: { motif: motif ?? '' } })),
        }),
      );
    }
    return buttons.length ? h('div', { class: 'submission-decisions' }, buttons) : null;
  }

  async function decide(open: () => Promise<unknown>): Promise<void> {
    if (busy) return;
    showAlert(null);
    const decided = await open();
    if (decided && !disposed) await reload();
  }

  function submissionView(s: Submission, isLatest: boolean): HTMLElement {
    const decision = s.decideLe
      ? [
          h('dt', null, s.statut === 'approuve' ? 'Approbation' : s.statut === 'retourne' ? 'Retour' : 'Réouverture'),
          h('dd', { 'data-testid': 'submission-decision' }, `${s.decidePar ?? '—'}, le ${formatDateTime(s.decideLe)}`),
          s.motif ? h('dt', null, s.statut === 'approuve' ? 'Commentaire' : 'Motif') : null,
          s.motif ? h('dd', { 'data-testid': 'submission-motif' }, h('q', null, s.motif)) : null,
        ]
      : [];
    return h(
      'li',
      { class: `submission submission-${s.statut}`, 'data-testid': 'submission', 'data-numero': s.numero, 'data-status': s.statut },
      h(
        'h3',
        null,
        `Soumission n°${s.numero}`,
        ' ',
        h('span', { class: `status-badge submission-status-${s.statut}`, 'data-testid': 'submission-status' }, SUBMISSION_STATUS_LABELS[s.statut]),
      ),
      h(
        'dl',
        { class: 'submission-meta' },
        h('dt', null, 'Soumise'),
        h('dd', null, `le ${formatDateTime(s.soumisLe)} par ${s.soumisPar}`),
        decision,
        h('dt', null, 'Fichiers'),
        h('dd', null, filesOf(s)),
      ),
      changesOf(s),
      isLatest ? decisionsOf(s) : null,
    );
  }

  // ——— The DiCS's questions of the year ————————————————————————————————————————————————————————————————————————

  function threadView(t: ReviewThread): HTMLElement {
    const last = t.messages[t.messages.length - 1];
    // The question alone is said once; after an answer, the latest message follows it.
    const latestMessage =
      last && t.messages.length > 1
        ? h(
            'p',
            { class: 'report-thread-last' },
            `${MESSAGE_KIND_LABELS[last.nature]} de ${last.auteur}, le ${formatDateTime(last.at)} : `,
            h('q', null, last.texte),
          )
        : last
          ? h('p', { class: 'report-thread-last' }, h('q', null, last.texte))
          : null;
    return h(
      'li',
      { class: `report-thread report-thread-${t.statut}`, 'data-testid': 'report-thread', 'data-status': t.statut },
      h('a', { href: valueHref(planId, store.plan, t.chemin) }, t.libelle),
      ' ',
      h('span', { class: `status-badge thread-status-${t.statut}` }, THREAD_STATUS_LABELS[t.statut]),
      h('p', { class: 'hint' }, `Question de ${t.ouvertPar}, le ${formatDateTime(t.ouvertLe)}`),
      latestMessage,
    );
  }

  // ——— Drawing and following the review state ——————————————————————————————————————————————————————————————————

  /** What the lists show, without the progress: redrawn only when it changes, so that polling keeps the focus. */
  let shownKey = '';

  function draw(): void {
    const last = latest();
    status.textContent = statusLabel(last);
    status.dataset.status = last?.statut ?? 'brouillon';
    const locked = review.lockedYears().includes(year);
    lockNote.hidden = !locked;
    lockNote.textContent = locked
      ? `Les valeurs ${year} du plan sont en lecture seule tant que le rapport est ${last?.statut === 'approuve' ? 'approuvé' : 'en cours d’examen'}.`
      : '';

    const generating = last?.fichiers === 'en-cours';
    if (generating) {
      progress.hidden = false;
      bar.value = last.progression;
      progressMessage.textContent = last.message;
    } else if (!busy) {
      progress.hidden = true;
    }

    const subs = ofYear();
    const threads = review.threads().filter((t) => t.annee === year);
    const key = JSON.stringify([busy, subs.map((s) => [s.id, s.statut, s.fichiers, s.decideLe]), threads.map((t) => [t.id, t.statut, t.messages.length])]);
    if (key === shownKey) return;
    shownKey = key;
    drawSubmit();
    const newestFirst = [...subs].sort((a, b) => b.numero - a.numero);
    replaceChildren(
      submissionsHost,
      newestFirst.length
        ? h(
            'ol',
            { class: 'submissions' },
            newestFirst.map((s, i) => submissionView(s, i === 0)),
          )
        : h('p', { class: 'hint' }, `Le rapport ${year} n’a pas encore été soumis.`),
    );
    replaceChildren(
      threadsHost,
      threads.length
        ? h('ul', { class: 'report-threads' }, threads.map(threadView))
        : h('p', { class: 'hint' }, `Aucune question de la DiCS sur le rapport ${year}.`),
    );
  }

  let pollTimer: ReturnType<typeof setTimeout> | null = null;
  let misses = 0;

  /** Reloads the review state; the subscription redraws, and polling goes on while files are being generated. */
  async function reload(): Promise<void> {
    if (pollTimer) clearTimeout(pollTimer);
    pollTimer = null;
    try {
      await review.refresh();
      misses = 0;
    } catch (err) {
      if (disposed) return;
      if (err instanceof NetworkFailure && latest()?.fichiers === 'en-cours' && ++misses < MAX_NETWORK_MISSES) {
        pollTimer = setTimeout(() => void reload(), POLL_MS);
        return;
      }
      showAlert(`L’état du rapport ${year} n’a pas pu être chargé : ${failureMessage(err)}`);
      return;
    }
    if (disposed) return;
    const last = latest();
    if (last?.fichiers === 'en-cours') {
      pollTimer = setTimeout(() => void reload(), POLL_MS);
    }
  }

  // Files that became ready while this page watched them: say so once.
  let watched: string | null = null;
  const unsubscribe = review.subscribe(() => {
    if (disposed) return;
    const last = latest();
    if (last?.fichiers === 'en-cours') watched = last.id;
    else if (watched && last?.id === watched) {
      watched = null;
      if (last.fichiers === 'prets') toast(`Rapport ${year} : classeur et PDF enregistrés`);
      else showAlert('La génération des fichiers de la soumission a échoué.');
    }
    draw();
  });

  let checklistTimer: ReturnType<typeof setTimeout> | null = null;
  drawChecklist();
  draw();
  void reload();

  return {
    el,
    refresh() {
      // An edit elsewhere (or here): the checklist follows, computed as the checks panel is.
      if (checklistTimer) clearTimeout(checklistTimer);
      checklistTimer = setTimeout(drawChecklist, 150);
    },
    dispose() {
      disposed = true;
      unsubscribe();
      if (pollTimer) clearTimeout(pollTimer);
      if (checklistTimer) clearTimeout(checklistTimer);
    },
  };
}
