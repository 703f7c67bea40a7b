import { describe, expect, it } from 'vitest';
import { generateSignedCookie } from 'hono/cookie';
import { ROUTE_CAPABILITIES, unsignCookie } from '../../server/routes/access.ts';
import { PUBLIC_API_PATHS } from '../../server/app.ts';
import { hasCapability, ROLES, type Capability, type Role } from '../../schemas/access.ts';
import { fingerprintOf } from '../../server/services/workbook.ts';
import { readPlan } from '../../server/services/plan-store.ts';
import { ACCOUNTS, failure, makeLiegeApp, reply, signIn, type AccountName, type TestApp } from '../helpers.ts';

/**
 * Every route of the API, called as every role and as a person of another commune: a role without the route's
 * capability gets 403, another commune gets 404 for every plan address, nobody without a session gets anything
 * but 401 — and a refusal carries the error shape only, never data, and changes nothing.
 */

/** Routes that need no capability: the session itself and the reference data every signed-in page needs. */
const OPEN_ROUTES = new Set(['GET /api/auth/me', 'PUT /api/auth/password', 'GET /api/client-config', 'GET /api/programmes', 'GET /api/catalogue']);
/** Long renders: the allowed roles are represented by the chef de projet alone. */
const EXPENSIVE = new Set(['GET /api/plans/:planId/export.pdf', 'POST /api/plans/:planId/pdf-jobs']);

const ROLE_OF: Record<Exclude<AccountName, 'autreCommune'>, Role> = {
  chef: 'chef-de-projet',
  finance: 'finance',
  partenaire: 'partenaire',
  dics: 'dics',
  admin: 'admin',
};

type Route = { method: string; path: string; capability: Capability | null };

function routesOf(app: TestApp): Route[] {
  const byKey = new Map<string, Route>();
  for (const r of app.routes) {
    if (r.method === 'ALL' || !r.path.startsWith('/api/')) continue;
    const key = `${r.method} ${r.path}`;
    const route = byKey.get(key) ?? { method: r.method, path: r.path, capability: null };
    route.capability ??= ROUTE_CAPABILITIES.get(r.handler) ?? null;
    byKey.set(key, route);
  }
  return [...byKey.values()];
}

function concreteUrl(path: string, plan: ReturnType<typeof makeLiegeApp>['plan']): string {
  const action = plan.actions.find((a) => a.indicators.length)!;
  const ids: Record<string, string> = {
    planId: plan.id,
    actionId: action.id,
    indicatorId: action.indicators[0]!.id,
    transferId: plan.transferts[0]!.id,
    collection: 'formations',
    rowId: '00000000-0000-4000-8000-000000000001',
    lineId: '00000000-0000-4000-8000-000000000002',
    jobId: '00000000-0000-4000-8000-000000000003',
    section: 'textes',
    year: '2021',
    kind: 'actual',
  };
  return path.replace(/:(\w+)(\{[^}]*\})?/g, (_, name: string, pattern: string | undefined) => (pattern ? pattern.slice(1, -1) : (ids[name] ?? name)));
}

/** Every route with an empty body, whatever it expects: raw on purpose (the typed client sends what each route reads). */
async function send(app: TestApp, route: Route, url: string): Promise<{ status: number; body: unknown }> {
  const query = route.method === 'DELETE' ? (url.endsWith('/justifications') ? '?version=1&cle=x' : '?version=1') : '';
  if (url.endsWith('/import.xlsx') || url.endsWith('/imputations/import')) {
    const res = await app.request(url, { method: route.method, body: new FormData(), headers: { origin: 'http://localhost' } });
    return { status: res.status, body: (await res.json()) as unknown };
  }
  const res = await app.request(url + query, {
    method: route.method,
    headers: { 'content-type': 'application/json', origin: 'http://localhost' },
    body: route.method === 'GET' ? undefined : '{}',
  });
  const json = res.headers.get('content-type')?.startsWith('application/json');
  return { status: res.status, body: json ? ((await res.json()) as unknown) : null };
}

