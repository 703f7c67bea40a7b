import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLES_DIR } from '../../samples/load-sample.ts';
import type { BudgetVersion, Imputation, YearReconciliation } from '../../schemas/finance.ts';
import type { z } from 'zod';
import type { CreateImputationBody, CreateBudgetVersionBody, JustifyBody, UpdateImputationBody } from '../../schemas/requests/finance.ts';
import type { UpdateCellsBody } from '../../schemas/requests/actions.ts';
import { clientOf, expectApiError, failure, getPlan, makeLiegeApp, makeTestApp, postPlan, reply, sendRaw, type TestApp } from '../helpers.ts';

/** The finance officer's API: budget versions, yearly transfers, imputations (rows and file), justifications, reconciliation. */

const GOOD_FILE = join(SAMPLES_DIR, 'imputations', 'liege-imputations-2021.csv');
const BAD_FILE = join(SAMPLES_DIR, 'imputations', 'liege-imputations-2021-erreur.csv');

function liege() {
  const t = makeLiegeApp();
  const programme = t.reference.programmes.find((p) => p.id === t.plan.programmeId)!;
  return { ...t, years: programme.years, planId: t.plan.id };
}

/** The finance routes of one plan through the typed client, as the person `app` is signed in as. */
const financeOf = (app: TestApp, planId: string) => {
  const plan = clientOf(app).plans[':planId'];
  const param = { planId };
  return {
    checks: async () => (await reply(plan.checks.$get({ param }))).body,
    putCells: (json: z.input<typeof UpdateCellsBody>) => reply(plan.cells.$put({ param, json })),
    postVersion: (json: z.input<typeof CreateBudgetVersionBody>) => reply(plan['budget-versions'].$post({ param, json })),
    postLine: (json: z.input<typeof CreateImputationBody>) => reply(plan['imputations'].$post({ param, json })),
    putLine: (lineId: string, json: z.input<typeof UpdateImputationBody>) => reply(plan['imputations'][':lineId'].$put({ param: { ...param, lineId }, json })),
    deleteLine: (lineId: string, version: number) =>
      reply(plan['imputations'][':lineId'].$delete({ param: { ...param, lineId }, query: { version: String(version) } })),
    justify: (json: z.input<typeof JustifyBody>) => reply(plan.justifications.$put({ param, json })),
    unjustify: (cle: string, version: number) => reply(plan.justifications.$delete({ param, query: { cle, version: String(version) } })),
    upload: (bytes: Uint8Array, fields: { apply?: 'true' | 'false'; fingerprint?: string } = {}, name = 'imputations.csv') =>
      reply(plan['imputations'].import.$post({ param, form: { file: new File([new Uint8Array(bytes)], name), ...fields } })),
  };
};

const reconciliation = async (app: TestApp, planId: string, year: number): Promise<YearReconciliation> =>
  (await reply(clientOf(app).plans[':planId'].reconciliation.$get({ param: { planId }, query: { annee: String(year) } }))).body as YearReconciliation;
const lineOf = (rec: YearReconciliation, id: string) => rec.lines.find((l) => l.id === id)!;

type VersionData = z.input<typeof CreateBudgetVersionBody>['data'];
const versionBody = (annee: number, nature: VersionData['nature'], budget: VersionData['budget'], extra: Partial<VersionData> = {}) => ({
  data: {
    annee,
    nature,
    libelle: nature === 'previsionnel' ? 'Budget initial' : 'Modification budgétaire n°1',
    dateDecision: `${annee}-01-15`,
    budget,
    auteur: 'Directrice financière',
    ...extra,
  },
});

