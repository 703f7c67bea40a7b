import { formatDateTime } from '../../schemas/dates.ts';
import type { Programme } from '../../schemas/reference.ts';
import type { ChecklistItem } from '../../schemas/submission.ts';
import type { QueueItem } from '../../schemas/review-queue.ts';
import { MAX_DEMANDE_TEXT } from '../../schemas/review-queue.ts';
import { api, failureMessage, send } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { queueHref, reportHref } from '../router.ts';
import { meCan } from '../state/me.ts';
import { showModal, toast } from '../ui/dialog.ts';
import { accountMenu } from './account.ts';
import { decisionDialog } from './report/decision-dialog.ts';
import { formQueueSection } from './form-queue.ts';
import {
  MOTIF_OPTIONS,
  changesText,
  checklistText,
  createQueueModel,
  demandeOf,
  previousDemandesText,
  submittedText,
  targetOptions,
  waitingText,
  type DemandeDraft,
  type QueueModel,
  type QueueRequests,
} from './review-queue-model.ts';

/**
 * « File d'instruction » (DiCS, administrator): the submissions awaiting review of a programme, oldest first, in an
 * accessible table — each row a decision to take (select it, open its checklist and changes, open the plan), not
 * cells to edit, so the spreadsheet grid does not fit —, a side panel with the opened submission's checklist and
 * changes since the last approved version, « Retourner… » with demandes de correction, « Approuver » one or the
 * selection once each selected checklist was opened.
 */

const REQUESTS: QueueRequests = {
  queue: (programme) => send(api.region.queue.$get({ query: { programme } })),
  review: (planId, submissionId) => send(api.plans[':planId'].submissions[':submissionId'].review.$get({ param: { planId, submissionId } })),
  changes: (planId, submissionId) =>
    send(api.plans[':planId'].submissions[':submissionId'].changes.$get({ param: { planId, submissionId }, query: { since: 'approved' } })),
  approve: (items, motif) => send(api.region.queue.approve.$post({ json: { items, motif } })),
  reasons: (planId, submissionId) => send(api.plans[':planId']['return-reasons'].$get({ param: { planId }, query: { submissionId } })),
  returnSubmission: (planId, submissionId, json) =>
    send(api.plans[':planId'].submissions[':submissionId'].return.$post({ param: { planId, submissionId }, json })),
};

const submissionLabel = (i: QueueItem) => `${i.kindLabel} ${i.annee} · n°${i.numero}`;

function row(model: QueueModel, item: QueueItem): HTMLElement {
  const box = h('input', {
    type: 'checkbox',
    'data-testid': 'queue-select',
    'aria-label': `Sélectionner ${item.porteur}, ${submissionLabel(item)}`,
    checked: model.isSelected(item),
  });
  box.addEventListener('change', () => model.toggle(item, box.checked));
  const open = h('button', { type: 'button', 'data-testid': 'queue-open', 'aria-controls': 'queue-panel' }, 'Examiner');
  open.addEventListener('click', () => model.open(item).catch((err: unknown) => toast(failureMessage(err), 'error')));
  const previous = previousDemandesText(item);
  const active = model.opened?.item.submissionId === item.submissionId;
  return h(
    'tr',
    { 'data-testid': 'queue-row', 'data-plan': item.planId, 'data-submission': item.submissionId, class: active ? 'queue-active' : null },
    h('td', null, box),
    h('td', null, open),
    h('th', { scope: 'row' }, h('a', { href: reportHref(item.planId, item.annee, item.kind), title: 'Ouvrir le plan' }, item.porteur)),
    h('td', null, item.province ?? '—'),
    h('td', null, submissionLabel(item)),
    h('td', null, submittedText(item)),
    h('td', { class: 'num' }, waitingText(item.joursAttente)),
    h('td', { class: 'num' }, String(item.questionsOuvertes)),
    h('td', { class: item.checklist.pret ? 'ok' : 'ko' }, checklistText(item), model.wasSeen(item) ? ' ✓ vue' : null),
    h('td', null, changesText(item), previous ? h('div', { class: 'hint' }, previous) : null),
  );
}

function table(model: QueueModel): HTMLElement {
  if (model.items.length === 0) return h('p', { 'data-testid': 'queue-empty' }, 'Aucune soumission en attente d’examen pour ce programme.');
  const th = (text: string) => h('th', { scope: 'col' }, text);
  return h(
    'table',
    { class: 'plans-table queue-table', 'data-testid': 'queue-table' },
    h('caption', { class: 'hint' }, 'Soumissions en attente d’examen, la plus ancienne d’abord'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        ['Sélection', 'Examen', 'Porteur', 'Province', 'Soumission', 'Soumise le', 'Attente', 'Questions ouvertes', 'Contrôle', 'Modifications'].map(th),
      ),
    ),
    h(
      'tbody',
      null,
      model.items.map((i) => row(model, i)),
    ),
  );
}

