import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { eq } from 'drizzle-orm';
import { createApp } from '../../server/app.ts';
import { deadlineExtensions, formDocuments, formThreads, planSummaries, reviewThreads, submissions } from '../../server/db/schema.ts';
import { seedSample } from '../../server/services/seed.ts';
import { computeBudgetFigures } from '../../schemas/budget.ts';
import { porteurKindOf, porteurTitle } from '../../schemas/porteur.ts';
import { NUMBER_FORMATS } from '../../server/reports/layout/model.ts';
import { REGION_OVERDUE_SHEET, REGION_PLANS_SHEET } from '../../server/reports/region-plans-xlsx.ts';
import type { JustifiedFinding } from '../../schemas/checks.ts';
import type { Plan } from '../../schemas/plan.ts';
import type { Organisation } from '../../schemas/porteur.ts';
import { OverdueListSchema, RegionOverviewSchema, type OverdueList, type RegionOverview, type RegionPlanRow } from '../../schemas/region-plans.ts';
import { ACCOUNTS, clientOf, expectApiError, failure, getPlan, makeTestApp, reply, signedIn, type AccountName, type Api } from '../helpers.ts';

/**
 * The DiCS's overview of a programme's plans and its overdue list: one row per plan with the figures the plan's own
 * checks and budget give, statuses per kind and year with the DiCS's extensions, a summary cache keyed by the plan's
 * content version, the workbook, and every role below the DiCS refused.
 */

/** The day the statuses are computed for (Brussels): the 2020 to 2025 reports of PCS 2020-2025 are past due. */
const NOW = '2026-12-06T10:00:00.000Z';
const TODAY = '2026-12-06';
const daysSince = (iso: string) => Math.round((Date.parse(`${TODAY}T00:00:00Z`) - Date.parse(`${iso}T00:00:00Z`)) / 86_400_000);

let t: ReturnType<typeof makeTestApp>;
let as: (name: AccountName) => Api;
let liege: Plan;
let dinant: Plan;
let arlon: Plan;

async function createPlanFor(body: Parameters<Api['organisations']['$post']>[0]['json']): Promise<Plan> {
  const org = await reply(as('admin').organisations.$post({ json: body }));
  expect(org.status, JSON.stringify(org.body)).toBe(201);
  const organisationId = (org.body as Organisation).id;
  const plan = await reply(as('admin').organisations[':organisationId'].plans.$post({ param: { organisationId }, json: { programmeId: 'pcs-2020-2025' } }));
  expect(plan.status, JSON.stringify(plan.body)).toBe(201);
  return plan.body as Plan;
}