/** A refusal is the error shape and nothing else. */
function expectRefusal(res: { status: number; body: unknown }, status: number, code: string, where: string) {
  expect(res.status, where).toBe(status);
  expect(Object.keys(res.body ?? {}).sort(), where).toEqual(['code', 'issues', 'message']);
  expect(res.body, where).toMatchObject({ code, issues: [] });
}

describe('who may call which route', () => {
  const { anonymous, plan } = makeLiegeApp();
  const routes = routesOf(anonymous);

  it('knows the API and every route declares the capability it needs', () => {
    expect(routes.length).toBeGreaterThan(35);
    const undeclared = routes.filter((r) => !r.capability && !PUBLIC_API_PATHS.has(r.path) && !OPEN_ROUTES.has(`${r.method} ${r.path}`));
    expect(undeclared.map((r) => `${r.method} ${r.path}`)).toEqual([]);
  });

  it('answers 401 to every route but sign-in and health without a session', async () => {
    for (const route of routes.filter((r) => !PUBLIC_API_PATHS.has(r.path))) {
      const res = await send(anonymous, route, concreteUrl(route.path, plan));
      expectRefusal(res, 401, 'unauthenticated', `${route.method} ${route.path}`);
    }
  });

  for (const route of routes.filter((r) => r.capability)) {
    const name = `${route.method} ${route.path}`;
    it(`${name}: 404 for another commune, 403 for roles without « ${route.capability} », nothing changed`, async () => {
      const t = makeLiegeApp();
      const url = concreteUrl(route.path, t.plan);
      const before = fingerprintOf(readPlan(t.db, t.plan.id));
      const auditRows = () => t.db.$client.prepare('select count(*) as n from audit_changes').get() as { n: number };
      const auditBefore = auditRows().n;
      const scoped = route.path.includes(':planId');
      if (scoped) expectRefusal(await send(t.as('autreCommune'), route, url), 404, 'not_found', `${name} as another commune`);
      const allowed: AccountName[] = [];
      for (const account of Object.keys(ROLE_OF) as (keyof typeof ROLE_OF)[]) {
        if (hasCapability({ role: ROLE_OF[account] }, route.capability!)) allowed.push(account);
        else expectRefusal(await send(t.as(account), route, url), 403, 'forbidden', `${name} as ${account}`);
      }
      expect(fingerprintOf(readPlan(t.db, t.plan.id)), `${name}: refused calls changed nothing`).toBe(before);
      expect(auditRows().n).toBe(auditBefore);
      for (const account of EXPENSIVE.has(name) ? allowed.filter((a) => a === 'chef') : allowed) {
        const res = await send(t.as(account), route, url);
        // Allowed: whatever the answer to an empty body is, it is not a refusal of the person.
        expect([401, 403], `${name} as ${account}: ${JSON.stringify(res.body)?.slice(0, 200)}`).not.toContain(res.status);
        const planGone = !t.db.$client.prepare('select 1 from plans where id = ?').get(t.plan.id);
        if (res.status === 404 && !planGone) expect(res.body).not.toMatchObject({ message: expect.stringMatching(/^Plan introuvable/) });
      }
    });
  }

  it('gives every role of the list a demo account', () => {
    expect(new Set(Object.values(ROLE_OF))).toEqual(new Set(ROLES));
  });
});

describe('a person of another commune', () => {
  it('does not see the plan in the list and cannot create one for another commune', async () => {
    const t = makeLiegeApp();
    const namur = t.apiAs('autreCommune');
    const chef = t.apiAs('chef');
    expect((await reply(namur.plans.$get())).body).toEqual([]);
    expect((await reply(chef.plans.$get())).body.map((p) => p.commune)).toEqual(['Liège']);
    expect((await reply(t.apiAs('dics').plans.$get())).body).toHaveLength(1);
    const refused = await failure(namur.plans.$post({ json: { commune: 'Liège', programmeId: 'pcs-2020-2025' } }));
    expect(refused.status).toBe(403);
    expect(refused.body.issues).toEqual([{ path: 'commune', message: 'Le plan doit être porté par votre commune (Namur), pas par « Liège »' }]);
    const created = await reply(namur.plans.$post({ json: { commune: 'Namur', programmeId: 'pcs-2020-2025' } }));
    expect(created.status).toBe(201);
    // The plan belongs to the creator's commune: Liège's chef does not see it.
    expect((await reply(chef.plans[':planId'].$get({ param: { planId: created.body.id } }))).status).toBe(404);
    expect((await reply(namur.plans[':planId'].$get({ param: { planId: created.body.id } }))).status).toBe(200);
  });
});

