import { describe, expect, it } from 'vitest';
import type { SectionKey } from '../../schemas/plan.ts';
import { expectApiError, failure, getPlan, makeTestApp, postPlan, reply, sendRaw } from '../helpers.ts';

/** One edit per section of the fiche plan: what is sent and what the plan then holds (minor units for numbers). */
const SECTION_EDITS: [SectionKey, Record<string, unknown>, Record<string, unknown>][] = [
  [
    'porteur',
    { type: 'Un seul pouvoir local', porteParQui: 'La commune', dateApprobation: '2019-10-28' },
    { type: 'Un seul pouvoir local', porteParQui: 'La commune', dateApprobation: '2019-10-28', communesAssociees: [] },
  ],
  [
    'identite',
    { province: 'Namur', population: 111_432, telephone: '081/24.60.00', representants: [{ civilite: 'Mme', nom: 'Dupont' }] },
    { province: 'Namur', population: 111_432, telephone: '081/24.60.00', representants: [{ civilite: 'Mme', nom: 'Dupont', prenom: null }] },
  ],
  ['equipe', { courriel1: 'pcs@ville.namur.be', chefDeProjet: { nom: 'Martin' } }, { courriel1: 'pcs@ville.namur.be', chefDeProjet: { nom: 'Martin' } }],
  ['chefDeProjet', { typeContrat: 'Contractuel', etp: '0,8 ETP', anneesExperience: 12 }, { typeContrat: 'Contractuel', etp: 80, anneesExperience: 12 }],
  ['serviceCitoyen', { recours: true }, { recours: true }],
  ['budget', { recettes: { subventionPcs: '1.234,56' } }, { recettes: { subventionPcs: 123_456, total: null } }],
  ['isadf', { annee: 2019, valeur: '0,512' }, { annee: 2019, valeur: 512, dimensions: [] }],
  [
    'indicateursPlan',
    { rows: [{ id: 'chomage', libelle: 'Taux de chômage', exAnte: '12 %', exPost: null }] },
    { rows: [{ id: 'chomage', libelle: 'Taux de chômage', exAnte: '12 %', exPost: null }], remarque: null },
  ],
  ['textes', { portrait: 'Namur, capitale de la Wallonie.' }, { portrait: 'Namur, capitale de la Wallonie.', vision: null }],
  ['commissions', { dates: { '2021': ['2021-03-15', '2021-10-04'] } }, { dates: { '2021': ['2021-03-15', '2021-10-04'] } }],
  ['communication', { externe: ['Affichage', 'Réseaux sociaux'], interne: ['Mail'] }, { externe: ['Affichage', 'Réseaux sociaux'], interne: ['Mail'] }],
];

describe('PUT /api/plans/:planId/sections/:section', () => {
  it('has a test case for every section of the fiche plan', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    expect(SECTION_EDITS.map(([key]) => key).sort()).toEqual(
      Object.keys(plan.versions)
        .filter((k) => k !== 'header')
        .sort(),
    );
  });

  it.each(SECTION_EDITS)('replaces section %s, bumps its version and only its version', async (section, data, stored) => {
    const { app, api } = makeTestApp();
    const before = await postPlan(app);
    const res = await reply(api.plans[':planId'].sections[':section'].$put({ param: { planId: before.id, section }, json: { version: 1, data } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ data: stored, version: 2 });
    const after = await getPlan(app, before.id);
    expect(after[section]).toEqual(res.body.data);
    expect(after.versions).toEqual({ ...before.versions, [section]: 2 });
  });

  it.each([
    ['1.234,56', 123_456],
    ['1 234,56 €', 123_456],
    ['€ 1.234,56', 123_456],
    ['1234', 123_400],
    ['0,5', 50],
    [123_456, 123_456],
  ] as const)('stores the budget amount %j as %i cents', async (amount, cents) => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    await reply(
      api.plans[':planId'].sections[':section'].$put({
        param: { planId: plan.id, section: 'budget' },
        json: { version: 1, data: { depenses: { personnel: amount } } },
      }),
    );
    expect((await getPlan(app, plan.id)).budget.depenses.personnel).toBe(cents);
  });

  it('stores a whole budget typed in Belgian format, to the cent', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const data = {
      recettes: { total: '2.424.996,74', subventionPcs: '1.666.037,68', partCommunale: '646.977,98', subventionsArt20: '111.981,08', autres: '0' },
      depenses: { total: '2.424.996,74', personnel: '1.557.479,66', fonctionnement: '21.904', investissement: null, subventionsInstitutions: '845.613,08' },
    };
    expect(
      (await reply(api.plans[':planId'].sections[':section'].$put({ param: { planId: plan.id, section: 'budget' }, json: { version: 1, data } }))).status,
    ).toBe(200);
    expect((await getPlan(app, plan.id)).budget).toEqual({
      recettes: { total: 242_499_674, subventionPcs: 166_603_768, partCommunale: 64_697_798, subventionsArt20: 11_198_108, autres: 0 },
      depenses: { total: 242_499_674, personnel: 155_747_966, fonctionnement: 2_190_400, investissement: null, subventionsInstitutions: 84_561_308 },
    });
  });

  it('accepts successive edits, each from the version the previous one answered', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const putTextes = (version: number, vision: string) =>
      api.plans[':planId'].sections[':section'].$put({ param: { planId: plan.id, section: 'textes' }, json: { version, data: { vision } } });
    const first = await reply(putTextes(1, 'Un'));
    const second = await reply(putTextes(first.body.version, 'Deux'));
    expect(second.body.version).toBe(3);
    expect((await getPlan(app, plan.id)).textes.vision).toBe('Deux');
  });

  it('answers 409 with the stored section and version when the version is stale', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app);
    const res = await failure(
      api.plans[':planId'].sections[':section'].$put({ param: { planId: plan.id, section: 'serviceCitoyen' }, json: { version: 7, data: { recours: true } } }),
    );
    expectApiError(res, 409, 'conflict');
    expect(res.body.message).toBe('La section « serviceCitoyen » a été modifié(e) entre-temps (version 1, vous aviez la version 7)');
    expect(res.body.current).toEqual({ data: { recours: null }, version: 1 });
  });

  it('answers 404 for an unknown plan', async () => {
    const { api } = makeTestApp();
    const res = await failure(
      api.plans[':planId'].sections[':section'].$put({ param: { planId: 'inconnu', section: 'textes' }, json: { version: 1, data: {} } }),
    );
    expectApiError(res, 404, 'not_found');
    expect(res.body.message).toBe('Plan introuvable : inconnu');
  });

  it('answers 400 at path section for a section that does not exist', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    // A section name outside the list: the typed client refuses to send it.
    expectApiError(await sendRaw(app, 'PUT', `/api/plans/${plan.id}/sections/actions`, { version: 1, data: {} }), 400, 'validation', 'section');
  });

  it('refuses a position: sections are not ordered rows', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    // An unknown field: a body the typed client refuses to send.
    const res = await sendRaw(app, 'PUT', `/api/plans/${plan.id}/sections/textes`, { version: 1, data: {}, position: 0 });
    const error = expectApiError(res, 400, 'validation', '');
    expect(error.issues[0]!.message).toBe('Champ inconnu : position');
  });
});
