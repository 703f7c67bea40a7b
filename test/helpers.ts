import { expect } from 'vitest';
import { createApp } from '../server/app.ts';
import { openDatabase } from '../server/db/open.ts';
import { loadReferenceData } from '../server/reference.ts';
import { seedSample } from '../server/services/seed.ts';
import type { ServiceContext } from '../server/services/context.ts';
import type { Plan } from '../schemas/plan.ts';
import type { Action } from '../schemas/action.ts';

const reference = loadReferenceData();

/** A fresh in-memory database with the migrations applied, and the app over it. */
export function makeTestApp() {
  const db = openDatabase(':memory:');
  const ctx: ServiceContext = { db, reference };
  return { db, ctx, app: createApp(ctx), reference };
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
