import { describe, expect, it } from 'vitest';
import { loadReference } from '../../server/services/programmes.ts';
import { loadReferenceData } from '../../server/reference.ts';
import type { SubmissionKind } from '../../schemas/reference.ts';
import type { CreateProgrammeBody, ProgrammeRecord, UpdateProgrammeBody } from '../../schemas/requests/programmes.ts';
import { type AccountName, type Api, expectApiError, failure, makeTestApp, postAction, postPlan, reply } from '../helpers.ts';

/**
 * The administration of programmes: the shipped 2020-2025 programme extended through 2026, the draft from 2027, and
 * the drafts an administrator creates, edits (years of any length, submission kinds, catalogue) and publishes.
 */

const DRAFT = 'pcs-2027';
const PUBLISHED = 'pcs-2020-2025';

const ANNUAL: SubmissionKind = {
  id: 'rapport-annuel',
  label: 'Rapport annuel',
  periodicite: 'annuelle',
  echeance: { mois: 3, jour: 31, decalage: 1 },
  checklist: ['fiche-plan', 'budget'],
};

/** A 4-year draft from 2033, its catalogue copied from the draft from 2027. */
const NEW_DRAFT: CreateProgrammeBody = {
  id: 'pcs-2033',
  label: 'Plan de Cohésion sociale 2033-2036 (projet)',
  shortName: 'PCS 5',
  firstYear: 2033,
  yearCount: 4,
  populationReferenceDate: '2031-01-01',
  predecesseur: DRAFT,
  soumissions: [ANNUAL],
  catalogueDe: DRAFT,
};

async function recordOf(api: Api, programmeId: string): Promise<ProgrammeRecord> {
  const res = await reply(api.programmes[':programmeId'].$get({ param: { programmeId } }));
  expect(res.status).toBe(200);
  return res.body as ProgrammeRecord;
}

/** The draft's definition as the form sends it back, with changes. */
function definitionOf(r: ProgrammeRecord, over: Partial<UpdateProgrammeBody> = {}): UpdateProgrammeBody {
  const p = r.programme;
  return {
    version: r.version,
    label: p.label,
    shortName: p.shortName,
    firstYear: p.years[0]!,
    lastYear: p.years[p.years.length - 1]!,
    populationReferenceDate: p.populationReferenceDate,
    predecesseur: p.predecesseur,
    soumissions: p.soumissions,
    ...over,
  };
}

const putDefinition = (api: Api, programmeId: string, json: UpdateProgrammeBody) => api.programmes[':programmeId'].$put({ param: { programmeId }, json });

describe('GET /api/programmes', () => {
  it('lists 2020-2025 published and extended through 2026, and the draft from 2027', async () => {
    const { apiAs } = makeTestApp();
    const res = await reply(apiAs('chef').programmes.$get());
    expect(res.status).toBe(200);
    const [current, next] = res.body;
    expect(current).toMatchObject({
      id: PUBLISHED,
      statut: 'publie',
      end: '2026-12-31',
      prolongation: { anneesInitiales: [2020, 2021, 2022, 2023, 2024, 2025] },
    });
    expect(current!.years.at(-1)).toBe(2026);
    expect(next).toMatchObject({ id: DRAFT, statut: 'brouillon', predecesseur: PUBLISHED });
  });

  it('answers a programme with its catalogue, version, author and number of plans, to the DiCS too', async () => {
    const { app, apiAs } = makeTestApp();
    await postPlan(app, 'Namur', DRAFT);
    const record = await recordOf(apiAs('dics'), DRAFT);
    expect(record).toMatchObject({ version: 1, updatedBy: null, planCount: 1, programme: { id: DRAFT, statut: 'brouillon' } });
    expect(record.catalogue.actions.length).toBeGreaterThan(0);
    expectApiError(await failure(apiAs('dics').programmes[':programmeId'].$get({ param: { programmeId: 'pcs-1999' } })), 404, 'not_found');
  });
});

