import type { ClientResponse } from 'hono/client';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../server/app.ts';
import { ApiErrorSchema } from '../../schemas/errors.ts';
import { expectApiError, getPlan, makeTestApp, postPlan, reply, sendRaw, type Api } from '../helpers.ts';

/** A section edit whose JSON body is exactly `bytes` bytes: its text fills the rest. */
function textesOfSize(bytes: number) {
  const shell = JSON.stringify({ version: 1, data: { portrait: '' } });
  return { version: 1, data: { portrait: 'x'.repeat(bytes - shell.length) } };
}
const bodyOfSize = (bytes: number) => JSON.stringify(textesOfSize(bytes));

const EDIT = { version: 1, data: {} };
const ROW = { category: 'realisation', label: 'N', unit: 'count' } as const;

/** Every route under a plan, for an id that names no plan: method, address after the plan, and the typed request. */
const ROUTES_OF_A_PLAN: [string, string, (api: Api, planId: string) => Promise<ClientResponse<unknown, number, string>>][] = [
  ['GET', '', (api, planId) => api.plans[':planId'].$get({ param: { planId } })],
  ['PUT', '', (api, planId) => api.plans[':planId'].$put({ param: { planId }, json: { version: 1, commune: 'X' } })],
  ['DELETE', '', (api, planId) => api.plans[':planId'].$delete({ param: { planId } })],
  ['GET', '/checks', (api, planId) => api.plans[':planId'].checks.$get({ param: { planId } })],
  ['PUT', '/sections/textes', (api, planId) => api.plans[':planId'].sections[':section'].$put({ param: { planId, section: 'textes' }, json: EDIT })],
  [
    'POST',
    '/lists/formations',
    (api, planId) => api.plans[':planId'].lists[':collection'].$post({ param: { planId, collection: 'formations' }, json: { data: { thematique: 'A' } } }),
  ],
  [
    'PUT',
    '/lists/formations/abc',
    (api, planId) =>
      api.plans[':planId'].lists[':collection'][':rowId'].$put({
        param: { planId, collection: 'formations', rowId: 'abc' },
        json: { version: 1, data: { thematique: 'A' } },
      }),
  ],
  [
    'DELETE',
    '/lists/formations/abc?version=1',
    (api, planId) =>
      api.plans[':planId'].lists[':collection'][':rowId'].$delete({ param: { planId, collection: 'formations', rowId: 'abc' }, query: { version: '1' } }),
  ],
  ['POST', '/transfers', (api, planId) => api.plans[':planId'].transfers.$post({ param: { planId }, json: { data: { partenaire: 'A' } } })],
  [
    'PUT',
    '/transfers/abc',
    (api, planId) =>
      api.plans[':planId'].transfers[':transferId'].$put({ param: { planId, transferId: 'abc' }, json: { version: 1, data: { partenaire: 'A' } } }),
  ],
  [
    'DELETE',
    '/transfers/abc?version=1',
    (api, planId) => api.plans[':planId'].transfers[':transferId'].$delete({ param: { planId, transferId: 'abc' }, query: { version: '1' } }),
  ],
  ['POST', '/actions', (api, planId) => api.plans[':planId'].actions.$post({ param: { planId }, json: { code: '1.3.03' } })],
  [
    'PUT',
    '/actions/abc',
    (api, planId) => api.plans[':planId'].actions[':actionId'].$put({ param: { planId, actionId: 'abc' }, json: { version: 1, data: { code: '1.3.03' } } }),
  ],
  [
    'DELETE',
    '/actions/abc?version=1',
    (api, planId) => api.plans[':planId'].actions[':actionId'].$delete({ param: { planId, actionId: 'abc' }, query: { version: '1' } }),
  ],
  [
    'POST',
    '/actions/abc/indicators',
    (api, planId) => api.plans[':planId'].actions[':actionId'].indicators.$post({ param: { planId, actionId: 'abc' }, json: { data: ROW } }),
  ],
  [
    'PUT',
    '/indicators/abc',
    (api, planId) => api.plans[':planId'].indicators[':indicatorId'].$put({ param: { planId, indicatorId: 'abc' }, json: { version: 1, data: ROW } }),
  ],
  [
    'DELETE',
    '/indicators/abc?version=1',
    (api, planId) => api.plans[':planId'].indicators[':indicatorId'].$delete({ param: { planId, indicatorId: 'abc' }, query: { version: '1' } }),
  ],
  [
    'PUT',
    '/cells',
    (api, planId) =>
      api.plans[':planId'].cells.$put({ param: { planId }, json: { cells: [{ grid: 'time', row: 'terrain', period: '2021', value: 1, version: 0 }] } }),
  ],
  [
    'PUT',
    '/indicators/abc/values/2021/target',
    (api, planId) =>
      api.plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({
        param: { planId, indicatorId: 'abc', year: '2021', kind: 'target' },
        json: { value: 1, version: 0 },
      }),
  ],
];

