import { describeAction } from '../../schemas/action.ts';
import { describePath, yearOfPath } from '../../schemas/audit.ts';
import { actionPathPrefix, isPathWithin } from '../../schemas/plan-path.ts';
import { formatDateTime } from '../../schemas/dates.ts';
import { MESSAGE_KIND_LABELS, THREAD_STATUS_LABELS, ThreadMessageSchema, type ReviewThread } from '../../schemas/submission.ts';
import { api, send, ApiFailure, failureMessage } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import type { GridCellAction, GridHandle } from '../grid/grid.ts';
import { meCan } from '../state/me.ts';
import type { PlanStore } from '../state/plan-store.ts';
import { reviewOf, type ReviewState } from '../state/review.ts';
import { showModal } from '../ui/dialog.ts';
import type { PageContext } from './context.ts';

/**
 * The DiCS's questions on the values of a plan, where the values are: a marker on each questioned grid cell
 * (its question in the tooltip), the cell's context-menu entries "Questions de la DiCS" and "Poser une question",
 * and the dialog where the reviewer asks, the commune answers and the reviewer resolves.
 */

/** What a dialog shows: the threads of one value (a path of `flattenPlan`), or every thread of one fiche action. */
export type ThreadScope = { kind: 'value'; path: string; ask?: boolean } | { kind: 'fiche'; actionId: string };

/** The review state of the plan, loaded once if nobody has yet. */
function loadedReview(store: PlanStore): { review: ReviewState; ready: Promise<void> } {
  const review = reviewOf(store);
  return { review, ready: review.ready() };
}

const isOnFiche = (chemin: string, actionId: string) => isPathWithin(chemin, actionPathPrefix(actionId));

function threadsOf(review: ReviewState, scope: ThreadScope): readonly ReviewThread[] {
  return scope.kind === 'value' ? review.threadsAt(scope.path) : review.threads().filter((t) => isOnFiche(t.chemin, scope.actionId));
}

/** A reviewer's message asks again; anyone else's answers (the server's own rule). */
export const isReviewer = () => meCan('review') && !meCan('answer');

/**
 * Reads the text of a message, checked by the server's schema: null when optional and blank, false (the reason in
 * `alert`, the field focused) when refused.
 */
export function messageTextReader(alert: HTMLElement): (field: HTMLTextAreaElement, optional?: boolean) => string | null | false {
  return (field, optional = false) => {
    if (optional && field.value.trim() === '') return null;
    const parsed = ThreadMessageSchema.safeParse({ texte: field.value });
    if (parsed.success) return parsed.data.texte;
    alert.textContent = parsed.error.issues[0]?.message ?? 'Message refusé';
    field.focus();
    return false;
  };
}

export function messageItem(m: ReviewThread['messages'][number]): HTMLElement {
  return h(
    'li',
    { class: `thread-message thread-message-${m.nature}`, 'data-testid': 'thread-message', 'data-nature': m.nature },
    h(
      'p',
      { class: 'thread-message-meta' },
      h('span', { class: 'thread-nature' }, MESSAGE_KIND_LABELS[m.nature]),
      ' — ',
      h('time', { datetime: m.at }, formatDateTime(m.at)),
      ' — ',
      h('span', { class: 'thread-author' }, m.auteur),
      h('span', { class: 'thread-role' }, ` (${m.role})`),
    ),
    h('p', { class: 'thread-text' }, m.texte),
  );
}

