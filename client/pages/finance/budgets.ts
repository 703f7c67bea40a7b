import { PART_COMMUNALE_MINIMUM_TEXT } from '../../../schemas/budget.ts';
import { formatDateTime } from '../../../schemas/dates.ts';
import type { VersionIssue } from '../../../schemas/finance.ts';
import { formatEuros, formatPercent } from '../../../schemas/numbers.ts';
import { api, send } from '../../api.ts';
import { h, replaceChildren, uid } from '../../dom.ts';
import { financeHref, sectionHref } from '../../router.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { toast } from '../../ui/dialog.ts';
import type { Page, PageContext } from '../context.ts';
import { guardButton } from '../read-only.ts';
import {
  AMOUNT_FIELDS,
  createBudgetsModel,
  normaliseAmount,
  versionHeads,
  versionTableLines,
  type AmountField,
  type BudgetsModel,
  type VersionDraft,
} from './budgets-model.ts';
import { eurosOrBlank, signedInName, yearSelector } from './common.ts';

/**
 * "Budgets annuels", the view: renders the model of `budgets-model.ts` (versions of one year, line by line, and
 * the form recording a new version) and passes the person's clicks and typing to it.
 */

/** "+€ 1,00" / "€ -1,00": a change between two versions, signed. */
function formatDelta(cents: number): string {
  return cents > 0 ? `+${formatEuros(cents)}` : formatEuros(cents);
}

export function renderBudgets(ctx: PageContext, year: number): Page {
  const { store, planId } = ctx;
  const model = createBudgetsModel({
    store,
    year,
    permissions: permissionsOf(store),
    author: signedInName,
    postVersion: (data) => send(api.plans[':planId']['budget-versions'].$post({ param: { planId }, json: { data } })),
  });
  const versionsHost = h('section', { 'aria-labelledby': 'versions-title', 'data-testid': 'budget-versions' });
  const formHost = h('div', { class: 'version-form-host' });
  const actionsHost = h('div', { class: 'toolbar' });

  function renderActions(): void {
    const action = model.newVersionAction();
    const isOpen = model.form() !== null;
    const button = h(
      'button',
      { type: 'button', class: 'primary', 'data-testid': 'new-version', 'aria-expanded': String(isOpen), disabled: isOpen },
      action.label,
    );
    button.addEventListener('click', () => {
      model.openForm();
      replaceChildren(formHost, versionFormView(model, { onClose: closeForm, onSaved }));
      renderActions();
      formHost.querySelector<HTMLElement>('input, textarea')?.focus();
    });
    guardButton(button, action.allowed, action.reason, { temporary: action.temporary });
    replaceChildren(actionsHost, button, h('a', { href: financeHref(planId, 'rapprochement', year) }, `Voir le rapprochement ${year}`));
  }
  function render(): void {
    replaceChildren(versionsHost, ...versionsView(model, planId));
    renderActions();
  }
  function closeForm(): void {
    model.closeForm();
    replaceChildren(formHost);
    render();
  }
  function onSaved(message: string): void {
    toast(message);
    closeForm();
    store.emit('local');
  }

  render();
  const el = h(
    'article',
    { class: 'section-page wide finance-page', 'data-testid': 'budgets-page' },
    h('div', { class: 'finance-title' }, h('h1', null, `Budgets annuels ${year}`), yearSelector(planId, 'budgets', model.years(), year)),
    h(
      'p',
      { class: 'hint' },
      `Le budget de chaque année : le prévisionnel, puis les actualisations datées (modifications budgétaires). `,
      'Une version enregistrée ne peut plus être modifiée : une correction est une nouvelle actualisation.',
    ),
    actionsHost,
    formHost,
    versionsHost,
  );
  return {
    el,
    // Recorded versions change only through this page or a reload; the form being typed is kept.
    refresh: () => {
      if (model.form() === null) render();
    },
  };
}

