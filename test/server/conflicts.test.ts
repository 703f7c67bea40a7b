import { describe, expect, it } from 'vitest';
import { expectApiError, failure, getPlan, makeLiegeApp, reply, type TestApp } from '../helpers.ts';

/**
 * Two clients read the same version of a part of the plan; the first one writes; the second one, still on the old
 * version, gets 409 with what the first one wrote, and nothing of the second one is stored.
 */

/** The SADA fiche of the Liège sample: indicator 2 has a 2021 target of 6,00 stored at version 1. */
async function readSada(app: TestApp, planId: string) {
  const plan = await getPlan(app, planId);
  const action = plan.actions.find((a) => a.fiche.operateur.organisme === 'CPAS de Liège - SADA')!;
  return { plan, action, indicator: action.indicators[1]! };
}

describe('concurrent edits of a cell', () => {
  it('PUT /cells: the second client gets 409 with the first one’s value and version, and nothing of its own is written', async () => {
    const { app, api, plan } = makeLiegeApp();
    const { indicator } = await readSada(app, plan.id);
    const seen = indicator.values['2021']!;
    expect(seen).toMatchObject({ target: 600, targetVersion: 1 });
    const cell = { grid: 'indicator-target', row: indicator.id, period: '2021', version: seen.targetVersion } as const;
    const put = api.plans[':planId'].cells.$put;
    const param = { planId: plan.id };

    const first = await reply(put({ param, json: { cells: [{ ...cell, value: '6,50' }] } }));
    expect(first.body).toEqual([{ grid: 'indicator-target', row: indicator.id, period: '2021', value: 650, version: 2 }]);

    const second = await failure(
      put({
        param,
        json: {
          cells: [
            { ...cell, value: '7,00' },
            { grid: 'indicator-actual', row: indicator.id, period: '2021', value: 500, version: 0 },
          ],
        },
      }),
    );
    expectApiError(second, 409, 'conflict');
    expect(second.body.message).toBe(
      "Fiche 1.3.03 (CPAS de Liège - SADA) · indicateur 2 « Durée moyenne d'un coaching (x séances) » · Cible 2021 a été modifié(e) entre-temps : choisissez la valeur à garder",
    );
    expect(second.body.current).toEqual([{ grid: 'indicator-target', row: indicator.id, period: '2021', value: 650, version: 2 }]);

    const stored = (await readSada(app, plan.id)).indicator.values['2021'];
    expect(stored).toEqual({ target: 650, actual: null, targetVersion: 2, actualVersion: 0 });
  });

  it('PUT /indicators/:id/values/:year/:kind: the second client gets current = { value, version } of the first one', async () => {
    const { app, api, plan } = makeLiegeApp();
    const { indicator } = await readSada(app, plan.id);
    const put = (value: number) =>
      api.plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({
        param: { planId: plan.id, indicatorId: indicator.id, year: '2021', kind: 'target' },
        json: { value, version: 1 },
      });
    expect(await reply(put(650))).toEqual({ status: 200, body: { value: 650, version: 2 } });
    const second = await failure(put(700));
    expectApiError(second, 409, 'conflict');
    expect(second.body.current).toEqual({ value: 650, version: 2 });
    expect((await readSada(app, plan.id)).indicator.values['2021']).toMatchObject({ target: 650, targetVersion: 2 });
  });

  it('two clients creating the same blank cell: the second one gets 409 with the first one’s value', async () => {
    const { app, api, plan } = makeLiegeApp();
    const cell = { grid: 'consumption', row: 'e-compte', period: '2025', version: 0 } as const;
    const put = (value: string) => api.plans[':planId'].cells.$put({ param: { planId: plan.id }, json: { cells: [{ ...cell, value }] } });
    expect((await reply(put('100,00'))).status).toBe(200);
    const second = await failure(put('200,00'));
    expectApiError(second, 409, 'conflict');
    expect(second.body.current).toEqual([{ ...cell, value: 10_000, version: 1 }]);
    expect((await getPlan(app, plan.id)).consommation['2025']).toBe(10_000);
  });
});

