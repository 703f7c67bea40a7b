import { describe, expect, it } from 'vitest';
import { expectApiError, failure, getPlan, makeLiegeApp, makeTestApp, postPlan, reply } from '../helpers.ts';

describe('API answers with the right status and field for each mistake', () => {
  it('refuses a block naming the same cell twice, writing nothing', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const cell = { grid: 'time', row: 'terrain', period: 'ex-ante', value: '50', version: 0 } as const;
    const res = await failure(api.plans[':planId'].cells.$put({ param: { planId: plan.id }, json: { cells: [cell, { ...cell, value: '60' }] } }));
    expectApiError(res, 400, 'validation', 'cells.1.value');
    expect(res.body.message).toContain('figure deux fois');
    expect((await getPlan(app, plan.id)).repartitionTemps).toEqual({});
  });

  it('answers 404 for an indicator unknown to the plan on the single-cell route', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const res = await failure(
      api.plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({
        param: { planId: plan.id, indicatorId: 'nope', year: '2021', kind: 'target' },
        json: { value: 1, version: 0 },
      }),
    );
    expectApiError(res, 404, 'not_found');
  });

  it('points a year outside the programme at "year" and a bad value at "value", naming the cell', async () => {
    const { api, plan } = makeLiegeApp();
    const sada = plan.actions.find((a) => a.fiche.operateur.organisme === 'CPAS de Liège - SADA')!;
    const ind = sada.indicators[1]!;
    const putValue = (year: string, value: number | string) =>
      api.plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({
        param: { planId: plan.id, indicatorId: ind.id, year, kind: 'target' },
        json: { value, version: 0 },
      });
    const outside = await failure(putValue('2019', 1));
    expectApiError(outside, 400, 'validation', 'year');
    expect(outside.body.message).toBe(
      "Fiche 1.3.03 (CPAS de Liège - SADA) · indicateur 2 « Durée moyenne d'un coaching (x séances) » · Cible 2019 : L'année 2019 n'appartient pas au programme (2020-2026)",
    );
    const bad = await failure(putValue('2021', 'abc'));
    expectApiError(bad, 400, 'validation', 'value');
    expect(bad.body.message).toBe(
      "Fiche 1.3.03 (CPAS de Liège - SADA) · indicateur 2 « Durée moyenne d'un coaching (x séances) » · Cible 2021 : « abc » n'est pas un nombre au format belge (ex. 1.234,56)",
    );
  });

  it('answers 400 at programmeId for a plan of an unknown programme', async () => {
    const { api } = makeTestApp();
    const res = await failure(api.plans.$post({ json: { commune: 'Namur', programmeId: 'pcs-2032-2037' } }));
    expectApiError(res, 400, 'validation', 'programmeId');
    expect((await reply(api.plans.$get())).body).toEqual([]);
  });

  it('points an unknown transfer of a new action at operateur.transferId', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const res = await failure(api.plans[':planId'].actions.$post({ param: { planId: plan.id }, json: { code: '1.1.05', operateur: { transferId: 'nope' } } }));
    expectApiError(res, 400, 'validation', 'operateur.transferId');
    expect((await getPlan(app, plan.id)).actions).toEqual([]);
  });
});