describe('GET /api/plans/:planId/reconciliation', () => {
  it('shows the Liège figures for every programme year, from the fiche plan budget and annual transfers', async () => {
    const { api, planId, years } = liege();
    const all = (await reply(api.plans[':planId'].reconciliation.$get({ param: { planId }, query: {} }))).body as YearReconciliation[];
    expect(all.map((r) => r.year)).toEqual(years);
    for (const rec of all) {
      expect(rec.figures.totalRecettes).toBe(242_499_674);
      expect(rec.transferred.total).toBe(84_561_308);
      expect(rec.transferred.art20).toBe(11_198_108);
      expect(rec.partCommunale.budgetRatio).toBe(38_83);
      expect(lineOf(rec, 'transferts')).toMatchObject({ status: 'ok', differences: [{ label: 'transféré − budget', value: 0 }] });
      expect(lineOf(rec, 'subvention-pcs')).toMatchObject({ booked: null, status: 'incomplet' });
    }
  });

  it('answers 400 for a year outside the programme and 404 for an unknown plan', async () => {
    const { api, planId, years } = liege();
    const get = api.plans[':planId'].reconciliation.$get;
    expectApiError(await reply(get({ param: { planId }, query: { annee: String(years[years.length - 1]! + 1) } })), 400, 'validation', 'annee');
    expectApiError(await reply(get({ param: { planId: 'inconnu' }, query: {} })), 404, 'not_found');
  });
});

describe('POST /api/plans/:planId/budget-versions', () => {
  it('keeps the prévisionnel and each actualisation as dated versions; the latest applies and the difference is visible', async () => {
    const { app, planId, years, plan } = liege();
    const year = years[1]!;
    const first = await financeOf(app, planId).postVersion(versionBody(year, 'previsionnel', plan.budget));
    expect(first.status).toBe(201);
    const changed = { ...plan.budget, recettes: { ...plan.budget.recettes, total: null, subventionPcs: plan.budget.recettes.subventionPcs! + 1 } };
    const second = await financeOf(app, planId).postVersion(versionBody(year, 'actualisation', changed, { dateDecision: `${year}-06-30` }));
    expect(second.status).toBe(201);
    // The author is the signed-in person, whatever name the body types.
    expect(second.body).toMatchObject({ annee: year, nature: 'actualisation', auteur: 'Administrateur Cohésio', enregistreLe: expect.any(String) });

    const stored = (await getPlan(app, plan.id)).budgetsAnnuels as BudgetVersion[];
    expect(stored.map((v) => v.id)).toEqual([first.body.id, second.body.id]);
    expect(stored[0]!.budget).toEqual(plan.budget);

    const rec = await reconciliation(app, planId, year);
    expect(rec.budget.version?.id).toBe(second.body.id);
    expect(lineOf(rec, 'subvention-pcs').budget).toBe(plan.budget.recettes.subventionPcs! + 1);
    // One cent more subvention unbalances the actualisation: a blocking finding of that year.
    const checks = await financeOf(app, planId).checks();
    expect(checks).toContainEqual(expect.objectContaining({ rule: 'rapprochement-equilibre', level: 'error', path: `finance.${year}.equilibre` }));
    expect(checks.find((f) => f.rule === 'rapprochement-equilibre')!.message).toContain('€ 0,01');
    // Other years still use the fiche plan's budget.
    expect((await reconciliation(app, planId, years[0]!)).budget.version).toBeNull();
  });

  it('never changes a recorded version: no route edits one and the database refuses an update', async () => {
    const { app, planId, years, plan, db } = liege();
    const v = (await financeOf(app, planId).postVersion(versionBody(years[0]!, 'previsionnel', plan.budget))).body as BudgetVersion;
    // Routes that do not exist: the typed client cannot name them, sent raw on purpose.
    expect((await sendRaw(app, 'PUT', `/api/plans/${planId}/budget-versions/${v.id}`, { data: {} })).status).toBe(404);
    expect((await sendRaw(app, 'DELETE', `/api/plans/${planId}/budget-versions/${v.id}`)).status).toBe(404);
    expect(() => db.$client.prepare('update budget_versions set subvention_pcs = 0 where id = ?').run(v.id)).toThrow(/never updated/);
    expect((await getPlan(app, plan.id)).budgetsAnnuels[0]!.budget).toEqual(plan.budget);
  });

  it.each([
    ['a second prévisionnel', 'previsionnel', 'nature', /déjà enregistré/],
    ['an actualisation dated before the prévisionnel', 'actualisation-early', 'dateDecision', /précéder/],
  ])('answers 400 for %s', async (_case, kind, path, message) => {
    const { app, planId, years, plan } = liege();
    const year = years[0]!;
    await financeOf(app, planId).postVersion(versionBody(year, 'previsionnel', plan.budget));
    const body =
      kind === 'previsionnel'
        ? versionBody(year, 'previsionnel', plan.budget)
        : versionBody(year, 'actualisation', plan.budget, { dateDecision: `${year - 1}-12-31` });
    const res = await financeOf(app, planId).postVersion(body);
    expect(expectApiError(res, 400, 'validation', path).message).toMatch(message);
    expect((await getPlan(app, plan.id)).budgetsAnnuels).toHaveLength(1);
  });

  it('answers 400 for an actualisation without prévisionnel, a year outside the programme, a bad amount and a missing author', async () => {
    const { app, planId, years, plan } = liege();
    const year = years[0]!;
    expectApiError(await financeOf(app, planId).postVersion(versionBody(year, 'actualisation', plan.budget)), 400, 'validation', 'nature');
    expectApiError(
      await financeOf(app, planId).postVersion(versionBody(years[years.length - 1]! + 1, 'previsionnel', plan.budget)),
      400,
      'validation',
      'annee',
    );
    const bad = await financeOf(app, planId).postVersion(versionBody(year, 'previsionnel', { recettes: { subventionPcs: '1,234.56' } }));
    expectApiError(bad, 400, 'validation', 'budget.recettes.subventionPcs');
    expect((await getPlan(app, plan.id)).budgetsAnnuels).toEqual([]);
  });
});