function checklistView(elements: readonly ChecklistItem[]): HTMLElement {
  return h(
    'ul',
    { class: 'checklist', 'data-testid': 'queue-checklist' },
    elements.map((e) =>
      h(
        'li',
        { class: e.ok ? 'ok' : 'ko' },
        `${e.ok ? '✓' : '✗'} ${e.label}`,
        e.details.length
          ? h(
              'details',
              null,
              h('summary', null, `${e.details.length} à compléter`),
              h(
                'ul',
                null,
                e.details.map((d) => h('li', null, d.message)),
              ),
            )
          : null,
        e.justified.length ? h('div', { class: 'hint' }, `${e.justified.length} exception(s) justifiée(s)`) : null,
      ),
    ),
  );
}

function panel(model: QueueModel): HTMLElement {
  const opened = model.opened;
  const el = h('aside', { class: 'queue-panel', id: 'queue-panel', 'aria-label': 'Soumission examinée', 'data-testid': 'queue-panel' });
  if (!opened) {
    replaceChildren(el, h('p', { class: 'hint' }, 'Choisissez « Examiner » sur une ligne pour voir sa liste de contrôle et ses modifications.'));
    return el;
  }
  const { item, review, changes, previousDemandes } = opened;
  const approve = h('button', { type: 'button', class: 'primary', 'data-testid': 'queue-approve-one' }, 'Approuver');
  approve.addEventListener('click', () => void approveDialog(model, [item]));
  const ret = h('button', { type: 'button', 'data-testid': 'queue-return', 'aria-haspopup': 'dialog' }, 'Retourner…');
  ret.addEventListener('click', () => void returnDialog(model));
  const canReview = meCan('review');
  approve.hidden = ret.hidden = !canReview;
  replaceChildren(
    el,
    h('h2', null, item.porteur),
    h('p', null, submissionLabel(item), ' — ', h('a', { href: reportHref(item.planId, item.annee, item.kind) }, 'Ouvrir le plan')),
    h('h3', null, 'Liste de contrôle'),
    checklistView(review.checklist.elements),
    h('h3', null, 'Modifications'),
    h('p', { class: 'hint', 'data-testid': 'queue-changes-since' }, changes.depuis.libelle),
    changes.changements.length
      ? h(
          'ul',
          { class: 'queue-changes', 'data-testid': 'queue-changes' },
          changes.changements.map((c) => h('li', null, `${c.label} : ${c.oldText} → ${c.newText}`)),
        )
      : null,
    previousDemandes.length
      ? [
          h('h3', null, 'Demandes du retour précédent'),
          h(
            'ul',
            { 'data-testid': 'queue-previous-demandes' },
            previousDemandes.map((d) =>
              h(
                'li',
                null,
                `${d.motifLabel} — ${d.cibleLibelle} : ${d.texte} — `,
                h('strong', null, d.resolvedAt ? `marquée corrigée le ${formatDateTime(d.resolvedAt)}` : 'non marquée corrigée'),
              ),
            ),
          ),
        ]
      : null,
    h('div', { class: 'dialog-buttons' }, ret, approve),
  );
  return el;
}

async function approveDialog(model: QueueModel, which: QueueItem[]): Promise<void> {
  const n = which.length;
  await decisionDialog({
    title: n === 1 ? `Approuver : ${which[0]!.porteur}` : `Approuver les ${n} soumissions sélectionnées`,
    text: which.map((i) => `${i.porteur} — ${submissionLabel(i)}`).join(' ; '),
    fieldLabel: 'Commentaire (facultatif)',
    required: false,
    confirmLabel: n === 1 ? 'Approuver' : `Approuver les ${n}`,
    testId: 'queue-approve-dialog',
    run: (motif) => model.approve(which, motif),
  });
}

/** One demande's fields in the return dialog: target, type, text, and its remove button. */
function demandeFields(options: { value: string; label: string }[], draft: DemandeDraft, remove: () => void): HTMLElement {
  const ids = { cible: uid('cible'), type: uid('type'), texte: uid('texte') };
  const cible = h(
    'select',
    { id: ids.cible, 'data-testid': 'demande-cible' },
    options.map((o) => h('option', { value: o.value, selected: o.value === draft.cible }, o.label)),
  );
  cible.addEventListener('change', () => (draft.cible = cible.value));
  const type = h(
    'select',
    { id: ids.type, 'data-testid': 'demande-type' },
    MOTIF_OPTIONS.map((o) => h('option', { value: o.value, selected: o.value === draft.motifType }, o.label)),
  );
  type.addEventListener('change', () => (draft.motifType = type.value as DemandeDraft['motifType']));
  const texte = h('textarea', { id: ids.texte, rows: 2, maxlength: MAX_DEMANDE_TEXT, 'data-testid': 'demande-texte' });
  texte.addEventListener('input', () => (draft.texte = texte.value));
  const del = h('button', { type: 'button', class: 'link-button' }, 'Retirer');
  del.addEventListener('click', remove);
  return h(
    'fieldset',
    { class: 'demande', 'data-testid': 'demande' },
    h('legend', null, 'Demande de correction'),
    h('div', { class: 'field' }, h('label', { for: ids.cible }, 'Cible'), cible),
    h('div', { class: 'field' }, h('label', { for: ids.type }, 'Type'), type),
    h('div', { class: 'field' }, h('label', { for: ids.texte }, 'Texte'), texte),
    del,
  );
}

