import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { actions, auditChanges, cells, indicators, plans, programmes } from '../../server/db/schema.ts';
import { refreshReference } from '../../server/services/programmes.ts';
import { lastKnownActual } from '../../schemas/carry-over.ts';
import { ProgrammeSchema, type Catalogue } from '../../schemas/reference.ts';
import type { Plan } from '../../schemas/plan.ts';
import type { AuditEntry } from '../../schemas/audit.ts';
import type { PlanLineage } from '../../schemas/requests/successor.ts';
import { clientOf, expectApiError, failure, getPlan, makeLiegeApp, reply, type AccountName, type TestApp } from '../helpers.ts';

/** « Préparer le plan suivant »: the proposal, the preparation, its refusals and its undoing. */

const OLD_YEARS = [2020, 2021, 2022, 2023, 2024, 2025, 2026];

type App = ReturnType<typeof makeLiegeApp>;

/**
 * A next programme after PCS 2020-2025 whose catalogue renumbers and rewords the actions: the Liège fiches must be
 * found by their intitulé and objectif, not by their code.
 */
const RENUMBERED: Catalogue = {
  libelle: 'Catalogue de test (codes et intitulés changés)',
  axes: [],
  thematiques: [],
  actions: [
    { code: '1.1.01', intitule: 'Cours de français langue étrangère', objectif: 'Enseigner le français aux personnes étrangères', indicators: [] },
    { code: '1.3.03', intitule: 'Fête des voisins', objectif: 'Réunir les habitants', indicators: [] },
    { code: '1.4.01', intitule: 'Coaching et orientation vers un projet professionnel', objectif: "Identifier l'emploi ciblé", indicators: [] },
    { code: '2.2.01', intitule: 'Abris de nuit', objectif: 'Procurer un abri la nuit ou la journée', indicators: [] },
  ],
};

function addRenumberedProgramme(t: App) {
  const base = t.reference.programmes.find((p) => p.id === 'pcs-2027')!;
  const definition = ProgrammeSchema.parse({ ...base, id: 'pcs-test', label: 'PCS de test', catalogue: 'pcs-test', predecesseur: 'pcs-2020-2025' });
  t.db.insert(programmes).values({ id: 'pcs-test', statut: 'brouillon', definition, catalogue: RENUMBERED, updatedAt: '2026-01-01T00:00:00Z' }).run();
  refreshReference(t.reference, t.db);
}

const tally = (t: App) => ({
  plans: t.db.select({ n: count() }).from(plans).get()!.n,
  actions: t.db.select({ n: count() }).from(actions).get()!.n,
  indicators: t.db.select({ n: count() }).from(indicators).get()!.n,
  cells: t.db.select({ n: count() }).from(cells).get()!.n,
  audit: t.db.select({ n: count() }).from(auditChanges).get()!.n,
});

const preview = (app: TestApp, planId: string, programmeId: string) =>
  clientOf(app).plans[':planId'].successor.preview.$post({ param: { planId }, json: { programmeId } });
const prepare = (app: TestApp, planId: string, programmeId: string, fiches: { actionId: string; code: string }[]) =>
  clientOf(app).plans[':planId'].successor.$post({ param: { planId }, json: { programmeId, fiches } });
const undo = (app: TestApp, planId: string) => clientOf(app).plans[':planId'].preparation.$delete({ param: { planId } });

async function lineageOf(app: TestApp, planId: string): Promise<PlanLineage> {
  return ((await getPlan(app, planId)) as Plan & { lineage: PlanLineage }).lineage;
}

async function historyOf(app: TestApp, planId: string): Promise<AuditEntry[]> {
  return (await reply(clientOf(app).plans[':planId'].history.$get({ param: { planId }, query: {} }))).body;
}

/** Every fiche kept under its own code (PCS 2027's catalogue is, for now, the same as 2020-2025's). */
const keepAll = (plan: Plan) => plan.actions.map((a) => ({ actionId: a.id, code: a.code }));

