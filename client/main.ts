import './zod-config.ts';
import './styles.css';
import type { Catalogue, Programme } from '../schemas/reference.ts';
import type { Me } from '../schemas/access.ts';
import { api, send, ApiFailure, SessionExpired, onSessionLost } from './api.ts';
import { h, replaceChildren } from './dom.ts';
import { setGridLicenseKey } from './grid/grid.ts';
import { parseRoute, type Route } from './router.ts';
import { openPlanSession, type PlanSession } from './state/session.ts';
import { reviewOf } from './state/review.ts';
import { toast } from './ui/dialog.ts';
import { currentMe, setMe, subscribeMe } from './state/me.ts';
import { renderPlansPage } from './pages/plans.ts';
import { renderOrganisationsPage } from './pages/organisations.ts';
import { setPlanPorteur } from './state/plan-porteur.ts';
import { renderProgrammesPage } from './pages/programmes.ts';
import { renderRegionPage } from './pages/region-plans.ts';
import { renderConsolidationPage } from './pages/consolidation.ts';
import { renderPlanShell, type Shell } from './pages/shell.ts';
import type { LineageContext } from './pages/successor.ts';
import { renderLoginPage } from './pages/login.ts';
import { renderOutboxPage } from './pages/outbox.ts';
import { renderReviewQueuePage } from './pages/review-queue.ts';

/**
 * Start-up: who is signed in, then reference data and configuration once, then one page per address. The open
 * plan's session (store and save queue) lives as long as the user stays in that plan. Without a session — at start,
 * when a request answers 401 later, after signing out — the sign-in page replaces the page and the address is kept,
 * so that signing in continues where the person was.
 */
type Reference = { programmes: Programme[]; catalogues: Map<string, Promise<Catalogue>> };

const root = document.getElementById('app')!;
let reference: Reference | null = null;
let session: (PlanSession & { planId: string; lineage: LineageContext }) | null = null;
let shell: Shell | null = null;
/** The sign-in page while it is shown. */
let loginPage: HTMLElement | null = null;
/** The person the open plan's session was opened by: another person signing in starts afresh. */
let sessionUserId: string | null = null;

async function loadReference(): Promise<Reference> {
  if (!reference) {
    const [programmes, config] = await Promise.all([send(api.programmes.$get()), send(api['client-config'].$get())]);
    setGridLicenseKey(config.handsontableLicenseKey);
    reference = { programmes: programmes as Programme[], catalogues: new Map() };
  }
  return reference;
}

/**
 * An administrator changed a programme: the programmes and catalogues are fetched again when next needed, and the
 * open plan's session (built on the old definition) is left, so that reopening the plan sees the change.
 */
function forgetReference(): void {
  reference = null;
  if (session && session.queue.pending === 0) session = null;
}

/** The catalogue of a programme, fetched once. */
function catalogueOf(ref: Reference, programmeId: string): Promise<Catalogue> {
  let catalogue = ref.catalogues.get(programmeId);
  if (!catalogue) {
    catalogue = send(api.programmes[':programmeId'].catalogue.$get({ param: { programmeId } })) as Promise<Catalogue>;
    catalogue.catch(() => ref.catalogues.delete(programmeId));
    ref.catalogues.set(programmeId, catalogue);
  }
  return catalogue;
}

/** How long opening a plan waits for its annual reports' state before showing it anyway (it follows when it comes). */
const REVIEW_WAIT_MS = 2000;

/**
 * Loads which years of the plan are submitted (read-only) and the DiCS's questions. The plan is shown without them
 * if they are slow or fail: the server refuses a change to a submitted year anyway.
 */
async function loadReview(s: PlanSession): Promise<void> {
  const loading = reviewOf(s.store)
    .ready()
    .catch((err: unknown) => {
      if (err instanceof SessionExpired) return;
      const message = err instanceof ApiFailure ? err.body.message : err instanceof Error ? err.message : String(err);
      toast(`L’état des rapports annuels n’a pas pu être chargé (${message}) : les années soumises ne sont pas signalées.`, 'error');
    });
  await Promise.race([loading, new Promise((r) => setTimeout(r, REVIEW_WAIT_MS))]);
}

async function openPlan(planId: string): Promise<PlanSession & { planId: string; lineage: LineageContext }> {
  if (session?.planId === planId) return session;
  const ref = await loadReference();
  const plan = await send(api.plans[':planId'].$get({ param: { planId } }));
  const programme = ref.programmes.find((p) => p.id === plan.programmeId);
  if (!programme) throw new Error(`Programme inconnu : ${plan.programmeId}`);
  shell?.dispose();
  shell = null;
  const [catalogue, porteur] = await Promise.all([catalogueOf(ref, programme.id), send(api.plans[':planId'].porteur.$get({ param: { planId } }))]);
  const lineage: LineageContext = { lineage: plan.lineage, programmes: ref.programmes, catalogue: (id) => catalogueOf(ref, id) };
  const opened = { ...openPlanSession(plan, programme, catalogue), planId, lineage };
  setPlanPorteur(opened.store, porteur);
  session = opened;
  sessionUserId = currentMe()?.userId ?? null;
  await loadReview(opened);
  return opened;
}

