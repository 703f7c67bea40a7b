import { LoginSchema, type Me } from '../../schemas/access.ts';
import { api, send, ApiFailure } from '../api.ts';
import { h } from '../dom.ts';

/**
 * The sign-in page, shown whenever the application has no session (first visit, session expired, signed out).
 * The address in the browser is left as it was, so that signing in continues where the person was.
 */
export function renderLoginPage(opts: {
  onSignedIn: (me: Me) => void;
  /** The e-mail of the person whose session ended, to sign in again with one field to type. */
  email?: string | null;
  /** Why the page is shown when it is not a first visit ("Votre session a expiré…"). */
  notice?: string | null;
}): HTMLElement {
  const email = h('input', {
    type: 'email',
    id: 'login-email',
    name: 'email',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    maxlength: 200,
    value: opts.email ?? null,
  });
  const password = h('input', { type: 'password', id: 'login-password', name: 'password', autocomplete: 'current-password', required: true, maxlength: 200 });
  // Present from the start (empty), so that screen readers announce what is written into it.
  const error = h('p', { id: 'login-error', class: 'login-error', role: 'alert', 'data-testid': 'login-error' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Se connecter');
  const form = h(
    'form',
    { class: 'login-form', novalidate: true, 'aria-labelledby': 'login-title' },
    h('h2', { id: 'login-title' }, 'Connexion'),
    opts.notice ? h('p', { class: 'login-notice', role: 'status' }, opts.notice) : null,
    h('div', { class: 'field' }, h('label', { for: 'login-email' }, 'Adresse électronique'), email),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Mot de passe'), password),
    error,
    h('div', { class: 'login-buttons' }, submit),
  );

  const showError = (message: string, field: HTMLInputElement | null) => {
    error.textContent = message;
    // Wrong e-mail or password: the server does not say which (both fields are marked).
    for (const f of [email, password]) {
      f.setAttribute('aria-invalid', String(field === null || f === field));
      f.setAttribute('aria-describedby', 'login-error');
    }
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (submit.disabled) return;
    const parsed = LoginSchema.safeParse({ email: email.value, motDePasse: password.value });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path[0] === 'email' ? email : password;
      showError(issue.message, field);
      field.focus();
      return;
    }
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      const me = (await send(api.auth.login.$post({ json: { email: email.value, motDePasse: password.value } }))) as Me;
      opts.onSignedIn(me);
    } catch (err) {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
      password.value = '';
      const issue = err instanceof ApiFailure ? err.body.issues[0] : undefined;
      const message = err instanceof ApiFailure ? (issue?.message ?? err.body.message) : 'Serveur injoignable : réessayez dans un instant';
      showError(message, issue?.path === 'email' ? email : null);
      (issue?.path === 'email' ? email : password).focus();
    }
  });

  queueMicrotask(() => (opts.email ? password : email).focus());
  return h(
    'main',
    { id: 'main', class: 'login-page' },
    h('header', { class: 'login-brand' }, h('h1', null, 'Cohésio'), h('p', null, 'Plans de Cohésion sociale de Wallonie')),
    form,
  );
}