describe('the write rules of each role, whatever the route', () => {
  it('lets the finance officer change the budget but not a fiche text', async () => {
    const t = makeLiegeApp();
    const finance = t.apiAs('finance');
    const budget = await reply(
      finance.plans[':planId'].sections[':section'].$put({
        param: { planId: t.plan.id, section: 'budget' },
        json: { version: t.plan.versions.budget, data: { ...t.plan.budget, recettes: { ...t.plan.budget.recettes, autres: 100 } } },
      }),
    );
    expect(budget.status).toBe(200);
    const action = t.plan.actions[0]!;
    const { id, version, indicators, ...edit } = action;
    const res = await reply(
      finance.plans[':planId'].actions[':actionId'].$put({
        param: { planId: t.plan.id, actionId: id },
        json: { version, data: { ...edit, fiche: { ...edit.fiche, description: 'Autre texte' } } },
      }),
    );
    expect(res.status).toBe(403);
  });

  it('lets the partner operator write the actual of their action, not its target nor another action', async () => {
    const t = makeLiegeApp();
    const cells = t.apiAs('partenaire').plans[':planId'].cells.$put;
    const param = { planId: t.plan.id };
    const own = t.plan.actions.find((a) => a.fiche.operateur.organisme === 'Asbl Opération Thermos')!;
    const other = t.plan.actions.find((a) => a.id !== own.id && a.indicators.length)!;
    const cell = (indicator: (typeof own.indicators)[number], grid: 'indicator-target' | 'indicator-actual') => {
      const stored = indicator.values['2021'];
      const version = (grid === 'indicator-target' ? stored?.targetVersion : stored?.actualVersion) ?? 0;
      return { param, json: { cells: [{ grid, row: indicator.id, period: '2021', value: 7, version }] } };
    };
    const ownIndicator = own.indicators[0]!;
    const actual = await reply(cells(cell(ownIndicator, 'indicator-actual')));
    expect(actual.status).toBe(200);
    const target = await failure(cells(cell(ownIndicator, 'indicator-target')));
    expect(target.status).toBe(403);
    expect(target.body.issues[0]!.message).toMatch(/Cible/);
    const foreign = await reply(cells(cell(other.indicators[0]!, 'indicator-actual')));
    expect(foreign.status).toBe(403);
  });

  it('refuses a wrong password, then too many attempts, with French messages', async () => {
    const t = makeLiegeApp();
    const login = (motDePasse: string) => failure(t.anonymousApi.auth.login.$post({ json: { email: ACCOUNTS.chef, motDePasse } }));
    for (let i = 0; i < 5; i++) {
      const res = await login('mauvais');
      expect(res.status).toBe(401);
      expect(res.body.message).toBe('Adresse électronique ou mot de passe incorrect');
    }
    const blocked = await login('cohesio-demo');
    expect(blocked.status).toBe(429);
    expect(blocked.body.message).toMatch(/^Trop de tentatives de connexion : réessayez dans \d+ minutes?$/);
    // Another person is not blocked by it.
    await expect(signIn(t.anonymous, ACCOUNTS.finance)).resolves.toMatch(/^cohesio_session=/);
  });

  it('rotates the session at sign-in, closes it at sign-out and after a password change', async () => {
    const t = makeLiegeApp();
    const first = await signIn(t.anonymous, ACCOUNTS.chef);
    const second = await signIn(t.anonymous, ACCOUNTS.chef);
    expect(second).not.toBe(first);
    // Raw requests: each one carries the session cookie the test chooses.
    const me = (cookie: string) => t.anonymous.request('/api/auth/me', { headers: { cookie } });
    expect((await me(second)).status).toBe(200);
    const changed = await t.anonymous.request('/api/auth/password', {
      method: 'PUT',
      headers: { cookie: second, 'content-type': 'application/json', origin: 'http://localhost' },
      body: JSON.stringify({ actuel: 'cohesio-demo', nouveau: 'un nouveau mot de passe' }),
    });
    expect(changed.status).toBe(204);
    const third = changed.headers.get('set-cookie')!.split(';')[0]!;
    expect(changed.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(changed.headers.get('set-cookie')).toMatch(/SameSite=Lax/);
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(401);
    expect((await me(third)).status).toBe(200);
    await t.anonymous.request('/api/auth/logout', { method: 'POST', headers: { cookie: third, origin: 'http://localhost' } });
    expect((await me(third)).status).toBe(401);
    await expect(signIn(t.anonymous, ACCOUNTS.chef, 'un nouveau mot de passe')).resolves.toBeTruthy();
  });

  it('tells the interface whether there is a session with a 200, giving nothing without one', async () => {
    const t = makeLiegeApp();
    // Raw requests: each one carries the session cookie the test chooses (or none, or a forged one).
    const session = async (cookie?: string) => {
      const res = await t.anonymous.request('/api/auth/session', cookie ? { headers: { cookie } } : {});
      return { status: res.status, body: (await res.json()) as { me: { email: string; role: string } | null } };
    };
    expect(await session()).toEqual({ status: 200, body: { me: null } });
    const cookie = await signIn(t.anonymous, ACCOUNTS.chef);
    const signedIn = await session(cookie);
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.me).toMatchObject({ email: ACCOUNTS.chef, role: 'chef-de-projet' });
    const forged = cookie.replace(/=([A-Za-z0-9_-])/, (_, c: string) => `=${c === 'A' ? 'B' : 'A'}`);
    expect(await session(forged)).toEqual({ status: 200, body: { me: null } });
    await t.anonymous.request('/api/auth/logout', { method: 'POST', headers: { cookie, origin: 'http://localhost' } });
    expect(await session(cookie)).toEqual({ status: 200, body: { me: null } });
  });

  it('refuses a cookie whose signature does not match', async () => {
    const t = makeLiegeApp();
    const cookie = await signIn(t.anonymous, ACCOUNTS.chef);
    const forged = cookie.replace(/=([A-Za-z0-9_-])/, (_, c: string) => `=${c === 'A' ? 'B' : 'A'}`);
    // Raw on purpose: a forged cookie.
    expect((await t.anonymous.request('/api/auth/me', { headers: { cookie: forged } })).status).toBe(401);
  });

  it('reads the session cookie hono signs (sessions opened before stay valid) and nothing else', async () => {
    const secret = 'un secret de test';
    const cookieValue = (cookie: string) => decodeURIComponent(cookie.split(';')[0]!.split('=').slice(1).join('='));
    const signed = cookieValue(await generateSignedCookie('cohesio_session', 'abc.DEF-ghi_123', secret));
    expect(unsignCookie(signed, secret)).toBe('abc.DEF-ghi_123');
    expect(unsignCookie(signed, 'un autre secret')).toBeNull();
    const signature = signed.slice(signed.lastIndexOf('.') + 1);
    const changed = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect(unsignCookie(`abc.DEF-ghi_123.${changed}`, secret)).toBeNull();
    expect(unsignCookie(`abc.DEF-ghi_124.${signature}`, secret)).toBeNull();
    expect(unsignCookie('abc.DEF-ghi_123', secret)).toBeNull();
    expect(unsignCookie('', secret)).toBeNull();
    expect(unsignCookie(undefined, secret)).toBeNull();
  });

  it('refuses an upload from another site (CSRF)', async () => {
    const t = makeLiegeApp();
    const cookie = await signIn(t.anonymous, ACCOUNTS.chef);
    // Raw on purpose: a request from another site.
    const res = await t.anonymous.request(`/api/plans/${t.plan.id}/import.xlsx`, {
      method: 'POST',
      headers: { cookie, origin: 'https://evil.example' },
      body: new FormData(),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'forbidden' });
  });
});
