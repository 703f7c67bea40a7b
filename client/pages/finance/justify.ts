import { FINDING_LEVEL_LABELS, type JustifiedFinding } from '../../../schemas/checks.ts';
import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import { formatDateTime } from '../../../schemas/dates.ts';
import { JustificationFieldsSchema, type Justification } from '../../../schemas/finance.ts';
import { api, send, ApiFailure } from '../../api.ts';
import { h, replaceChildren, uid } from '../../dom.ts';
import { showModal, toast } from '../../ui/dialog.ts';
import type { PageContext } from '../context.ts';
import { waitForSaves } from '../saves.ts';
import { signedInName } from './common.ts';
import { failureMessage } from '../../api.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { guardButton } from '../read-only.ts';

/**
 * Justifications of findings: the chef de projet or the finance officer explains a finding (a transfer paid in
 * January, a rounding of the fiches, a figure of the official form); an error left without one blocks the submission
 * of the annual report. The justification is shown under its finding with its author (the signed-in person) and
 * time, and marked "à revoir" when the figures changed since it was written.
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
 * One finding as a list item: level, message (a link to where it points), then its justification and the button to
 * justify it; an error without justification says that it blocks the submission.
 */
export function findingItem(ctx: PageContext, f: JustifiedFinding, href: string): HTMLElement {
  const messageId = uid('finding');
  const actions = h('div', { class: 'finding-actions' });
  if (f.justification) actions.append(justificationView(f.justification));
  else if (f.level === 'error') actions.append(h('span', { class: 'blocking' }, 'Bloque la soumission : corrigez ou justifiez'));
  const button = h(
    'button',
    { type: 'button', class: 'justify-button', 'data-testid': 'justify-button', 'aria-haspopup': 'dialog', 'aria-describedby': messageId },
    f.justification ? (f.justification.outdated ? 'Revoir la justification' : 'Modifier la justification') : 'Justifier',
  );
  button.addEventListener('click', () => void openJustifyDialog(ctx, f));
  const permissions = permissionsOf(ctx.store);
  guardButton(button, permissions.canSave(WRITE_CAPABILITIES.justification, 'justifications'), permissions.denial('justifier un constat'));
  actions.append(button);
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
    const dialog = h('dialog', { class: 'dialog justify-dialog', 'aria-labelledby': titleId, 'data-testid': 'justify-dialog' });
    const text = h('textarea', { id: textId, rows: 4, maxlength: 2000, 'data-testid': 'justify-text', required: true });
    text.value = finding.justification?.texte ?? '';
    const textError = h('p', { class: 'field-error', role: 'alert', hidden: true });
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
        'Expliquez pourquoi cet écart est légitime (ex. « transfert de l’année payé en janvier de l’année suivante »). ',
        'Si les chiffres changent ensuite, la justification restera visible avec la mention « à revoir ».',
      ),
      h('div', { class: 'field' }, h('label', { for: textId }, 'Justification'), text, textError),
      h('p', { class: 'hint', 'data-testid': 'justify-author' }, `Justification au nom de ${signedInName()}`),
      message,
      h('div', { class: 'dialog-buttons' }, remove, cancel, save),
    );
    dialog.append(form);

    const close = showModal(dialog, {
      onClosed: resolve,
      focus: text.value === '' ? text : save,
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
      const parsed = JustificationFieldsSchema.safeParse({ cle: finding.key, texte: text.value, auteur: signedInName() });
      const issue = parsed.success ? null : (parsed.error.issues[0]?.message ?? null);
      showError(textError, text, issue);
      if (!parsed.success) {
        text.focus();
        return;
      }
      busy(true);
      replaceChildren(message, h('p', null, 'Enregistrement…'));
      try {
        // The server justifies the finding as it computes it: the edits that produced it must be saved first.
        if (!(await waitForSaves(ctx))) throw new Error('pending');
        const current = ctx.store.plan.justifications.find((j) => j.cle === finding.key);
        const stored: Justification = await send(
          api.plans[':planId'].justifications.$put({ param: { planId: ctx.planId }, json: { version: current?.version ?? 0, data: parsed.data } }),
        );
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
          replaceChildren(
            message,
            h(
              'p',
              { class: 'import-message error', role: 'alert' },
              'Des modifications du plan ne sont pas encore enregistrées : attendez « Enregistré » puis réessayez.',
            ),
          );
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