describe('yearly transfers (PUT /api/plans/:planId/cells, grid "transfer")', () => {
  it('stores an amount per partner and year; a blank year keeps the annual amount; the reconciliation follows to the cent', async () => {
    const { app, planId, years, plan } = liege();
    const year = String(years[2]);
    const t = plan.transferts.find((x) => x.art20 === true)!;
    const put = await financeOf(app, planId).putCells({
      cells: [{ grid: 'transfer', row: t.id, period: year, value: String(t.montant! + 1).replace(/(\d\d)$/, ',$1'), version: 0 }],
    });
    expect(put.status).toBe(200);
    const stored = (await getPlan(app, plan.id)).transferts.find((x) => x.id === t.id)!;
    expect(stored.parAnnee).toEqual({ [year]: t.montant! + 1 });

    const rec = await reconciliation(app, planId, Number(year));
    expect(lineOf(rec, 'transferts')).toMatchObject({ transferred: 84_561_309, status: 'ecart', differences: [{ label: 'transféré − budget', value: 1 }] });
    expect(lineOf(rec, 'art20').differences).toEqual([{ label: 'transféré − budget', value: 1 }]);
    expect(rec.partners.find((p) => p.transferId === t.id)!.transfer).toEqual({ amount: t.montant! + 1, source: 'annee' });
    expect(lineOf(await reconciliation(app, planId, years[0]!), 'transferts').status).toBe('ok');
  });

  it('refuses a year outside the programme, an unknown transfer and a negative amount, naming the partner', async () => {
    const { app, planId, years, plan } = liege();
    const t = plan.transferts[0]!;
    const outside = await financeOf(app, planId).putCells({
      cells: [{ grid: 'transfer', row: t.id, period: String(years[years.length - 1]! + 1), value: 1, version: 0 }],
    });
    expect(expectApiError(outside, 400, 'validation', 'cells.0.value').message).toContain(`« ${t.partenaire} »`);
    expectApiError(
      await financeOf(app, planId).putCells({ cells: [{ grid: 'transfer', row: 'inconnu', period: String(years[0]), value: 1, version: 0 }] }),
      400,
      'validation',
    );
    expectApiError(
      await financeOf(app, planId).putCells({ cells: [{ grid: 'transfer', row: t.id, period: String(years[0]), value: '-5', version: 0 }] }),
      400,
      'validation',
    );
  });

  it('deletes the yearly amounts with their transfer', async () => {
    const { app, api, planId, years, plan } = liege();
    const t = plan.transferts[0]!;
    await financeOf(app, planId).putCells({ cells: [{ grid: 'transfer', row: t.id, period: String(years[0]), value: 100, version: 0 }] });
    // The transfer funds a fiche's operator: detached with it.
    const remove = api.plans[':planId'].transfers[':transferId'].$delete({
      param: { planId, transferId: t.id },
      query: { version: String(t.version), detacher: '1' },
    });
    expect((await reply(remove)).status).toBe(204);
    expect((await getPlan(app, plan.id)).cellVersions.transfer[t.id]).toBeUndefined();
  });
});