async function putSection(plan: Plan, section: 'identite' | 'equipe' | 'budget', data: unknown): Promise<void> {
  const current = await getPlan(t.app, plan.id);
  const res = await reply(
    as('admin').plans[':planId'].sections[':section'].$put({
      param: { planId: plan.id, section },
      json: { version: current.versions[section], data } as never,
    }),
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const overview = async (programme?: string) => {
  const res = await reply(as('dics').region.plans.$get({ query: programme === undefined ? {} : { programme } }));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  // The answer is the contract's shape, nothing more.
  expect(RegionOverviewSchema.safeParse(res.body).error).toBeUndefined();
  return res.body as RegionOverview;
};
const rowOf = (o: RegionOverview, planId: string): RegionPlanRow => o.plans.find((p) => p.planId === planId)!;
const storedSummary = (planId: string) => t.db.select().from(planSummaries).where(eq(planSummaries.planId, planId)).get()!;

beforeAll(async () => {
  t = makeTestApp();
  // The same database and services, on a fixed day.
  const app = createApp({ ...t.ctx, now: () => NOW });
  as = (name) => clientOf(signedIn(app, ACCOUNTS[name]));
  liege = seedSample(t.ctx);
  dinant = await createPlanFor({ nature: 'cpas', nom: 'CPAS de Dinant', commune: 'Dinant' });
  arlon = await createPlanFor({ nature: 'commune', nom: 'Arlon' });
  await putSection(dinant, 'identite', { province: 'Namur' });
  await putSection(dinant, 'equipe', { chefDeProjet: { prenom: 'Anne', nom: 'Dubois' } });
  await putSection(dinant, 'budget', { recettes: { subventionPcs: 10_000_000, partCommunale: 2_000_000 }, depenses: { personnel: 12_000_000 } });
  await putSection(arlon, 'identite', { province: 'Luxembourg' });
  // A chef de projet whose name starts like a formula: the workbook keeps it text.
  await putSection(arlon, 'equipe', { chefDeProjet: { prenom: '=1+1', nom: 'Test' } });
}, 60_000);

afterAll(async () => {
  await t?.ctx.pdf?.pool.close();
});

describe('GET /api/region/plans', () => {
  it('answers one row per plan of the programme, with the figures of the plan’s own checks and budget', async () => {
    const o = await overview('pcs-2020-2025');
    expect(o.programme.id).toBe('pcs-2020-2025');
    expect(o.aujourdhui).toBe(TODAY);
    expect(o.kinds).toEqual([{ id: 'rapport-annuel', label: expect.any(String), years: [2020, 2021, 2022, 2023, 2024, 2025, 2026] }]);
    expect(o.plans.map((p) => p.planId).sort()).toEqual([liege.id, dinant.id, arlon.id].sort());
    for (const id of [liege.id, dinant.id, arlon.id]) {
      const plan = await getPlan(t.app, id);
      const checks = (await reply(t.api.plans[':planId'].checks.$get({ param: { planId: id } }))).body as JustifiedFinding[];
      const figures = computeBudgetFigures(plan);
      expect(rowOf(o, id)).toMatchObject({
        porteur: porteurTitle(plan),
        porteurNature: porteurKindOf(plan.porteur),
        commune: plan.commune,
        province: plan.identite.province,
        erreurs: checks.filter((f) => f.level === 'error').length,
        erreursNonJustifiees: checks.filter((f) => f.level === 'error' && !f.justification).length,
        avertissements: checks.filter((f) => f.level === 'warning').length,
        subventionPcs: plan.budget.recettes.subventionPcs,
        budgetTotal: figures.totalRecettes,
        partCommunale: figures.partCommunaleRatio,
        fiches: plan.actions.length,
        questionsOuvertes: 0,
      });
    }
    expect(rowOf(o, liege.id).fiches).toBeGreaterThan(10);
    expect(rowOf(o, liege.id).erreurs + rowOf(o, liege.id).avertissements).toBeGreaterThan(0);
    expect(rowOf(o, dinant.id)).toMatchObject({
      porteur: 'CPAS de Dinant',
      porteurNature: 'cpas',
      organisation: 'CPAS de Dinant',
      province: 'Namur',
      chefDeProjet: 'Anne Dubois',
      subventionPcs: 10_000_000,
      budgetTotal: 12_000_000,
      partCommunale: 20_00,
    });
    // 20 % of the subsidy: the plan's checks say the part communale misses the 25 % minimum.
    expect(rowOf(o, dinant.id).erreurs).toBeGreaterThan(0);
  });

  it('gives each kind and year its status, the next due date and the days overdue of the most overdue report', async () => {
    const row = rowOf(await overview('pcs-2020-2025'), arlon.id);
    expect(row.obligations.map((x) => [x.annee, x.statut, x.echeance, x.enRetard])).toEqual([
      [2020, 'brouillon', '2021-03-31', true],
      [2021, 'brouillon', '2022-03-31', true],
      [2022, 'brouillon', '2023-03-31', true],
      [2023, 'brouillon', '2024-03-31', true],
      [2024, 'brouillon', '2025-03-31', true],
      [2025, 'brouillon', '2026-03-31', true],
      [2026, 'brouillon', '2027-03-31', false],
    ]);
    expect(row.obligations[0]!.joursDeRetard).toBe(daysSince('2021-03-31'));
    expect(row.obligations[6]!.joursDeRetard).toBe(0);
    expect(row.prochaineEcheance).toEqual({ kind: 'rapport-annuel', kindLabel: expect.any(String), annee: 2020, echeance: '2021-03-31', enRetard: true });
    expect(row.obligationsEnRetard).toBe(6);
    expect(row.joursDeRetard).toBe(daysSince('2021-03-31'));
  });

  it('takes a submission’s status, a granted extension’s due date and the open DiCS questions', async () => {
    t.db
      .insert(submissions)
      .values({
        id: 'sub-dinant-2021',
        planId: dinant.id,
        kind: 'rapport-annuel',
        annee: 2021,
        numero: 1,
        statut: 'soumis',
        soumisLe: NOW,
        soumisPar: 'Test',
        snapshot: '{}',
        changements: '[]',
        fichiers: 'prets',
      })
      .run();
    const granted = (kind: string, annee: number, echeance: string) =>
      t.db
        .insert(deadlineExtensions)
        .values({ id: `ext-${annee}`, planId: dinant.id, kind, annee, echeance, accordeLe: NOW, accordePar: 'DiCS' })
        .run();
    // 2020: a due date still to come, no longer late; 2025: later, still past.
    granted('rapport-annuel', 2020, '2027-01-31');
    granted('rapport-annuel', 2025, '2026-09-30');
    const thread = (id: string, statut: 'ouvert' | 'repondu' | 'resolu') =>
      t.db
        .insert(reviewThreads)
        .values({ id, planId: dinant.id, annee: 2021, chemin: 'budget', libelle: 'Budget', statut, ouvertLe: NOW, ouvertPar: 'DiCS' })
        .run();
    thread('q1', 'ouvert');
    thread('q2', 'repondu');
    thread('q3', 'resolu');
    // The questions on the plan's form documents count too.
    t.db
      .insert(formDocuments)
      .values({
        id: 'doc1',
        planId: dinant.id,
        kind: 'evaluation',
        title: 'Évaluation',
        data: '{}',
        createdAt: NOW,
        createdBy: 'x',
        updatedAt: NOW,
        updatedBy: 'x',
      })
      .run();
    const formThread = (id: string, statut: 'ouvert' | 'resolu') =>
      t.db
        .insert(formThreads)
        .values({ id, planId: dinant.id, documentId: 'doc1', chemin: 'a.b', libelle: 'A · B', statut, ouvertLe: NOW, ouvertPar: 'DiCS' })
        .run();
    formThread('f1', 'ouvert');
    formThread('f2', 'resolu');

    const row = rowOf(await overview('pcs-2020-2025'), dinant.id);
    const of = (annee: number) => row.obligations.find((x) => x.annee === annee)!;
    expect(of(2020)).toEqual({
      kind: 'rapport-annuel',
      annee: 2020,
      statut: 'brouillon',
      echeance: '2027-01-31',
      echeanceProgramme: '2021-03-31',
      enRetard: false,
      joursDeRetard: 0,
    });
    expect(of(2021)).toMatchObject({ statut: 'soumis', enRetard: false, joursDeRetard: 0 });
    expect(of(2025)).toMatchObject({ echeance: '2026-09-30', echeanceProgramme: '2026-03-31', enRetard: true, joursDeRetard: daysSince('2026-09-30') });
    expect(row.obligationsEnRetard).toBe(4);
    // The most overdue is now 2022's report.
    expect(row.joursDeRetard).toBe(daysSince('2023-03-31'));
    expect(row.prochaineEcheance).toMatchObject({ annee: 2022, echeance: '2023-03-31', enRetard: true });
    expect(row.questionsOuvertes).toBe(3);

    const overdue = (await reply(as('dics').region.overdue.$get({ query: { programme: 'pcs-2020-2025' } }))).body as OverdueList;
    expect(OverdueListSchema.safeParse(overdue).error).toBeUndefined();
    const dinantItems = overdue.items.filter((i) => i.planId === dinant.id);
    expect(dinantItems.map((i) => i.annee).sort()).toEqual([2022, 2023, 2024, 2025]);
    expect(dinantItems.find((i) => i.annee === 2025)).toEqual({
      planId: dinant.id,
      porteur: 'CPAS de Dinant',
      porteurNature: 'cpas',
      commune: 'Dinant',
      province: 'Namur',
      kind: 'rapport-annuel',
      kindLabel: expect.any(String),
      annee: 2025,
      echeance: '2026-09-30',
      echeanceProgramme: '2026-03-31',
      joursDeRetard: daysSince('2026-09-30'),
      statut: 'brouillon',
    });
    // Most overdue first: every plan's 2020 report (but Dinant's, extended) leads.
    const days = overdue.items.map((i) => i.joursDeRetard);
    expect(days).toEqual([...days].sort((a, b) => b - a));
    expect(overdue.items[0]).toMatchObject({ annee: 2020, joursDeRetard: daysSince('2021-03-31') });
    expect(
      overdue.items
        .filter((i) => i.annee === 2020)
        .map((i) => i.planId)
        .sort(),
    ).toEqual([liege.id, arlon.id].sort());
  });

  it('defaults to the current published programme, answers an empty list for a programme without plans, refuses an unknown one', async () => {
    expect((await overview()).programme.id).toBe('pcs-2020-2025');
    const empty = await overview('pcs-2027');
    expect(empty.plans).toEqual([]);
    expect(empty.kinds.map((k) => k.id)).toEqual(['plan-initial', 'justification-financiere', 'evaluation-finale']);
    const unknown = await failure(as('dics').region.plans.$get({ query: { programme: 'pcs-1999' } }));
    expect(expectApiError(unknown, 404, 'not_found', 'programme').message).toBe('Programme inconnu : pcs-1999');
    expectApiError(await failure(as('dics').region.overdue.$get({ query: { programme: 'pcs-1999' } })), 404, 'not_found', 'programme');
    expectApiError(await failure(as('dics').region.plans.$get({ query: { programme: 'PCS 2020!' } })), 400, 'validation', 'programme');
  });
});

describe('the summaries’ cache (plan_summaries)', () => {
  it('reuses a summary while the plan’s version stays, and recomputes it after a cell edit moves the version', async () => {
    await overview('pcs-2020-2025');
    const before = storedSummary(arlon.id);
    // A summary taken from the cache says what the cache holds: mark it.
    const marked = { ...JSON.parse(before.data), subventionPcs: 4242 };
    t.db
      .update(planSummaries)
      .set({ data: JSON.stringify(marked) })
      .where(eq(planSummaries.planId, arlon.id))
      .run();
    expect(rowOf(await overview('pcs-2020-2025'), arlon.id).subventionPcs).toBe(4242);
    expect(storedSummary(arlon.id).planVersion).toBe(before.planVersion);

    await putSection(arlon, 'budget', { recettes: { subventionPcs: 5_000_000, partCommunale: 1_250_000 }, depenses: {} });
    const row = rowOf(await overview('pcs-2020-2025'), arlon.id);
    expect(row).toMatchObject({ subventionPcs: 5_000_000, partCommunale: 25_00, budgetTotal: 6_250_000 });
    expect(storedSummary(arlon.id).planVersion).toBeGreaterThan(before.planVersion);
  });

  it('recomputes the checks’ figures after a cell of the grid is typed (the chef de projet’s time off 100 %)', async () => {
    const before = rowOf(await overview('pcs-2020-2025'), liege.id);
    const version = storedSummary(liege.id).planVersion;
    const plan = await getPlan(t.app, liege.id);
    const [category, periods] = Object.entries(plan.repartitionTemps).find(([, p]) => (p?.['2021'] ?? null) !== null)!;
    const res = await reply(
      as('chef').plans[':planId'].cells.$put({
        param: { planId: liege.id },
        json: {
          cells: [{ grid: 'time', row: category, period: '2021', value: periods!['2021']! + 1_00, version: plan.cellVersions.time[category]?.['2021'] ?? 0 }],
        },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const checks = (await reply(t.api.plans[':planId'].checks.$get({ param: { planId: liege.id } }))).body as JustifiedFinding[];
    const after = rowOf(await overview('pcs-2020-2025'), liege.id);
    expect(after.erreurs).toBe(checks.filter((f) => f.level === 'error').length);
    expect(after.erreurs).toBe(before.erreurs + 1);
    expect(storedSummary(liege.id).planVersion).toBeGreaterThan(version);
  });

  it('recomputes a stored summary that does not parse, or was computed for another programme definition', async () => {
    await overview('pcs-2020-2025');
    const expected = rowOf(await overview('pcs-2020-2025'), liege.id);
    t.db.update(planSummaries).set({ data: '{pas du JSON' }).where(eq(planSummaries.planId, liege.id)).run();
    expect(rowOf(await overview('pcs-2020-2025'), liege.id)).toEqual(expected);
    expect(JSON.parse(storedSummary(liege.id).data)).toMatchObject({ erreurs: expected.erreurs, subventionPcs: expected.subventionPcs });

    const other = { ...JSON.parse(storedSummary(liege.id).data), programmeFingerprint: 'autre', subventionPcs: 1 };
    t.db
      .update(planSummaries)
      .set({ data: JSON.stringify(other) })
      .where(eq(planSummaries.planId, liege.id))
      .run();
    expect(rowOf(await overview('pcs-2020-2025'), liege.id).subventionPcs).toBe(expected.subventionPcs);
  });
});

describe('GET /api/region/plans.xlsx', () => {
  it('writes the overview and the overdue list as flat tables: bold frozen header, filters, numbers with formats, dates, inert text', async () => {
    const res = await as('dics').region['plans.xlsx'].$get({ query: { programme: 'pcs-2020-2025' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('.xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet(REGION_PLANS_SHEET)!;
    const headers = (ws.getRow(1).values as unknown[]).slice(1);
    expect(headers.slice(0, 5)).toEqual(['Porteur', 'Nature', 'Commune', 'Province', 'Chef de projet']);
    expect(headers).toContain('Rapport 2021');
    expect(ws.getCell(1, 1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    expect(ws.rowCount).toBe(4);

    const col = (title: string) => headers.indexOf(title) + 1;
    const o = await overview('pcs-2020-2025');
    const rowNumber = (planId: string) => o.plans.findIndex((p) => p.planId === planId) + 2;
    const dinantRow = ws.getRow(rowNumber(dinant.id));
    expect(dinantRow.getCell(col('Porteur')).value).toBe('CPAS de Dinant');
    expect(dinantRow.getCell(col('Subvention PCS')).value).toBe(100_000);
    expect(dinantRow.getCell(col('Subvention PCS')).numFmt).toBe(NUMBER_FORMATS.euro);
    expect(dinantRow.getCell(col('Part communale')).value).toBe(0.2);
    expect(dinantRow.getCell(col('Part communale')).numFmt).toBe(NUMBER_FORMATS.percent);
    expect(dinantRow.getCell(col('Rapport 2021')).value).toBe('Soumis');
    expect(dinantRow.getCell(col('Rapport 2022')).value).toBe('Brouillon (retard)');
    expect(dinantRow.getCell(col('Échéance')).value).toEqual(new Date('2023-03-31T00:00:00Z'));
    expect(dinantRow.getCell(col('Jours de retard')).value).toBe(daysSince('2023-03-31'));
    // The chef de projet typed « =1+1 … »: text behind an apostrophe, never a formula.
    const chef = ws.getRow(rowNumber(arlon.id)).getCell(col('Chef de projet'));
    expect(chef.value).toBe("'=1+1 Test");
    expect(chef.formula).toBeUndefined();

    const late = wb.getWorksheet(REGION_OVERDUE_SHEET)!;
    const lateHeaders = (late.getRow(1).values as unknown[]).slice(1);
    expect(lateHeaders).toContain('Jours de retard');
    expect(late.rowCount).toBe(1 + (await reply(as('dics').region.overdue.$get({ query: {} }))).body!.items.length);
    expect(late.getCell(2, lateHeaders.indexOf('Jours de retard') + 1).value).toBe(daysSince('2021-03-31'));
  });
});

describe('who may see the regional overview', () => {
  it.each(['chef', 'finance', 'partenaire', 'autreCommune'] as const)('refuses %s (403) on every route', async (name) => {
    const api = as(name);
    for (const res of [
      await failure(api.region.plans.$get({ query: {} })),
      await failure(api.region['plans.xlsx'].$get({ query: {} })),
      await failure(api.region.overdue.$get({ query: { programme: 'pcs-2020-2025' } })),
    ]) {
      expectApiError(res, 403, 'forbidden');
    }
  });

  it.each(['dics', 'admin'] as const)('answers %s', async (name) => {
    expect((await reply(as(name).region.plans.$get({ query: {} }))).status).toBe(200);
    expect((await as(name).region['plans.xlsx'].$get({ query: {} })).status).toBe(200);
    expect((await reply(as(name).region.overdue.$get({ query: {} }))).status).toBe(200);
  });
});
