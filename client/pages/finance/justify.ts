import { FINDING_LEVEL_LABELS, isJustifiable, type JustifiedFinding } from '../../../schemas/checks.ts';
import { formatDateTime } from '../../../schemas/dates.ts';
import { JustificationFieldsSchema, type Justification } from '../../../schemas/finance.ts';
import { api, send, ApiFailure } from '../../api.ts';
import { h, replaceChildren, uid } from '../../dom.ts';
import { showModal, toast } from '../../ui/dialog.ts';
import type { PageContext } from '../context.ts';
import { waitForSaves } from '../saves.ts';
import { failureMessage, rememberAuthor, rememberedAuthor } from './common.ts';

/**
 * Justifications of findings (issue: reconciliation to the cent). A warning or an information can be explained by
 * the finance officer (a transfer paid in January, a rounding of the fiches); an error cannot, it must be corrected.
 * The justification is shown under its finding with its author and time, and marked "à revoir" when the figures
 * changed since it was written.
 */

/** The justification under a finding: text, "— Auteur, le JJ/MM/AAAA à HH:MM", "à revoir" when outdated. */
export function justificationView(j: NonNullable<JustifiedFinding['justification']>): HTMLElement {
  return h(
    'div',
    { class: `justification${j.outdated ? ' outdated' : ''}`, 'data-testid': 'justification' },
    j.outdated ? h('span', { class: 'to-review', title: 'Les chiffres ont changé depuis cette justification' }, 'À revoir') : null,
    j.outdated ? ' ' : null,
    h('q', { class: 'justification-text', 'data-testid': 'justification-text' }, j.texte),
    ' ',
    h('span', { class: 'justification-author', 'data-testid': 'justification-author' }, `— ${j.auteur}, le ${formatDateTime(j.justifieLe)}`),
  );
}

/**
 * One finding as a list item: level, message (a link to where it points), then its justification and the buttons
 * to justify it, or "Bloquant : à corriger" for an error.
 */
export function findingItem(ctx: PageContext, f: JustifiedFinding, href: string): HTMLElement {
  const justifiable = isJustifiable(f);
  const messageId = uid('finding');
  const actions = h('div', { class: 'finding-actions' });
  if (!justifiable) {
    actions.append(h('span', { class: 'blocking' }, 'Bloquant : à corriger'));
  } else {
    if (f.justification) actions.append(justificationView(f.justification));
    const button = h(
      'button',
      { type: 'button', class: 'justify-button', 'data-testid': 'justify-button', 'aria-haspopup': 'dialog', 'aria-describedby': messageId },
      f.justification ? (f.justification.outdated ? 'Revoir la justification' : 'Modifier la justification') : 'Justifier',
    );
    button.addEventListener('click', () => void openJustifyDialog(ctx, f));
    actions.append(button);
  }
  return h(
    'li',
    { class: `finding ${f.level}${f.justification ? ' justified' : ''}`, 'data-rule': f.rule, 'data-key': f.key, 'data-testid': 'finding' },
    h('span', { class: 'level' }, FINDING_LEVEL_LABELS[f.level]),
    f.justification && !f.justification.outdated ? h('span', { class: 'level justified-badge' }, 'Justifié') : null,
    ' ',
    h('a', { href, id: messageId }, f.message),
    actions,
  );
}

/** Puts a stored justification into the open plan (replacing the one of the same finding). */
function storeJustification(ctx: PageContext, j: Justification | null, cle: string): void {
  const list = ctx.store.plan.justifications.filter((x) => x.cle !== cle);
  if (j) list.push(j);
  ctx.store.plan.justifications = list;
  ctx.store.emit('local');
}