/** Opens the DiCS's questions of a value or a fiche in a dialog, with the forms the person's role allows. */
export function openThreads(ctx: PageContext, scope: ThreadScope): void {
  const { store, planId } = ctx;
  const review = reviewOf(store);
  const plan = store.plan;
  const action = scope.kind === 'fiche' ? plan.actions.find((a) => a.id === scope.actionId) : undefined;
  const subject = scope.kind === 'value' ? describePath(plan, scope.path) : action ? describeAction(action) : 'Fiche supprimée';
  const year = scope.kind === 'value' ? yearOfPath(scope.path, store.years) : null;
  const titleId = uid('threads-title');
  const alert = h('p', { class: 'field-error', role: 'alert', 'data-testid': 'threads-error' });
  const status = h('p', { class: 'hint', role: 'status', 'data-testid': 'threads-status' }, 'Chargement des questions…');
  const list = h('ol', { class: 'threads-list', 'aria-label': 'Questions de la DiCS' });
  const askHost = h('div', null);
  const closeButton = h('button', { type: 'button' }, 'Fermer');
  const dialog = h(
    'dialog',
    { class: 'dialog threads-dialog', 'aria-labelledby': titleId, 'data-testid': 'threads-dialog', 'data-scope': scope.kind },
    h('h2', { id: titleId }, 'Questions de la DiCS'),
    h('p', { class: 'threads-subject' }, subject, year !== null ? ` — rapport ${year}` : null),
    status,
    list,
    askHost,
    alert,
    h('div', { class: 'dialog-buttons' }, closeButton),
  );
  let open = true;
  let busy = false;
  showModal(dialog, { onClosed: () => (open = false), focus: closeButton, dismissWith: closeButton });

  /** Sends one request; on success reloads the questions and redraws, otherwise says why in the alert. */
  const run = async (buttons: HTMLButtonElement[], request: () => Promise<unknown>, focusAfter?: () => HTMLElement | null) => {
    if (busy) return;
    busy = true;
    alert.textContent = '';
    for (const b of buttons) b.disabled = true;
    try {
      await request();
      await review.refresh();
      if (!open) return;
      draw();
      (focusAfter?.() ?? closeButton).focus();
    } catch (err) {
      alert.textContent = failureMessage(err);
      // Resolved meanwhile by someone else: show the thread as it now is, the reason stays in the alert.
      if (err instanceof ApiFailure && err.isConflict) {
        await review.refresh().catch(() => {});
        if (open) draw();
      }
    } finally {
      busy = false;
      for (const b of buttons) b.disabled = false;
    }
  };

  const messageText = messageTextReader(alert);

  const threadItem = (thread: ReviewThread): HTMLElement => {
    const headingId = uid('thread');
    const isOpen = thread.statut !== 'resolu';
    const item = h(
      'li',
      {
        class: `thread thread-${thread.statut}`,
        'data-testid': 'thread',
        'data-status': thread.statut,
        'data-thread-id': thread.id,
        'aria-labelledby': headingId,
      },
      h(
        'h3',
        { id: headingId },
        scope.kind === 'fiche' ? `${thread.libelle} — ` : null,
        `Rapport ${thread.annee} — `,
        h('span', { class: 'thread-status', 'data-testid': 'thread-status' }, THREAD_STATUS_LABELS[thread.statut]),
      ),
      h('ol', { class: 'thread-messages' }, thread.messages.map(messageItem)),
    );
    const canDiscuss = isOpen && meCan('discuss');
    const canResolve = isOpen && meCan('review');
    if (!canDiscuss && !canResolve) return item;
    const fieldId = uid('thread-reply');
    const field = h('textarea', { id: fieldId, rows: 3, maxlength: 4000, 'data-testid': 'thread-reply' });
    const buttons: HTMLButtonElement[] = [];
    const focusAgain = () => dialog.querySelector<HTMLElement>(`[data-thread-id="${thread.id}"] textarea`);
    if (canDiscuss) {
      const reply = h('button', { type: 'button', class: 'primary' }, isReviewer() ? 'Relancer la question' : 'Répondre');
      reply.addEventListener('click', () => {
        const texte = messageText(field);
        if (texte === false || texte === null) return;
        void run(
          buttons,
          () => send(api.plans[':planId'].threads[':threadId'].messages.$post({ param: { planId, threadId: thread.id }, json: { texte } })),
          focusAgain,
        );
      });
      buttons.push(reply);
    }
    if (canResolve) {
      const resolve = h('button', { type: 'button' }, 'Marquer comme résolu');
      resolve.addEventListener('click', () => {
        const texte = messageText(field, true);
        if (texte === false) return;
        void run(buttons, () => send(api.plans[':planId'].threads[':threadId'].resolve.$post({ param: { planId, threadId: thread.id }, json: { texte } })));
      });
      buttons.push(resolve);
    }
    const label = canDiscuss ? (isReviewer() ? 'Votre message (relance ou mot de clôture)' : 'Votre réponse') : 'Mot de clôture (facultatif)';
    item.append(h('div', { class: 'thread-form' }, h('label', { for: fieldId }, label), field, h('div', { class: 'toolbar' }, buttons)));
    return item;
  };

  const askForm = (): HTMLElement | null => {
    if (scope.kind !== 'value' || year === null || !meCan('review')) return null;
    const fieldId = uid('thread-ask');
    const field = h('textarea', { id: fieldId, rows: 3, maxlength: 4000, 'data-testid': 'thread-question' });
    const ask = h('button', { type: 'button', class: 'primary' }, 'Envoyer la question');
    ask.addEventListener('click', () => {
      const texte = messageText(field);
      if (texte === false || texte === null) return;
      void run([ask], () => send(api.plans[':planId'].threads.$post({ param: { planId }, json: { annee: year, chemin: scope.path, texte } })));
    });
    return h(
      'section',
      { class: 'thread-ask', 'aria-labelledby': `${fieldId}-title` },
      h('h3', { id: `${fieldId}-title` }, `Poser une question (rapport ${year})`),
      h('label', { for: fieldId }, 'Question à la commune'),
      field,
      h('div', { class: 'toolbar' }, ask),
    );
  };

  function draw(): void {
    const threads = threadsOf(review, scope);
    const pending = threads.filter((t) => t.statut !== 'resolu').length;
    status.textContent =
      threads.length === 0
        ? scope.kind === 'value'
          ? 'Aucune question sur cette valeur.'
          : 'Aucune question sur cette fiche.'
        : `${threads.length} question${threads.length > 1 ? 's' : ''}, dont ${pending} non résolue${pending > 1 ? 's' : ''}.`;
    replaceChildren(list, threads.map(threadItem));
    replaceChildren(askHost, askForm());
  }

  void (async () => {
    try {
      // Fresh from the server: someone may have asked or answered since the plan was opened.
      await review.refresh();
    } catch (err) {
      if (open) alert.textContent = failureMessage(err);
    }
    if (!open) return;
    draw();
    if (scope.kind === 'value' && scope.ask) dialog.querySelector<HTMLElement>('[data-testid="thread-question"]')?.focus();
  })();
}