describe('POST /api/programmes', () => {
  it('creates a 4-year draft: years, start and end from the first year and the count, the catalogue copied', async () => {
    const { api } = makeTestApp();
    const res = await reply(api.programmes.$post({ json: NEW_DRAFT }));
    expect(res.status).toBe(201);
    const record = res.body as ProgrammeRecord;
    expect(record.programme).toMatchObject({
      id: 'pcs-2033',
      statut: 'brouillon',
      years: [2033, 2034, 2035, 2036],
      start: '2033-01-01',
      end: '2036-12-31',
      catalogue: 'pcs-2033',
    });
    expect(record.updatedBy).toBe('Administrateur Cohésio (Administrateur)');
    const source = await recordOf(api, DRAFT);
    expect(record.catalogue.actions).toEqual(source.catalogue.actions);
    const list = (await reply(api.programmes.$get())).body;
    expect(list.map((p) => p.id)).toEqual([PUBLISHED, DRAFT, 'pcs-2033']);
  });

  it('refuses a taken id (409), an unknown catalogue (400), and both or neither of last year and count (400)', async () => {
    const { api } = makeTestApp();
    expectApiError(await failure(api.programmes.$post({ json: { ...NEW_DRAFT, id: DRAFT } })), 409, 'conflict', 'id');
    expectApiError(await failure(api.programmes.$post({ json: { ...NEW_DRAFT, catalogueDe: 'pcs-1999' } })), 400, 'validation', 'catalogueDe');
    expectApiError(await failure(api.programmes.$post({ json: { ...NEW_DRAFT, lastYear: 2036 } })), 400, 'validation', 'lastYear');
    const backwards = await failure(api.programmes.$post({ json: { ...NEW_DRAFT, yearCount: undefined, lastYear: 2030 } }));
    expect(expectApiError(backwards, 400, 'validation', 'lastYear').issues[0]!.message).toBe('La dernière année suit la première, au plus 20 années en tout');
  });
});

describe('who writes programmes', () => {
  it.each<AccountName>(['chef', 'finance', 'partenaire', 'dics'])('refuses every write to %s (403), the draft unchanged', async (who) => {
    const { api, apiAs } = makeTestApp();
    const as = apiAs(who);
    const record = await recordOf(api, DRAFT);
    const writes = [
      as.programmes.$post({ json: NEW_DRAFT }),
      putDefinition(as, DRAFT, definitionOf(record, { label: 'Autre' })),
      as.programmes[':programmeId'].catalogue.$put({ param: { programmeId: DRAFT }, json: { ...record.catalogue, version: record.version } }),
      as.programmes[':programmeId'].publish.$post({ param: { programmeId: DRAFT }, json: { version: record.version } }),
    ];
    for (const write of writes) {
      const res = expectApiError(await failure(write), 403, 'forbidden');
      expect(res.message).toMatch(/^Votre rôle \(.+\) ne permet pas de modifier les programmes$/);
    }
    expect(await recordOf(api, DRAFT)).toEqual(record);
  });
});

