import { describe, expect, it } from 'vitest';
import type { CollectionKey } from '../../schemas/plan.ts';
import { expectApiError, failure, getPlan, makeTestApp, postAction, postPlan, reply, sendRaw, type Api } from '../helpers.ts';

const listOf = (api: Api) => api.plans[':planId'].lists[':collection'];
const transfersOf = (api: Api) => api.plans[':planId'].transfers;

/** A valid row of each list of the fiche plan, and a second content to edit it to. */
const ROWS: [CollectionKey, Record<string, unknown>, Record<string, unknown>][] = [
  [
    'equipeMembres',
    { nomPrenom: 'Alice Martin', fonction: 'Juriste', etp: '0,5' },
    { nomPrenom: 'Alice Martin', fonction: 'Autre', fonctionAutre: 'Médiatrice', etp: 100 },
  ],
  ['formations', { thematique: 'Gestion de projet', annee: 2021, satisfaction: 8 }, { thematique: 'Gestion de projet', annee: 2022, satisfaction: 9 }],
  ['reunionsOrganisees', { thematique: 'Logement', dates: ['2021-02-01'] }, { thematique: 'Logement', dates: ['2021-02-01', '2021-06-01'] }],
  ['reunionsInvite', { thematique: 'Santé', plusValues: ['Echanger des informations'] }, { thematique: 'Santé mentale', institution: 'AViQ' }],
  ['partenaires', { liste: 'portent', nom: 'CPAS de Namur' }, { liste: 'part-active', nom: 'CPAS de Namur', courriels: ['info@cpas.namur.be'] }],
];

