import { expect } from 'vitest';
import { testClient } from 'hono/testing';
import type { ClientResponse } from 'hono/client';
import { createApp, type AppContext } from '../server/app.ts';
import { ApiErrorSchema, type ApiError } from '../schemas/errors.ts';
import { openDatabase } from '../server/db/open.ts';
import { loadReferenceData, type ReferenceData } from '../server/reference.ts';
import { templatesWithFourYearProgramme } from './four-year-programme.ts';
import { seedSample } from '../server/services/seed.ts';
import { loadReference } from '../server/services/programmes.ts';
import { createPdfExports } from '../server/services/pdf.ts';
import type { PdfPoolOptions } from '../server/workers/pdf-pool.ts';
import type { Plan } from '../schemas/plan.ts';
import type { Action } from '../schemas/action.ts';
import { hashSync } from '@node-rs/argon2';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, insertAccounts } from '../server/services/demo-accounts.ts';
import type { CreateActionBody } from '../schemas/requests/actions.ts';
import type { z } from 'zod';
import type { FormKinds } from '../server/form-definitions.ts';

const templates = loadReferenceData();

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
 * `templates` replaces the reference data of `templates/` (see `makeFourYearApp`), `pdf` the PDF renderers' settings.
 */
export function makeTestApp(options: { templates?: ReferenceData; pdf?: PdfPoolOptions; forms?: FormKinds } = {}) {
  const db = openDatabase(':memory:');
  const reference = loadReference(db, options.templates ?? templates);
  const ctx: AppContext = { db, reference, pdf: createPdfExports(options.pdf), ...(options.forms ? { forms: options.forms } : {}) };
  insertAccounts(ctx, DEMO_ACCOUNTS, accountsHash);
  const anonymous = createApp(ctx);
  const as = (name: AccountName) => signedIn(anonymous, ACCOUNTS[name]);
  const app = as('admin');
  /** The typed client signed in as `name` (see `clientOf`). */
  const apiAs = (name: AccountName) => clientOf(as(name));
  return { db, ctx, app, as, anonymous, reference, api: clientOf(app), apiAs, anonymousApi: clientOf(anonymous) };
}

/**
 * A test app whose reference data is read by `loadReferenceData` from a templates directory holding, besides the
 * real programmes, a four-year programme with its own catalogue (`FOUR_YEAR_PROGRAMME`, test/four-year-programme.ts).
 */
export function makeFourYearApp() {
  fourYearTemplates ??= loadReferenceData(templatesWithFourYearProgramme());
  return makeTestApp({ templates: fourYearTemplates });
}
let fourYearTemplates: ReferenceData | undefined;

/** More accounts (demo password), e.g. the staff of an organisation created in the test; answers their typed clients by e-mail. */
export function addTestAccounts(t: ReturnType<typeof makeTestApp>, accounts: Parameters<typeof insertAccounts>[1]) {
  insertAccounts(t.ctx, accounts, accountsHash);
  return (email: string) => clientOf(signedIn(t.anonymous, email));
}

/** Same, with the Liège sample loaded. */
export function makeLiegeApp(options: Parameters<typeof makeTestApp>[0] = {}) {
  const t = makeTestApp(options);
  const plan = seedSample(t.ctx);
  return { ...t, plan };
}

/**
 * The API of `app` through Hono's typed client (`api.plans[':planId'].$get({ param: { planId } })`): paths,
 * parameters, queries and bodies are checked against the routes' schemas at compile time, so that renaming a
 * request field breaks the tests that send it. Over `as(name)` it is signed in as that person.
 */
export function clientOf(app: TestApp) {
  return testClient(app).api;
}
export type Api = ReturnType<typeof clientOf>;

/** Any response of the typed client. */
export type AnyResponse = ClientResponse<unknown, number, string>;
/** The body a route answers, as its handler types it (`null` for a response without JSON, such as a 204). */
export type BodyOf<R> = R extends ClientResponse<infer T, number, infer F> ? (F extends 'json' ? T : null) : never;
/** A typed request's answer: its status and its body, typed from the route's answer. */
export type Reply<R extends AnyResponse> = { status: number; body: BodyOf<R> };

/**
 * Awaits a typed client's request and answers `{ status, body }`, the body typed from the route's answer. An error
 * answer (4xx) has our error shape instead: read it through `expectApiError` or `failure`.
 */
export async function reply<R extends AnyResponse>(request: Promise<R>): Promise<Reply<R>> {
  const res = await request;
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as BodyOf<R> };
}

/** Awaits a request that must fail and answers `{ status, body }`, the body checked to be our error shape. */
export async function failure(request: Promise<AnyResponse>): Promise<{ status: number; body: ApiError }> {
  const res = await reply(request);
  return { status: res.status, body: errorBody(res.body) };
}

function errorBody(body: unknown): ApiError {
  expect(ApiErrorSchema.safeParse(body).success, `error shape: ${JSON.stringify(body)}`).toBe(true);
  return body as ApiError;
}

/**
 * Sends a request the typed client cannot send: malformed or hostile on purpose (a field of the wrong type, an
 * unknown field, a body that is not JSON). Answers the status and the parsed body, unknown until checked.
 */
export async function sendRaw(app: TestApp, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await app.request(path, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** The whole plan as the API answers it. */
export async function getPlan(app: TestApp, id: string): Promise<Plan> {
  const res = await reply(clientOf(app).plans[':planId'].$get({ param: { planId: id } }));
  if (res.status !== 200) throw new Error(`GET /api/plans/${id} answered ${res.status}: ${JSON.stringify(res.body)}`);
  // The answer is `readPlan`'s `Plan`, serialised: the JSON type hono infers is the same data.
  return res.body as Plan;
}

export type TestApp = ReturnType<typeof createApp>;

/** Creates an empty plan through the API (PCS 2020-2025 unless told) and answers it as stored. */
export async function postPlan(app: TestApp, commune = 'Namur', programmeId = 'pcs-2020-2025'): Promise<Plan> {
  const res = await reply(clientOf(app).plans.$post({ json: { commune, programmeId } }));
  if (res.status !== 201) throw new Error(`POST /api/plans answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Plan;
}

/** Adds an action to a plan through the API and answers it as stored. */
export async function postAction(app: TestApp, planId: string, body: CreateActionInput): Promise<Action> {
  const res = await reply(clientOf(app).plans[':planId'].actions.$post({ param: { planId }, json: body }));
  if (res.status !== 201) throw new Error(`POST actions answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Action;
}
type CreateActionInput = z.input<typeof CreateActionBody>;

/**
 * Asserts the one error shape of the API: `{ code, message, issues: [{ path, message }] }` with a French message,
 * and, when `path` is given, an issue at that field. Answers the error, typed.
 */
export function expectApiError(res: { status: number; body: unknown }, status: number, code: string, path?: string): ApiError {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ code, message: expect.any(String), issues: expect.any(Array) });
  const body = errorBody(res.body);
  expect(body.message.length).toBeGreaterThan(0);
  for (const issue of body.issues) expect(issue).toEqual({ path: expect.any(String), message: expect.any(String) });
  if (path !== undefined) expect(body.issues.map((i) => i.path)).toContain(path);
  return body;
}
