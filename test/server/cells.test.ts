import { describe, expect, it } from 'vitest';
import { updateCells } from '../../server/services/cells.ts';
import { actions as actionsTable } from '../../server/db/schema.ts';
import type { UpdateCellsBody } from '../../schemas/requests/actions.ts';
import { clientOf, expectApiError, failure, getPlan, makeLiegeApp, makeTestApp, postAction, postPlan, reply, sendRaw, type TestApp } from '../helpers.ts';
import { eq } from 'drizzle-orm';

type CellInput = UpdateCellsBody['cells'][number];

/** `PUT /api/plans/:planId/cells` through the typed client. */
const putCells = (app: TestApp, planId: string, cells: CellInput[]) => clientOf(app).plans[':planId'].cells.$put({ param: { planId }, json: { cells } });
/** `PUT …/indicators/:indicatorId/values/:year/:kind` through the typed client. */
const putValue = (
  app: TestApp,
  planId: string,
  indicatorId: string,
  year: string,
  kind: 'target' | 'actual',
  json: { value: number | string | null; version: number },
) => clientOf(app).plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({ param: { planId, indicatorId, year, kind }, json });

/** An empty PCS 2020-2025 plan with one action from the catalogue (1.3.03: 3 realisation rows, then the standard rows). */
async function planWithAction(app: TestApp) {
  const plan = await postPlan(app);
  const action = await postAction(app, plan.id, { code: '1.3.03', operateur: { organisme: 'CPAS de Namur' } });
  const row = (standard: string) => action.indicators.find((i) => i.standard === standard)!.id;
  return { plan, action, count: action.indicators[0]!.id, percent: row('temps-consacre'), money: row('montant-convention'), etp: row('etp-convention') };
}

describe('PUT /api/plans/:planId/cells', () => {
  it('saves a block of cells of every grid as one change and answers each with its new version', async () => {
    const { app } = makeTestApp();
    const { plan, count, money } = await planWithAction(app);
    const cells: CellInput[] = [
      { grid: 'indicator-target', row: count, period: '2021', value: 300, version: 0 },
      { grid: 'indicator-actual', row: count, period: '2021', value: '280', version: 0 },
      { grid: 'indicator-target', row: money, period: '2022', value: '35.082,00', version: 0 },
      { grid: 'time', row: 'terrain', period: 'ex-ante', value: '40 %', version: 0 },
      { grid: 'time', row: 'coordination', period: '2021', value: 6000, version: 0 },
      { grid: 'consumption', row: 'e-compte', period: '2021', value: '1.234,56', version: 0 },
    ];
    const res = await reply(putCells(app, plan.id, cells));
    expect(res.status).toBe(200);
    expect(res.body.map((c) => [c.value, c.version])).toEqual([
      [300, 1],
      [280, 1],
      [3_508_200, 1],
      [4000, 1],
      [6000, 1],
      [123_456, 1],
    ]);
    const after = await getPlan(app, plan.id);
    const indicators = after.actions[0]!.indicators;
    expect(indicators.find((i) => i.id === count)!.values).toEqual({ '2021': { target: 300, actual: 280, targetVersion: 1, actualVersion: 1 } });
    expect(indicators.find((i) => i.id === money)!.values['2022']).toMatchObject({ target: 3_508_200, targetVersion: 1 });
    expect(after.repartitionTemps).toEqual({ terrain: { 'ex-ante': 4000 }, coordination: { '2021': 6000 } });
    expect(after.consommation).toEqual({ '2021': 123_456 });
  });

  it.each([
    ['percent', '21,9%', 2190],
    ['percent', '100', 100_00],
    ['etp', '0,8 ETP', 80],
    ['money', '1 234,56 €', 123_456],
    ['count', 0, 0],
  ] as const)('stores a %s cell typed %j as %i', async (unit, typed, stored) => {
    const { app } = makeTestApp();
    const ids = await planWithAction(app);
    const row = ids[unit === 'count' ? 'count' : unit];
    const res = await reply(putCells(app, ids.plan.id, [{ grid: 'indicator-target', row, period: '2023', value: typed, version: 0 }]));
    expect(res.body[0]).toMatchObject({ value: stored, version: 1 });
  });

  it('counts versions up on each write, a blanked cell included', async () => {
    const { app } = makeTestApp();
    const { plan, count } = await planWithAction(app);
    const put = (value: number | null, version: number) =>
      reply(putCells(app, plan.id, [{ grid: 'indicator-target', row: count, period: '2024', value, version }]));
    expect((await put(5, 0)).body[0]).toMatchObject({ value: 5, version: 1 });
    expect((await put(null, 1)).body[0]).toMatchObject({ value: null, version: 2 });
    expect((await getPlan(app, plan.id)).actions[0]!.indicators[0]!.values['2024']).toMatchObject({ target: null, targetVersion: 2 });
    expect((await put(6, 2)).body[0]).toMatchObject({ value: 6, version: 3 });
  });

  it('answers 404 for an unknown plan', async () => {
    const { app } = makeTestApp();
    const res = await reply(putCells(app, 'inconnu', [{ grid: 'time', row: 'terrain', period: '2021', value: 1, version: 0 }]));
    expectApiError(res, 404, 'not_found');
  });

  it('names the location of an invalid cell the way people know it', async () => {
    const { app, plan } = makeLiegeApp();
    const sada = plan.actions.find((a) => a.fiche.operateur.organisme === 'CPAS de Liège - SADA')!;
    const row = sada.indicators[1]!;
    const res = await failure(
      putCells(app, plan.id, [{ grid: 'indicator-target', row: row.id, period: '2021', value: -1, version: row.values['2021']!.targetVersion }]),
    );
    expectApiError(res, 400, 'validation', 'cells.0.value');
    expect(res.body.message).toBe(
      "Fiche 1.3.03 (CPAS de Liège - SADA) · indicateur 2 « Durée moyenne d'un coaching (x séances) » · Cible 2021 : La valeur ne peut pas être négative",
    );
  });

  it.each<[string, Omit<CellInput, 'version'>, string]>([
    [
      'a time cell',
      { grid: 'time', row: 'terrain', period: '2027', value: 1 },
      "Répartition de l'activité du chef de projet · « à la mise en œuvre d'actions sur le terrain » · 2027 : Colonne inconnue : 2027 (Ex-ante, 2020-2026 ou Ex-post)",
    ],
    [
      'an unknown time category',
      { grid: 'time', row: 'sieste', period: '2021', value: 1 },
      "Répartition de l'activité du chef de projet · « sieste » · 2021 : Catégorie de temps inconnue : sieste",
    ],
    [
      'a consumption cell',
      { grid: 'consumption', row: 'e-compte', period: '2019', value: 1 },
      "Consommation réelle (E-compte) · 2019 : L'année 2019 n'appartient pas au programme (2020-2026)",
    ],
    [
      'a consumption cell of an unknown row',
      { grid: 'consumption', row: 'banque', period: '2021', value: 1 },
      'Consommation réelle (E-compte) · 2021 : Ligne inconnue : banque',
    ],
    [
      'an unknown indicator',
      { grid: 'indicator-target', row: 'inconnu', period: '2021', value: 1 },
      'Indicateur inconnu · Cible 2021 : Indicateur introuvable dans ce plan : inconnu',
    ],
  ])('answers 400 with a located French message for %s', async (_, cell, message) => {
    const { app } = makeTestApp();
    const { plan } = await planWithAction(app);
    const res = await failure(putCells(app, plan.id, [{ ...cell, version: 0 }]));
    expectApiError(res, 400, 'validation', 'cells.0.value');
    expect(res.body.issues[0]!.message).toBe(message);
  });
});

