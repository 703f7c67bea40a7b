import { describe, expect, it } from 'vitest';
import { call, expectApiError, getPlan, makeLiegeApp, makeTestApp, postPlan } from '../helpers.ts';

describe('API answers with the right status and field for each mistake', () => {
  it('refuses a block naming the same cell twice, writing nothing', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const cell = { grid: 'time', row: 'terrain', period: 'ex-ante', value: '50', version: 0 };
    const res = await call(app, 'PUT', `/api/plans/${plan.id}/cells`, { cells: [cell, { ...cell, value: '60' }] });
    expectApiError(res, 400, 'validation', 'cells.1.value');
    expect(res.body.message).toContain('figure deux fois');
    expect((await getPlan(app, plan.id)).repartitionTemps).toEqual({});
  });

  it('answers 404 for an indicator unknown to the plan on the single-cell route', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const res = await call(app, 'PUT', `/api/plans/${plan.id}/indicators/nope/values/2021/target`, { value: 1, version: 0 });
    expectApiError(res, 404, 'not_found');
  });

  it('points a year outside the programme at "year" and a bad value at "value", naming the cell', async () => {
    const { app, plan } = makeLiegeApp();
    const sada = plan.actions.find((a) => a.fiche.operateur.organisme === 'CPAS de Liège - SADA')!;
    const ind = sada.indicators[1]!;
    const outside = await call(app, 'PUT', `/api/plans/${plan.id}/indicators/${ind.id}/values/2019/target`, { value: 1, version: 0 });
    expectApiError(outside, 400, 'validation', 'year');
    expect(outside.body.message).toBe(
      "Fiche 1.3.03 (CPAS de Liège - SADA) · indicateur 2 « Durée moyenne d'un coaching (x séances) » · Cible 2019 : L'année 2019 n'appartient pas au programme (2020-2025)",
    );
    const bad = await call(app, 'PUT', `/api/plans/${plan.id}/indicators/${ind.id}/values/2021/target`, { value: 'abc', version: 0 });
    expectApiError(bad, 400, 'validation', 'value');
    expect(bad.body.message).toBe(
      "Fiche 1.3.03 (CPAS de Liège - SADA) · indicateur 2 « Durée moyenne d'un coaching (x séances) » · Cible 2021 : « abc » n'est pas un nombre au format belge (ex. 1.234,56)",
    );
  });

  it('answers 400 at programmeId for a plan of an unknown programme', async () => {
    const { app } = makeTestApp();
    const res = await call(app, 'POST', '/api/plans', { commune: 'Namur', programmeId: 'pcs-2032-2037' });
    expectApiError(res, 400, 'validation', 'programmeId');
    expect((await call(app, 'GET', '/api/plans')).body).toEqual([]);
  });

  it('points an unknown transfer of a new action at operateur.transferId', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const res = await call(app, 'POST', `/api/plans/${plan.id}/actions`, { code: '1.1.05', operateur: { transferId: 'nope' } });
    expectApiError(res, 400, 'validation', 'operateur.transferId');
    expect((await getPlan(app, plan.id)).actions).toEqual([]);
  });
});
