import type { ChecklistItem } from '../../../schemas/submission.ts';
import { api, send } from '../../api.ts';
import { ANNUAL_REPORT_KIND } from '../../../schemas/reference.ts';
import { h, replaceChildren, uid } from '../../dom.ts';
import { reportHref } from '../../router.ts';
import { permissionsOf } from '../../state/permissions.ts';
import { reviewOf } from '../../state/review.ts';
import { confirmDialog, toast } from '../../ui/dialog.ts';
import { yearSelect } from '../../ui/year-select.ts';
import type { Page, PageContext } from '../context.ts';
import { valueHref } from '../hrefs.ts';
import { waitForSaves } from '../saves.ts';
import { checklistView, submitView, type ReportView } from './checklist-view.ts';
import { deadlineView } from './deadline-view.ts';
import { obligationKey } from '../../../schemas/submission.ts';
import { createReportModel, obligationText, type ReportAlert, type ReportApi, type ReportModel } from './model.ts';
import { submissionView, threadView } from './submissions-view.ts';

/**
 * "Rapport annuel {année}" — or any kind of submission the programme declares, chosen with « Type de soumission »
 * then its year: when it is due, what the programme still asks of the plan (« À remettre : … »), what is still
 * missing before the submission (the kind's items of `checkSubmission`, on the plan as edited), "Soumettre le
 * rapport {année}" and the generation of its files, then
 * every submission of the year with its files and their SHA-256, the DiCS's decision and, for a re-submission, the
 * values changed since the previous one; the DiCS approves or returns it, the commune or the DiCS reopens it. The
 * DiCS's questions of the year are listed (they are answered from the cell they are on). The rules are the model's
 * (`model.ts`); this draws it.
 */
export function renderReportPage(ctx: PageContext, requested: number | null, requestedKind: string | null = null): Page {
  const { store, planId } = ctx;
  let extensions: ReadonlyMap<string, string> = new Map();
  const model = createReportModel({
    extensions: () => extensions,
    store,
    requestedYear: requested,
    requestedKind,
    review: reviewOf(store),
    permissions: permissionsOf(store),
    api: reportApi(planId),
    saves: { pending: () => ctx.queue.pending, waitForAll: () => waitForSaves(ctx) },
    toast,
  });
  const view: ReportView = { ctx, model, href: (path) => valueHref(planId, store.plan, path) };
  const year = model.year;
  // The address names the kind unless it is the annual report (the page's default).
  const kindParam = (id: string) => (id === ANNUAL_REPORT_KIND ? null : id);

  const yearField = yearSelect({
    years: model.years,
    value: year,
    testId: 'report-year',
    onChange: (y) => {
      location.hash = reportHref(planId, y, kindParam(model.kind.id));
    },
  });
  const kindField = model.kinds.length > 1 ? kindSelect(model, (id) => (location.hash = reportHref(planId, year, kindParam(id)))) : null;
  const obligationsHost = h('div', { 'data-testid': 'report-obligations' });
  // The due date, the DiCS's extension of it (and « Accorder un délai… »); the obligations follow the extensions.
  const due = deadlineView({
    planId,
    kind: model.kind.id,
    annee: year,
    programmeDue: model.dueDate,
    onChanged: (list) => {
      extensions = new Map(list.map((e) => [obligationKey(e.kind, e.annee), e.echeance]));
      drawObligations(view, obligationsHost);
    },
  });
  const status = h('strong', { 'data-testid': 'report-status' });
  const lockNote = h('p', { class: 'hint', 'data-testid': 'report-lock' });
  const alert = h('div', { class: 'report-alert', role: 'alert', 'data-testid': 'report-alert' });
  const checklistHost = h('div', null);
  const submitHost = h('div', { class: 'report-submit' });
  const bar = h('progress', { max: 1, value: 0, 'data-testid': 'report-progress-bar', 'aria-label': 'Avancement de la génération des fichiers' });
  const progressMessage = h('p', { class: 'report-progress-message', 'data-testid': 'report-progress-message' });
  const progress = h(
    'div',
    { class: 'report-progress', role: 'status', 'aria-live': 'polite', 'data-testid': 'report-progress', hidden: true },
    bar,
    progressMessage,
  );
  const submissionsHost = h('div', { 'data-testid': 'report-submissions' });
  const threadsHost = h('div', { 'data-testid': 'report-threads' });
  const section = (id: string, title: string, ...content: HTMLElement[]) => h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...content);
  const el = h(
    'article',
    { class: 'section-page report-page', 'data-year': year, 'data-kind': model.kind.id },
    h('h1', null, model.title),
    h('div', { class: 'report-head' }, kindField, yearField.el, h('p', { class: 'report-status' }, 'Statut : ', status), due),
    obligationsHost,
    lockNote,
    alert,
    section('report-checklist-title', 'Avant la soumission', checklistHost, submitHost, progress),
    section('report-submissions-title', `Soumissions ${model.kind.id === ANNUAL_REPORT_KIND ? `du rapport ${year}` : `de ${model.name()}`}`, submissionsHost),
    section('report-threads-title', `Questions de la DiCS sur ${year}`, threadsHost),
  );

  const onSubmit = async () => {
    if (model.isBusy()) return;
    const title = `Soumettre ${model.name()}`;
    const text = `${model.name(true)} sera transmis à la DiCS avec son classeur et son PDF. Les valeurs ${year} du plan passeront en lecture seule pour tout le monde, jusqu’à ce que la DiCS le retourne ou qu’il soit rouvert avec un motif.`;
    if (await confirmDialog(title, text, title)) await model.submit();
  };

  // What was drawn last: the lists, the submit area and the alert are redrawn only when they change, so that
  // polling keeps the focus.
  let shown: { checklist: readonly ChecklistItem[] | null; submit: string; lists: string; alert: ReportAlert | null } = {
    checklist: null,
    submit: '',
    lists: '',
    alert: null,
  };
  function draw(): void {
    const { label, key } = model.status();
    status.textContent = label;
    status.dataset.status = key;
    const lock = model.lockNote();
    lockNote.hidden = lock === null;
    lockNote.textContent = lock ?? '';
    const p = model.progress();
    progress.hidden = p === null;
    if (p) {
      bar.value = p.value;
      progressMessage.textContent = p.message;
    }
    const next = { checklist: model.checklist(), submit: JSON.stringify(model.submitState()), lists: model.listsKey(), alert: model.alert() };
    if (next.alert !== shown.alert) drawAlert(alert, view, next.alert);
    if (next.checklist !== shown.checklist) replaceChildren(checklistHost, checklistView(view));
    if (next.submit !== shown.submit)
      replaceChildren(
        submitHost,
        submitView(model.name(), model.submitState(), () => void onSubmit()),
      );
    if (next.lists !== shown.lists) {
      drawLists(view, submissionsHost, threadsHost);
      drawObligations(view, obligationsHost);
    }
    shown = next;
  }

  model.subscribe(draw);
  const stop = model.start();
  let checklistTimer: ReturnType<typeof setTimeout> | null = null;
  return {
    el,
    refresh() {
      // An edit elsewhere (or here): the checklist follows, computed as the checks panel is.
      if (checklistTimer) clearTimeout(checklistTimer);
      checklistTimer = setTimeout(() => model.recomputeChecklist(), 150);
    },
    dispose() {
      stop();
      model.dispose();
      if (checklistTimer) clearTimeout(checklistTimer);
    },
  };
}

