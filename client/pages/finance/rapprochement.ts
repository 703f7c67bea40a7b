import type { JustifiedFinding } from '../../../schemas/checks.ts';
import { describeTransferSource, type Difference, type PartnerReconciliation, type ReconciliationLine } from '../../../schemas/finance.ts';
import { formatEuros, formatPercent } from '../../../schemas/numbers.ts';
import { h, replaceChildren } from '../../dom.ts';
import { ficheHref } from '../../router.ts';
import type { Page, PageContext } from '../context.ts';
import { eurosOrBlank, figureLink, statusBadge, yearSelector } from './common.ts';
import { findingItem } from './justify.ts';
import { createRapprochementModel, type FigureTarget, type RapprochementModel, type ReconciliationView } from './rapprochement-model.ts';

/**
 * "Rapprochement {année}", the view: renders the model of `rapprochement-model.ts` (the year's reconciliation to
 * the cent, its partners, the actions' shares of the budget and the findings). Every figure leads to where it is
 * entered; every difference says what it compares.
 */

/** A figure as a link to where it is entered. */
const linkTo = (target: FigureTarget, text: string, testId?: string) => figureLink(target.href, text, target.title, testId);

/**
 * "imputé − budget : € -0,01", each difference on its own line; a zero difference is shown, muted. Non-zero
 * amounts stand out on a line in disagreement only (a positive margin over the minimum is not a gap).
 */
function differencesCell(differences: readonly Difference[], inDisagreement: boolean): HTMLElement {
  if (differences.length === 0) return h('td', { class: 'differences muted' }, 'non calculable');
  return h(
    'td',
    { class: 'differences' },
    h(
      'ul',
      null,
      differences.map((d) =>
        h(
          'li',
          { class: d.value === 0 ? 'zero' : inDisagreement ? 'nonzero' : null, 'data-testid': 'difference' },
          `${d.label} : `,
          h('span', { class: 'amount' }, formatEuros(d.value)),
          // Already reported on the lines it sums: said here, so that one cent does not read as two findings.
          d.derived && d.value !== 0 ? h('span', { class: 'muted' }, ' (somme des écarts ci-dessus)') : null,
        ),
      ),
    ),
  );
}