describe('what a cell write knows of its plan', () => {
  /** The message of a refused value (-1) in the first row of `row`'s fiche: it names the fiche as the plan does now. */
  const refusal = async (app: TestApp, planId: string, row: string) => {
    const res = await failure(putCells(app, planId, [{ grid: 'indicator-target', row, period: '2021', value: -1, version: 0 }]));
    return res.body.message.split(' · ')[0];
  };

  it('follows every change of the fiches and indicators, even between two writes of the same cell', async () => {
    const { app, api } = makeTestApp();
    const { plan, action, count } = await planWithAction(app);
    expect(await refusal(app, plan.id, count)).toBe('Fiche 1.3.03');
    // Another fiche of the same code: each is now named by its operator.
    const sibling = await postAction(app, plan.id, { code: '1.3.03', operateur: { organisme: 'Maison Médicale' } });
    expect(await refusal(app, plan.id, count)).toBe('Fiche 1.3.03 (CPAS de Namur)');
    // The fiche's code changes: it no longer shares it.
    const renamed = await reply(
      api.plans[':planId'].actions[':actionId'].$put({
        param: { planId: plan.id, actionId: action.id },
        json: { version: action.version, data: { code: '1.1.05', fiche: action.fiche } },
      }),
    );
    expect(renamed.status).toBe(200);
    expect(await refusal(app, plan.id, count)).toBe('Fiche 1.1.05');
    const gone = await reply(api.plans[':planId'].actions[':actionId'].$delete({ param: { planId: plan.id, actionId: sibling.id }, query: { version: '1' } }));
    expect(gone.status).toBe(204);
    expect(await refusal(app, plan.id, count)).toBe('Fiche 1.1.05');
    // The indicator removed: its cells are no longer the plan's.
    const indicator = (await getPlan(app, plan.id)).actions[0]!.indicators.find((i) => i.id === count)!;
    const removed = await reply(
      api.plans[':planId'].indicators[':indicatorId'].$delete({
        param: { planId: plan.id, indicatorId: count },
        query: { version: String(indicator.version) },
      }),
    );
    expect(removed.status).toBe(204);
    const res = await failure(putCells(app, plan.id, [{ grid: 'indicator-target', row: count, period: '2021', value: 1, version: 0 }]));
    expect(res.body.issues[0]!.message).toContain('Indicateur introuvable dans ce plan');
  });

  it('forgets what it read inside a change that was rolled back', async () => {
    const { app, ctx } = makeTestApp();
    const { plan, action, count } = await planWithAction(app);
    const write = (value: number, version: number) =>
      updateCells({ ...ctx, planId: plan.id, cells: [{ grid: 'indicator-target', row: count, period: '2021', value, version }] });
    write(1, 0);
    // Inside one transaction: the fiche renamed, a cell written (its fiche read as renamed), then all rolled back.
    expect(() =>
      ctx.db.transaction((tx) => {
        tx.update(actionsTable).set({ code: '2.1.01' }).where(eq(actionsTable.id, action.id)).run();
        write(2, 1);
        throw new Error('rollback');
      }),
    ).toThrow('rollback');
    // The fiche is 1.3.03 again, as the next write says, and after another change of the fiche (a stamp that
    // counted changes would now be the one of the rolled-back transaction).
    expect(await refusal(app, plan.id, count)).toBe('Fiche 1.3.03');
    ctx.db.update(actionsTable).set({ priorite: 2 }).where(eq(actionsTable.id, action.id)).run();
    expect(await refusal(app, plan.id, count)).toBe('Fiche 1.3.03');
    expect(write(3, 1)[0]).toMatchObject({ value: 3, version: 2 });
  });
});

