import { ANNUAL_REPORT_KIND } from '../../schemas/reference.ts';
import { summariseFindings } from '../../schemas/checks.ts';
import { describeAction } from '../../schemas/action.ts';
import { porteurTitle } from '../../schemas/porteur.ts';
import { h, replaceChildren } from '../dom.ts';
import { ficheHref, financeHref, formsHref, reportHref, sectionHref, type Route } from '../router.ts';
import { statusLine } from '../ui/status.ts';
import type { PageContext, Page } from './context.ts';
import { SECTIONS } from './sections/index.ts';
import { renderFichePage } from './fiche.ts';
import { workbookControls } from './workbook.ts';
import { pdfExportControl } from './pdf-export.ts';
import { FINANCE_PAGES, renderFinancePage } from './finance/index.ts';
import { findingItem } from './finance/justify.ts';
import { planHistoryButton } from './history.ts';
import { planBanners } from './read-only.ts';
import { renderReportPage } from './report/index.ts';
import { returnReasonsBanner } from './return-reasons.ts';
import { findingHref } from './hrefs.ts';
import { reviewOf } from '../state/review.ts';
import { writeSummary } from '../state/permissions.ts';
import { localRefusalsChanged } from '../state/local-refusals.ts';
import { accountMenu } from './account.ts';
import { renderFormsPage } from './forms.ts';
import { lineageLinks, preparationBanner, prepareSuccessorButton, type LineageContext } from './successor.ts';

/**
 * The plan's frame: header (commune, programme, save status, workbook export and import, PDF report, checks, the
 * signed-in person), the navigation in the form's order (sections of the fiche plan, then one entry per fiche
 * action), the page, and the checks panel whose findings lead to their field or cell.
 */
export type Shell = { el: HTMLElement; show(route: Route): void; dispose(): void };