describe('PUT /api/programmes/:programmeId', () => {
  it('changes the end year of the draft: a plan made on it takes values in the new year at once', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app, 'Namur', DRAFT);
    const action = await postAction(app, plan.id, { code: '1.3.03' });
    const target = (year: string) =>
      api.plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({
        param: { planId: plan.id, indicatorId: action.indicators[0]!.id, year, kind: 'target' },
        json: { value: 40, version: 0 },
      });
    const refused = expectApiError(await failure(target('2034')), 400, 'validation');
    expect(refused.message).toContain("L'année 2034 n'appartient pas au programme (2027-2032)");

    const record = await recordOf(api, DRAFT);
    const res = await reply(putDefinition(api, DRAFT, definitionOf(record, { lastYear: 2034 })));
    expect(res.status).toBe(200);
    expect((res.body as ProgrammeRecord).programme).toMatchObject({ years: [2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034], end: '2034-12-31' });
    expect((res.body as ProgrammeRecord).version).toBe(record.version + 1);

    const listed = (await reply(api.programmes.$get())).body.find((p) => p.id === DRAFT)!;
    expect(listed.years.at(-1)).toBe(2034);
    expect(await reply(target('2034'))).toEqual({ status: 200, body: { value: 40, version: 1 } });
  });

  it('keeps given start and end dates within the first and last year, and refuses them outside (400 at end)', async () => {
    const { api } = makeTestApp();
    const record = await recordOf(api, DRAFT);
    const res = await reply(putDefinition(api, DRAFT, definitionOf(record, { start: '2027-07-01', end: '2032-06-30' })));
    expect((res.body as ProgrammeRecord).programme).toMatchObject({ start: '2027-07-01', end: '2032-06-30' });
    const bad = await failure(putDefinition(api, DRAFT, definitionOf(await recordOf(api, DRAFT), { end: '2040-12-31' })));
    expectApiError(bad, 400, 'validation', 'end');
  });

  it('refuses a stale version (409 with the stored programme) and a published programme (409)', async () => {
    const { api } = makeTestApp();
    const record = await recordOf(api, DRAFT);
    expect((await reply(putDefinition(api, DRAFT, definitionOf(record, { label: 'Premier' })))).status).toBe(200);
    const stale = await failure(putDefinition(api, DRAFT, definitionOf(record, { label: 'Second' })));
    expect(expectApiError(stale, 409, 'conflict').message).toBe(
      'Le programme a été modifié entre-temps (par Administrateur Cohésio (Administrateur)) : rechargez-le',
    );
    expect((stale.body as { current?: ProgrammeRecord }).current?.programme.label).toBe('Premier');

    const published = await recordOf(api, PUBLISHED);
    const res = await failure(putDefinition(api, PUBLISHED, definitionOf(published, { lastYear: 2027 })));
    expect(expectApiError(res, 409, 'conflict').message).toBe('Ce programme est publié : il ne change plus');
  });

  it('refuses a unique submission outside the years and two kinds with one id (400 at soumissions)', async () => {
    const { api } = makeTestApp();
    const record = await recordOf(api, DRAFT);
    const outside = await failure(putDefinition(api, DRAFT, definitionOf(record, { lastYear: 2031 })));
    expect(expectApiError(outside, 400, 'validation', 'soumissions').issues[0]!.message).toBe('Une soumission unique doit porter sur une année du programme');
    const twice = await failure(putDefinition(api, DRAFT, definitionOf(record, { soumissions: [ANNUAL, ANNUAL] })));
    expectApiError(twice, 400, 'validation', 'soumissions');
    const badKind = await failure(putDefinition(api, DRAFT, definitionOf(record, { soumissions: [{ ...ANNUAL, periodicite: 'unique' }] })));
    expectApiError(badKind, 400, 'validation', 'soumissions.0.echeance');
  });

  it('refuses to remove years in which plans hold values (409 counting them), and removes empty ones', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app, 'Namur', DRAFT);
    const action = await postAction(app, plan.id, { code: '1.3.03' });
    const put = await reply(
      api.plans[':planId'].cells.$put({
        param: { planId: plan.id },
        json: {
          cells: [
            { grid: 'indicator-target', row: action.indicators[0]!.id, period: '2032', value: 5, version: 0 },
            { grid: 'indicator-actual', row: action.indicators[0]!.id, period: '2032', value: 3, version: 0 },
          ],
        },
      }),
    );
    expect(put.status).toBe(200);
    const record = await recordOf(api, DRAFT);
    const kinds = record.programme.soumissions.filter((k) => !('annee' in k.echeance) || k.echeance.annee < 2031);
    const res = await failure(putDefinition(api, DRAFT, definitionOf(record, { lastYear: 2030, soumissions: kinds })));
    const error = expectApiError(res, 409, 'conflict', 'lastYear');
    expect(error.message).toBe('Impossible de retirer les années 2031 et 2032 du programme (2027-2030) : 2 valeur(s) y sont enregistrées dans 1 plan(s)');
    expect((await recordOf(api, DRAFT)).programme.years.at(-1)).toBe(2032);

    // Years without values go: the first year moves forward, any length.
    const shorter = await reply(
      putDefinition(api, DRAFT, definitionOf(record, { firstYear: 2028, soumissions: kinds.filter((k) => k.periodicite === 'annuelle') })),
    );
    expect(shorter.status).toBe(200);
    expect((shorter.body as ProgrammeRecord).programme).toMatchObject({ years: [2028, 2029, 2030, 2031, 2032], start: '2028-01-01' });
  });

  it('keeps an administrator’s draft edits over a restart, while the published programme comes from the templates', async () => {
    const { db, api } = makeTestApp();
    const record = await recordOf(api, DRAFT);
    expect((await reply(putDefinition(api, DRAFT, definitionOf(record, { label: 'PCS 4 — projet revu', lastYear: 2033 })))).status).toBe(200);
    const restarted = loadReference(db, loadReferenceData());
    const draft = restarted.programmes.find((p) => p.id === DRAFT)!;
    expect(draft).toMatchObject({ label: 'PCS 4 — projet revu', statut: 'brouillon', end: '2033-12-31' });
    expect(draft.years).toHaveLength(7);
    expect(restarted.programmes.find((p) => p.id === PUBLISHED)!.years.at(-1)).toBe(2026);
  });
});