function showError(err: unknown): void {
  const message = err instanceof ApiFailure ? err.body.message : err instanceof Error ? err.message : String(err);
  replaceChildren(
    root,
    h(
      'main',
      { id: 'main', class: 'error-page' },
      h('h1', null, 'Cohésio'),
      h('p', { role: 'alert' }, message),
      h('p', null, h('a', { href: '#/' }, 'Retour aux plans')),
    ),
  );
}

/** Closes the open dialogs as Échap does (their promises settle), and removes those busy with a request. */
function closeDialogs(): void {
  for (const dialog of document.querySelectorAll('dialog')) {
    dialog.dispatchEvent(new Event('cancel', { cancelable: true }));
    if (dialog.isConnected) {
      dialog.close();
      dialog.remove();
    }
  }
}

function showSignIn(opts: { notice?: string; email?: string } = {}): void {
  if (loginPage?.isConnected) return;
  closeDialogs();
  shell?.dispose();
  shell = null;
  loginPage = renderLoginPage({ ...opts, onSignedIn: signedIn });
  replaceChildren(root, loginPage);
  document.title = 'Connexion — Cohésio';
  setMe(null);
}

function signedIn(me: Me): void {
  // Edits waiting in the open plan's queue were made by the previous person: nothing of their page is kept.
  if (session && sessionUserId !== me.userId) {
    location.reload();
    return;
  }
  loginPage = null;
  setMe(me);
  void render(parseRoute(location.hash));
}

/** Counts the renders: one overtaken by a newer address while it waited shows nothing. */
let renders = 0;

async function render(route: Route): Promise<void> {
  // Signed out: the sign-in page stays, and the new address is where signing in leads.
  if (!currentMe()) return;
  const current = ++renders;
  try {
    if (route.page === 'plans') {
      shell?.dispose();
      shell = null;
      const ref = await loadReference();
      replaceChildren(root, await renderPlansPage(ref.programmes));
      document.title = 'Cohésio — Plans de Cohésion sociale';
      return;
    }
    if (route.page === 'organisations') {
      shell?.dispose();
      shell = null;
      const ref = await loadReference();
      replaceChildren(root, await renderOrganisationsPage(ref.programmes));
      document.title = 'Organisations — Cohésio';
      return;
    }
    if (route.page === 'outbox') {
      shell?.dispose();
      shell = null;
      replaceChildren(root, await renderOutboxPage());
      document.title = 'Courriels — Cohésio';
      return;
    }
    if (route.page === 'programmes') {
      shell?.dispose();
      shell = null;
      const page = await renderProgrammesPage({ programmeId: route.programmeId, onChanged: forgetReference });
      if (current !== renders) return;
      replaceChildren(root, page);
      document.title = 'Programmes — Cohésio';
      return;
    }
    if (route.page === 'queue') {
      shell?.dispose();
      shell = null;
      const ref = await loadReference();
      const page = await renderReviewQueuePage(ref.programmes, route.programmeId);
      if (current !== renders) return;
      replaceChildren(root, page);
      document.title = 'File d’instruction — Cohésio';
      return;
    }
    if (route.page === 'region') {
      shell?.dispose();
      shell = null;
      const ref = await loadReference();
      const page = await renderRegionPage(ref.programmes, route.programmeId);
      if (current !== renders) return;
      replaceChildren(root, page);
      document.title = 'Plans de la région — Cohésio';
      return;
    }
    if (route.page === 'consolidation') {
      shell?.dispose();
      shell = null;
      const ref = await loadReference();
      const page = await renderConsolidationPage({ programmes: ref.programmes, programmeId: route.programmeId, lignes: route.lignes });
      if (current !== renders) return;
      replaceChildren(root, page);
      document.title = 'Consolidation — Cohésio';
      return;
    }
    const s = await openPlan(route.planId);
    if (current !== renders) return;
    if (!shell) {
      shell = renderPlanShell(s, s.lineage);
      replaceChildren(root, shell.el);
    }
    shell.show(route);
  } catch (err) {
    // The sign-in page is already shown (see `onSessionLost`).
    if (err instanceof SessionExpired) return;
    showError(err);
  }
}

onSessionLost(() => {
  const me = currentMe();
  showSignIn(me ? { notice: 'Votre session a pris fin : connectez-vous pour continuer.', email: me.email } : {});
});
// Signing out (client/pages/account.ts) forgets the person.
subscribeMe((me) => {
  if (!me) showSignIn();
});

async function start(): Promise<void> {
  // Asked of an address that answers 200 with or without a session: a first visit logs no failed request.
  let me: Me | null;
  try {
    me = ((await send(api.auth.session.$get())) as { me: Me | null }).me;
  } catch (err) {
    if (err instanceof SessionExpired) return showSignIn();
    return showError(err);
  }
  if (!me) return showSignIn();
  setMe(me);
  void render(parseRoute(location.hash));
}

window.addEventListener('hashchange', () => void render(parseRoute(location.hash)));
void start();
