import './styles.css';
import type { Plan } from '../schemas/plan.ts';
import type { Catalogue, Programme } from '../schemas/reference.ts';
import { api, send, ApiFailure } from './api.ts';
import { h, replaceChildren } from './dom.ts';
import { setGridLicenseKey } from './grid/grid.ts';
import { parseRoute, type Route } from './router.ts';
import { openPlanSession, type PlanSession } from './state/session.ts';
import { renderPlansPage } from './pages/plans.ts';
import { renderPlanShell, type Shell } from './pages/shell.ts';

/**
 * Start-up: reference data and configuration once, then one page per address. The open plan's session (store and
 * save queue) lives as long as the user stays in that plan.
 */
type Reference = { programmes: Programme[]; catalogue: Catalogue };

const root = document.getElementById('app')!;
let reference: Reference | null = null;
let session: (PlanSession & { planId: string }) | null = null;
let shell: Shell | null = null;

async function loadReference(): Promise<Reference> {
  if (!reference) {
    const [programmes, catalogue, config] = await Promise.all([
      send(api.programmes.$get()),
      send(api.catalogue.$get()),
      send(api['client-config'].$get()),
    ]);
    setGridLicenseKey(config.handsontableLicenseKey);
    reference = { programmes: programmes as Programme[], catalogue: catalogue as Catalogue };
  }
  return reference;
}

async function openPlan(planId: string): Promise<PlanSession & { planId: string }> {
  if (session?.planId === planId) return session;
  const ref = await loadReference();
  const plan = (await send(api.plans[':planId'].$get({ param: { planId } }))) as unknown as Plan;
  const programme = ref.programmes.find((p) => p.id === plan.programmeId);
  if (!programme) throw new Error(`Programme inconnu : ${plan.programmeId}`);
  shell?.dispose();
  shell = null;
  session = { ...openPlanSession(plan, programme, ref.catalogue), planId };
  return session;
}

function showError(err: unknown): void {
  const message = err instanceof ApiFailure ? err.body.message : err instanceof Error ? err.message : String(err);
  replaceChildren(
    root,
    h('main', { id: 'main', class: 'error-page' }, h('h1', null, 'Cohésio'), h('p', { role: 'alert' }, message), h('p', null, h('a', { href: '#/' }, 'Retour aux plans'))),
  );
}

async function render(route: Route): Promise<void> {
  try {
    if (route.page === 'plans') {
      shell?.dispose();
      shell = null;
      const ref = await loadReference();
      replaceChildren(root, await renderPlansPage(ref.programmes));
      document.title = 'Cohésio — Plans de Cohésion sociale';
      return;
    }
    const s = await openPlan(route.planId);
    if (!shell) {
      shell = renderPlanShell(s);
      replaceChildren(root, shell.el);
    }
    shell.show(route);
  } catch (err) {
    showError(err);
  }
}

window.addEventListener('hashchange', () => void render(parseRoute(location.hash)));
void render(parseRoute(location.hash));
