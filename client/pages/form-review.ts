import { formatDateTime } from '../../schemas/dates.ts';
import type { FormDefinition } from '../../schemas/form-definition.ts';
import type { FormDocument } from '../../schemas/form-document.ts';
import { formFieldPaths } from '../../schemas/form-fields.ts';
import { FORM_LOCKING_STATUSES, FORM_STATUS_LABELS, type FormThread } from '../../schemas/form-workflow.ts';
import { THREAD_STATUS_LABELS } from '../../schemas/submission.ts';
import { api, failureMessage, send } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { meCan } from '../state/me.ts';
import { confirmDialog, toast } from '../ui/dialog.ts';
import { decisionDialog } from './report/decision-dialog.ts';
import { isReviewer, messageItem, messageTextReader } from './threads.ts';

/**
 * The review of a form document on its page: its status (badge, who submitted and decided, the motif), the buttons
 * the person's role and the status allow (Soumettre, Approuver, Retourner, Rouvrir), and the DiCS's questions on its
 * fields — asked by the reviewer on a field chosen in the list, answered by the commune, resolved by the reviewer.
 */

/** Whether the document is read-only because the DiCS reads it or has approved it. */
export const isLockedDocument = (doc: Pick<FormDocument, 'statut'>) => FORM_LOCKING_STATUSES.includes(doc.statut);

/** Why a locked document's fields are read-only, as the fields' tooltips say it. */
export function lockedReason(doc: Pick<FormDocument, 'statut'>): string {
  return doc.statut === 'approuve'
    ? 'Document approuvé par la DiCS : en lecture seule (la DiCS peut le rouvrir avec un motif)'
    : 'Document soumis à la DiCS : en lecture seule (rouvrez-le avec un motif pour le modifier)';
}

type Param = { planId: string; documentId: string };

/**
 * The status line and the decision buttons. `beforeSubmit` finishes the pending saves and answers the version to
 * submit, or why the document cannot be submitted as shown (a change not saved); `reload` draws the page again from
 * the stored document once a step is recorded.
 */