describe('imputations (booked lines)', () => {
  it('creates, edits with its version and deletes a line; a stale version answers 409 with the stored line', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const year = makeTestApp().reference.programmes.find((p) => p.id === plan.programmeId)!.years[0]!;
    const lines = financeOf(app, plan.id);
    const created = await lines.postLine({
      data: { annee: year, codeFonctionnel: '84010', articleEconomique: '46548', libelle: 'Subside Région', montant: '1.000,01' },
    });
    expect(created).toEqual({
      status: 201,
      body: {
        id: expect.any(String),
        version: 1,
        annee: year,
        codeFonctionnel: '84010',
        articleEconomique: '465-48',
        libelle: 'Subside Région',
        montant: 100_001,
        nature: null,
      },
    });
    const { id: _id, version: _version, ...fields } = created.body;
    const put = await lines.putLine(created.body.id, { version: 1, data: { ...fields, montant: 100_002, nature: 'part-communale' } });
    expect(put.body).toMatchObject({ version: 2, montant: 100_002, nature: 'part-communale' });
    const stale = await failure(
      clientOf(app).plans[':planId']['imputations'][':lineId'].$put({
        param: { planId: plan.id, lineId: created.body.id },
        json: { version: 1, data: { annee: year, codeFonctionnel: '84010', articleEconomique: '465-48', montant: 1 } },
      }),
    );
    expectApiError(stale, 409, 'conflict');
    expect(stale.body.current).toMatchObject({ version: 2, montant: 100_002 });
    expect(((await getPlan(app, plan.id)).imputations as Imputation[]).map((l) => l.montant)).toEqual([100_002]);
    expect((await lines.deleteLine(created.body.id, 2)).status).toBe(204);
    expect((await getPlan(app, plan.id)).imputations).toEqual([]);
  });

  it.each([
    ['an unknown functional code', { codeFonctionnel: '84020' }, 'codeFonctionnel'],
    ['a malformed economic article', { articleEconomique: '4654' }, 'articleEconomique'],
    ['a US-formatted amount', { montant: '1,234.56' }, 'montant'],
    ['a blank amount', { montant: null }, 'montant'],
    ['a year outside the programme', { annee: 1999 }, 'annee'],
  ])('answers 400 for %s', async (_case, change, path) => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const year = makeTestApp().reference.programmes.find((p) => p.id === plan.programmeId)!.years[0]!;
    const data = { annee: year, codeFonctionnel: '84010', articleEconomique: '465-48', montant: 1, ...change };
    // Codes, articles and amounts the typed client refuses to send are among them: all sent raw on purpose.
    expectApiError(await sendRaw(app, 'POST', `/api/plans/${plan.id}/imputations`, { data }), 400, 'validation', path);
    expect((await getPlan(app, plan.id)).imputations).toEqual([]);
  });

  it('answers 404 for a line of another plan', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const other = await postPlan(app, 'Arlon');
    const year = makeTestApp().reference.programmes.find((p) => p.id === plan.programmeId)!.years[0]!;
    const line = (await financeOf(app, other.id).postLine({ data: { annee: year, codeFonctionnel: '84011', articleEconomique: '435-01', montant: 5 } })).body;
    const lines = financeOf(app, plan.id);
    expectApiError(
      await lines.putLine(line.id, { version: 1, data: { annee: year, codeFonctionnel: '84011', articleEconomique: '435-01', montant: 6 } }),
      404,
      'not_found',
    );
    expectApiError(await lines.deleteLine(line.id, 1), 404, 'not_found');
  });
});