describe('POST /api/plans/:planId/successor/preview', () => {
  it('proposes each fiche its code of the next catalogue and writes nothing', async () => {
    const t = makeLiegeApp();
    const before = tally(t);
    const res = await reply(preview(t.app, t.plan.id, 'pcs-2027'));
    expect(res.status).toBe(200);
    expect(tally(t)).toEqual(before);
    expect(res.body.programme.id).toBe('pcs-2027');
    expect(res.body.mapping.map((l) => l.actionId)).toEqual(t.plan.actions.map((a) => a.id));
    for (const line of res.body.mapping) expect(line.suggestion).toMatchObject({ code: line.code, basis: 'code', score: 100 });
    expect(res.body.unmapped).toEqual([]);
    expect(res.body.alreadyPrepared).toBeNull();
  });

  it('finds renumbered and reworded actions by intitulé and objectif, and lists the fiches with no close entry', async () => {
    const t = makeLiegeApp();
    addRenumberedProgramme(t);
    const res = await reply(preview(t.app, t.plan.id, 'pcs-test'));
    expect(res.status).toBe(200);
    const byOldCode = new Map(res.body.mapping.map((l) => [l.code, l.suggestion?.code ?? null]));
    expect(byOldCode.get('1.1.05')).toBe('1.1.01');
    // 1.3.03 exists in the new catalogue but now names another action: the fiche follows its intitulé.
    expect(byOldCode.get('1.3.03')).toBe('1.4.01');
    expect(byOldCode.get('2.4.01')).toBe('2.2.01');
    expect(byOldCode.get('4.1.01')).toBeNull();
    const unmapped = res.body.mapping.filter((l) => l.suggestion === null).map((l) => l.actionId);
    expect(res.body.unmapped).toEqual(unmapped);
    expect(unmapped.length).toBeGreaterThan(0);
  });
});