describe('POST/PUT/DELETE /api/plans/:planId/lists/:collection', () => {
  it.each(ROWS)('creates, edits and deletes a row of %s', async (collection, created, edited) => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const param = { planId: plan.id, collection };

    const post = await reply(listOf(api).$post({ param, json: { data: created } }));
    expect(post.status).toBe(201);
    expect(post.body).toMatchObject({ id: expect.any(String), version: 1 });
    expect((await getPlan(app, plan.id))[collection]).toEqual([post.body]);

    const row = { ...param, rowId: post.body.id };
    const put = await reply(listOf(api)[':rowId'].$put({ param: row, json: { version: 1, data: edited } }));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ id: post.body.id, version: 2 });
    expect((await getPlan(app, plan.id))[collection]).toEqual([put.body]);

    expect(await reply(listOf(api)[':rowId'].$delete({ param: row, query: { version: '2' } }))).toEqual({ status: 204, body: null });
    expect((await getPlan(app, plan.id))[collection]).toEqual([]);
  });

  it('stores a team member ETP typed "0,5" as 50 hundredths', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const res = await reply(listOf(api).$post({ param: { planId: plan.id, collection: 'equipeMembres' }, json: { data: { nomPrenom: 'A', etp: '0,5' } } }));
    expect(res.body).toEqual({ id: res.body.id, version: 1, nomPrenom: 'A', fonction: null, fonctionAutre: null, etp: 50 });
  });

  it('moves a row to the position it is given', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const param = { planId: plan.id, collection: 'formations' } as const;
    const ids: string[] = [];
    for (const thematique of ['A', 'B', 'C']) ids.push((await reply(listOf(api).$post({ param, json: { data: { thematique } } }))).body.id);
    await reply(listOf(api)[':rowId'].$put({ param: { ...param, rowId: ids[2]! }, json: { version: 1, data: { thematique: 'C' }, position: 0 } }));
    expect((await getPlan(app, plan.id)).formations.map((f) => f.thematique)).toEqual(['C', 'A', 'B']);
  });

  it('keeps a partner card that names actions of the plan', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const action = await postAction(app, plan.id, { code: '1.3.03' });
    const res = await reply(
      listOf(api).$post({ param: { planId: plan.id, collection: 'partenaires' }, json: { data: { liste: 'portent', nom: 'CPAS', actionIds: [action.id] } } }),
    );
    expect(res.status).toBe(201);
    expect((await getPlan(app, plan.id)).partenaires[0]?.actionIds).toEqual([action.id]);
  });

  it('answers 409 with the stored row when an edit or a delete carries a stale version', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const param = { planId: plan.id, collection: 'formations' } as const;
    const row = (await reply(listOf(api).$post({ param, json: { data: { thematique: 'A' } } }))).body;
    const edit = (thematique: string) => listOf(api)[':rowId'].$put({ param: { ...param, rowId: row.id }, json: { version: 1, data: { thematique } } });
    await reply(edit('B'));
    const put = await failure(edit('C'));
    expectApiError(put, 409, 'conflict');
    expect(put.body.current).toEqual({ ...row, thematique: 'B', version: 2 });
    expectApiError(await reply(listOf(api)[':rowId'].$delete({ param: { ...param, rowId: row.id }, query: { version: '1' } })), 409, 'conflict');
    expect((await getPlan(app, plan.id)).formations).toEqual([{ ...row, thematique: 'B', version: 2 }]);
  });

  it.each(['PUT', 'DELETE'] as const)('%s answers 404 for an unknown row, a row of another list and a row of another plan', async (method) => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const other = await postPlan(app, 'Arlon');
    const member = (await reply(listOf(api).$post({ param: { planId: plan.id, collection: 'equipeMembres' }, json: { data: { nomPrenom: 'A' } } }))).body;
    const formation = (await reply(listOf(api).$post({ param: { planId: other.id, collection: 'formations' }, json: { data: { thematique: 'A' } } }))).body;
    for (const rowId of ['inconnu', member.id, formation.id]) {
      const param = { planId: plan.id, collection: 'formations', rowId } as const;
      const res = await failure(
        method === 'PUT'
          ? listOf(api)[':rowId'].$put({ param, json: { version: 1, data: { thematique: 'X' } } })
          : listOf(api)[':rowId'].$delete({ param, query: { version: '1' } }),
      );
      expectApiError(res, 404, 'not_found');
      expect(res.body.message).toBe('La formation est introuvable');
    }
  });

  it('answers 404 for an unknown plan', async () => {
    const { api } = makeTestApp();
    expectApiError(
      await reply(listOf(api).$post({ param: { planId: 'inconnu', collection: 'formations' }, json: { data: { thematique: 'A' } } })),
      404,
      'not_found',
    );
  });

  it.each([
    ['an unknown list', 'POST', 'lists/benevoles', { data: {} }, 'collection'],
    ['a row without its required field', 'POST', 'lists/equipeMembres', { data: { etp: 50 } }, 'equipeMembres.nomPrenom'],
    ['a body without data wrapper', 'POST', 'lists/formations', { thematique: 'A' }, ''],
    ['a delete without version', 'DELETE', 'lists/formations/abc', undefined, 'version'],
    ['a delete with a version that is not a number', 'DELETE', 'lists/formations/abc?version=deux', undefined, 'version'],
    ['an edit with a negative position', 'PUT', 'lists/formations/abc', { version: 1, data: { thematique: 'A' }, position: -1 }, 'position'],
  ] as const)('answers 400 for %s', async (_, method, path, body, field) => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    // Lists, bodies and queries the typed client refuses to send: sent raw on purpose.
    expectApiError(await sendRaw(app, method, `/api/plans/${plan.id}/${path}`, body), 400, 'validation', field);
  });
});

