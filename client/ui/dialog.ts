import { h, uid } from '../dom.ts';

/**
 * Shows a built <dialog> as a modal (focus trapped) and answers the function that closes and removes it, once.
 * Échap and `dismissWith` (the Annuler button) close it too, unless `canDismiss` says a write is running.
 */
export function showModal(
  dialog: HTMLDialogElement,
  opts: { onClosed: () => void; focus?: HTMLElement | null; dismissWith?: HTMLElement | null; canDismiss?: () => boolean },
): () => void {
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    dialog.close();
    dialog.remove();
    opts.onClosed();
  };
  const dismiss = () => {
    if (opts.canDismiss?.() ?? true) close();
  };
  opts.dismissWith?.addEventListener('click', dismiss);
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    dismiss();
  });
  document.body.append(dialog);
  dialog.showModal();
  opts.focus?.focus();
  return close;
}

/**
 * A modal dialog (native <dialog>: focus trapped, Échap closes). Resolves with the value of the chosen button,
 * or `cancelValue` when closed otherwise.
 */
export function openDialog<T extends string>(opts: {
  title: string;
  body: (Node | string)[];
  buttons: { value: T; label: string; primary?: boolean }[];
  cancelValue: T;
  testId?: string;
}): Promise<T> {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title', 'data-testid': opts.testId ?? 'dialog' });
    const buttons = opts.buttons.map((b) => {
      const btn = h('button', { type: 'button', class: b.primary ? 'primary' : '' }, b.label);
      btn.addEventListener('click', () => close(b.value));
      return btn;
    });
    dialog.append(
      h('h2', { id: 'dialog-title' }, opts.title),
      ...opts.body.map((n) => (typeof n === 'string' ? h('p', null, n) : n)),
      h('div', { class: 'dialog-buttons' }, buttons),
    );
    let chosen = opts.cancelValue;
    const closeDialog = showModal(dialog, { onClosed: () => resolve(chosen), focus: buttons.find((_, i) => opts.buttons[i]?.primary) ?? buttons[0] });
    const close = (value: T) => {
      chosen = value;
      closeDialog();
    };
  });
}

/** A confirmation (deletion…): true when confirmed. */
export async function confirmDialog(title: string, message: string, confirmLabel: string): Promise<boolean> {
  const r = await openDialog({
    title,
    body: [message],
    buttons: [
      { value: 'cancel', label: 'Annuler' },
      { value: 'ok', label: confirmLabel, primary: true },
    ],
    cancelValue: 'cancel',
    testId: 'confirm-dialog',
  });
  return r === 'ok';
}

/** Asks for one required text (the name of a new row); null when cancelled or left blank. */
export async function promptText(title: string, label: string, confirmLabel = 'Ajouter'): Promise<string | null> {
  const id = uid('ask');
  const input = h('input', { type: 'text', id, autocomplete: 'off', maxlength: 300 });
  const value = await openDialog({
    title,
    body: [h('div', { class: 'field' }, h('label', { for: id }, label), input)],
    buttons: [
      { value: 'cancel', label: 'Annuler' },
      { value: 'ok', label: confirmLabel, primary: true },
    ],
    cancelValue: 'cancel',
    testId: 'add-row-dialog',
  });
  const text = input.value.trim();
  return value === 'ok' && text ? text : null;
}

let toastHost: HTMLElement | null = null;
/** A short message at the bottom of the screen (errors of the server, confirmations). */
export function toast(message: string, kind: 'info' | 'error' = 'info'): void {
  if (!toastHost) {
    toastHost = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastHost);
  }
  const el = h('p', { class: `toast ${kind}` }, message);
  toastHost.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 9000 : 4000);
}