describe('POST /api/plans/:planId/imputations/import', () => {
  it('refuses a file with one wrong line, naming the line, and writes nothing; the corrected file is previewed, applied and reconciled', async () => {
    const { app, planId, plan } = liege();
    const refused = await financeOf(app, planId).upload(readFileSync(BAD_FILE));
    expect(expectApiError(refused, 400, 'validation', 'lignes.5.montant').message).toMatch(/^Import refusé, rien n'a été modifié\. Ligne 5 \(Montant\) : /);
    expect((await getPlan(app, plan.id)).imputations).toEqual([]);

    const preview = await financeOf(app, planId).upload(readFileSync(GOOD_FILE));
    expect(preview.status).toBe(200);
    expect(preview.body.format).toBe('csv');
    expect(preview.body.lines[0]!.line).toBe(2);
    const year = preview.body.years[0]!;
    expect(year).toMatchObject({
      existing: 0,
      incoming: preview.body.lines.length,
      after: { 'subvention-pcs': 166_603_768, 'part-communale': 64_697_798, art20: 11_198_108 },
    });
    expect((await getPlan(app, plan.id)).imputations).toEqual([]);

    const applied = await financeOf(app, planId).upload(readFileSync(GOOD_FILE), { apply: 'true', fingerprint: preview.body.fingerprint });
    expect(applied.body).toMatchObject({ applied: true });
    expect((await getPlan(app, plan.id)).imputations).toHaveLength(preview.body.lines.length);
    const rec = await reconciliation(app, planId, year.annee);
    for (const id of ['subvention-pcs', 'part-communale', 'art20', 'part-communale-minimum']) expect(lineOf(rec, id).status).toBe('ok');
    expect(rec.partCommunale.bookedRatio).toBe(38_83);

    // One cent less on one imputation: one cent on the subvention line, nowhere else among the accounts.
    const line = ((await getPlan(app, plan.id)).imputations as Imputation[]).find((l) => l.articleEconomique.startsWith('46'))!;
    const { id, version, ...fields } = line;
    await financeOf(app, planId).putLine(id, { version, data: { ...fields, montant: line.montant - 1 } });
    const after = await reconciliation(app, planId, year.annee);
    expect(lineOf(after, 'subvention-pcs').differences).toEqual([{ label: 'imputé − budget', value: -1 }]);
    expect(lineOf(after, 'part-communale').status).toBe('ok');
    expect(lineOf(after, 'art20').status).toBe('ok');
    const checks = await financeOf(app, planId).checks();
    // One cent is one finding, on its line (the combined line shows it as the sum of the lines above).
    expect(checks.filter((f) => f.rule.startsWith('rapprochement-')).map((f) => f.rule)).toEqual(['rapprochement-subvention-pcs']);
    const finding = checks.find((f) => f.rule === 'rapprochement-subvention-pcs')!;
    expect(finding).toMatchObject({ level: 'warning', path: `finance.${year.annee}.subvention-pcs` });
    expect(finding.message).toContain('imputé − budget : € -0,01');
  });

  it('replaces only the years of the file, and refuses a preview that is out of date (409) or missing (400)', async () => {
    const { app, planId, years, plan } = liege();
    const otherYear = years.find((y) => String(y) !== readFileSync(GOOD_FILE, 'utf8').split('\n')[1]!.split(';')[0])!;
    await financeOf(app, planId).postLine({ data: { annee: otherYear, codeFonctionnel: '84010', articleEconomique: '465-48', montant: 7 } });
    const preview = await financeOf(app, planId).upload(readFileSync(GOOD_FILE));
    expectApiError(await financeOf(app, planId).upload(readFileSync(GOOD_FILE), { apply: 'true' }), 400, 'validation', 'fingerprint');
    await financeOf(app, planId).postLine({ data: { annee: otherYear, codeFonctionnel: '84010', articleEconomique: '465-48', montant: 8 } });
    expectApiError(await financeOf(app, planId).upload(readFileSync(GOOD_FILE), { apply: 'true', fingerprint: preview.body.fingerprint }), 409, 'conflict');

    const again = await financeOf(app, planId).upload(readFileSync(GOOD_FILE));
    const applied = await financeOf(app, planId).upload(readFileSync(GOOD_FILE), { apply: 'true', fingerprint: again.body.fingerprint });
    const twice = await financeOf(app, planId).upload(readFileSync(GOOD_FILE));
    expect(twice.body.years[0]!.existing).toBe(preview.body.lines.length);
    // What the apply answers identifies the imputations as the next preview finds them.
    expect(applied.body.fingerprint).toBe(twice.body.fingerprint);
    // A line added by hand after an import, then the import again: the kept lines first, the file's lines after.
    await financeOf(app, planId).postLine({ data: { annee: otherYear, codeFonctionnel: '84010', articleEconomique: '465-48', montant: 9 } });
    const third = await financeOf(app, planId).upload(readFileSync(GOOD_FILE));
    const last = await financeOf(app, planId).upload(readFileSync(GOOD_FILE), { apply: 'true', fingerprint: third.body.fingerprint });
    expect(last.body.fingerprint).toBe((await financeOf(app, planId).upload(readFileSync(GOOD_FILE))).body.fingerprint);
    const stored = (await getPlan(app, plan.id)).imputations as Imputation[];
    expect(stored.filter((l) => l.annee === otherYear).map((l) => l.montant)).toEqual([7, 8, 9]);
    expect(stored.filter((l) => l.annee !== otherYear)).toHaveLength(preview.body.lines.length);
    expect(stored.slice(0, 3).map((l) => l.annee)).toEqual([otherYear, otherYear, otherYear]);
  });

  it('writes one audit entry per import: what it did, and every line it removed or added', async () => {
    const { app, planId } = liege();
    const history = async () => (await reply(clientOf(app).plans[':planId'].history.$get({ param: { planId }, query: {} }))).body;
    const apply = async () => {
      const preview = await financeOf(app, planId).upload(readFileSync(GOOD_FILE));
      await financeOf(app, planId).upload(readFileSync(GOOD_FILE), { apply: 'true', fingerprint: preview.body.fingerprint });
      return preview.body;
    };
    const first = await apply();
    const n = first.lines.length;
    const year = first.years[0]!.annee;
    const [entry] = await history();
    expect(entry!.summary).toBe(`Import E-compte (CSV) : ${n} imputation(s) pour ${year}, remplaçant 0 ligne(s)`);
    expect(entry!.values).toHaveLength(n);
    expect(entry!.values.every((v) => v.old === null && v.label.startsWith(`Imputation E-compte ${year} · `))).toBe(true);
    const line = first.lines[0]!.fields;
    expect(entry!.values[0]!.newText).toContain(`${line.codeFonctionnel} / ${line.articleEconomique} · €`);

    await apply();
    const [again] = await history();
    expect(again!.summary).toBe(`Import E-compte (CSV) : ${n} imputation(s) pour ${year}, remplaçant ${n} ligne(s)`);
    expect(again!.values.filter((v) => v.new === null)).toHaveLength(n);
    expect(again!.values.filter((v) => v.old === null)).toHaveLength(n);
  });

  it('answers 413 for a file over the limit and 400 without a file', async () => {
    const { app, planId } = liege();
    expectApiError(await financeOf(app, planId).upload(new Uint8Array(3 * 1024 * 1024).fill(59)), 413, 'payload_too_large');
    // A form without its file: the typed client refuses to send it, sent raw on purpose.
    const res = await app.request(`/api/plans/${planId}/imputations/import`, { method: 'POST', body: new FormData() });
    expect(res.status).toBe(400);
  });
});

describe('PUT/DELETE /api/plans/:planId/justifications', () => {
  it('justifies a warning with its author and date, shows it with the finding, marks it outdated when the figures change', async () => {
    const { app, planId, plan } = liege();
    const warning = (await financeOf(app, planId).checks()).find((f) => f.level === 'warning')!;
    const put = await financeOf(app, planId).justify({
      version: 0,
      data: { cle: warning.key, texte: 'Convention signée en cours d’année', auteur: 'M. Dupont' },
    });
    expect(put).toMatchObject({
      status: 200,
      body: { cle: warning.key, auteur: 'Administrateur Cohésio', version: 1, constat: warning.message, justifieLe: expect.any(String) },
    });
    const shown = (await financeOf(app, planId).checks()).find((f) => f.key === warning.key)!;
    expect(shown.justification).toMatchObject({ texte: 'Convention signée en cours d’année', auteur: 'Administrateur Cohésio', outdated: false });

    expectApiError(await financeOf(app, planId).justify({ version: 0, data: { cle: warning.key, texte: 'Autre', auteur: 'X' } }), 409, 'conflict');
    const replaced = await financeOf(app, planId).justify({ version: 1, data: { cle: warning.key, texte: 'Texte revu', auteur: 'Mme Martin' } });
    expect(replaced.body).toMatchObject({ version: 2, texte: 'Texte revu' });
    expect((await getPlan(app, plan.id)).justifications).toHaveLength(1);

    expect((await getPlan(app, plan.id)).justifications[0]!.constat).toBe(warning.message);
    expectApiError(await financeOf(app, planId).unjustify(warning.key, 1), 409, 'conflict');
    expect((await financeOf(app, planId).unjustify(warning.key, 2)).status).toBe(204);
    expect((await getPlan(app, plan.id)).justifications).toEqual([]);
  });

  it('shows a justification as outdated once its finding says something else', async () => {
    const { app, planId, plan, years } = liege();
    const year = years[0]!;
    const t = plan.transferts[0]!;
    await financeOf(app, planId).putCells({ cells: [{ grid: 'transfer', row: t.id, period: String(year), value: t.montant! + 100, version: 0 }] });
    const finding = (await financeOf(app, planId).checks()).find((f) => f.rule === 'rapprochement-transferts')!;
    await financeOf(app, planId).justify({ version: 0, data: { cle: finding.key, texte: 'Avance versée en décembre', auteur: 'M. Dupont' } });
    await financeOf(app, planId).putCells({ cells: [{ grid: 'transfer', row: t.id, period: String(year), value: t.montant! + 200, version: 1 }] });
    const now = (await financeOf(app, planId).checks()).find((f) => f.key === finding.key)!;
    expect(now.justification).toMatchObject({ texte: 'Avance versée en décembre', outdated: true });
  });

  it('justifies an error in the name of the signed-in person; refuses an unknown finding (404) and an empty text (400)', async () => {
    const { as } = makeTestApp();
    const chef = as('chef');
    const plan = await postPlan(chef, 'Liège');
    const planId = plan.id;
    await reply(
      clientOf(chef).plans[':planId'].sections[':section'].$put({
        param: { planId, section: 'budget' },
        json: { version: 1, data: { recettes: { total: '1.234,56' } } },
      }),
    );
    const error = (await financeOf(chef, planId).checks()).find((f) => f.level === 'error')!;
    expectApiError(await financeOf(chef, planId).justify({ version: 0, data: { cle: 'inconnue:x', texte: 'Non', auteur: 'X' } }), 404, 'not_found');
    expectApiError(await financeOf(chef, planId).justify({ version: 0, data: { cle: error.key, texte: ' ', auteur: 'X' } }), 400, 'validation', 'texte');
    expect((await getPlan(chef, plan.id)).justifications).toEqual([]);
    // The typed author is ignored: a signed-in person justifies in their own name.
    const stored = await financeOf(chef, planId).justify({
      version: 0,
      data: { cle: error.key, texte: 'Total du formulaire officiel', auteur: 'Quelqu’un d’autre' },
    });
    expect(stored.body).toMatchObject({ auteur: 'Claire Dumont (cheffe de projet PCS, Liège)', version: 1 });
    const checked = (await financeOf(chef, planId).checks()).find((f) => f.key === error.key)!;
    expect(checked.justification).toMatchObject({ texte: 'Total du formulaire officiel', outdated: false });
  });
});