describe('PUT /api/plans/:planId/indicators/:indicatorId/values/:year/:kind', () => {
  it('writes one target or actual and answers its value and version', async () => {
    const { app } = makeTestApp();
    const { plan, percent } = await planWithAction(app);
    const put = (kind: 'target' | 'actual', json: { value: number | string | null; version: number }) =>
      reply(putValue(app, plan.id, percent, '2021', kind, json));
    expect(await put('target', { value: '12,5%', version: 0 })).toEqual({ status: 200, body: { value: 1250, version: 1 } });
    expect(await put('actual', { value: 1100, version: 0 })).toEqual({ status: 200, body: { value: 1100, version: 1 } });
    expect(await put('target', { value: null, version: 1 })).toEqual({ status: 200, body: { value: null, version: 2 } });
    const row = (await getPlan(app, plan.id)).actions[0]!.indicators.find((i) => i.id === percent)!;
    expect(row.values).toEqual({ '2021': { target: null, actual: 1100, targetVersion: 2, actualVersion: 1 } });
  });

  it('answers 409 with current = { value, version } when the version is stale', async () => {
    const { app } = makeTestApp();
    const { plan, count } = await planWithAction(app);
    await reply(putValue(app, plan.id, count, '2025', 'actual', { value: 12, version: 0 }));
    const res = await failure(putValue(app, plan.id, count, '2025', 'actual', { value: 13, version: 0 }));
    expectApiError(res, 409, 'conflict');
    expect(res.body.current).toEqual({ value: 12, version: 1 });
  });

  it.each<[string, 'target' | 'actual', { value: number; version: number }, string]>([
    [
      '2019',
      'target',
      { value: 1, version: 0 },
      "Fiche 1.3.03 · indicateur 1 « Nombre de personnes coachées » · Cible 2019 : L'année 2019 n'appartient pas au programme (2020-2026)",
    ],
    [
      '2027',
      'actual',
      { value: 1, version: 0 },
      "Fiche 1.3.03 · indicateur 1 « Nombre de personnes coachées » · Réalisé 2027 : L'année 2027 n'appartient pas au programme (2020-2026)",
    ],
    [
      '2021',
      'target',
      { value: 1_000_000_000_01, version: 0 },
      'Fiche 1.3.03 · indicateur 1 « Nombre de personnes coachées » · Cible 2021 : Valeur trop grande',
    ],
  ])('answers 400 for year %s, %s, %j, writing nothing', async (year, kind, body, message) => {
    const { app } = makeTestApp();
    const { plan, count } = await planWithAction(app);
    const res = await failure(putValue(app, plan.id, count, year, kind, body));
    expectApiError(res, 400, 'validation');
    expect(res.body.message).toBe(message);
    expect((await getPlan(app, plan.id)).actions[0]!.indicators[0]!.values).toEqual({});
  });

  it.each([
    ['a kind that is neither target nor actual', '2021/ex-ante', { value: 1, version: 0 }, 'kind'],
    ['a year that is not four digits', '21/target', { value: 1, version: 0 }, 'year'],
    ['a missing version', '2021/target', { value: 1 }, 'version'],
    ['an unknown field', '2021/target', { value: 1, version: 0, unit: 'count' }, ''],
    ['a value that is neither a number nor text', '2021/target', { value: [1], version: 0 }, 'value'],
  ])('answers 400 for %s', async (_, tail, body, path) => {
    const { app } = makeTestApp();
    const { plan, count } = await planWithAction(app);
    // A kind, a year or a body the typed client refuses to send: sent raw on purpose.
    expectApiError(await sendRaw(app, 'PUT', `/api/plans/${plan.id}/indicators/${count}/values/${tail}`, body), 400, 'validation', path);
  });

  it('answers 404 for an unknown plan', async () => {
    const { app } = makeTestApp();
    expectApiError(await reply(putValue(app, 'inconnu', 'abc', '2021', 'target', { value: 1, version: 0 })), 404, 'not_found');
  });
});
