import { DEPENSES_LINES, RECETTES_LINES, computeBudgetFigures, PART_COMMUNALE_MINIMUM_TEXT, type Budget } from '../../../schemas/budget.ts';
import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import { formatDate, formatDateTime } from '../../../schemas/dates.ts';
import {
  BudgetVersionFieldsSchema,
  checkNewBudgetVersion,
  describeBudgetVersion,
  diffBudgets,
  versionsOfYear,
  type BudgetLineChange,
  type BudgetVersion,
  type BudgetVersionKind,
} from '../../../schemas/finance.ts';
import { formatBelgianNumber, formatEuros, formatPercent, parseBelgianNumber } from '../../../schemas/numbers.ts';
import { api, send, ApiFailure } from '../../api.ts';
import { h, replaceChildren, uid } from '../../dom.ts';
import { financeHref, sectionHref } from '../../router.ts';
import { toast } from '../../ui/dialog.ts';
import type { Page, PageContext } from '../context.ts';
import { eurosOrBlank, signedInName, yearSelector } from './common.ts';
import { failureMessage } from '../../api.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { guardButton } from '../read-only.ts';

/**
 * "Budgets annuels": the versions of one year's budget in the order they apply (prévisionnel, then dated
 * actualisations), line by line with what each version changed from the previous one, and the form that records
 * a new version. A recorded version is never changed: a correction is a new actualisation.
 */

type Side = 'recettes' | 'depenses';
type AmountKey = `${Side}.${string}`;

/** "+€ 1,00" / "€ -1,00": a change between two versions, signed. */
function formatDelta(cents: number): string {
  return cents > 0 ? `+${formatEuros(cents)}` : formatEuros(cents);
}

/** Typed totals that only repeat the sum of the lines are left blank in a new version (the sum counts). */
function prefillOf(budget: Budget): Budget {
  const copy = structuredClone(budget);
  const f = computeBudgetFigures({ budget: copy, transferts: [] });
  if (copy.recettes.total !== null && copy.recettes.total === f.recettesSum) copy.recettes.total = null;
  if (copy.depenses.total !== null && copy.depenses.total === f.depensesSum) copy.depenses.total = null;
  return copy;
}

