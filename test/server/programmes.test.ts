import { describe, expect, it } from 'vitest';
import type { CellEdit } from '../../schemas/cells.ts';
import type { Plan } from '../../schemas/plan.ts';
import { expectApiError, failure, getPlan, makeTestApp, postAction, postPlan, reply } from '../helpers.ts';

/** Every year-like token (2000-2099) in a text. */
const yearsIn = (text: string) => [...new Set(text.match(/\b20\d\d\b/g) ?? [])].sort();

/** The periods a plan holds values for: indicator years, time columns, consumption and commission years. */
function periodsOf(plan: Plan): string[] {
  const periods = new Set<string>();
  for (const a of plan.actions) for (const i of a.indicators) for (const y of Object.keys(i.values)) periods.add(y);
  for (const byPeriod of Object.values(plan.repartitionTemps)) for (const p of Object.keys(byPeriod ?? {})) periods.add(p);
  for (const y of Object.keys(plan.consommation)) periods.add(y);
  for (const y of Object.keys(plan.commissions.dates)) periods.add(y);
  return [...periods].sort();
}

describe('programme years are data (PCS 2026-2031)', () => {
  it('serves a 2026-2031 plan end to end: targets, time cells, plan and checks use only its years', async () => {
    const { app, api } = makeTestApp();
    const res = await reply(api.plans.$post({ json: { commune: 'Namur', programmeId: 'pcs-2026-2031' } }));
    expect(res.status).toBe(201);
    const plan = res.body;
    expect(plan.programmeId).toBe('pcs-2026-2031');

    const first = await postAction(app, plan.id, { code: '1.3.03', operateur: { organisme: 'CPAS de Namur' } });
    const second = await postAction(app, plan.id, { code: '3.3.02', operateur: { organisme: 'Alfa' } });
    const temps = (a: typeof first) => a.indicators.find((i) => i.standard === 'temps-consacre')!.id;
    const count = first.indicators[0]!.id;

    const target = (year: string) =>
      api.plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({
        param: { planId: plan.id, indicatorId: count, year, kind: 'target' },
        json: { value: 40, version: 0 },
      });
    const target2031 = await reply(target('2031'));
    expect(target2031).toEqual({ status: 200, body: { value: 40, version: 1 } });

    const target2025 = await failure(target('2025'));
    expectApiError(target2025, 400, 'validation');
    expect(target2025.body.message).toBe(
      "Fiche 1.3.03 · indicateur 1 « Nombre de personnes coachées » · Cible 2025 : L'année 2025 n'appartient pas au programme (2026-2031)",
    );

    const cells = await reply(
      api.plans[':planId'].cells.$put({
        param: { planId: plan.id },
        json: {
          cells: [
            { grid: 'time', row: 'terrain', period: '2026', value: '50 %', version: 0 },
            { grid: 'time', row: 'terrain', period: 'ex-ante', value: '60 %', version: 0 },
            { grid: 'time', row: 'coordination', period: 'ex-ante', value: '40 %', version: 0 },
            { grid: 'indicator-target', row: temps(first), period: '2031', value: '60 %', version: 0 },
            { grid: 'indicator-target', row: temps(second), period: '2031', value: '70 %', version: 0 },
          ],
        },
      }),
    );
    expect(cells.status).toBe(200);

    const stored = await getPlan(app, plan.id);
    expect(stored.repartitionTemps).toEqual({ terrain: { '2026': 5000, 'ex-ante': 6000 }, coordination: { 'ex-ante': 4000 } });
    expect(periodsOf(stored)).toEqual(['2026', '2031', 'ex-ante']);

    const checks = (await reply(api.plans[':planId'].checks.$get({ param: { planId: plan.id } }))).body;
    expect(checks.map((f) => [f.rule, f.path])).toEqual([
      ['temps-total', 'repartitionTemps.2026'],
      ['actions-temps-total', 'actions'],
    ]);
    expect(checks[0]!.message).toBe("Répartition de l'activité du chef de projet, colonne 2026 : le total est 50,0\u00a0% au lieu de 100 %");
    expect(checks[1]!.message).toBe('La somme « % de temps consacré » des actions dépasse 100 % : 130,0\u00a0% en 2031');
    expect(yearsIn(JSON.stringify(checks))).toEqual(['2026', '2031']);
  });

  it.each([
    ['2019', 'indicator-target'],
    ['2025', 'indicator-actual'],
    ['2032', 'indicator-target'],
  ] as const)('refuses a cell in %s (%s) with a message naming 2026-2031', async (year, grid) => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app, 'Namur', 'pcs-2026-2031');
    const action = await postAction(app, plan.id, { code: '1.3.03' });
    const res = await failure(
      api.plans[':planId'].cells.$put({
        param: { planId: plan.id },
        json: { cells: [{ grid, row: action.indicators[0]!.id, period: year, value: 1, version: 0 }] },
      }),
    );
    expectApiError(res, 400, 'validation', 'cells.0.value');
    expect(res.body.message).toContain(`L'année ${year} n'appartient pas au programme (2026-2031)`);
    expect((await getPlan(app, plan.id)).actions[0]!.indicators[0]!.values).toEqual({});
  });

  it('accepts time cells in 2031 and ex-post but not in 2025', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app, 'Namur', 'pcs-2026-2031');
    const time = (period: string): CellEdit => ({ grid: 'time', row: 'evaluation', period, value: 100_00, version: 0 });
    const putCells = (cells: CellEdit[]) => api.plans[':planId'].cells.$put({ param: { planId: plan.id }, json: { cells } });
    expect((await reply(putCells([time('2031'), time('ex-post')]))).status).toBe(200);
    const res = await failure(putCells([time('2025')]));
    expectApiError(res, 400, 'validation', 'cells.0.value');
    expect(res.body.message).toContain('Colonne inconnue : 2025 (Ex-ante, 2026-2031 ou Ex-post)');
  });

  it('keeps commission dates of 2030 and refuses those of 2025, naming the programme', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app, 'Namur', 'pcs-2026-2031');
    const put = (version: number, dates: Record<string, string[]>) =>
      api.plans[':planId'].sections[':section'].$put({ param: { planId: plan.id, section: 'commissions' }, json: { version, data: { dates } } });
    expect((await reply(put(1, { '2030': ['2030-05-01'] }))).status).toBe(200);
    const res = await failure(put(2, { '2025': ['2025-05-01'] }));
    expectApiError(res, 400, 'validation', 'commissions.dates.2025');
    expect(res.body.issues[0]!.message).toBe("L'année 2025 n'appartient pas au programme Plan de Cohésion sociale 2026-2031 (2026-2031)");
    expect((await getPlan(app, plan.id)).commissions.dates).toEqual({ '2030': ['2030-05-01'] });
  });
});
