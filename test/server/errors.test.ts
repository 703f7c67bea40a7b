import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../server/app.ts';
import { ApiErrorSchema } from '../../schemas/errors.ts';
import { call, expectApiError, getPlan, makeTestApp, postPlan } from '../helpers.ts';

/** A JSON body of exactly `bytes` bytes: a section edit whose text fills the rest. */
function bodyOfSize(bytes: number): string {
  const shell = JSON.stringify({ version: 1, data: { portrait: '' } });
  return JSON.stringify({ version: 1, data: { portrait: 'x'.repeat(bytes - shell.length) } });
}

const EDIT = { version: 1, data: {} };
const CELLS = { cells: [{ grid: 'time', row: 'terrain', period: '2021', value: 1, version: 0 }] };

/** Every route under a plan, for an id that names no plan. */
const ROUTES_OF_A_PLAN: [string, string, Record<string, unknown> | undefined][] = [
  ['GET', '', undefined],
  ['PUT', '', { version: 1, commune: 'X' }],
  ['DELETE', '', undefined],
  ['GET', '/checks', undefined],
  ['PUT', '/sections/textes', EDIT],
  ['POST', '/lists/formations', { data: { thematique: 'A' } }],
  ['PUT', '/lists/formations/abc', { version: 1, data: { thematique: 'A' } }],
  ['DELETE', '/lists/formations/abc?version=1', undefined],
  ['POST', '/transfers', { data: { partenaire: 'A' } }],
  ['PUT', '/transfers/abc', { version: 1, data: { partenaire: 'A' } }],
  ['DELETE', '/transfers/abc?version=1', undefined],
  ['POST', '/actions', { code: '1.3.03' }],
  ['PUT', '/actions/abc', { version: 1, data: { code: '1.3.03' } }],
  ['DELETE', '/actions/abc?version=1', undefined],
  ['POST', '/actions/abc/indicators', { data: { category: 'realisation', label: 'N', unit: 'count' } }],
  ['PUT', '/indicators/abc', { version: 1, data: { category: 'realisation', label: 'N', unit: 'count' } }],
  ['DELETE', '/indicators/abc?version=1', undefined],
  ['PUT', '/cells', CELLS],
  ['PUT', '/indicators/abc/values/2021/target', { value: 1, version: 0 }],
];

describe('the error shape', () => {
  it.each(ROUTES_OF_A_PLAN)('%s /api/plans/:planId%s answers 404 « Plan introuvable » for an unknown plan', async (method, tail, body) => {
    const { app } = makeTestApp();
    const res = await call(app, method, `/api/plans/inconnu${tail}`, body);
    expect(res).toEqual({ status: 404, body: { code: 'not_found', message: 'Plan introuvable : inconnu', issues: [] } });
  });

  it.each([
    ['GET', '/api/nulle-part'],
    ['GET', '/api/plans/abc/sections'],
    ['PATCH', '/api/plans/abc'],
    ['POST', '/api/plans/abc/checks'],
    ['GET', '/api/plans/abc/transfers'],
  ])('%s %s (no such route) answers 404 naming the address', async (method, path) => {
    const { app } = makeTestApp();
    const res = await call(app, method, path);
    expect(res).toEqual({ status: 404, body: { code: 'not_found', message: `Adresse inconnue : ${method} ${path}`, issues: [] } });
  });

  it('every error body parses with the shared ApiErrorSchema', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const replies = [
      await call(app, 'PUT', `/api/plans/${plan.id}/sections/textes`, { version: 1, data: { vision: 1 } }),
      await call(app, 'GET', '/api/plans/inconnu'),
      await call(app, 'PUT', `/api/plans/${plan.id}/sections/textes`, { version: 5, data: {} }),
      await call(app, 'PUT', `/api/plans/${plan.id}/sections/textes`, bodyOfSize(MAX_BODY_BYTES + 1)),
    ];
    expect(replies.map((r) => r.status)).toEqual([400, 404, 409, 413]);
    for (const r of replies) expect(ApiErrorSchema.safeParse(r.body).success).toBe(true);
  });

  it('a validation error message in French names the first field and counts the others', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const res = await call(app, 'PUT', `/api/plans/${plan.id}/sections/textes`, { version: 1, data: { vision: 1, portrait: 2 } });
    expect(res.body).toEqual({
      code: 'validation',
      message: 'Données invalides (textes.portrait) : Texte attendu, reçu : le nombre 2 — et 1 autre(s) problème(s)',
      issues: [
        { path: 'textes.portrait', message: 'Texte attendu, reçu : le nombre 2' },
        { path: 'textes.vision', message: 'Texte attendu, reçu : le nombre 1' },
      ],
    });
  });
});

describe('body size limit', () => {
  it('answers 413 in French for a body one byte over 2 MB, and writes nothing', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const res = await call(app, 'PUT', `/api/plans/${plan.id}/sections/textes`, bodyOfSize(MAX_BODY_BYTES + 1));
    expect(res).toEqual({ status: 413, body: { code: 'payload_too_large', message: 'Requête trop volumineuse (au plus 2 Mo)', issues: [] } });
    expect(await getPlan(app, plan.id)).toEqual(plan);
  });

  it('reads a body of exactly 2 MB (then refuses its over-long text with 400)', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    expect(bodyOfSize(MAX_BODY_BYTES)).toHaveLength(MAX_BODY_BYTES);
    expectApiError(await call(app, 'PUT', `/api/plans/${plan.id}/sections/textes`, bodyOfSize(MAX_BODY_BYTES)), 400, 'validation', 'textes.portrait');
  });

  it.each([
    ['POST', '/api/plans'],
    ['PUT', '/cells'],
    ['POST', '/actions'],
  ])('applies to %s %s too', async (method, tail) => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const url = tail.startsWith('/api') ? tail : `/api/plans/${plan.id}${tail}`;
    expectApiError(await call(app, method, url, bodyOfSize(3 * 1024 * 1024)), 413, 'payload_too_large');
    expect((await call(app, 'GET', '/api/plans')).body).toHaveLength(1);
    expect(await getPlan(app, plan.id)).toEqual(plan);
  });
});