export function renderPlanShell(ctx: PageContext, lineage: LineageContext): Shell {
  const { store, planId } = ctx;
  const nav = h('nav', { class: 'plan-nav', 'aria-label': 'Sections du plan' });
  const main = h('main', { id: 'main', class: 'plan-main', tabindex: '-1' });
  const checksList = h('div', { class: 'checks-list' });
  const checksSummary = h('span', { class: 'checks-count', 'data-testid': 'checks-count' });
  const panel = h(
    'aside',
    { class: 'checks-panel', id: 'checks-panel', 'aria-label': 'Contrôles du plan', hidden: true },
    h('h2', null, 'Contrôles'),
    checksList,
  );
  const toggle = h(
    'button',
    { type: 'button', class: 'checks-toggle', 'aria-controls': 'checks-panel', 'aria-expanded': 'false' },
    'Contrôles ',
    checksSummary,
  );
  toggle.addEventListener('click', () => {
    panel.hidden = !panel.hidden;
    toggle.setAttribute('aria-expanded', String(!panel.hidden));
    el.classList.toggle('with-checks', !panel.hidden);
  });
  const programme = store.programme;
  const title = h('span', null);
  const header = h(
    'header',
    { class: 'app-header plan-header' },
    h('a', { href: '#/', class: 'brand' }, 'Cohésio'),
    h('div', { class: 'plan-title' }, title, h('span', { class: 'programme' }, ` — ${programme.label}`), lineageLinks(lineage)),
    // A person who may change nothing here reads « Lecture seule », not « Enregistré ».
    statusLine(ctx.queue, { isReadOnly: () => writeSummary(store)?.readOnly === true }),
    workbookControls(ctx),
    pdfExportControl(ctx),
    planHistoryButton(ctx),
    prepareSuccessorButton(ctx, lineage),
    toggle,
    accountMenu({ pendingEdits: () => ctx.queue.pending }),
  );
  // What a role that changes only part of the plan (or nothing) may do, and the years under review, above the pages.
  const banners = planBanners(
    store,
    [preparationBanner(ctx, lineage)].filter((b) => b !== null),
  );
  const el = h('div', { class: 'plan-shell with-banner' }, header, banners.el, nav, main, panel);

  let page: Page | null = null;
  let route: Route | null = null;

  function renderNav(): void {
    const current = route;
    const link = (href: string, text: string, active: boolean) => h('li', null, h('a', { href, 'aria-current': active ? 'page' : null }, text));
    replaceChildren(
      nav,
      h('h2', null, 'Fiche plan'),
      h(
        'ol',
        null,
        SECTIONS.map((s) => link(sectionHref(planId, s.id), s.title, current?.page === 'section' && current.section === s.id)),
      ),
      h('h2', null, 'Finances'),
      h(
        'ol',
        { class: 'finance-links' },
        // The year being looked at follows from one finance page to the next.
        FINANCE_PAGES.map((p) =>
          link(financeHref(planId, p.id, current?.page === 'finance' ? current.year : null), p.title, current?.page === 'finance' && current.view === p.id),
        ),
      ),
      h('h2', null, 'Examen par la DiCS'),
      h(
        'ol',
        { class: 'report-links' },
        link(
          reportHref(planId, current?.page === 'report' || current?.page === 'finance' ? current.year : null, current?.page === 'report' ? current.kind : null),
          // A programme without an annual report names its submissions.
          store.programme.soumissions.some((k) => k.id === ANNUAL_REPORT_KIND) ? 'Rapport annuel' : 'Soumissions à la DiCS',
          current?.page === 'report',
        ),
      ),
      h('h2', null, 'Documents'),
      h('ol', { class: 'form-links' }, link(formsHref(planId), 'Formulaires', current?.page === 'forms')),
      h('h2', null, 'Fiches action'),
      h(
        'ol',
        { class: 'fiche-links' },
        store.plan.actions.map((a) =>
          link(ficheHref(planId, a.id), describeAction(a).replace(/^Fiche /, ''), current?.page === 'fiche' && current.actionId === a.id),
        ),
      ),
    );
    title.textContent = `Plan de Cohésion sociale — ${porteurTitle(store.plan)}`;
  }

  function renderChecks(): void {
    const findings = store.justifiedChecks();
    checksSummary.textContent = summariseFindings(findings, ['error', 'warning']);
    toggle.classList.toggle(
      'has-errors',
      findings.some((f) => f.level === 'error'),
    );
    const justified = findings.filter((f) => f.justification && !f.justification.outdated).length;
    replaceChildren(
      checksList,
      findings.length === 0
        ? h('p', null, 'Aucune remarque : le plan respecte toutes les règles.')
        : [
            justified > 0
              ? h(
                  'p',
                  { class: 'hint', 'data-testid': 'checks-justified' },
                  `${justified} constat${justified > 1 ? 's' : ''} justifié${justified > 1 ? 's' : ''}`,
                )
              : null,
            h(
              'ul',
              null,
              findings.map((f) => findingItem(ctx, f, findingHref(planId, store.plan, f.path))),
            ),
          ],
    );
  }

  function renderPage(): void {
    const r = route;
    // Only the pages of a plan are the shell's (the plans list, the DiCS's and the administrator's pages are not).
    if (!r || !('planId' in r)) return;
    page?.dispose?.();
    const next =
      r.page === 'fiche'
        ? renderFichePage(ctx, r.actionId)
        : r.page === 'finance'
          ? renderFinancePage(ctx, r.view, r.year)
          : r.page === 'report'
            ? renderReportPage(ctx, r.year, r.kind)
            : r.page === 'forms'
              ? renderFormsPage(ctx, r.documentId)
              : (SECTIONS.find((s) => s.id === r.section) ?? SECTIONS[0]!).render(ctx);
    page = next;
    replaceChildren(main, returnReasonsBanner(planId, r), next.el);
    // The refusals shown on the page left are gone with it: the status line counts again.
    localRefusalsChanged();
    const focus = r.focus;
    if (focus) requestAnimationFrame(() => next.focus?.(focus));
  }

  let pending: ReturnType<typeof setTimeout> | null = null;
  const unsubscribe = store.subscribe((reason) => {
    if (reason === 'external') {
      renderPage();
    } else {
      page?.refresh?.();
    }
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      renderChecks();
      renderNav();
    }, 120);
  });

  // A year submitted, returned or reopened: the banners say it, and the page is rebuilt so that its grids and
  // fields take the new read-only years (the report page follows the review state itself).
  const review = reviewOf(store);
  let lockedKey = review.lockedYears().join(',');
  const unsubscribeReview = review.subscribe(() => {
    banners.update();
    const key = review.lockedYears().join(',');
    if (key === lockedKey) return;
    lockedKey = key;
    if (route?.page !== 'report') renderPage();
  });

  renderChecks();
  return {
    el,
    show(next) {
      route = next;
      renderNav();
      renderPage();
      document.title = `${porteurTitle(store.plan)} — Cohésio`;
    },
    dispose() {
      unsubscribe();
      unsubscribeReview();
      page?.dispose?.();
    },
  };
}
