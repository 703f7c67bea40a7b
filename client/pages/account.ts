import { PasswordChangeSchema, MIN_PASSWORD_LENGTH } from '../../schemas/access.ts';
import { api, send, ApiFailure, SessionExpired, failureMessage } from '../api.ts';
import { h, replaceChildren, uid } from '../dom.ts';
import { currentMe, setMe } from '../state/me.ts';
import { confirmDialog, showModal, toast } from '../ui/dialog.ts';

/**
 * The signed-in person in the page header: name, role and organisation, "Changer le mot de passe" and
 * "Se déconnecter". Signing out is `setMe(null)` once the server has closed the session: the application then
 * shows the sign-in page.
 */
export function accountMenu(opts: { pendingEdits?: () => number } = {}): HTMLElement {
  const me = currentMe();
  if (!me) return h('div', { class: 'account', hidden: true });
  const change = h('button', { type: 'button', class: 'header-button' }, 'Changer le mot de passe');
  change.addEventListener('click', () => void openPasswordDialog());
  const signOut = h('button', { type: 'button', class: 'header-button' }, 'Se déconnecter');
  signOut.addEventListener('click', async () => {
    const pending = opts.pendingEdits?.() ?? 0;
    if (
      pending > 0 &&
      !(await confirmDialog(
        'Modifications non enregistrées',
        `${pending} modification${pending > 1 ? 's' : ''} du plan ${pending > 1 ? 'ne sont' : 'n’est'} pas encore enregistrée${pending > 1 ? 's' : ''}. ` +
          'Si vous vous déconnectez maintenant, elles resteront en attente dans ce navigateur jusqu’à la prochaine connexion.',
        'Se déconnecter quand même',
      ))
    ) {
      return;
    }
    signOut.disabled = true;
    try {
      await send(api.auth.logout.$post());
      setMe(null);
    } catch (err) {
      signOut.disabled = false;
      if (!(err instanceof SessionExpired)) toast(failureMessage(err), 'error');
    }
  });
  return h(
    'div',
    { class: 'account', role: 'group', 'aria-label': 'Votre compte', 'data-testid': 'account' },
    h(
      'p',
      { class: 'account-who' },
      h('span', { class: 'account-name', 'data-testid': 'account-name' }, me.nom),
      h('span', { class: 'account-role', 'data-testid': 'account-role' }, me.organisation ? `${me.roleLabel} — ${me.organisation}` : me.roleLabel),
    ),
    change,
    signOut,
  );
}

/** Current password, new password and its confirmation; the server's refusals are shown at their field. */
export function openPasswordDialog(): Promise<void> {
  return new Promise((resolve) => {
    const me = currentMe();
    const field = (label: string, autocomplete: string, hint?: string) => {
      const id = uid('pw');
      const input = h('input', { type: 'password', id, autocomplete, required: true, maxlength: 200 });
      const error = h('p', { class: 'field-error', id: `${id}-error`, hidden: true });
      const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
      if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
      const show = (message: string | null) => {
        error.hidden = message === null;
        error.textContent = message ?? '';
        input.setAttribute('aria-invalid', String(message !== null));
        input.setAttribute('aria-describedby', [hintEl?.id, message !== null ? error.id : null].filter(Boolean).join(' '));
      };
      return { input, show, el: h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, input, error) };
    };
    const current = field('Mot de passe actuel', 'current-password');
    const next = field(
      'Nouveau mot de passe',
      'new-password',
      `Au moins ${MIN_PASSWORD_LENGTH} caractères. Vos sessions ouvertes dans d’autres navigateurs seront fermées.`,
    );
    const confirmation = field('Confirmation du nouveau mot de passe', 'new-password');
    const message = h('div', { class: 'dialog-message' });
    const cancel = h('button', { type: 'button' }, 'Annuler');
    const save = h('button', { type: 'submit', class: 'primary' }, 'Changer le mot de passe');
    const titleId = uid('dialog-title');
    const form = h(
      'form',
      { novalidate: true },
      h('h2', { id: titleId }, 'Changer le mot de passe'),
      // For password managers: the account whose password changes.
      h('input', { type: 'email', autocomplete: 'username', value: me?.email ?? '', hidden: true, readonly: true, tabindex: '-1' }),
      current.el,
      next.el,
      confirmation.el,
      message,
      h('div', { class: 'dialog-buttons' }, cancel, save),
    );
    const dialog = h('dialog', { class: 'dialog password-dialog', 'aria-labelledby': titleId, 'data-testid': 'password-dialog' }, form);
    let busy = false;
    const close = showModal(dialog, { onClosed: resolve, focus: current.input, dismissWith: cancel, canDismiss: () => !busy });

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (busy) return;
      replaceChildren(message);
      const parsed = PasswordChangeSchema.safeParse({ actuel: current.input.value, nouveau: next.input.value });
      const issueOf = (path: string) => (parsed.success ? null : (parsed.error.issues.find((i) => i.path[0] === path)?.message ?? null));
      const problems = {
        actuel: issueOf('actuel'),
        nouveau: issueOf('nouveau'),
        confirmation:
          confirmation.input.value === ''
            ? 'Confirmez le nouveau mot de passe'
            : confirmation.input.value !== next.input.value
              ? 'La confirmation ne correspond pas au nouveau mot de passe'
              : null,
      };
      current.show(problems.actuel);
      next.show(problems.nouveau);
      confirmation.show(problems.confirmation);
      const first = problems.actuel ? current : problems.nouveau ? next : problems.confirmation ? confirmation : null;
      if (first || !parsed.success) {
        (first ?? current).input.focus();
        return;
      }
      busy = true;
      save.disabled = cancel.disabled = true;
      dialog.setAttribute('aria-busy', 'true');
      try {
        await send(api.auth.password.$put({ json: parsed.data }));
        busy = false;
        close();
        toast('Mot de passe modifié');
      } catch (err) {
        busy = false;
        save.disabled = cancel.disabled = false;
        dialog.removeAttribute('aria-busy');
        const issues = err instanceof ApiFailure ? err.body.issues : [];
        const atActuel = issues.find((i) => i.path === 'actuel');
        const atNouveau = issues.find((i) => i.path === 'nouveau');
        current.show(atActuel?.message ?? null);
        next.show(atNouveau?.message ?? null);
        if (atActuel) {
          current.input.value = '';
          current.input.focus();
        } else if (atNouveau) {
          next.input.focus();
        } else {
          const text = failureMessage(err);
          replaceChildren(message, h('p', { class: 'field-error', role: 'alert' }, text));
        }
      }
    });
  });
}