describe('concurrent edits of a section', () => {
  it('the second client gets 409 with the first one’s section and version, and its own text is not stored', async () => {
    const { app, api, plan } = makeLiegeApp();
    const seen = await getPlan(app, plan.id);
    const version = seen.versions.textes;
    const put = (vision: string) =>
      api.plans[':planId'].sections[':section'].$put({ param: { planId: plan.id, section: 'textes' }, json: { version, data: { ...seen.textes, vision } } });

    const first = await reply(put('Vision du premier'));
    expect(first.status).toBe(200);
    const second = await failure(put('Vision du second'));
    expectApiError(second, 409, 'conflict');
    expect(second.body.current).toEqual({ data: { ...seen.textes, vision: 'Vision du premier' }, version: version + 1 });

    const after = await getPlan(app, plan.id);
    expect(after.textes.vision).toBe('Vision du premier');
    expect(after.versions.textes).toBe(version + 1);
  });

  it('the budget section too: 409 with the amounts in cents as the first client stored them', async () => {
    const { app, api, plan } = makeLiegeApp();
    const seen = await getPlan(app, plan.id);
    const edit = (autres: string) =>
      api.plans[':planId'].sections[':section'].$put({
        param: { planId: plan.id, section: 'budget' },
        json: { version: seen.versions.budget, data: { ...seen.budget, recettes: { ...seen.budget.recettes, autres } } },
      });
    expect((await reply(edit('1,00'))).status).toBe(200);
    const second = await failure(edit('2,00'));
    expectApiError(second, 409, 'conflict');
    expect(second.body.current).toMatchObject({ data: { recettes: { autres: 100 } } });
    expect((await getPlan(app, plan.id)).budget.recettes.autres).toBe(100);
  });
});

describe('concurrent edits of an action', () => {
  it('the second client gets 409 with the whole action as the first one stored it, and its own edit is not stored', async () => {
    const { app, api, plan } = makeLiegeApp();
    const { action } = await readSada(app, plan.id);
    const param = { planId: plan.id, actionId: action.id };
    const put = api.plans[':planId'].actions[':actionId'].$put;
    const { id: _id, version, indicators: _indicators, ...fields } = action;

    const first = await reply(put({ param, json: { version, data: { ...fields, fiche: { ...fields.fiche, description: 'Par le premier' } } } }));
    expect(first.status).toBe(200);
    const second = await failure(
      put({ param, json: { version, data: { ...fields, statut: 'Non entamée', fiche: { ...fields.fiche, description: 'Par le second' } } } }),
    );
    expectApiError(second, 409, 'conflict');
    expect(second.body.message).toBe(`L'action a été modifié(e) entre-temps (version ${version + 1}, vous aviez la version ${version})`);
    expect(second.body.current).toEqual(first.body);

    const stored = (await readSada(app, plan.id)).action;
    expect(stored).toEqual(first.body);
    expect(stored.statut).toBe(action.statut);
  });

  it('a delete from the old version gets 409 and the action stays', async () => {
    const { app, api, plan } = makeLiegeApp();
    const { action } = await readSada(app, plan.id);
    const { id: _id, version, indicators: _indicators, ...fields } = action;
    const param = { planId: plan.id, actionId: action.id };
    // A real change (saving identical data would not move the version).
    await reply(
      api.plans[':planId'].actions[':actionId'].$put({ param, json: { version, data: { ...fields, fiche: { ...fields.fiche, description: 'Modifiée' } } } }),
    );
    expectApiError(await reply(api.plans[':planId'].actions[':actionId'].$delete({ param, query: { version: String(version) } })), 409, 'conflict');
    expect((await getPlan(app, plan.id)).actions).toHaveLength(29);
  });
});