/** The marker of a questioned cell: pending (open or answered) until every question on it is resolved. */
function markerClass(threads: readonly ReviewThread[]): string | null {
  if (!threads.length) return null;
  if (threads.some((t) => t.statut === 'ouvert')) return 'cell-thread cell-thread-open';
  if (threads.some((t) => t.statut === 'repondu')) return 'cell-thread cell-thread-answered';
  return 'cell-thread cell-thread-resolved';
}

function markerNote(threads: readonly ReviewThread[]): string | null {
  if (!threads.length) return null;
  return threads
    .map((t) => `Question de la DiCS (${THREAD_STATUS_LABELS[t.statut]}) : ${t.messages.find((m) => m.nature === 'question')?.texte ?? ''}`)
    .join('\n');
}

/** What a grid needs to show the DiCS's questions on its cells. */
export type ReviewCells<R> = {
  cellClass(row: R, key: string): string | null;
  cellNote(row: R, key: string): string | null;
  /** "Questions de la DiCS" and, for a reviewer, "Poser une question" (on a cell of a programme year). */
  actions: GridCellAction<R>[];
  /** Redraws the grid's markers whenever the questions change; answers the unsubscribe. */
  watch(grid: GridHandle<R>): () => void;
};

/** The DiCS's questions on a grid whose cells name their value path (`null` for a computed cell). */
export function reviewCells<R>(ctx: PageContext, pathOf: (row: R, key: string) => string | null): ReviewCells<R> {
  const { review, ready } = loadedReview(ctx.store);
  ready.catch(() => {}); // The markers stay off; the dialog says what failed.
  const threadsOfCell = (row: R, key: string) => {
    const path = pathOf(row, key);
    return path === null ? [] : review.threadsAt(path);
  };
  const actions: GridCellAction<R>[] = [
    {
      label: 'Questions de la DiCS',
      isAvailable: (row, key) => threadsOfCell(row, key).length > 0,
      run(row, key) {
        const path = pathOf(row, key);
        if (path) openThreads(ctx, { kind: 'value', path });
      },
    },
  ];
  if (meCan('review')) {
    actions.push({
      label: 'Poser une question',
      isAvailable: (row, key) => {
        const path = pathOf(row, key);
        return path !== null && yearOfPath(path, ctx.store.years) !== null;
      },
      run(row, key) {
        const path = pathOf(row, key);
        if (path) openThreads(ctx, { kind: 'value', path, ask: true });
      },
    });
  }
  return {
    cellClass: (row, key) => markerClass(threadsOfCell(row, key)),
    cellNote: (row, key) => markerNote(threadsOfCell(row, key)),
    actions,
    watch(grid) {
      // Redraw only when a marker may change: a reload that brings the same questions leaves the grid as it is.
      const signature = () =>
        review
          .threads()
          .map((t) => `${t.chemin} ${t.statut} ${t.messages.length}`)
          .join('\n');
      let drawn = signature();
      return review.subscribe(() => {
        const next = signature();
        if (next === drawn) return;
        drawn = next;
        grid.refresh();
      });
    },
  };
}

/** "N questions de la DiCS" in a fiche's header, opening them; hidden while the fiche has none. */
export function ficheThreadsLink(ctx: PageContext, actionId: string): { el: HTMLElement; dispose(): void } {
  const { review, ready } = loadedReview(ctx.store);
  ready.catch(() => {});
  const button = h('button', { type: 'button', class: 'link-button', 'aria-haspopup': 'dialog', 'data-testid': 'fiche-threads' });
  button.addEventListener('click', () => openThreads(ctx, { kind: 'fiche', actionId }));
  const el = h('p', { class: 'fiche-threads', hidden: true }, button);
  const update = () => {
    const threads = review.threads().filter((t) => isOnFiche(t.chemin, actionId));
    const pending = threads.filter((t) => t.statut !== 'resolu').length;
    el.hidden = threads.length === 0;
    button.textContent = `${threads.length} question${threads.length > 1 ? 's' : ''} de la DiCS${pending ? ` (${pending} non résolue${pending > 1 ? 's' : ''})` : ''}`;
  };
  update();
  return { el, dispose: review.subscribe(update) };
}