describe('POST/PUT/DELETE /api/plans/:planId/transfers', () => {
  it('creates a transfer with its amount in cents, edits and moves it, and deletes it', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const param = { planId: plan.id };
    const first = await reply(transfersOf(api).$post({ param, json: { data: { partenaire: 'CPAS de Namur', art20: true, montant: '12.345,67' } } }));
    expect(first).toEqual({ status: 201, body: { id: expect.any(String), version: 1, partenaire: 'CPAS de Namur', art20: true, montant: 1_234_567 } });
    const second = await reply(transfersOf(api).$post({ param, json: { data: { partenaire: 'Asbl Lire', montant: 500_000 } } }));

    const put = await reply(
      transfersOf(api)[':transferId'].$put({
        param: { ...param, transferId: second.body.id },
        json: { version: 1, data: { partenaire: 'Asbl Lire et Écrire', art20: false, montant: '5.000' }, position: 0 },
      }),
    );
    expect(put).toEqual({ status: 200, body: { id: second.body.id, version: 2, partenaire: 'Asbl Lire et Écrire', art20: false, montant: 500_000 } });
    // In the plan, a transfer also carries its yearly amounts (none typed yet).
    expect((await getPlan(app, plan.id)).transferts).toEqual([
      { ...put.body, parAnnee: {} },
      { ...first.body, parAnnee: {} },
    ]);

    expect((await reply(transfersOf(api)[':transferId'].$delete({ param: { ...param, transferId: first.body.id }, query: { version: '1' } }))).status).toBe(
      204,
    );
    expect((await getPlan(app, plan.id)).transferts).toEqual([{ ...put.body, parAnnee: {} }]);
  });

  it('deleting a transfer the actions use is refused (409 in_use); with detacher=1 it unlinks them and keeps their operator', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const transfer = (await reply(transfersOf(api).$post({ param: { planId: plan.id }, json: { data: { partenaire: 'CPAS' } } }))).body;
    await postAction(app, plan.id, { code: '1.3.03', operateur: { organisme: 'CPAS', transferId: transfer.id } });
    const param = { planId: plan.id, transferId: transfer.id };
    expectApiError(await reply(transfersOf(api)[':transferId'].$delete({ param, query: { version: '1' } })), 409, 'in_use');
    expect((await reply(transfersOf(api)[':transferId'].$delete({ param, query: { version: '1', detacher: '1' } }))).status).toBe(204);
    const [action] = (await getPlan(app, plan.id)).actions;
    expect(action?.fiche.operateur).toMatchObject({ organisme: 'CPAS', transferId: null });
  });

  it('answers 409 with the stored transfer for a stale edit or delete', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const t = (await reply(transfersOf(api).$post({ param: { planId: plan.id }, json: { data: { partenaire: 'A', montant: 100 } } }))).body;
    const param = { planId: plan.id, transferId: t.id };
    const edit = (montant: number) => transfersOf(api)[':transferId'].$put({ param, json: { version: 1, data: { partenaire: 'A', montant } } });
    await reply(edit(200));
    const put = await failure(edit(300));
    expectApiError(put, 409, 'conflict');
    expect(put.body.current).toEqual({ ...t, montant: 200, version: 2 });
    expectApiError(await reply(transfersOf(api)[':transferId'].$delete({ param, query: { version: '1' } })), 409, 'conflict');
    expect((await getPlan(app, plan.id)).transferts).toEqual([{ ...t, montant: 200, version: 2, parAnnee: {} }]);
  });

  it('answers 404 for an unknown plan, an unknown transfer and a transfer of another plan', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const other = await postPlan(app, 'Arlon');
    const foreign = (await reply(transfersOf(api).$post({ param: { planId: other.id }, json: { data: { partenaire: 'A' } } }))).body;
    expectApiError(await reply(transfersOf(api).$post({ param: { planId: 'inconnu' }, json: { data: { partenaire: 'A' } } })), 404, 'not_found');
    for (const id of ['inconnu', foreign.id]) {
      const param = { planId: plan.id, transferId: id };
      const put = await failure(transfersOf(api)[':transferId'].$put({ param, json: { version: 1, data: { partenaire: 'B' } } }));
      expectApiError(put, 404, 'not_found');
      expect(put.body.message).toBe('Le transfert est introuvable');
      expectApiError(await reply(transfersOf(api)[':transferId'].$delete({ param, query: { version: '1' } })), 404, 'not_found');
    }
    expect((await getPlan(app, other.id)).transferts).toEqual([{ ...foreign, parAnnee: {} }]);
  });

  it.each([
    ['a missing partner name', { data: { montant: 100 } }, 'transferts.partenaire'],
    ['an amount of the wrong type', { data: { partenaire: 'A', montant: true } }, 'transferts.montant'],
    ['art20 as text', { data: { partenaire: 'A', art20: 'oui' } }, 'transferts.art20'],
  ])('answers 400 for %s', async (_, body, path) => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    // Missing or mistyped fields the typed client refuses to send: sent raw on purpose.
    expectApiError(await sendRaw(app, 'POST', `/api/plans/${plan.id}/transfers`, body), 400, 'validation', path);
    expect((await getPlan(app, plan.id)).transferts).toEqual([]);
  });
});
