import { describe, expect, it } from 'vitest';
import { FOUR_YEAR_PROGRAMME } from '../four-year-programme.ts';
import { expectApiError, failure, getPlan, makeFourYearApp, makeTestApp, postPlan, reply, sendRaw } from '../helpers.ts';

describe('reference routes', () => {
  it('GET /api/health answers ok', async () => {
    const { api } = makeTestApp();
    expect(await reply(api.health.$get())).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('GET /api/programmes answers the programmes of templates/ with their years', async () => {
    const { api } = makeTestApp();
    const res = await reply(api.programmes.$get());
    expect(res.status).toBe(200);
    expect(res.body.map((p) => [p.id, p.years])).toEqual([
      ['pcs-2020-2025', [2020, 2021, 2022, 2023, 2024, 2025, 2026]],
      ['pcs-2027', [2027, 2028, 2029, 2030, 2031, 2032]],
    ]);
  });

  it('GET /api/programmes/:id/catalogue answers every action with its axe and thématique resolved', async () => {
    const { api, reference } = makeTestApp();
    const res = await reply(api.programmes[':programmeId'].catalogue.$get({ param: { programmeId: 'pcs-2020-2025' } }));
    expect(res.status).toBe(200);
    const catalogue = reference.catalogues['pcs-2020-2025']!;
    expect(res.body.axes).toHaveLength(catalogue.axes.length);
    expect(res.body.actions).toHaveLength(catalogue.actions.length);
    const sada = res.body.actions.find((a) => a.code === '1.3.03');
    expect(sada?.axe?.number).toBe(1);
    expect(sada!.thematique).toMatchObject({ code: '1.3', title: "Aide à l'orientation" });
  });
});

describe('GET /api/plans', () => {
  it('answers an empty list on a fresh database', async () => {
    const { api } = makeTestApp();
    expect(await reply(api.plans.$get())).toEqual({ status: 200, body: [] });
  });

  it('lists plans by commune with their programme and action count', async () => {
    const { app, api } = makeFourYearApp();
    const namur = await postPlan(app, 'Namur');
    const arlon = await postPlan(app, 'Arlon', FOUR_YEAR_PROGRAMME.id);
    await reply(api.plans[':planId'].actions.$post({ param: { planId: namur.id }, json: { code: '1.3.03' } }));
    const res = await reply(api.plans.$get());
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        id: arlon.id,
        commune: 'Arlon',
        porteur: 'Arlon',
        programmeId: FOUR_YEAR_PROGRAMME.id,
        organisation: 'Arlon',
        lectureSeule: false,
        actionCount: 0,
        updatedAt: expect.any(String),
      },
      {
        id: namur.id,
        commune: 'Namur',
        porteur: 'Namur',
        programmeId: 'pcs-2020-2025',
        organisation: 'Namur',
        lectureSeule: false,
        actionCount: 1,
        updatedAt: expect.any(String),
      },
    ]);
  });
});

describe('POST /api/plans', () => {
  it('creates an empty plan whose sections all start at version 1', async () => {
    const { app, api } = makeTestApp();
    const res = await reply(api.plans.$post({ json: { commune: '  Namur ', programmeId: 'pcs-2020-2025' } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ commune: 'Namur', programmeId: 'pcs-2020-2025', actions: [], transferts: [] });
    expect(Object.values(res.body.versions).every((v) => v === 1)).toBe(true);
    expect(await getPlan(app, res.body.id)).toEqual(res.body);
  });

  it.each([
    ['a missing commune', { programmeId: 'pcs-2020-2025' }, 'commune'],
    ['an empty commune', { commune: '   ', programmeId: 'pcs-2020-2025' }, 'commune'],
    ['a commune of the wrong type', { commune: 42, programmeId: 'pcs-2020-2025' }, 'commune'],
    ['a 100 000-character commune', { commune: 'x'.repeat(100_000), programmeId: 'pcs-2020-2025' }, 'commune'],
    ['a malformed programme id', { commune: 'Namur', programmeId: 'PCS 3' }, 'programmeId'],
    ['an unknown field', { commune: 'Namur', programmeId: 'pcs-2020-2025', actions: [] }, ''],
  ])('refuses %s with 400 and creates nothing', async (_, body, path) => {
    const { app, api } = makeTestApp();
    // Bodies the typed client refuses to send (missing, mistyped or unknown fields): sent raw on purpose.
    expectApiError(await sendRaw(app, 'POST', '/api/plans', body), 400, 'validation', path);
    expect((await reply(api.plans.$get())).body).toEqual([]);
  });
});

describe('GET /api/plans/:planId', () => {
  it('answers the whole plan with the version of each section', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const res = await reply(api.plans[':planId'].$get({ param: { planId: plan.id } }));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.versions).sort()).toEqual(
      [
        'header',
        'porteur',
        'identite',
        'equipe',
        'chefDeProjet',
        'serviceCitoyen',
        'budget',
        'isadf',
        'indicateursPlan',
        'textes',
        'commissions',
        'communication',
      ].sort(),
    );
  });

  it('answers 404 with a French message for an unknown plan', async () => {
    const { api } = makeTestApp();
    const res = await failure(api.plans[':planId'].$get({ param: { planId: 'inconnu' } }));
    expectApiError(res, 404, 'not_found');
    expect(res.body.message).toBe('Plan introuvable : inconnu');
  });

  it('answers 400 at path planId for a malformed id', async () => {
    const { api } = makeTestApp();
    expectApiError(await reply(api.plans[':planId'].$get({ param: { planId: 'pas un id' } })), 400, 'validation', 'planId');
  });
});