export function formReviewBar(
  param: Param,
  doc: FormDocument,
  opts: { canEdit: boolean; beforeSubmit: () => Promise<number | string>; reload: () => void },
): HTMLElement {
  const route = api.plans[':planId'].forms[':documentId'];
  const { statut } = doc;
  const badge = h(
    'span',
    { class: `status-badge submission-status-${statut}`, 'data-testid': 'form-review-status', 'data-status': statut },
    FORM_STATUS_LABELS[statut],
  );
  const facts: (string | HTMLElement)[] = [];
  if (doc.soumisLe && statut !== 'brouillon') facts.push(`Soumis le ${formatDateTime(doc.soumisLe)} par ${doc.soumisPar ?? '—'}.`);
  if (doc.decideLe) {
    const what = statut === 'approuve' ? 'Approuvé' : statut === 'retourne' ? 'Retourné' : 'Rouvert';
    facts.push(` ${what} le ${formatDateTime(doc.decideLe)} par ${doc.decidePar ?? '—'}`);
    if (doc.motif) facts.push(` — ${statut === 'approuve' ? 'commentaire' : 'motif'} : `, h('q', { 'data-testid': 'form-review-motif' }, doc.motif));
  }
  const step = (label: string, testId: string, run: () => Promise<boolean>, primary = false) => {
    const b = h('button', { type: 'button', 'data-testid': testId, class: primary ? 'primary' : null }, label);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        if (await run()) opts.reload();
      } catch (err) {
        toast(failureMessage(err), 'error');
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  const buttons: HTMLButtonElement[] = [];
  if (opts.canEdit && !isLockedDocument(doc)) {
    buttons.push(
      step(
        'Soumettre à la DiCS',
        'form-submit',
        async () => {
          if (
            !(await confirmDialog('Soumettre le document', `Soumettre « ${doc.title} » à la DiCS ? Il sera en lecture seule pendant l’examen.`, 'Soumettre'))
          ) {
            return false;
          }
          const version = await opts.beforeSubmit();
          if (typeof version === 'string') {
            toast(version, 'error');
            return false;
          }
          await send(route.submit.$post({ param, json: { version } }));
          toast('Document soumis à la DiCS');
          return true;
        },
        true,
      ),
    );
  }
  const decision = (
    title: string,
    text: string,
    fieldLabel: string,
    required: boolean,
    confirmLabel: string,
    testId: string,
    post: (motif: string | null) => Promise<unknown>,
  ) => decisionDialog({ title, text, fieldLabel, required, confirmLabel, testId, run: post });
  if (meCan('review') && statut === 'soumis') {
    buttons.push(
      step(
        'Approuver',
        'form-approve',
        () =>
          decision('Approuver le document', `Approuver « ${doc.title} » ?`, 'Commentaire (facultatif)', false, 'Approuver', 'form-approve-dialog', (motif) =>
            send(route.approve.$post({ param, json: { version: doc.version, motif } })),
          ),
        true,
      ),
      step('Retourner…', 'form-return', () =>
        decision(
          'Retourner le document à la commune',
          `« ${doc.title} » redevient modifiable par la commune, qui le soumettra à nouveau.`,
          'Motif du retour',
          true,
          'Retourner',
          'form-return-dialog',
          (motif) => send(route.return.$post({ param, json: { version: doc.version, motif: motif ?? '' } })),
        ),
      ),
    );
  }
  if (meCan('reopen') && (statut === 'soumis' || (statut === 'approuve' && meCan('review')))) {
    buttons.push(
      step('Rouvrir…', 'form-reopen', () =>
        decision(
          'Rouvrir le document',
          statut === 'approuve'
            ? `« ${doc.title} » est approuvé : le rouvrir le rend modifiable par la commune.`
            : `Reprendre « ${doc.title} » avant la décision de la DiCS.`,
          'Motif de la réouverture',
          true,
          'Rouvrir',
          'form-reopen-dialog',
          (motif) => send(route.reopen.$post({ param, json: { version: doc.version, motif: motif ?? '' } })),
        ),
      ),
    );
  }
  return h(
    'div',
    { class: 'form-review', 'data-testid': 'form-review' },
    h('p', null, badge, ' ', h('span', { class: 'hint', 'data-testid': 'form-review-facts' }, facts)),
    buttons.length ? h('div', { class: 'toolbar' }, buttons) : null,
  );
}

/**
 * The DiCS's questions on the document's fields: each with the field it is on (a link to it), its messages, and the
 * forms the role allows; for a reviewer, « Poser une question » on a field of the document. `focusField` shows a
 * field of the page.
 */
export function formThreadsSection(
  param: Param,
  definition: FormDefinition,
  doc: FormDocument,
  focusField: (path: string) => void,
  onThreads: (threads: readonly FormThread[]) => void = () => {},
): HTMLElement {
  const route = api.plans[':planId'].forms[':documentId'].threads;
  const status = h('p', { class: 'hint', role: 'status', 'data-testid': 'threads-status' }, 'Chargement des questions…');
  const alert = h('p', { class: 'field-error', role: 'alert', 'data-testid': 'threads-error' });
  const list = h('ol', { class: 'threads-list', 'aria-label': 'Questions de la DiCS' });
  const askHost = h('div');
  let threads: FormThread[] = [];
  let busy = false;

  const refresh = async () => {
    threads = (await send(route.$get({ param }))) as FormThread[];
    draw();
    onThreads(threads);
  };
  const run = async (buttons: HTMLButtonElement[], request: () => Promise<unknown>) => {
    if (busy) return;
    busy = true;
    alert.textContent = '';
    for (const b of buttons) b.disabled = true;
    try {
      await request();
      await refresh();
    } catch (err) {
      alert.textContent = failureMessage(err);
    } finally {
      busy = false;
      for (const b of buttons) b.disabled = false;
    }
  };
  const messageText = messageTextReader(alert);

  const threadItem = (thread: FormThread): HTMLElement => {
    const headingId = uid('thread');
    const open = thread.statut !== 'resolu';
    const fieldLink = h('button', { type: 'button', class: 'link-button', title: 'Afficher le champ' }, thread.libelle);
    fieldLink.addEventListener('click', () => focusField(thread.chemin));
    const item = h(
      'li',
      {
        class: `thread thread-${thread.statut}`,
        'data-testid': 'thread',
        'data-status': thread.statut,
        'data-thread-id': thread.id,
        'aria-labelledby': headingId,
      },
      h('h3', { id: headingId }, fieldLink, ' — ', h('span', { class: 'thread-status', 'data-testid': 'thread-status' }, THREAD_STATUS_LABELS[thread.statut])),
      h('ol', { class: 'thread-messages' }, thread.messages.map(messageItem)),
    );
    const canDiscuss = open && meCan('discuss');
    const canResolve = open && meCan('review');
    if (!canDiscuss && !canResolve) return item;
    const fieldId = uid('thread-reply');
    const field = h('textarea', { id: fieldId, rows: 3, maxlength: 4000, 'data-testid': 'thread-reply' });
    const buttons: HTMLButtonElement[] = [];
    const threadParam = { ...param, threadId: thread.id };
    if (canDiscuss) {
      const reply = h('button', { type: 'button', class: 'primary', 'data-testid': 'thread-send' }, isReviewer() ? 'Relancer la question' : 'Répondre');
      reply.addEventListener('click', () => {
        const texte = messageText(field);
        if (texte === false || texte === null) return;
        void run(buttons, () => send(route[':threadId'].messages.$post({ param: threadParam, json: { texte } })));
      });
      buttons.push(reply);
    }
    if (canResolve) {
      const resolve = h('button', { type: 'button', 'data-testid': 'thread-resolve' }, 'Marquer comme résolu');
      resolve.addEventListener('click', () => {
        const texte = messageText(field, true);
        if (texte === false) return;
        void run(buttons, () => send(route[':threadId'].resolve.$post({ param: threadParam, json: { texte } })));
      });
      buttons.push(resolve);
    }
    const label = canDiscuss ? (isReviewer() ? 'Votre message (relance ou mot de clôture)' : 'Votre réponse') : 'Mot de clôture (facultatif)';
    item.append(h('div', { class: 'thread-form' }, h('label', { for: fieldId }, label), field, h('div', { class: 'toolbar' }, buttons)));
    return item;
  };

  const askForm = (): HTMLElement | null => {
    if (!meCan('review')) return null;
    const fieldId = uid('thread-ask');
    const choice = h(
      'select',
      { id: `${fieldId}-field`, 'data-testid': 'thread-field' },
      formFieldPaths(definition, doc.data).map((f) => h('option', { value: f.path }, f.label)),
    );
    const text = h('textarea', { id: fieldId, rows: 3, maxlength: 4000, 'data-testid': 'thread-question' });
    const ask = h('button', { type: 'button', class: 'primary', 'data-testid': 'thread-ask' }, 'Envoyer la question');
    ask.addEventListener('click', () => {
      const texte = messageText(text);
      if (texte === false || texte === null) return;
      void run([ask], () => send(route.$post({ param, json: { chemin: choice.value, texte } })));
    });
    return h(
      'section',
      { class: 'thread-ask', 'aria-labelledby': `${fieldId}-title` },
      h('h3', { id: `${fieldId}-title` }, 'Poser une question'),
      h('label', { for: `${fieldId}-field` }, 'Champ concerné'),
      choice,
      h('label', { for: fieldId }, 'Question à la commune'),
      text,
      h('div', { class: 'toolbar' }, ask),
    );
  };

  function draw(): void {
    const pending = threads.filter((t) => t.statut !== 'resolu').length;
    status.textContent =
      threads.length === 0
        ? 'Aucune question sur ce document.'
        : `${threads.length} question${threads.length > 1 ? 's' : ''}, dont ${pending} non résolue${pending > 1 ? 's' : ''}.`;
    replaceChildren(list, threads.map(threadItem));
    replaceChildren(askHost, askForm());
  }

  refresh().catch((err: unknown) => {
    status.textContent = '';
    alert.textContent = failureMessage(err);
  });
  return h('section', { class: 'form-threads', 'data-testid': 'form-threads' }, h('h2', null, 'Questions de la DiCS'), status, list, askHost, alert);
}

/**
 * Beside each field of `root` with a question not resolved yet, a badge naming where it stands; a click shows the
 * question in the page's list of questions. Badges drawn before are replaced.
 */
export function markQuestionedFields(root: HTMLElement, threads: readonly FormThread[]): void {
  for (const old of root.querySelectorAll('.form-field-thread')) old.remove();
  for (const thread of threads) {
    if (thread.statut === 'resolu') continue;
    const control = root.querySelector(`[data-path="${CSS.escape(`data.${thread.chemin}`)}"]`);
    const field = control?.closest('.field, fieldset');
    if (!field) continue;
    const badge = h(
      'button',
      { type: 'button', class: 'link-button form-field-thread', 'data-testid': 'form-field-thread' },
      `Question de la DiCS : ${THREAD_STATUS_LABELS[thread.statut]}`,
    );
    badge.addEventListener('click', () => {
      const item = document.querySelector<HTMLElement>(`[data-thread-id="${CSS.escape(thread.id)}"]`);
      item?.scrollIntoView({ block: 'center' });
      item?.querySelector<HTMLElement>('textarea, button')?.focus();
    });
    field.append(badge);
  }
}