describe('PUT /api/programmes/:programmeId/catalogue', () => {
  it('replaces the draft’s catalogue: every service sees the new action', async () => {
    const { app, api } = makeTestApp();
    const record = await recordOf(api, DRAFT);
    const added = { code: '1.1.09', intitule: 'Action nouvelle', objectif: 'Un objectif', indicators: [] };
    const res = await reply(
      api.programmes[':programmeId'].catalogue.$put({
        param: { programmeId: DRAFT },
        json: { ...record.catalogue, actions: [...record.catalogue.actions, added], version: record.version },
      }),
    );
    expect(res.status).toBe(200);
    expect((res.body as ProgrammeRecord).version).toBe(record.version + 1);
    const catalogue = (await reply(api.programmes[':programmeId'].catalogue.$get({ param: { programmeId: DRAFT } }))).body;
    expect(catalogue.actions.at(-1)).toMatchObject({ code: '1.1.09', intitule: 'Action nouvelle', axe: { number: 1 } });
    const plan = await postPlan(app, 'Namur', DRAFT);
    expect((await postAction(app, plan.id, { code: '1.1.09' })).code).toBe('1.1.09');
  });

  it('names the entry at fault: a malformed code, a code twice, an unknown thématique (400 at actions.<i>.code)', async () => {
    const { api } = makeTestApp();
    const record = await recordOf(api, DRAFT);
    const withActions = (edit: (actions: ProgrammeRecord['catalogue']['actions']) => void) => {
      const actions = structuredClone(record.catalogue.actions);
      edit(actions);
      return api.programmes[':programmeId'].catalogue.$put({ param: { programmeId: DRAFT }, json: { ...record.catalogue, actions, version: record.version } });
    };
    const malformed = expectApiError(await failure(withActions((a) => (a[3]!.code = '1.3'))), 400, 'validation', 'actions.3.code');
    expect(malformed.message).toBe('Données invalides (actions.3.code) : Code d’action attendu : axe.thématique.numéro (ex. 1.3.03)');
    const twice = expectApiError(await failure(withActions((a) => (a[3]!.code = a[2]!.code))), 400, 'validation', 'actions.3.code');
    expect(twice.message).toBe(`actions.3.code : Le code ${record.catalogue.actions[2]!.code} figure deux fois dans le catalogue`);
    const unknown = expectApiError(await failure(withActions((a) => (a[3]!.code = '1.8.01'))), 400, 'validation', 'actions.3.code');
    expect(unknown.message).toBe('actions.3.code : La thématique 1.8 de l’action 1.8.01 n’existe pas dans le catalogue');
    expect(await recordOf(api, DRAFT)).toEqual(record);
  });

  it('refuses to remove an action that plans of the programme have chosen (409 naming it), the catalogue unchanged', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app, 'Namur', DRAFT);
    await postAction(app, plan.id, { code: '1.3.03' });
    const record = await recordOf(api, DRAFT);
    const res = await failure(
      api.programmes[':programmeId'].catalogue.$put({
        param: { programmeId: DRAFT },
        json: { ...record.catalogue, actions: record.catalogue.actions.filter((a) => a.code !== '1.3.03'), version: record.version },
      }),
    );
    const error = expectApiError(res, 409, 'conflict', 'actions');
    expect(error.message).toBe('Impossible de retirer du catalogue l’action 1.3.03 (choisie 1 fois dans les plans du programme)');
    expect(await recordOf(api, DRAFT)).toEqual(record);
  });

  it('adds, changes and removes one action by its code', async () => {
    const { api } = makeTestApp();
    const record = await recordOf(api, DRAFT);
    const action = (code: string) => ({ programmeId: DRAFT, code });
    const added = await reply(
      api.programmes[':programmeId'].catalogue.actions[':code'].$put({
        param: action('1.1.01'),
        json: { intitule: 'Nouvelle action', objectif: null, version: record.version },
      }),
    );
    expect(added.status).toBe(200);
    const codes = (added.body as ProgrammeRecord).catalogue.actions.map((a) => a.code);
    expect(codes[0]).toBe('1.1.01');
    expect(codes).toEqual([...codes].sort());

    const existing = record.catalogue.actions[1]!;
    const changed = await reply(
      api.programmes[':programmeId'].catalogue.actions[':code'].$put({
        param: action(existing.code),
        json: { intitule: 'Intitulé revu', objectif: 'Objectif revu', version: record.version + 1 },
      }),
    );
    const stored = (changed.body as ProgrammeRecord).catalogue.actions.find((a) => a.code === existing.code)!;
    expect(stored).toEqual({ ...existing, intitule: 'Intitulé revu', objectif: 'Objectif revu' });

    const removed = await reply(
      api.programmes[':programmeId'].catalogue.actions[':code'].$delete({ param: action('1.1.01'), query: { version: String(record.version + 2) } }),
    );
    expect((removed.body as ProgrammeRecord).catalogue.actions.map((a) => a.code)).toEqual(record.catalogue.actions.map((a) => a.code));
    const unknown = api.programmes[':programmeId'].catalogue.actions[':code'].$delete({ param: action('9.9.99'), query: { version: '1' } });
    expectApiError(await failure(unknown), 404, 'not_found');
    const malformed = api.programmes[':programmeId'].catalogue.actions[':code'].$put({
      param: action('1.1'),
      json: { intitule: 'x', objectif: null, version: record.version + 3 },
    });
    expectApiError(await failure(malformed), 400, 'validation', 'code');
  });

  it('refuses the catalogue of a published programme (409)', async () => {
    const { api } = makeTestApp();
    const record = await recordOf(api, PUBLISHED);
    const res = await failure(
      api.programmes[':programmeId'].catalogue.$put({ param: { programmeId: PUBLISHED }, json: { ...record.catalogue, version: record.version } }),
    );
    expect(expectApiError(res, 409, 'conflict').message).toBe('Ce programme est publié : il ne change plus');
  });
});

