import { expect } from 'vitest';
import { createApp, type AppContext } from '../server/app.ts';
import { openDatabase } from '../server/db/open.ts';
import { loadReferenceData } from '../server/reference.ts';
import { seedSample } from '../server/services/seed.ts';
import { createPdfExports } from '../server/services/pdf.ts';
import type { Plan } from '../schemas/plan.ts';
import type { Action } from '../schemas/action.ts';
import { hashSync } from '@node-rs/argon2';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, insertAccounts } from '../server/services/demo-accounts.ts';

const reference = loadReferenceData();

/** The demo accounts' password, hashed once for the whole test file (argon2 is slow on purpose). */
const accountsHash = hashSync(DEMO_PASSWORD);

/** The demo accounts by role, as tests name them. */
export const ACCOUNTS = {
  chef: 'chef@liege.demo',
  finance: 'finances@liege.demo',
  partenaire: 'thermos@liege.demo',
  autreCommune: 'chef@namur.demo',
  dics: 'dics@wallonie.demo',
  admin: 'admin@cohesio.demo',
} as const;
export type AccountName = keyof typeof ACCOUNTS;

/** Signs in through the API and answers the session cookie (`name=value`). */
export async function signIn(app: TestApp, email: string, motDePasse = DEMO_PASSWORD): Promise<string> {
  const res = await app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, motDePasse }),
  });
  if (res.status !== 200) throw new Error(`Connexion de ${email} refusée : ${res.status} ${await res.text()}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

/**
 * The app as seen by one signed-in person: every request carries their session cookie (signed in at the first
 * request) and our own Origin, as the browser sends them.
 */
export function signedIn(app: TestApp, email: string): TestApp {
  let cookie: Promise<string> | null = null;
  const request = async (input: string | Request, init: RequestInit = {}) => {
    cookie ??= signIn(app, email);
    const headers = new Headers(input instanceof Request ? input.headers : init.headers);
    if (!headers.has('cookie')) headers.set('cookie', await cookie);
    if (!headers.has('origin')) headers.set('origin', 'http://localhost');
    return app.request(input, { ...init, headers });
  };
  return new Proxy(app, { get: (target, key) => (key === 'request' ? request : Reflect.get(target, key)) });
}

/**
 * A fresh in-memory database with the migrations applied and the demo accounts, and the app over it: `app` is
 * signed in as the administrator, `as(name)` as any other demo account, `anonymous` without a session.
 */
export function makeTestApp() {
  const db = openDatabase(':memory:');
  const ctx: AppContext = { db, reference, pdf: createPdfExports() };
  insertAccounts(ctx, DEMO_ACCOUNTS, accountsHash);
  const anonymous = createApp(ctx);
  const as = (name: AccountName) => signedIn(anonymous, ACCOUNTS[name]);
  return { db, ctx, app: as('admin'), as, anonymous, reference };
}

/** Same, with the Liège sample loaded. */
export function makeLiegeApp() {
  const t = makeTestApp();
  const plan = seedSample(t.ctx);
  return { ...t, plan };
}

type Json = Record<string, unknown> | unknown[] | null;

/** Sends a JSON request to the app and answers status and parsed body. */
export async function call(app: ReturnType<typeof createApp>, method: string, path: string, body?: Json | string) {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await app.request(path, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : null };
}

export async function getPlan(app: ReturnType<typeof createApp>, id: string): Promise<Plan> {
  return (await call(app, 'GET', `/api/plans/${id}`)).body as Plan;
}

export type TestApp = ReturnType<typeof createApp>;
type Reply = Awaited<ReturnType<typeof call>>;

/** Creates an empty plan through the API (PCS 2020-2025 unless told) and answers it as stored. */
export async function postPlan(app: TestApp, commune = 'Namur', programmeId = 'pcs-2020-2025'): Promise<Plan> {
  const res = await call(app, 'POST', '/api/plans', { commune, programmeId });
  if (res.status !== 201) throw new Error(`POST /api/plans answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Plan;
}

/** Adds an action to a plan through the API and answers it as stored. */
export async function postAction(app: TestApp, planId: string, body: Record<string, unknown>): Promise<Action> {
  const res = await call(app, 'POST', `/api/plans/${planId}/actions`, body);
  if (res.status !== 201) throw new Error(`POST actions answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Action;
}

/**
 * Asserts the one error shape of the API: `{ code, message, issues: [{ path, message }] }` with a French message,
 * and, when `path` is given, an issue at that field.
 */
export function expectApiError(res: Reply, status: number, code: string, path?: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ code, message: expect.any(String), issues: expect.any(Array) });
  expect(res.body.message.length).toBeGreaterThan(0);
  for (const issue of res.body.issues) expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
  if (path !== undefined) expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(path);
}