export function renderRapprochement(ctx: PageContext, year: number): Page {
  const { store, planId } = ctx;
  const model = createRapprochementModel({ store, planId, year });
  const summary = h('section', { class: 'finance-cards', 'aria-label': `Synthèse ${year}`, 'aria-live': 'polite' });
  const linesHost = h('section', { 'aria-labelledby': 'rec-lines-title' });
  const partnersHost = h('section', { 'aria-labelledby': 'rec-partners-title' });
  const sharesHost = h('section', { 'aria-labelledby': 'rec-shares-title' });
  const findingsHost = h('section', { 'aria-labelledby': 'rec-findings-title' });

  function render(): void {
    const view = model.reconcile();
    replaceChildren(summary, ...summaryCards(model, view));
    replaceChildren(linesHost, ...linesView(model, view));
    replaceChildren(partnersHost, ...partnersView(model, view, planId));
    replaceChildren(sharesHost, ...sharesView(view, planId));
    replaceChildren(findingsHost, ...findingsView(model, (f) => findingItem(ctx, f, model.findingHref(f))));
  }
  render();

  const el = h(
    'article',
    { class: 'section-page wide finance-page', 'data-testid': 'rapprochement-page' },
    h('div', { class: 'finance-title' }, h('h1', null, `Rapprochement ${year}`), yearSelector(planId, 'rapprochement', store.years, year)),
    h(
      'p',
      { class: 'hint' },
      `Budget ${year} (dernière version enregistrée, sinon budget annuel de la fiche plan), imputations E-compte et transferts aux partenaires, comparés au cent près. `,
      'Les chiffres sont calculés en direct sur le plan tel que modifié ; un montant mène à l’endroit où il se saisit.',
    ),
    summary,
    linesHost,
    partnersHost,
    sharesHost,
    findingsHost,
  );

  return {
    el,
    refresh: render,
    focus(path) {
      const row = el.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`);
      if (!row) return false;
      row.scrollIntoView({ block: 'center' });
      row.classList.add('focused');
      row.focus();
      return true;
    },
  };
}

function card(title: string, value: Node | string, detail: (Node | string | null)[], testId: string, status?: string): HTMLElement {
  return h(
    'div',
    { class: `finance-card${status ? ` ${status}` : ''}`, 'data-testid': testId },
    h('h3', null, title),
    h('p', { class: 'card-value' }, value),
    h('p', { class: 'card-detail' }, ...detail),
  );
}

/** The year in five cards: budget, imputed, transferred, part communale, lines in disagreement. */
function summaryCards(model: RapprochementModel, { rec, disagreements, incomplete }: ReconciliationView): HTMLElement[] {
  const { year } = model;
  const ratio = (r: number | null) => (r === null ? 'non calculable' : formatPercent(r));
  const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;
  return [
    card(
      'Budget applicable (recettes)',
      linkTo(model.budgetTarget(rec, null), eurosOrBlank(rec.figures.totalRecettes), 'rec-budget'),
      [h('span', { 'data-testid': 'rec-budget-source' }, rec.budget.label)],
      'card-budget',
    ),
    card(
      'Total imputé (E-compte)',
      linkTo(model.bookedTarget, eurosOrBlank(rec.booked.total, 'aucune imputation'), 'rec-booked'),
      [`${plural(rec.booked.lines, 'imputation')} ${year}`],
      'card-booked',
    ),
    card(
      'Total transféré aux partenaires',
      linkTo(model.transfersTarget, eurosOrBlank(rec.transferred.total), 'rec-transferred'),
      [
        'dont art.20 : ',
        h('span', { 'data-testid': 'rec-art20' }, eurosOrBlank(rec.transferred.art20)),
        h('br'),
        `${plural(rec.transferred.typed, 'montant')} saisi${rec.transferred.typed > 1 ? 's' : ''} pour ${year}, ${plural(rec.transferred.fromFichePlan, 'montant')} annuel${rec.transferred.fromFichePlan > 1 ? 's' : ''} de la fiche plan`,
      ],
      'card-transferred',
    ),
    card(
      'Part communale / subvention PCS',
      h('span', { 'data-testid': 'rec-part-communale-budget' }, ratio(rec.partCommunale.budgetRatio)),
      ['au budget ; imputée : ', h('span', { 'data-testid': 'rec-part-communale-booked' }, ratio(rec.partCommunale.bookedRatio))],
      'card-part-communale',
    ),
    card(
      'Lignes en désaccord',
      h('span', { 'data-testid': 'rec-disagreements' }, String(disagreements)),
      [`sur ${rec.lines.length} contrôles${incomplete ? ` ; ${incomplete} incomplet${incomplete > 1 ? 's' : ''}` : ''}`],
      'card-disagreements',
      disagreements > 0 ? 'ecart' : 'ok',
    ),
  ];
}

/** The year's controls, to the cent: each line's budget, imputed and transferred figures and their differences. */
function linesView(model: RapprochementModel, { rec }: ReconciliationView): HTMLElement[] {
  const { year } = model;
  const row = (line: ReconciliationLine) =>
    h(
      'tr',
      { 'data-testid': `rec-line-${line.id}`, 'data-path': line.path, 'data-status': line.status, tabindex: '-1', class: `status-${line.status}` },
      h('th', { scope: 'row' }, line.label),
      h(
        'td',
        { class: 'num', 'data-testid': 'budget' },
        line.budget === null ? '—' : linkTo(model.budgetTarget(rec, line), eurosOrBlank(line.budget), `rec-line-${line.id}-budget`),
      ),
      h('td', { class: 'num', 'data-testid': 'booked' }, line.booked === null ? '—' : linkTo(model.bookedTarget, formatEuros(line.booked))),
      h('td', { class: 'num', 'data-testid': 'transferred' }, line.transferred === null ? '—' : linkTo(model.transfersTarget, formatEuros(line.transferred))),
      differencesCell(line.differences, line.status === 'ecart'),
      h('td', null, statusBadge(line.status, 'status')),
      h('td', { class: 'origin' }, line.origin),
    );
  return [
    h('h2', { id: 'rec-lines-title' }, `Contrôles ${year}, au cent près`),
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-label': `Contrôles du rapprochement ${year}`, tabindex: '0' },
      h(
        'table',
        { class: 'finance-table', 'data-testid': 'rec-lines' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Contrôle', 'Budget', 'Imputé', 'Transféré', 'Écart(s)', 'Statut', 'Origine'].map((t) => h('th', { scope: 'col' }, t)),
          ),
        ),
        h('tbody', null, rec.lines.map(row)),
      ),
    ),
  ];
}

function partnerRow(model: RapprochementModel, p: PartnerReconciliation, planId: string): HTMLElement {
  const source = describeTransferSource(p.transfer.source, model.year);
  const fiches =
    p.actions.length === 0
      ? h('td', { class: 'muted' }, 'aucune fiche liée')
      : h(
          'td',
          null,
          h(
            'ul',
            { class: 'linked-fiches' },
            p.actions.map((a) =>
              h(
                'li',
                null,
                h('a', { href: ficheHref(planId, a.actionId) }, a.label.replace(/^Fiche /, '')),
                ' : convention ',
                h('span', { class: 'amount' }, a.conventionIndicatorId === null ? 'pas de ligne' : eurosOrBlank(a.convention, '—')),
                ', part du budget ',
                h('span', { class: 'amount' }, a.partBudgetIndicatorId === null ? 'pas de ligne' : a.partBudget === null ? '—' : formatPercent(a.partBudget)),
              ),
            ),
          ),
        );
  return h(
    'tr',
    { 'data-testid': `rec-partner-${p.transferId}`, 'data-status': p.status },
    h('th', { scope: 'row' }, p.partenaire),
    h('td', null, p.art20 === null ? '—' : p.art20 ? 'Oui' : 'Non'),
    h(
      'td',
      { class: 'num' },
      linkTo(model.transfersTarget, eurosOrBlank(p.transfer.amount), 'partner-transfer'),
      h('br'),
      h('span', { class: 'source', 'data-testid': 'partner-transfer-source' }, source),
    ),
    fiches,
    h('td', { class: 'num' }, eurosOrBlank(p.conventionsSum, '—')),
    h('td', { class: 'num' }, p.difference === null ? '—' : formatEuros(p.difference)),
    h('td', null, statusBadge(p.status, 'status')),
  );
}

/** Each partner's transfer of the year against the convention amounts of its fiches. */
function partnersView(model: RapprochementModel, { rec }: ReconciliationView, planId: string): HTMLElement[] {
  const { year } = model;
  return [
    h('h2', { id: 'rec-partners-title' }, `Transferts ${year} et conventions des fiches`),
    h(
      'p',
      { class: 'hint' },
      'Montant de convention de chaque fiche liée au partenaire (cible de l’année), comparé au transfert. ',
      'Les fiches arrondissent à l’euro : un écart de moins de 1 € par fiche est un arrondi. ',
      h('a', { href: model.hrefs.transfers }, `Saisir les transferts et conventions ${year}`),
    ),
    h(
      'div',
      { class: 'table-wrap', role: 'region', 'aria-label': `Partenaires ${year}`, tabindex: '0' },
      h(
        'table',
        { class: 'finance-table', 'data-testid': 'rec-partners' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            ['Partenaire', 'Art.20', `Transfert ${year}`, 'Fiches liées', 'Σ conventions', 'Écart (Σ − transfert)', 'Statut'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        h(
          'tbody',
          null,
          rec.partners.map((p) => partnerRow(model, p, planId)),
        ),
      ),
    ),
  ];
}

/** Σ of the actions' "Part du budget PCS" against 100 %. */
function sharesView({ rec }: ReconciliationView, planId: string): (HTMLElement | null)[] {
  const { total, items, status } = rec.actionShares;
  return [
    h('h2', { id: 'rec-shares-title' }, `Part du budget PCS affectée aux actions (${rec.year})`),
    h(
      'p',
      { class: 'shares-total', 'data-testid': 'rec-action-shares' },
      'Σ « Part du budget PCS » des actions : ',
      h('strong', { 'data-testid': 'rec-action-shares-total' }, total === null ? 'non renseignée' : formatPercent(total)),
      ' sur 100 % ',
      statusBadge(status, 'rec-action-shares-status'),
    ),
    items.length === 0
      ? null
      : h(
          'details',
          null,
          h('summary', null, `${items.length} action${items.length > 1 ? 's' : ''} avec une part du budget`),
          h(
            'ul',
            null,
            items.map((i) => h('li', null, h('a', { href: ficheHref(planId, i.actionId) }, i.label), ' : ', formatPercent(i.value))),
          ),
        ),
  ];
}

/** The year's findings with their justifications: the lines' own, then the partners' conventions (folded when many). */
function findingsView(model: RapprochementModel, item: (f: JustifiedFinding) => HTMLElement): (HTMLElement | null)[] {
  const { year } = model;
  const { all, lines, conventions, justified } = model.findings();
  return [
    h('h2', { id: 'rec-findings-title' }, `Constats ${year}`),
    all.length === 0
      ? h('p', { 'data-testid': 'rec-no-findings' }, `Aucun constat de rapprochement pour ${year}.`)
      : h(
          'p',
          { class: 'hint' },
          `${all.length} constat${all.length > 1 ? 's' : ''}, dont ${justified} justifié${justified > 1 ? 's' : ''}. Une erreur se corrige ; un avertissement peut se justifier.`,
        ),
    lines.length === 0 ? null : h('ul', { class: 'findings-list', 'data-testid': 'rec-findings' }, lines.map(item)),
    conventions.length === 0
      ? null
      : h(
          'details',
          { open: conventions.length <= 5, 'data-testid': 'rec-convention-findings' },
          h('summary', null, `Transferts et conventions des partenaires : ${conventions.length} constat${conventions.length > 1 ? 's' : ''}`),
          h('ul', { class: 'findings-list' }, conventions.map(item)),
        ),
  ];
}