describe('POST /api/programmes/:programmeId/publish', () => {
  it('publishes the draft: listed as published, no longer edited, and still published after a restart', async () => {
    const { db, api } = makeTestApp();
    const record = await recordOf(api, DRAFT);
    const res = await reply(api.programmes[':programmeId'].publish.$post({ param: { programmeId: DRAFT }, json: { version: record.version } }));
    expect(res.status).toBe(200);
    expect((res.body as ProgrammeRecord).programme.statut).toBe('publie');
    expect((await reply(api.programmes.$get())).body.find((p) => p.id === DRAFT)!.statut).toBe('publie');
    const again = await failure(putDefinition(api, DRAFT, definitionOf(res.body as ProgrammeRecord, { label: 'Trop tard' })));
    expect(expectApiError(again, 409, 'conflict').message).toBe('Ce programme est publié : il ne change plus');
    expect(loadReference(db, loadReferenceData()).programmes.find((p) => p.id === DRAFT)!.statut).toBe('publie');
  });

  it('refuses a draft whose catalogue has no action (400) and a stale version (409)', async () => {
    const { api } = makeTestApp();
    const record = await recordOf(api, DRAFT);
    const emptied = await reply(
      api.programmes[':programmeId'].catalogue.$put({ param: { programmeId: DRAFT }, json: { ...record.catalogue, actions: [], version: record.version } }),
    );
    expect(emptied.status).toBe(200);
    const publish = (version: number) => api.programmes[':programmeId'].publish.$post({ param: { programmeId: DRAFT }, json: { version } });
    expectApiError(await failure(publish(record.version)), 409, 'conflict');
    const empty = expectApiError(await failure(publish(record.version + 1)), 400, 'validation', 'actions');
    expect(empty.message).toBe('actions : Le catalogue ne compte aucune action : ajoutez-en avant de publier');
    expect((await recordOf(api, DRAFT)).programme.statut).toBe('brouillon');
  });
});