export function renderBudgets(ctx: PageContext, year: number): Page {
  const { store, planId } = ctx;
  const versionsHost = h('section', { 'aria-labelledby': 'versions-title', 'data-testid': 'budget-versions' });
  const formHost = h('div', { class: 'version-form-host' });
  const actionsHost = h('div', { class: 'toolbar' });
  let formOpen = false;

  function versionsTable(ofYear: BudgetVersion[]): HTMLElement {
    // Differences between consecutive versions; the first one has none.
    const diffs: (BudgetLineChange[] | null)[] = ofYear.map((v, i) => (i === 0 ? null : diffBudgets(ofYear[i - 1]!.budget, v.budget)));
    const lines = diffBudgets(ofYear[0]!.budget, ofYear[0]!.budget);
    const header = h(
      'tr',
      null,
      h('th', { scope: 'col' }, 'Poste'),
      ofYear.map((v, i) =>
        h(
          'th',
          { scope: 'col', 'data-testid': `version-head-${i}` },
          v.nature === 'previsionnel' ? 'Prévisionnel' : `Actualisation ${ofYear.slice(0, i + 1).filter((x) => x.nature === 'actualisation').length}`,
          h('br'),
          h('span', { class: 'muted' }, formatDate(v.dateDecision)),
        ),
      ),
    );
    const body = lines.map((line, li) => {
      const isTotal = line.key === 'total';
      return h(
        'tr',
        { class: isTotal ? 'row-total' : null, 'data-line': `${line.side}.${line.key}`, 'data-testid': `version-line-${line.side}-${line.key}` },
        h(
          'th',
          { scope: 'row' },
          line.side === 'recettes' && !isTotal ? `Recettes : ${line.label}` : line.side === 'depenses' && !isTotal ? `Dépenses : ${line.label}` : line.label,
        ),
        ofYear.map((_, vi) => {
          const change = diffs[vi]?.[li] ?? null;
          const value = vi === 0 ? line.after : (change?.after ?? null);
          const changed = change !== null && change.delta !== null && change.delta !== 0;
          return h(
            'td',
            { class: `num${changed ? ' changed' : ''}`, 'data-testid': `version-cell-${vi}` },
            h('span', { class: 'amount' }, eurosOrBlank(value, '—')),
            changed ? h('span', { class: 'delta', 'data-testid': 'version-delta' }, ` (${formatDelta(change.delta!)})`) : null,
            changed ? h('span', { class: 'visually-hidden' }, ` modifié par rapport à la version précédente`) : null,
          );
        }),
      );
    });
    return h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-label': `Versions du budget ${year}, ligne par ligne`, tabindex: '0' },
      h('table', { class: 'finance-table versions-table', 'data-testid': 'versions-table' }, h('thead', null, header), h('tbody', null, body)),
    );
  }

  function renderVersions(): void {
    const all = store.plan.budgetsAnnuels;
    const ofYear = versionsOfYear(all, year);
    replaceChildren(
      versionsHost,
      h('h2', { id: 'versions-title' }, `Versions du budget ${year}`),
      ofYear.length === 0
        ? h(
            'p',
            { 'data-testid': 'no-version' },
            `Aucune version enregistrée pour ${year} : le rapprochement utilise le `,
            h('a', { href: sectionHref(planId, 'budget') }, 'budget annuel de la fiche plan'),
            '.',
          )
        : [
            h(
              'ol',
              { class: 'versions-list' },
              ofYear.map((v, i) =>
                h(
                  'li',
                  { 'data-testid': `version-${i}` },
                  h('strong', null, describeBudgetVersion(all, v)),
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
            versionsTable(ofYear),
          ],
    );
    renderActions(ofYear);
  }

  function renderActions(ofYear: BudgetVersion[]): void {
    const latest = ofYear[ofYear.length - 1];
    const hasPrevisionnel = ofYear.some((v) => v.nature === 'previsionnel');
    const kind: BudgetVersionKind = hasPrevisionnel ? 'actualisation' : 'previsionnel';
    const label = hasPrevisionnel ? 'Nouvelle actualisation' : `Enregistrer le prévisionnel ${year}`;
    const button = h(
      'button',
      { type: 'button', class: 'primary', 'data-testid': 'new-version', 'aria-expanded': String(formOpen), disabled: formOpen },
      label,
    );
    button.addEventListener('click', () => {
      formOpen = true;
      const source = latest ? latest.budget : store.plan.budget;
      const from = latest ? `la dernière version (${describeBudgetVersion(store.plan.budgetsAnnuels, latest)})` : 'le budget annuel de la fiche plan';
      replaceChildren(formHost, versionForm(kind, prefillOf(source), from));
      renderActions(ofYear);
      formHost.querySelector<HTMLElement>('input, textarea')?.focus();
    });
    const permissions = permissionsOf(store);
    const lock = permissions.yearLock(`budgetsAnnuels.${year}`);
    const roleMay = permissions.can(WRITE_CAPABILITIES.budgetVersion);
    guardButton(
      button,
      permissions.canSave(WRITE_CAPABILITIES.budgetVersion, `budgetsAnnuels.${year}`),
      roleMay && lock ? lock : permissions.denial('enregistrer une version du budget'),
      { temporary: roleMay },
    );
    replaceChildren(actionsHost, button, h('a', { href: financeHref(planId, 'rapprochement', year) }, `Voir le rapprochement ${year}`));
  }

  function closeForm(): void {
    formOpen = false;
    replaceChildren(formHost);
    renderVersions();
  }

  function versionForm(kind: BudgetVersionKind, budget: Budget, from: string): HTMLElement {
    const titleId = uid('version-form');
    const inputs = new Map<AmountKey, HTMLInputElement>();
    const errors = new Map<string, HTMLElement>();
    const figures = h('dl', { class: 'totals-list', 'aria-live': 'polite' });
    const formError = h('div', { class: 'form-error' });

    const field = (path: string, label: string, control: HTMLElement, hint?: string) => {
      const id = uid('v');
      control.id = id;
      control.dataset.path = path;
      const error = h('p', { class: 'field-error', id: `${id}-err`, role: 'alert', hidden: true });
      control.setAttribute('aria-describedby', `${id}-err`);
      errors.set(path, error);
      return h('div', { class: 'field' }, h('label', { for: id }, label), hint ? h('p', { class: 'hint' }, hint) : null, control, error);
    };
    const amount = (side: Side, key: string, label: string, hint?: string) => {
      const value = (budget[side] as Record<string, number | null>)[key] ?? null;
      const input = h('input', { type: 'text', inputmode: 'decimal', class: 'num', autocomplete: 'off', 'data-testid': `version-${side}-${key}` });
      input.value = value === null ? '' : formatBelgianNumber(value, 2);
      input.addEventListener('change', () => {
        const r = parse(input);
        if (r.ok && r.value !== null) input.value = formatBelgianNumber(r.value, 2);
        updateFigures();
      });
      inputs.set(`${side}.${key}`, input);
      return field(`budget.${side}.${key}`, `${label} (€)`, input, hint);
    };
    const parse = (input: HTMLInputElement): { ok: true; value: number | null } | { ok: false; message: string } => {
      const t = input.value.trim();
      if (t === '') return { ok: true, value: null };
      return parseBelgianNumber(t, 2);
    };
    const showError = (path: string, message: string | null) => {
      const el = errors.get(path);
      if (!el) return false;
      el.hidden = message === null;
      el.textContent = message ?? '';
      el.parentElement?.querySelector('input, textarea, select')?.setAttribute('aria-invalid', String(message !== null));
      return true;
    };

    /** The budget as typed; amounts that do not parse are reported on their field. */
    const readBudget = (report: boolean): Budget | null => {
      const out: Budget = structuredClone(budget);
      let ok = true;
      for (const [key, input] of inputs) {
        const [side, line] = key.split('.') as [Side, string];
        const r = parse(input);
        if (report) showError(`budget.${key}`, r.ok ? null : r.message);
        if (!r.ok) {
          ok = false;
          continue;
        }
        (out[side] as Record<string, number | null>)[line] = r.value;
      }
      return ok ? out : null;
    };

    function updateFigures(): void {
      const b = readBudget(false);
      if (!b) {
        replaceChildren(figures, h('div', { class: 'figure' }, h('dt', null, 'Totaux'), h('dd', null, 'un montant n’est pas lisible')));
        return;
      }
      const f = computeBudgetFigures({ budget: b, transferts: [] });
      const balance = f.totalRecettes !== null && f.totalDepenses !== null ? f.totalRecettes - f.totalDepenses : null;
      const row = (label: string, value: string, status?: string, note?: string, testId?: string) =>
        h(
          'div',
          { class: `figure ${status ?? ''}`, 'data-testid': testId ?? null },
          h('dt', null, label),
          h('dd', null, h('span', { class: 'value' }, value), note ? h('span', { class: 'note' }, ` ${note}`) : null),
        );
      const typedMismatch = (typed: number | null, sum: number | null) => typed !== null && typed !== (sum ?? 0);
      replaceChildren(
        figures,
        row(
          'Σ recettes',
          eurosOrBlank(f.recettesSum, '—'),
          typedMismatch(b.recettes.total, f.recettesSum) ? 'error' : undefined,
          typedMismatch(b.recettes.total, f.recettesSum) ? `≠ total saisi ${formatEuros(b.recettes.total!)}` : undefined,
          'version-sum-recettes',
        ),
        row(
          'Σ dépenses',
          eurosOrBlank(f.depensesSum, '—'),
          typedMismatch(b.depenses.total, f.depensesSum) ? 'error' : undefined,
          typedMismatch(b.depenses.total, f.depensesSum) ? `≠ total saisi ${formatEuros(b.depenses.total!)}` : undefined,
          'version-sum-depenses',
        ),
        row(
          'Équilibre recettes − dépenses',
          balance === null ? '—' : formatEuros(balance),
          balance === null ? undefined : balance === 0 ? 'ok' : 'error',
          balance === null || balance === 0 ? undefined : 'une version en déséquilibre sera signalée comme erreur bloquante',
          'version-balance',
        ),
        row(
          'Part communale / subvention PCS',
          f.partCommunaleRatio === null ? 'non calculable' : formatPercent(f.partCommunaleRatio),
          undefined,
          `minimum ${PART_COMMUNALE_MINIMUM_TEXT}`,
        ),
      );
    }

    const libelle = h('input', { type: 'text', maxlength: 300, autocomplete: 'off', 'data-testid': 'version-libelle' });
    libelle.value = kind === 'previsionnel' ? 'Budget initial' : '';
    const dateDecision = h('input', { type: 'date', 'data-testid': 'version-date', min: `${year - 1}-01-01`, max: `${year + 1}-12-31` });
    const commentaire = h('textarea', { rows: 3, maxlength: 2000, 'data-testid': 'version-commentaire' });

    const submit = h(
      'button',
      { type: 'submit', class: 'primary', 'data-testid': 'version-save' },
      kind === 'previsionnel' ? `Enregistrer le prévisionnel ${year}` : 'Enregistrer l’actualisation',
    );
    const cancel = h('button', { type: 'button', 'data-testid': 'version-cancel' }, 'Annuler');
    cancel.addEventListener('click', closeForm);

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
      h(
        'div',
        { class: 'columns' },
        h(
          'fieldset',
          { class: 'field' },
          h('legend', null, 'Recettes'),
          RECETTES_LINES.map((l) => amount('recettes', l.key, l.label)),
          amount('recettes', 'total', 'Total des recettes tel que décidé', 'Vide : la somme des lignes'),
        ),
        h(
          'fieldset',
          { class: 'field' },
          h('legend', null, 'Dépenses'),
          DEPENSES_LINES.map((l) => amount('depenses', l.key, l.label)),
          amount('depenses', 'total', 'Total des dépenses tel que décidé', 'Vide : la somme des lignes'),
        ),
      ),
      h('section', { class: 'totals', 'aria-label': 'Totaux de la version' }, h('h3', null, 'Totaux de la version'), figures),
      h(
        'div',
        { class: 'columns' },
        field('libelle', 'Libellé', libelle, 'Ex. « Budget initial », « Modification budgétaire n°1 »'),
        field('dateDecision', 'Date de la décision', dateDecision, 'Date du budget ou de la modification budgétaire'),
      ),
      field('commentaire', 'Commentaire (facultatif)', commentaire),
      h('p', { class: 'hint', 'data-testid': 'version-auteur' }, `Enregistrée au nom de ${signedInName()}`),
      formError,
      h('div', { class: 'dialog-buttons' }, cancel, submit),
    );
    updateFigures();

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      for (const path of errors.keys()) showError(path, null);
      replaceChildren(formError);
      const b = readBudget(true);
      const fields = {
        annee: year,
        nature: kind,
        libelle: libelle.value,
        dateDecision: dateDecision.value,
        budget: b,
        commentaire: commentaire.value.trim() === '' ? null : commentaire.value,
        auteur: signedInName(),
      };
      const parsed = BudgetVersionFieldsSchema.safeParse(fields);
      const issues = parsed.success
        ? checkNewBudgetVersion(store.plan.budgetsAnnuels, parsed.data, store.programme)
        : parsed.error.issues
            .filter((i) => !(b === null && i.path[0] === 'budget'))
            .map((i) => ({
              path: i.path.join('.'),
              // The date picker gives AAAA-MM-JJ or nothing: a format message would puzzle.
              message: i.path[0] === 'dateDecision' && fields.dateDecision === '' ? 'La date de la décision est obligatoire' : i.message,
            }));
      if (b === null || !parsed.success || issues.length > 0) {
        showIssues(issues, b === null);
        return;
      }
      submit.disabled = true;
      form.setAttribute('aria-busy', 'true');
      try {
        const stored = (await send(
          api.plans[':planId']['budget-versions'].$post({ param: { planId }, json: { data: parsed.data } }),
        )) as unknown as BudgetVersion;
        store.plan.budgetsAnnuels = [...store.plan.budgetsAnnuels, stored];
        toast(`${describeBudgetVersion(store.plan.budgetsAnnuels, stored)} enregistré${stored.nature === 'actualisation' ? 'e' : ''}`);
        closeForm();
        store.emit('local');
      } catch (err) {
        submit.disabled = false;
        form.removeAttribute('aria-busy');
        if (err instanceof ApiFailure && err.body.issues.length > 0) showIssues(err.body.issues, false, err.body.message);
        else replaceChildren(formError, h('p', { class: 'import-message error', role: 'alert' }, failureMessage(err)));
      }
    });

    function showIssues(issues: { path: string; message: string }[], badAmount: boolean, message?: string): void {
      const unplaced = issues.filter((i) => !showError(i.path, i.message));
      const lines = [...(badAmount ? ['Un montant n’est pas lisible : voyez le champ signalé.'] : []), ...unplaced.map((i) => i.message)];
      if (lines.length === 0 && message) lines.push(message);
      replaceChildren(
        formError,
        h(
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
        ),
      );
      form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
    }
    return form;
  }

  renderVersions();
  const el = h(
    'article',
    { class: 'section-page wide finance-page', 'data-testid': 'budgets-page' },
    h('div', { class: 'finance-title' }, h('h1', null, `Budgets annuels ${year}`), yearSelector(planId, 'budgets', store.years, year)),
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
      if (!formOpen) renderVersions();
    },
  };
}