/** The page's requests, through the typed client. */
function reportApi(planId: string): ReportApi {
  return {
    submit: (annee, kind) => send(api.plans[':planId'].submissions.$post({ param: { planId }, json: { annee, kind } })),
    decide(kind, submissionId, motif) {
      const param = { planId, submissionId };
      const route = api.plans[':planId'].submissions[':submissionId'];
      if (kind === 'approve') return send(route.approve.$post({ param, json: { motif } }));
      // Returning and reopening require a motif: the dialog only sends one that passed its own check.
      if (kind === 'return') return send(route.return.$post({ param, json: { motif: motif ?? '' } }));
      return send(route.reopen.$post({ param, json: { motif: motif ?? '' } }));
    },
  };
}

function drawAlert(host: HTMLElement, view: ReportView, alert: ReportAlert | null): void {
  if (alert === null) {
    replaceChildren(host);
    return;
  }
  const { issues } = alert;
  replaceChildren(
    host,
    h('p', { class: 'import-message error' }, alert.text),
    issues.length
      ? h(
          'details',
          null,
          h('summary', null, `Détail (${issues.length})`),
          h(
            'ul',
            null,
            issues.map((i) => h('li', null, h('a', { href: view.href(i.path) }, i.message))),
          ),
        )
      : null,
  );
}

function drawLists(view: ReportView, submissionsHost: HTMLElement, threadsHost: HTMLElement): void {
  const { model } = view;
  const entries = model.submissions();
  const threads = model.threads();
  replaceChildren(
    submissionsHost,
    entries.length
      ? h(
          'ol',
          { class: 'submissions' },
          entries.map((e) => submissionView(view, e)),
        )
      : h('p', { class: 'hint' }, `${model.name(true)} n’a pas encore été soumis.`),
  );
  replaceChildren(
    threadsHost,
    threads.length
      ? h(
          'ul',
          { class: 'report-threads' },
          threads.map((t) => threadView(view, t)),
        )
      : h('p', { class: 'hint' }, `Aucune question de la DiCS sur ${model.kind.id === ANNUAL_REPORT_KIND ? 'le rapport ' : ''}${model.year}.`),
  );
}

/** « Type de soumission »: one option per kind the programme declares. */
function kindSelect(model: ReportModel, onChange: (id: string) => void): HTMLElement {
  const id = uid('kind');
  const select = h(
    'select',
    { id, class: 'kind-select', 'data-testid': 'report-kind' },
    model.kinds.map((k) => h('option', { value: k.id }, k.label)),
  );
  select.value = model.kind.id;
  select.addEventListener('change', () => onChange(select.value));
  return h('div', { class: 'year-field' }, h('label', { for: id }, 'Type de soumission'), select);
}

/** The obligations listed openly; more are behind a disclosure. */
const OPEN_OBLIGATIONS = 3;

/** « À remettre : <type> <année> pour le <date> »: what the programme still asks of the plan, soonest due first. */
function drawObligations({ ctx, model }: ReportView, host: HTMLElement): void {
  const open = model.obligations();
  const item = (o: ReturnType<ReportModel['obligations']>[number]) =>
    h(
      'li',
      { class: o.enRetard ? 'late' : null, 'data-testid': 'report-obligation', 'data-kind': o.kind, 'data-year': o.annee },
      h('a', { href: reportHref(ctx.planId, o.annee, o.kind === ANNUAL_REPORT_KIND ? null : o.kind) }, obligationText(o)),
    );
  const rest = open.slice(OPEN_OBLIGATIONS);
  replaceChildren(
    host,
    open.length ? h('ul', { class: 'report-obligations' }, open.slice(0, OPEN_OBLIGATIONS).map(item)) : null,
    rest.length
      ? h(
          'details',
          { class: 'report-obligations-more' },
          h('summary', null, `${rest.length} autre${rest.length > 1 ? 's' : ''} à remettre`),
          h('ul', { class: 'report-obligations' }, rest.map(item)),
        )
      : null,
  );
}
