import { ExtensionSchema, extensionText, type DeadlineExtension } from '../../../schemas/deadlines.ts';
import { formatDate } from '../../../schemas/dates.ts';
import { api, failureMessage, send } from '../../api.ts';
import { h, replaceChildren, uid } from '../../dom.ts';
import { meCan } from '../../state/me.ts';
import { confirmDialog, showModal, toast } from '../../ui/dialog.ts';

/**
 * « Échéance » of the report page: the programme's due date of the kind and year shown, or the later one the DiCS
 * granted (« délai accordé jusqu'au … (échéance du programme : …) »), and, for the DiCS and the administrator,
 * « Accorder un délai… » and « Retirer le délai ». `onChanged` receives the plan's extensions at each load.
 */
export function deadlineView(opts: {
  planId: string;
  kind: string;
  annee: number;
  /** The programme's due date of the kind and year (null when none). */
  programmeDue: string | null;
  onChanged: (extensions: readonly DeadlineExtension[]) => void;
}): HTMLElement {
  const el = h('div', { class: 'report-deadline' });
  const param = { planId: opts.planId, kind: opts.kind, annee: String(opts.annee) };
  if (!opts.programmeDue) return el;
  const programmeDue = opts.programmeDue;

  function draw(extension: DeadlineExtension | null): void {
    const granted = extension ? extensionText({ echeance: extension.echeance, echeanceProgramme: programmeDue }) : null;
    const may = meCan('grant-extension');
    replaceChildren(
      el,
      h(
        'p',
        { class: 'report-due', 'data-testid': 'report-due' },
        `Échéance : ${formatDate(extension?.echeance ?? programmeDue)}`,
        granted ? h('span', { class: 'hint', 'data-testid': 'report-extension' }, ` — ${granted}${extension?.motif ? ` — ${extension.motif}` : ''}`) : null,
      ),
      may ? h('button', { type: 'button', 'data-testid': 'grant-extension', onclick: () => void grant(extension) }, 'Accorder un délai…') : null,
      may && extension ? h('button', { type: 'button', 'data-testid': 'withdraw-extension', onclick: () => void withdraw() }, 'Retirer le délai') : null,
    );
  }

  async function load(): Promise<void> {
    try {
      const list = await send(api.plans[':planId'].deadlines.$get({ param: { planId: opts.planId } }));
      draw(list.find((e) => e.kind === opts.kind && e.annee === opts.annee) ?? null);
      opts.onChanged(list);
    } catch (err) {
      draw(null);
      toast(`Les délais accordés n’ont pas pu être chargés : ${failureMessage(err)}`, 'error');
    }
  }

  async function grant(current: DeadlineExtension | null): Promise<void> {
    if (await extensionDialog(programmeDue, current, (body) => send(api.plans[':planId'].deadlines[':kind'][':annee'].$put({ param, json: body })))) {
      toast('Délai accordé');
      await load();
    }
  }

  async function withdraw(): Promise<void> {
    if (!(await confirmDialog('Retirer le délai', `L’échéance du programme (${formatDate(programmeDue)}) s’appliquera de nouveau.`, 'Retirer le délai')))
      return;
    try {
      await send(api.plans[':planId'].deadlines[':kind'][':annee'].$delete({ param }));
      await load();
    } catch (err) {
      toast(failureMessage(err), 'error');
    }
  }

  draw(null);
  void load();
  return el;
}

/** The dialog: a date after the programme's due date and a reason, checked with the server's schema; true when granted. */
function extensionDialog(
  programmeDue: string,
  current: DeadlineExtension | null,
  run: (body: { echeance: string; motif: string | null }) => Promise<unknown>,
): Promise<boolean> {
  return new Promise((resolve) => {
    const titleId = uid('extension-title');
    const dateId = uid('extension-date');
    const motifId = uid('extension-motif');
    const date = h('input', { type: 'date', id: dateId, required: true, min: programmeDue, value: current?.echeance ?? '', 'data-testid': 'extension-date' });
    const motif = h('textarea', { id: motifId, rows: 3, maxlength: 500, 'data-testid': 'extension-motif' }, current?.motif ?? '');
    const message = h('div', { class: 'dialog-message', role: 'alert', 'data-testid': 'extension-error' });
    const cancel = h('button', { type: 'button' }, 'Annuler');
    const confirm = h('button', { type: 'submit', class: 'primary', 'data-testid': 'extension-confirm' }, 'Accorder le délai');
    let busy = false;
    let done = false;
    const form = h(
      'form',
      { novalidate: true },
      h('h2', { id: titleId }, 'Accorder un délai'),
      h('p', null, `Échéance du programme : ${formatDate(programmeDue)}. Le nouveau délai doit être postérieur.`),
      h('div', { class: 'field' }, h('label', { for: dateId }, 'Nouvelle échéance'), date),
      h('div', { class: 'field' }, h('label', { for: motifId }, 'Motif (facultatif)'), motif),
      message,
      h('div', { class: 'dialog-buttons' }, cancel, confirm),
    );
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': titleId, 'data-testid': 'extension-dialog' }, form);
    const close = showModal(dialog, { onClosed: () => resolve(done), focus: date, dismissWith: cancel, canDismiss: () => !busy });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      const parsed = ExtensionSchema.safeParse({ echeance: date.value, motif: motif.value.trim() || null });
      if (!parsed.success) {
        replaceChildren(message, h('p', { class: 'import-message error' }, parsed.error.issues[0]?.message ?? 'Valeur invalide'));
        return;
      }
      busy = true;
      confirm.disabled = cancel.disabled = true;
      try {
        await run(parsed.data);
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