describe('the error shape', () => {
  it.each(ROUTES_OF_A_PLAN)('%s /api/plans/:planId%s answers 404 « Plan introuvable » for an unknown plan', async (_method, _tail, send) => {
    const { api } = makeTestApp();
    const res = await reply(send(api, 'inconnu'));
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
    // Addresses no route serves: the typed client cannot even name them.
    const res = await sendRaw(app, method, path);
    expect(res).toEqual({ status: 404, body: { code: 'not_found', message: `Adresse inconnue : ${method} ${path}`, issues: [] } });
  });

  it('every error body parses with the shared ApiErrorSchema', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const textes = api.plans[':planId'].sections[':section'].$put;
    const param = { planId: plan.id, section: 'textes' } as const;
    const replies = [
      await reply(textes({ param, json: { version: 1, data: { vision: 1 } } })),
      await reply(api.plans[':planId'].$get({ param: { planId: 'inconnu' } })),
      await reply(textes({ param, json: { version: 5, data: {} } })),
      await reply(textes({ param, json: textesOfSize(MAX_BODY_BYTES + 1) })),
    ];
    expect(replies.map((r) => r.status)).toEqual([400, 404, 409, 413]);
    for (const r of replies) expect(ApiErrorSchema.safeParse(r.body).success).toBe(true);
  });

  it('a validation error message in French names the first field and counts the others', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const res = await reply(
      api.plans[':planId'].sections[':section'].$put({ param: { planId: plan.id, section: 'textes' }, json: { version: 1, data: { vision: 1, portrait: 2 } } }),
    );
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
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const res = await reply(
      api.plans[':planId'].sections[':section'].$put({ param: { planId: plan.id, section: 'textes' }, json: textesOfSize(MAX_BODY_BYTES + 1) }),
    );
    expect(res).toEqual({ status: 413, body: { code: 'payload_too_large', message: 'Requête trop volumineuse (au plus 2 Mo)', issues: [] } });
    expect(await getPlan(app, plan.id)).toEqual(plan);
  });

  it('reads a body of exactly 2 MB (then refuses its over-long text with 400)', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    expect(bodyOfSize(MAX_BODY_BYTES)).toHaveLength(MAX_BODY_BYTES);
    const res = await reply(
      api.plans[':planId'].sections[':section'].$put({ param: { planId: plan.id, section: 'textes' }, json: textesOfSize(MAX_BODY_BYTES) }),
    );
    expectApiError(res, 400, 'validation', 'textes.portrait');
  });

  it('judges a body of declared length (Content-Length) by that length, as a browser sends it', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    // Raw on purpose: the length header a browser sets, which a test request does not set by itself.
    const send = (body: string) =>
      app.request(`/api/plans/${plan.id}/sections/textes`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        body,
      });
    const over = await send(bodyOfSize(MAX_BODY_BYTES + 1));
    expect({ status: over.status, body: await over.json() }).toEqual({
      status: 413,
      body: { code: 'payload_too_large', message: 'Requête trop volumineuse (au plus 2 Mo)', issues: [] },
    });
    const exact = await send(bodyOfSize(MAX_BODY_BYTES));
    expect(exact.status).toBe(400);
    expect(await getPlan(app, plan.id)).toEqual(plan);
  });

  it.each([
    ['POST', '/api/plans'],
    ['PUT', '/cells'],
    ['POST', '/actions'],
  ])('applies to %s %s too', async (method, tail) => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const url = tail.startsWith('/api') ? tail : `/api/plans/${plan.id}${tail}`;
    // A section's body sent to other routes, too big to be read: raw on purpose.
    expectApiError(await sendRaw(app, method, url, bodyOfSize(3 * 1024 * 1024)), 413, 'payload_too_large');
    expect((await reply(api.plans.$get())).body).toHaveLength(1);
    expect(await getPlan(app, plan.id)).toEqual(plan);
  });
});