describe('POST /api/plans/:planId/successor', () => {
  it('creates the next plan with identity, team, partners, transfers and the kept fiches under their new codes', async () => {
    const t = makeLiegeApp();
    addRenumberedProgramme(t);
    // The sample has no actual yet: CALIF's first indicator gets 12 in 2021 and 0 in 2023 (0 is a value, not a blank).
    const sample = t.plan.actions.find((a) => a.code === '1.1.05')!.indicators[0]!.id;
    const typed = await reply(
      clientOf(t.app).plans[':planId'].cells.$put({
        param: { planId: t.plan.id },
        json: {
          cells: [
            { grid: 'indicator-actual', row: sample, period: '2021', value: 12, version: 0 },
            { grid: 'indicator-actual', row: sample, period: '2023', value: 0, version: 0 },
          ],
        },
      }),
    );
    expect(typed.status).toBe(200);
    const old = await getPlan(t.app, t.plan.id);
    const calif = old.actions.find((a) => a.code === '1.1.05')!;
    const abri = old.actions.find((a) => a.code === '2.4.01')!;
    const res = await reply(
      prepare(t.app, old.id, 'pcs-test', [
        { actionId: calif.id, code: '1.1.01' },
        { actionId: abri.id, code: '2.2.01' },
      ]),
    );
    expect(res.status).toBe(201);
    expect(res.body.predecessorId).toBe(old.id);
    expect(res.body.notCarried.map((f) => f.actionId)).toEqual(old.actions.filter((a) => a !== calif && a !== abri).map((a) => a.id));

    const next = await getPlan(t.app, res.body.planId);
    expect(next.programmeId).toBe('pcs-test');
    expect(next.commune).toBe(old.commune);
    expect(next.porteur).toEqual({ ...old.porteur, dateApprobation: null });
    expect(next.identite).toEqual(old.identite);
    expect(next.equipe).toEqual(old.equipe);
    expect(next.chefDeProjet).toEqual(old.chefDeProjet);
    expect(next.equipeMembres.map((m) => m.nomPrenom)).toEqual(old.equipeMembres.map((m) => m.nomPrenom));
    expect(next.partenaires.map((p) => p.nom)).toEqual(old.partenaires.map((p) => p.nom));
    // A partner card keeps the kept fiches it named, under their new ids.
    const nextIds = new Set(next.actions.map((a) => a.id));
    for (const p of next.partenaires) for (const id of p.actionIds) expect(nextIds.has(id)).toBe(true);
    // Transfers keep their partner and legal basis, not the amounts of the old years.
    expect(next.transferts.map((x) => [x.partenaire, x.art20])).toEqual(old.transferts.map((x) => [x.partenaire, x.art20]));
    for (const x of next.transferts) expect([x.montant, x.parAnnee]).toEqual([null, {}]);
    // Nothing of the old years: no budget, no time shares, no finance records.
    expect(next.repartitionTemps).toEqual({});
    expect(next.budgetsAnnuels).toEqual([]);
    expect(next.imputations).toEqual([]);

    expect(next.actions.map((a) => a.code)).toEqual(['1.1.01', '2.2.01']);
    const [newCalif] = next.actions;
    expect(newCalif!.fiche.description).toBe(calif.fiche.description);
    expect(newCalif!.indicators.map((i) => i.label)).toEqual(calif.indicators.map((i) => i.label));
    for (const ind of newCalif!.indicators) expect([ind.values, ind.exAnte]).toEqual([{}, null]);
    // Each indicator that had an actual starts with the last one as its baseline.
    const expected = calif.indicators.flatMap((ind, i) => {
      const last = lastKnownActual(ind.values, OLD_YEARS);
      return last ? [{ indicatorId: newCalif!.indicators[i]!.id, ...last }] : [];
    });
    expect(expected[0]).toEqual({ indicatorId: newCalif!.indicators[0]!.id, annee: 2023, valeur: 0 });
    expect(newCalif!.fiche.valeursDeReference).toEqual(expected);
    // The transfer funding a kept fiche follows it.
    if (abri.fiche.operateur.transferId) {
      const partner = old.transferts.find((x) => x.id === abri.fiche.operateur.transferId)!.partenaire;
      const newAbri = next.actions[1]!;
      expect(next.transferts.find((x) => x.id === newAbri.fiche.operateur.transferId)?.partenaire).toBe(partner);
    }
  });

  it('links both plans, and records the preparation in both trails', async () => {
    const t = makeLiegeApp();
    const res = await reply(prepare(t.app, t.plan.id, 'pcs-2027', keepAll(t.plan)));
    expect(res.status).toBe(201);
    const newId = res.body.planId;
    const lineage = await lineageOf(t.app, newId);
    expect(lineage.predecessor).toEqual({ id: t.plan.id, programmeId: 'pcs-2020-2025', programmeLabel: expect.any(String), commune: t.plan.commune });
    expect(lineage.preparedAt).toEqual(expect.any(String));
    expect((await lineageOf(t.app, t.plan.id)).successor).toMatchObject({ id: newId, programmeId: 'pcs-2027' });
    expect((await historyOf(t.app, newId))[0]!.summary).toMatch(/^Plan préparé depuis le plan .* de Liège : \d+ fiche\(s\) reprise\(s\), 0 non reprise\(s\)$/);
    expect((await historyOf(t.app, t.plan.id))[0]!.summary).toMatch(/^Plan suivant préparé \(/);
    const again = await reply(preview(t.app, t.plan.id, 'pcs-2027'));
    expect(again.body.alreadyPrepared).toMatchObject({ id: newId });
  });

  it('refuses a programme that does not follow the plan’s, naming programmeId', async () => {
    const t = makeLiegeApp();
    for (const programmeId of ['pcs-2020-2025', 'pcs-inconnu']) {
      expectApiError(await failure(preview(t.app, t.plan.id, programmeId)), 400, 'validation', 'programmeId');
      expectApiError(await failure(prepare(t.app, t.plan.id, programmeId, [])), 400, 'validation', 'programmeId');
    }
    // The plan of the next programme has no next programme yet.
    const next = await reply(prepare(t.app, t.plan.id, 'pcs-2027', []));
    expectApiError(await failure(preview(t.app, next.body.planId, 'pcs-2027')), 400, 'validation', 'programmeId');
  });

  it('refuses a code outside the new catalogue (« Fiche 1.3.03 ») and a fiche of another plan, writing nothing', async () => {
    const t = makeLiegeApp();
    addRenumberedProgramme(t);
    const before = tally(t);
    const coaching = t.plan.actions.find((a) => a.code === '1.3.03')!;
    const bad = expectApiError(
      await failure(prepare(t.app, t.plan.id, 'pcs-test', [{ actionId: coaching.id, code: '1.5.04' }])),
      400,
      'validation',
      'fiches.0.code',
    );
    expect(bad.message).toBe("Fiche 1.3.03 : le code 1.5.04 n'est pas au catalogue du programme PCS de test");
    expectApiError(await failure(prepare(t.app, t.plan.id, 'pcs-test', [{ actionId: 'inconnue', code: '1.1.01' }])), 400, 'validation', 'fiches.0.actionId');
    expectApiError(
      await failure(
        prepare(t.app, t.plan.id, 'pcs-test', [
          { actionId: coaching.id, code: '1.4.01' },
          { actionId: coaching.id, code: '1.1.01' },
        ]),
      ),
      400,
      'validation',
      'fiches',
    );
    expect(tally(t)).toEqual(before);
  });

  it('refuses a second preparation for the same programme with 409 pointing at the prepared plan', async () => {
    const t = makeLiegeApp();
    const first = await reply(prepare(t.app, t.plan.id, 'pcs-2027', []));
    const again = expectApiError(await failure(prepare(t.app, t.plan.id, 'pcs-2027', [])), 409, 'conflict');
    expect(again.message).toMatch(/déjà été préparé/);
    expect((again as { current?: unknown }).current).toMatchObject({ id: first.body.planId });
  });

  it.each<[AccountName, number]>([
    ['chef', 201],
    ['finance', 403],
    ['partenaire', 403],
    ['dics', 403],
    ['autreCommune', 404],
  ])('is the chef de projet’s and the administrator’s: %s → %i', async (who, status) => {
    const t = makeLiegeApp();
    const as = t.as(who);
    const res = await reply(prepare(as, t.plan.id, 'pcs-2027', keepAll(t.plan)));
    expect(res.status).toBe(status);
    expect((await reply(preview(as, t.plan.id, 'pcs-2027'))).status).toBe(status === 201 ? 200 : status);
    if (status === 201) {
      // The new plan belongs to the old plan's commune, whoever prepared it.
      const organisationOf = (id: string) =>
        t.db
          .select({ id: plans.id, o: plans.organisationId })
          .from(plans)
          .all()
          .find((r) => r.id === id)?.o;
      expect(organisationOf((res.body as { planId: string }).planId)).toBe(organisationOf(t.plan.id));
    }
  });
});

describe('DELETE /api/plans/:planId/preparation', () => {
  it('deletes the prepared plan while it has not been saved, and says so in the old plan’s trail', async () => {
    const t = makeLiegeApp();
    const before = tally(t);
    const res = await reply(prepare(t.app, t.plan.id, 'pcs-2027', keepAll(t.plan)));
    const done = await reply(undo(t.app, res.body.planId));
    expect(done).toEqual({ status: 200, body: { predecessorId: t.plan.id } });
    expect((await reply(clientOf(t.app).plans[':planId'].$get({ param: { planId: res.body.planId } }))).status).toBe(404);
    expect((await historyOf(t.app, t.plan.id))[0]!.summary).toMatch(/^Préparation du plan suivant annulée/);
    expect((await lineageOf(t.app, t.plan.id)).successor).toBeNull();
    expect({ ...tally(t), audit: 0 }).toEqual({ ...before, audit: 0 });
    // Prepared again afterwards, as if never prepared.
    expect((await reply(prepare(t.app, t.plan.id, 'pcs-2027', []))).status).toBe(201);
  });

  it('is refused with 409 once the new plan is saved (any change clears the preparation)', async () => {
    const t = makeLiegeApp();
    const res = await reply(prepare(t.app, t.plan.id, 'pcs-2027', keepAll(t.plan)));
    const next = await getPlan(t.app, res.body.planId);
    const saved = await reply(
      clientOf(t.app).plans[':planId'].sections[':section'].$put({
        param: { planId: next.id, section: 'textes' },
        json: { version: next.versions.textes, data: { ...next.textes, vision: 'Une commune solidaire' } },
      }),
    );
    expect(saved.status).toBe(200);
    expect((await lineageOf(t.app, next.id)).preparedAt).toBeNull();
    const refused = expectApiError(await failure(undo(t.app, next.id)), 409, 'conflict');
    expect(refused.message).toBe('Ce plan a été modifié depuis sa préparation : la préparation ne peut plus être annulée');
    expect((await getPlan(t.app, next.id)).id).toBe(next.id);
  });

  it('keeps the preparation undoable after a save that changes nothing', async () => {
    const t = makeLiegeApp();
    const res = await reply(prepare(t.app, t.plan.id, 'pcs-2027', []));
    const next = await getPlan(t.app, res.body.planId);
    await reply(
      clientOf(t.app).plans[':planId'].sections[':section'].$put({
        param: { planId: next.id, section: 'textes' },
        json: { version: next.versions.textes, data: next.textes },
      }),
    );
    expect((await lineageOf(t.app, next.id)).preparedAt).not.toBeNull();
  });

  it('refuses a plan that was not prepared, and the roles that do not make plans', async () => {
    const t = makeLiegeApp();
    expectApiError(await failure(undo(t.app, t.plan.id)), 409, 'conflict');
    const res = await reply(prepare(t.app, t.plan.id, 'pcs-2027', []));
    for (const who of ['finance', 'partenaire', 'dics'] as const) expect((await reply(undo(t.as(who), res.body.planId))).status).toBe(403);
    expect((await reply(undo(t.as('chef'), res.body.planId))).status).toBe(200);
  });
});

describe('baselines (fiche.valeursDeReference)', () => {
  /** A prepared plan whose CALIF fiche carries a baseline for its first indicator (12 reported in 2022). */
  async function preparedWithBaseline() {
    const t = makeLiegeApp();
    const calif = t.plan.actions.find((a) => a.code === '1.1.05')!;
    const row = calif.indicators[0]!.id;
    await reply(
      clientOf(t.app).plans[':planId'].cells.$put({
        param: { planId: t.plan.id },
        json: { cells: [{ grid: 'indicator-actual', row, period: '2022', value: 12, version: 0 }] },
      }),
    );
    const res = await reply(prepare(t.app, t.plan.id, 'pcs-2027', [{ actionId: calif.id, code: '1.1.05' }]));
    const next = await getPlan(t.app, res.body.planId);
    return { t, next, action: next.actions[0]! };
  }

  it('refuses a baseline naming an indicator that is not the fiche’s', async () => {
    const { t, next, action } = await preparedWithBaseline();
    const fiche = { ...action.fiche, valeursDeReference: [{ indicatorId: 'inconnu', annee: 2022, valeur: 3 }] };
    const res = await failure(
      clientOf(t.app).plans[':planId'].actions[':actionId'].$put({
        param: { planId: next.id, actionId: action.id },
        json: { version: action.version, data: { code: action.code, statut: action.statut, droitVise: action.droitVise, priorite: action.priorite, fiche } },
      }),
    );
    expectApiError(res, 400, 'validation', 'fiche.valeursDeReference.0.indicatorId');
  });

  it('goes with its indicator: deleting the indicator removes the baseline', async () => {
    const { t, next, action } = await preparedWithBaseline();
    const indicator = action.indicators[0]!;
    expect(action.fiche.valeursDeReference).toEqual([{ indicatorId: indicator.id, annee: 2022, valeur: 12 }]);
    const res = await reply(
      clientOf(t.app).plans[':planId'].indicators[':indicatorId'].$delete({
        param: { planId: next.id, indicatorId: indicator.id },
        query: { version: String(indicator.version) },
      }),
    );
    expect(res.status).toBeLessThan(300);
    expect((await getPlan(t.app, next.id)).actions[0]!.fiche.valeursDeReference).toEqual([]);
    // The trail names the baseline removed with it by its fiche and indicator, never by an id.
    const [entry] = await historyOf(t.app, next.id);
    const baseline = entry!.values.filter((v) => v.path.includes('valeursDeReference'));
    expect(baseline.map((v) => [v.label, v.oldText])).toEqual([
      ['Fiche 1.1.05 · Valeurs de référence · ligne 1 · Indicateur', 'indicateur supprimé'],
      ['Fiche 1.1.05 · Valeurs de référence · ligne 1 · Année', '2022'],
      ['Fiche 1.1.05 · Valeurs de référence · ligne 1 · Valeur', '12'],
    ]);
  });
});