describe('PUT /api/plans/:planId', () => {
  it('renames the commune and bumps the header version', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const res = await reply(api.plans[':planId'].$put({ param: { planId: plan.id }, json: { version: 1, commune: 'Namur-Centre' } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ commune: 'Namur-Centre', versions: { header: 2 } });
    expect((await getPlan(app, plan.id)).commune).toBe('Namur-Centre');
  });

  it('answers 409 with the stored commune and version when the version is stale', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const rename = (commune: string) => api.plans[':planId'].$put({ param: { planId: plan.id }, json: { version: 1, commune } });
    await reply(rename('Jambes'));
    const res = await failure(rename('Bouge'));
    expectApiError(res, 409, 'conflict');
    expect(res.body.current).toEqual({ commune: 'Jambes', version: 2 });
    expect((await getPlan(app, plan.id)).commune).toBe('Jambes');
  });

  it.each([
    ['a missing version', { commune: 'X' }, 'version'],
    ['an empty commune', { version: 1, commune: '' }, 'commune'],
    ['an attempt to change the programme', { version: 1, commune: 'X', programmeId: 'pcs-2027' }, ''],
  ])('answers 400 for %s and changes nothing', async (_, body, path) => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    // A missing version or an unknown field: bodies the typed client refuses to send, sent raw on purpose.
    expectApiError(await sendRaw(app, 'PUT', `/api/plans/${plan.id}`, body), 400, 'validation', path);
    expect(await getPlan(app, plan.id)).toEqual(plan);
  });

  it('answers 404 for an unknown plan', async () => {
    const { api } = makeTestApp();
    expectApiError(await reply(api.plans[':planId'].$put({ param: { planId: 'inconnu' }, json: { version: 1, commune: 'X' } })), 404, 'not_found');
  });
});

describe('DELETE /api/plans/:planId', () => {
  it('deletes the plan and everything in it', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const param = { planId: plan.id };
    await reply(api.plans[':planId'].actions.$post({ param, json: { code: '1.3.03' } }));
    expect(await reply(api.plans[':planId'].$delete({ param }))).toEqual({ status: 204, body: null });
    expectApiError(await reply(api.plans[':planId'].$get({ param })), 404, 'not_found');
    expect((await reply(api.plans.$get())).body).toEqual([]);
  });

  it('answers 404 for an unknown plan', async () => {
    const { api } = makeTestApp();
    expectApiError(await reply(api.plans[':planId'].$delete({ param: { planId: 'inconnu' } })), 404, 'not_found');
  });
});

describe('GET /api/plans/:planId/checks', () => {
  it('answers no finding for an empty plan', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    expect(await reply(api.plans[':planId'].checks.$get({ param: { planId: plan.id } }))).toEqual({ status: 200, body: [] });
  });

  it('reports a budget total that is not the sum of its lines, with a French message', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const param = { planId: plan.id };
    await reply(
      api.plans[':planId'].sections[':section'].$put({
        param: { ...param, section: 'budget' },
        json: { version: 1, data: { recettes: { total: '1.234,56' } } },
      }),
    );
    const res = await reply(api.plans[':planId'].checks.$get({ param }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      {
        rule: 'budget-recettes-total',
        level: 'error',
        path: 'budget.recettes.total',
        key: 'budget-recettes-total:budget.recettes.total',
        message: "Budget, recettes : le total (€ 1.234,56) n'est pas la somme des recettes (€ 0,00), écart € 1.234,56",
        justification: null,
      },
    ]);
  });

  it('answers 404 for an unknown plan', async () => {
    const { api } = makeTestApp();
    expectApiError(await reply(api.plans[':planId'].checks.$get({ param: { planId: 'inconnu' } })), 404, 'not_found');
  });
});