/** The small form: text and author (remembered in this browser); saving replaces the previous justification. */
export function openJustifyDialog(ctx: PageContext, finding: JustifiedFinding): Promise<void> {
  return new Promise((resolve) => {
    const titleId = uid('justify-title');
    const textId = uid('justify-text');
    const authorId = uid('justify-author');
    const dialog = h('dialog', { class: 'dialog justify-dialog', 'aria-labelledby': titleId, 'data-testid': 'justify-dialog' });
    const text = h('textarea', { id: textId, rows: 4, maxlength: 2000, 'data-testid': 'justify-text', required: true });
    text.value = finding.justification?.texte ?? '';
    const author = h('input', { type: 'text', id: authorId, maxlength: 300, autocomplete: 'name', 'data-testid': 'justify-author', required: true });
    author.value = rememberedAuthor();
    const textError = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const authorError = h('p', { class: 'field-error', role: 'alert', hidden: true });
    const message = h('div', { class: 'dialog-message', 'aria-live': 'polite' });
    const cancel = h('button', { type: 'button' }, 'Annuler');
    const remove = finding.justification ? h('button', { type: 'button', class: 'danger', 'data-testid': 'justify-remove' }, 'Retirer la justification') : null;
    const save = h('button', { type: 'submit', class: 'primary', 'data-testid': 'justify-save' }, 'Enregistrer la justification');
    const form = h(
      'form',
      { novalidate: true },
      h('h2', { id: titleId }, 'Justifier le constat'),
      h('p', { class: 'justify-finding' }, h('span', { class: `finding-level ${finding.level}` }, FINDING_LEVEL_LABELS[finding.level]), ' ', finding.message),
      h(
        'p',
        { class: 'hint' },
        'Expliquez pourquoi cet écart est légitime (ex. « transfert 2021 payé en janvier 2022 »). ',
        'Si les chiffres changent ensuite, la justification restera visible avec la mention « à revoir ».',
      ),
      h('div', { class: 'field' }, h('label', { for: textId }, 'Justification'), text, textError),
      h('div', { class: 'field' }, h('label', { for: authorId }, 'Auteur'), h('p', { class: 'hint' }, 'Votre nom, retenu dans ce navigateur'), author, authorError),
      message,
      h('div', { class: 'dialog-buttons' }, remove, cancel, save),
    );
    dialog.append(form);

    const close = showModal(dialog, {
      onClosed: resolve,
      focus: text.value === '' ? text : author.value === '' ? author : save,
      dismissWith: cancel,
    });
    const showError = (el: HTMLElement, control: HTMLElement, text: string | null) => {
      el.hidden = text === null;
      el.textContent = text ?? '';
      control.setAttribute('aria-invalid', String(text !== null));
    };
    const busy = (on: boolean) => {
      for (const b of [save, cancel, remove]) if (b) b.disabled = on;
      dialog.setAttribute('aria-busy', String(on));
    };
    const fail = (err: unknown) => replaceChildren(message, h('p', { class: 'import-message error', role: 'alert' }, failureMessage(err)));

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const parsed = JustificationFieldsSchema.safeParse({ cle: finding.key, texte: text.value, auteur: author.value });
      const issueOf = (field: string) => (parsed.success ? null : (parsed.error.issues.find((i) => i.path[0] === field)?.message ?? null));
      showError(textError, text, issueOf('texte'));
      showError(authorError, author, issueOf('auteur'));
      if (!parsed.success) {
        (issueOf('texte') ? text : author).focus();
        return;
      }
      busy(true);
      replaceChildren(message, h('p', null, 'Enregistrement…'));
      try {
        // The server justifies the finding as it computes it: the edits that produced it must be saved first.
        if (!(await waitForSaves(ctx))) throw new Error('pending');
        const current = ctx.store.plan.justifications.find((j) => j.cle === finding.key);
        const stored = (await send(
          api.plans[':planId'].justifications.$put({ param: { planId: ctx.planId }, json: { version: current?.version ?? 0, data: parsed.data } }),
        )) as unknown as Justification;
        rememberAuthor(parsed.data.auteur);
        close();
        storeJustification(ctx, stored, finding.key);
        toast('Justification enregistrée');
      } catch (err) {
        busy(false);
        if (err instanceof ApiFailure && err.status === 409) {
          const current = err.body.current as Justification | null | undefined;
          if (current) storeJustification(ctx, current, finding.key);
          replaceChildren(
            message,
            h('p', { class: 'import-message error', role: 'alert' }, `${err.body.message}. Relisez-la ; « Enregistrer » la remplacera par votre texte.`),
          );
          return;
        }
        if (err instanceof Error && err.message === 'pending') {
          replaceChildren(message, h('p', { class: 'import-message error', role: 'alert' }, 'Des modifications du plan ne sont pas encore enregistrées : attendez « Enregistré » puis réessayez.'));
          return;
        }
        fail(err);
      }
    });
    remove?.addEventListener('click', async () => {
      const current = ctx.store.plan.justifications.find((j) => j.cle === finding.key);
      if (!current) return close();
      busy(true);
      try {
        await send(
          api.plans[':planId'].justifications.$delete({ param: { planId: ctx.planId }, query: { cle: finding.key, version: String(current.version) } }),
        );
        close();
        storeJustification(ctx, null, finding.key);
        toast('Justification retirée');
      } catch (err) {
        busy(false);
        fail(err);
      }
    });
  });
}