/** The year's versions: the list with their authors, then the table of their amounts line by line. */
function versionsView(model: BudgetsModel, planId: string): (Node | null)[] {
  const { year } = model;
  const ofYear = model.versions();
  const title = h('h2', { id: 'versions-title' }, `Versions du budget ${year}`);
  if (ofYear.length === 0) {
    return [
      title,
      h(
        'p',
        { 'data-testid': 'no-version' },
        `Aucune version enregistrée pour ${year} : le rapprochement utilise le `,
        h('a', { href: sectionHref(planId, 'budget') }, 'budget annuel de la fiche plan'),
        '.',
      ),
    ];
  }
  return [
    title,
    h(
      'ol',
      { class: 'versions-list' },
      ofYear.map((v, i) =>
        h(
          'li',
          { 'data-testid': `version-${i}` },
          h('strong', null, model.describe(v)),
          h('br'),
          h('span', { class: 'muted' }, `Enregistrée par ${v.auteur}, le ${formatDateTime(v.enregistreLe)}`),
          v.commentaire ? h('p', { class: 'version-comment' }, v.commentaire) : null,
        ),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      'La dernière version s’applique au rapprochement. Les montants modifiés par rapport à la version précédente sont surlignés, avec leur écart.',
    ),
    versionsTable(model),
  ];
}

function versionsTable(model: BudgetsModel): HTMLElement {
  const ofYear = model.versions();
  const header = h(
    'tr',
    null,
    h('th', { scope: 'col' }, 'Poste'),
    versionHeads(ofYear).map((head, i) =>
      h('th', { scope: 'col', 'data-testid': `version-head-${i}` }, head.label, h('br'), h('span', { class: 'muted' }, head.date)),
    ),
  );
  const body = versionTableLines(ofYear).map((line) =>
    h(
      'tr',
      { class: line.isTotal ? 'row-total' : null, 'data-line': `${line.side}.${line.key}`, 'data-testid': `version-line-${line.side}-${line.key}` },
      h('th', { scope: 'row' }, line.label),
      line.cells.map((cell, vi) =>
        h(
          'td',
          { class: `num${cell.delta !== null ? ' changed' : ''}`, 'data-testid': `version-cell-${vi}` },
          h('span', { class: 'amount' }, eurosOrBlank(cell.value, '—')),
          cell.delta !== null ? h('span', { class: 'delta', 'data-testid': 'version-delta' }, ` (${formatDelta(cell.delta)})`) : null,
          cell.delta !== null ? h('span', { class: 'visually-hidden' }, ` modifié par rapport à la version précédente`) : null,
        ),
      ),
    ),
  );
  return h(
    'div',
    { class: 'table-wrap', role: 'region', 'aria-label': `Versions du budget ${model.year}, ligne par ligne`, tabindex: '0' },
    h('table', { class: 'finance-table versions-table', 'data-testid': 'versions-table' }, h('thead', null, header), h('tbody', null, body)),
  );
}

/** A labelled control with its hint and its error line; `setError` shows a message under it (null clears it). */
type Field = { el: HTMLElement; setError(message: string | null): void };

function fieldView(path: string, label: string, control: HTMLInputElement | HTMLTextAreaElement, hint: string | null = null): Field {
  const id = uid('v');
  control.id = id;
  control.dataset.path = path;
  const error = h('p', { class: 'field-error', id: `${id}-err`, role: 'alert', hidden: true });
  control.setAttribute('aria-describedby', `${id}-err`);
  return {
    el: h('div', { class: 'field' }, h('label', { for: id }, label), hint ? h('p', { class: 'hint' }, hint) : null, control, error),
    setError(message) {
      error.hidden = message === null;
      error.textContent = message ?? '';
      control.setAttribute('aria-invalid', String(message !== null));
    },
  };
}

/** The form recording a new version of the year's budget, as opened by the model (`model.form()`). */
function versionFormView(model: BudgetsModel, on: { onClose(): void; onSaved(message: string): void }): HTMLElement {
  const open = model.form();
  if (!open) throw new Error('no version form open');
  const { kind, from, draft } = open;
  const { year } = model;
  const titleId = uid('version-form');
  const fields = new Map<string, Field>();
  const inputs = new Map<string, HTMLInputElement>();
  const figures = h('dl', { class: 'totals-list', 'aria-live': 'polite' });
  const formError = h('div', { class: 'form-error' });

  const control = (path: string, label: string, el: HTMLInputElement | HTMLTextAreaElement, hint?: string | null): HTMLElement => {
    const f = fieldView(path, label, el, hint);
    fields.set(path, f);
    return f.el;
  };
  const amount = (f: AmountField) => {
    const input = h('input', { type: 'text', inputmode: 'decimal', class: 'num', autocomplete: 'off', 'data-testid': `version-${f.side}-${f.key}` });
    input.value = draft.amounts[f.path] ?? '';
    input.addEventListener('change', () => {
      input.value = normaliseAmount(input.value);
      updateFigures();
    });
    inputs.set(f.path, input);
    return control(f.path, f.label, input, f.hint);
  };
  const amounts = () => Object.fromEntries([...inputs].map(([path, input]) => [path, input.value]));
  const updateFigures = () => replaceChildren(figures, ...figuresView(model, amounts()));

  const libelle = h('input', { type: 'text', maxlength: 300, autocomplete: 'off', 'data-testid': 'version-libelle' });
  libelle.value = draft.libelle;
  const dateDecision = h('input', { type: 'date', 'data-testid': 'version-date', ...model.dateBounds });
  const commentaire = h('textarea', { rows: 3, maxlength: 2000, 'data-testid': 'version-commentaire' });
  const submit = h(
    'button',
    { type: 'submit', class: 'primary', 'data-testid': 'version-save' },
    kind === 'previsionnel' ? `Enregistrer le prévisionnel ${year}` : 'Enregistrer l’actualisation',
  );
  const cancel = h('button', { type: 'button', 'data-testid': 'version-cancel' }, 'Annuler');
  cancel.addEventListener('click', on.onClose);
  const side = (legend: string, list: readonly AmountField[]) => h('fieldset', { class: 'field' }, h('legend', null, legend), list.map(amount));

  const form = h(
    'form',
    { class: 'version-form', 'aria-labelledby': titleId, novalidate: true, 'data-testid': 'version-form' },
    h('h2', { id: titleId }, kind === 'previsionnel' ? `Prévisionnel ${year}` : `Nouvelle actualisation du budget ${year}`),
    h(
      'p',
      { class: 'notice', role: 'note' },
      h('strong', null, 'Une version enregistrée ne peut plus être modifiée ni supprimée. '),
      'Une correction s’enregistre comme une nouvelle actualisation, datée de sa décision. ',
      `Montants préremplis depuis ${from}.`,
    ),
    h('div', { class: 'columns' }, side('Recettes', AMOUNT_FIELDS.recettes), side('Dépenses', AMOUNT_FIELDS.depenses)),
    h('section', { class: 'totals', 'aria-label': 'Totaux de la version' }, h('h3', null, 'Totaux de la version'), figures),
    h(
      'div',
      { class: 'columns' },
      control('libelle', 'Libellé', libelle, 'Ex. « Budget initial », « Modification budgétaire n°1 »'),
      control('dateDecision', 'Date de la décision', dateDecision, 'Date du budget ou de la modification budgétaire'),
    ),
    control('commentaire', 'Commentaire (facultatif)', commentaire),
    h('p', { class: 'hint', 'data-testid': 'version-auteur' }, `Enregistrée au nom de ${signedInName()}`),
    formError,
    h('div', { class: 'dialog-buttons' }, cancel, submit),
  );
  updateFigures();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of fields.values()) f.setError(null);
    replaceChildren(formError);
    const typed: VersionDraft = { amounts: amounts(), libelle: libelle.value, dateDecision: dateDecision.value, commentaire: commentaire.value };
    const checked = model.check(typed);
    const outcome = checked.ok ? await sending(model.record(checked.fields)) : checked;
    if (outcome.ok) return on.onSaved(outcome.message);
    if ('failure' in outcome) {
      replaceChildren(formError, h('p', { class: 'import-message error', role: 'alert' }, outcome.failure));
      return;
    }
    const unplaced = outcome.issues.filter((i) => {
      const f = fields.get(i.path);
      f?.setError(i.message);
      return !f;
    });
    replaceChildren(formError, issuesView(unplaced, outcome.badAmount, outcome.message));
    form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  });
  /** The form is busy while the version is sent; usable again when it is refused. */
  async function sending<T extends { ok: boolean }>(request: Promise<T>): Promise<T> {
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    const outcome = await request;
    if (!outcome.ok) {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
    return outcome;
  }
  return form;
}

