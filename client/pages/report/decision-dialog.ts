import { ApprovalSchema, DecisionSchema } from '../../../schemas/submission.ts';
import { failureMessage } from '../../api.ts';
import { h, replaceChildren, uid } from '../../dom.ts';
import { showModal } from '../../ui/dialog.ts';

/**
 * The dialog of a decision (approve, return, reopen): a text — required or optional — checked with the server's
 * schema, the request, and its refusal shown in the dialog. Resolves true when the decision was recorded.
 */
export function decisionDialog(opts: {
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