/** « Retourner… »: a reason and/or demandes, each on a section or a fiche of the submitted plan. */
function returnDialog(model: QueueModel): Promise<void> {
  const opened = model.opened;
  if (!opened) return Promise.resolve();
  const options = targetOptions(opened.review.cibles);
  const drafts: DemandeDraft[] = [];
  const list = h('div', { class: 'demandes' });
  const draw = () =>
    replaceChildren(
      list,
      drafts.map((d, i) =>
        demandeFields(options, d, () => {
          drafts.splice(i, 1);
          draw();
        }),
      ),
    );
  const add = h('button', { type: 'button', 'data-testid': 'demande-add' }, 'Ajouter une demande');
  add.addEventListener('click', () => {
    drafts.push({ cible: options[1]?.value ?? 'plan', motifType: 'donnee-manquante', texte: '' });
    draw();
  });
  const motifId = uid('motif');
  const motif = h('textarea', { id: motifId, rows: 3, maxlength: 500, 'data-testid': 'return-motif' });
  const message = h('div', { class: 'dialog-message', role: 'alert', 'data-testid': 'return-failure' });
  const cancel = h('button', { type: 'button' }, 'Annuler');
  const confirm = h('button', { type: 'submit', class: 'primary', 'data-testid': 'return-confirm' }, 'Retourner à la commune');
  const form = h(
    'form',
    { novalidate: true },
    h('h2', { id: 'return-title' }, `Retourner : ${opened.item.porteur}`),
    h('p', null, `${submissionLabel(opened.item)}. Indiquez un motif, des demandes de correction, ou les deux : la commune les verra là où corriger.`),
    h('div', { class: 'field' }, h('label', { for: motifId }, 'Motif général (facultatif avec des demandes)'), motif),
    list,
    add,
    message,
    h('div', { class: 'dialog-buttons' }, cancel, confirm),
  );
  const dialog = h('dialog', { class: 'dialog return-dialog', 'aria-labelledby': 'return-title', 'data-testid': 'return-dialog' }, form);
  return new Promise((resolve) => {
    let busy = false;
    const close = showModal(dialog, { onClosed: () => resolve(), focus: motif, dismissWith: cancel, canDismiss: () => !busy });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const bad = drafts.map(demandeOf).find((r) => !r.ok);
      if (bad && !bad.ok) return void replaceChildren(message, h('p', { class: 'import-message error' }, bad.message));
      busy = true;
      confirm.disabled = true;
      try {
        await model.returnOpened(motif.value.trim() || null, drafts);
        toast('Soumission retournée à la commune');
        close();
      } catch (err) {
        replaceChildren(message, h('p', { class: 'import-message error' }, failureMessage(err)));
      } finally {
        busy = false;
        confirm.disabled = false;
      }
    });
  });
}

export async function renderReviewQueuePage(programmes: readonly Programme[], programmeId: string | null): Promise<HTMLElement> {
  const programme = programmes.find((p) => p.id === programmeId) ?? programmes.find((p) => p.statut === 'publie') ?? programmes[0]!;
  const model = createQueueModel(REQUESTS, programme.id);
  await model.load();
  const select = h(
    'select',
    { id: 'queue-programme', 'data-testid': 'queue-programme' },
    programmes.map((p) => h('option', { value: p.id, selected: p.id === programme.id }, p.label)),
  );
  select.addEventListener('change', () => (location.hash = queueHref(select.value)));
  const bulk = h('button', { type: 'button', class: 'primary', 'data-testid': 'queue-approve-selected' });
  const bulkHint = h('p', { class: 'hint', 'data-testid': 'queue-approve-hint', id: 'queue-approve-hint' });
  bulk.setAttribute('aria-describedby', 'queue-approve-hint');
  bulk.addEventListener('click', () => void approveDialog(model, model.selection));
  const body = h('div', { class: 'queue-body' });
  const draw = () => {
    const n = model.selection.length;
    bulk.textContent = `Approuver les ${n} sélectionnés`;
    const blocker = model.bulkApprovalBlocker;
    bulk.disabled = blocker !== null;
    bulkHint.textContent = blocker ?? '';
    bulk.hidden = bulkHint.hidden = !meCan('review');
    replaceChildren(body, h('div', { class: 'queue-list' }, table(model)), panel(model));
  };
  model.subscribe(draw);
  draw();
  return h(
    'main',
    { id: 'main', class: 'plans-page queue-page' },
    h('header', { class: 'app-header' }, h('a', { href: '#/', class: 'brand' }, 'Cohésio'), h('h1', null, 'File d’instruction'), accountMenu()),
    h('div', { class: 'field' }, h('label', { for: 'queue-programme' }, 'Programme'), select),
    h('div', { class: 'queue-actions' }, bulk, bulkHint),
    body,
    formQueueSection(programme.id),
  );
}