/** "La version n’est pas enregistrée." and the issues that no field shows. */
function issuesView(unplaced: readonly VersionIssue[], badAmount: boolean, message: string | null): HTMLElement {
  const lines = [...(badAmount ? ['Un montant n’est pas lisible : voyez le champ signalé.'] : []), ...unplaced.map((i) => i.message)];
  if (lines.length === 0 && message) lines.push(message);
  return h(
    'div',
    { class: 'import-errors', role: 'alert', 'data-testid': 'version-errors' },
    h('p', { class: 'import-message error' }, 'La version n’est pas enregistrée.'),
    lines.length
      ? h(
          'ul',
          null,
          lines.map((l) => h('li', null, l)),
        )
      : null,
  );
}

/** The totals of the version as typed: sums, balance and part communale. */
function figuresView(model: BudgetsModel, amounts: Record<string, string>): HTMLElement[] {
  const f = model.figures(amounts);
  if (!f) return [h('div', { class: 'figure' }, h('dt', null, 'Totaux'), h('dd', null, 'un montant n’est pas lisible'))];
  const row = (label: string, value: string, status: string | null, note: string | null, testId?: string) =>
    h(
      'div',
      { class: `figure ${status ?? ''}`, 'data-testid': testId ?? null },
      h('dt', null, label),
      h('dd', null, h('span', { class: 'value' }, value), note ? h('span', { class: 'note' }, ` ${note}`) : null),
    );
  const mismatch = (total: number | null) => (total === null ? null : `≠ total saisi ${formatEuros(total)}`);
  return [
    row(
      'Σ recettes',
      eurosOrBlank(f.recettesSum, '—'),
      f.recettesTotalMismatch === null ? null : 'error',
      mismatch(f.recettesTotalMismatch),
      'version-sum-recettes',
    ),
    row(
      'Σ dépenses',
      eurosOrBlank(f.depensesSum, '—'),
      f.depensesTotalMismatch === null ? null : 'error',
      mismatch(f.depensesTotalMismatch),
      'version-sum-depenses',
    ),
    row(
      'Équilibre recettes − dépenses',
      f.balance === null ? '—' : formatEuros(f.balance),
      f.balance === null ? null : f.balance === 0 ? 'ok' : 'error',
      f.balance === null || f.balance === 0 ? null : 'une version en déséquilibre sera signalée comme erreur bloquante',
      'version-balance',
    ),
    row(
      'Part communale / subvention PCS',
      f.partCommunaleRatio === null ? 'non calculable' : formatPercent(f.partCommunaleRatio),
      null,
      `minimum ${PART_COMMUNALE_MINIMUM_TEXT}`,
    ),
  ];
}
