import { describe, expect, it } from 'vitest';
import { addTestAccounts, expectApiError, failure, makeTestApp, reply, type Api } from '../helpers.ts';
import type { CreateOrganisationBody } from '../../schemas/requests/organisations.ts';
import type { Organisation } from '../../schemas/porteur.ts';
import type { Plan, PlanSummary } from '../../schemas/plan.ts';

/**
 * Organisations (communes, associations of communes, CPAS) kept by an administrator or the DiCS, plans created for
 * them, and who reaches an association's plans: its staff write them, the officers of a member commune read them.
 */

const HESBAYE: CreateOrganisationBody = {
  nature: 'association',
  nom: 'Hesbaye',
  membres: [
    { commune: 'Waremme', isadf: '0,112', population: 15_000, pilote: true },
    { commune: 'Namur', isadf: 95, population: 112_000 },
    { commune: 'Hannut', isadf: null, population: 16_500 },
  ],
};
const CPAS_DINANT: CreateOrganisationBody = { nature: 'cpas', nom: 'CPAS de Dinant', commune: 'Dinant' };

async function createOrganisation(api: Api, body: CreateOrganisationBody): Promise<Organisation> {
  const res = await reply(api.organisations.$post({ json: body }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Organisation;
}

async function createPlanFor(api: Api, organisationId: string): Promise<Plan> {
  const res = await reply(api.organisations[':organisationId'].plans.$post({ param: { organisationId }, json: { programmeId: 'pcs-2020-2025' } }));
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Plan;
}

describe('POST /api/organisations', () => {
  it('creates an association with its members in order, ISADF in thousandths', async () => {
    const t = makeTestApp();
    const o = await createOrganisation(t.api, HESBAYE);
    expect(o).toMatchObject({ nom: 'Hesbaye', nature: 'association', commune: null, version: 1, plans: [], comptes: 0 });
    expect(o.membres).toEqual([
      { commune: 'Waremme', isadf: 112, population: 15_000, pilote: true },
      { commune: 'Namur', isadf: 95, population: 112_000, pilote: false },
      { commune: 'Hannut', isadf: null, population: 16_500, pilote: false },
    ]);
    const list = await reply(t.apiAs('dics').organisations.$get());
    expect((list.body as Organisation[]).map((x) => x.nom)).toContain('Hesbaye');
  });

  it.each([
    ['one member', { ...HESBAYE, membres: [HESBAYE.membres![0]!] }, 'membres'],
    ['no lead commune', { ...HESBAYE, membres: HESBAYE.membres!.map((m) => ({ ...m, pilote: false })) }, 'membres'],
    ['two lead communes', { ...HESBAYE, membres: HESBAYE.membres!.map((m) => ({ ...m, pilote: true })) }, 'membres'],
    ['a commune twice', { ...HESBAYE, membres: [...HESBAYE.membres!, { commune: 'waremme' }] }, 'membres.3.commune'],
    ['an ISADF above 1', { ...HESBAYE, membres: [{ ...HESBAYE.membres![0]!, isadf: '1,5' }, HESBAYE.membres![1]!] }, 'membres.0.isadf'],
    ['a CPAS without commune', { nature: 'cpas', nom: 'CPAS' }, 'commune'],
    ['an empty name', { nature: 'commune', nom: ' ' }, 'nom'],
  ] as [string, CreateOrganisationBody, string][])('refuses %s with a French message on the field', async (_, body, path) => {
    const t = makeTestApp();
    const res = await failure(t.api.organisations.$post({ json: body }));
    const error = expectApiError(res, 400, 'validation', path);
    expect(error.issues.find((i) => i.path === path)!.message).toMatch(/[a-zé]/);
  });

  it('refuses a name already taken with 409 on the name', async () => {
    const t = makeTestApp();
    await createOrganisation(t.api, HESBAYE);
    expectApiError(await failure(t.api.organisations.$post({ json: { ...HESBAYE, nom: 'HESBAYE' } })), 409, 'conflict', 'nom');
  });

  it.each(['chef', 'finance', 'partenaire', 'autreCommune'] as const)('is refused to %s (403) on every organisation route', async (who) => {
    const t = makeTestApp();
    const o = await createOrganisation(t.api, HESBAYE);
    const api = t.apiAs(who);
    expectApiError(await failure(api.organisations.$get()), 403, 'forbidden');
    expectApiError(await failure(api.organisations.$post({ json: CPAS_DINANT })), 403, 'forbidden');
    const param = { organisationId: o.id };
    expectApiError(await failure(api.organisations[':organisationId'].$get({ param })), 403, 'forbidden');
    expectApiError(await failure(api.organisations[':organisationId'].$put({ param, json: { version: 1, data: HESBAYE } })), 403, 'forbidden');
    expectApiError(await failure(api.organisations[':organisationId'].plans.$post({ param, json: { programmeId: 'pcs-2020-2025' } })), 403, 'forbidden');
  });
});

describe('PUT /api/organisations/:organisationId', () => {
  it('replaces the members with the current version and answers 409 with the stored organisation on a stale one', async () => {
    const t = makeTestApp();
    const o = await createOrganisation(t.api, HESBAYE);
    const param = { organisationId: o.id };
    const data = { ...HESBAYE, membres: HESBAYE.membres!.slice(0, 2) };
    const ok = await reply(t.apiAs('dics').organisations[':organisationId'].$put({ param, json: { version: 1, data } }));
    expect(ok.status).toBe(200);
    expect((ok.body as Organisation).membres.map((m) => m.commune)).toEqual(['Waremme', 'Namur']);
    expect((ok.body as Organisation).version).toBe(2);
    const stale = await failure(t.api.organisations[':organisationId'].$put({ param, json: { version: 1, data: HESBAYE } }));
    expectApiError(stale, 409, 'conflict');
    expect(stale.body.current).toMatchObject({ version: 2 });
  });

  it('answers 404 for an unknown organisation and names data.* fields on a bad body', async () => {
    const t = makeTestApp();
    const o = await createOrganisation(t.api, HESBAYE);
    const missing = await failure(t.api.organisations[':organisationId'].$put({ param: { organisationId: 'inconnue' }, json: { version: 1, data: HESBAYE } }));
    expectApiError(missing, 404, 'not_found');
    const bad = await failure(
      t.api.organisations[':organisationId'].$put({ param: { organisationId: o.id }, json: { version: 1, data: { ...HESBAYE, membres: [] } } }),
    );
    expectApiError(bad, 400, 'validation', 'data.membres');
  });

  it('brings the porteur section of its plans along, in their history', async () => {
    const t = makeTestApp();
    const o = await createOrganisation(t.api, HESBAYE);
    const plan = await createPlanFor(t.api, o.id);
    const data = { ...HESBAYE, membres: [{ commune: 'Hannut', pilote: true }, { commune: 'Waremme' }] };
    await reply(t.api.organisations[':organisationId'].$put({ param: { organisationId: o.id }, json: { version: 1, data } }));
    const after = await reply(t.api.plans[':planId'].$get({ param: { planId: plan.id } }));
    expect((after.body as Plan).porteur.communesAssociees).toEqual(['Hannut', 'Waremme']);
    const history = await reply(t.api.plans[':planId'].history.$get({ param: { planId: plan.id }, query: {} }));
    expect(JSON.stringify(history.body)).toContain('Hannut');
  });
});

describe('plans of an organisation', () => {
  it('prefills the porteur section: an association lists its communes lead first, a CPAS is carried by the CPAS', async () => {
    const t = makeTestApp();
    const association = await createOrganisation(t.api, HESBAYE);
    const plan = await createPlanFor(t.apiAs('dics'), association.id);
    expect(plan.commune).toBe('Hesbaye');
    expect(plan.porteur).toMatchObject({
      type: 'Une association de pouvoirs locaux',
      communesAssociees: ['Waremme', 'Namur', 'Hannut'],
      porteParQui: 'La commune',
      denomination: 'Hesbaye',
    });
    const cpas = await createOrganisation(t.api, CPAS_DINANT);
    const cpasPlan = await createPlanFor(t.api, cpas.id);
    expect(cpasPlan.commune).toBe('Dinant');
    expect(cpasPlan.porteur).toMatchObject({ type: 'Un seul pouvoir local', communesAssociees: ['Dinant'], porteParQui: 'Le CPAS' });
    const list = (await reply(t.api.plans.$get())).body as PlanSummary[];
    expect(list.map((p) => p.porteur).sort()).toEqual(['Association de communes Hesbaye (commune pilote : Waremme)', 'CPAS de Dinant']);
  });

  it('lets an administrator create through POST /api/plans with organisationId, and a chef de projet only for their own', async () => {
    const t = makeTestApp();
    const o = await createOrganisation(t.api, CPAS_DINANT);
    const res = await reply(t.api.plans.$post({ json: { programmeId: 'pcs-2020-2025', organisationId: o.id } }));
    expect(res.status).toBe(201);
    expect((res.body as Plan).porteur.porteParQui).toBe('Le CPAS');
    const refused = await failure(t.apiAs('chef').plans.$post({ json: { programmeId: 'pcs-2020-2025', organisationId: o.id } }));
    expectApiError(refused, 403, 'forbidden', 'organisationId');
    const unknown = await failure(t.api.plans.$post({ json: { programmeId: 'pcs-2020-2025', organisationId: 'inconnue' } }));
    expectApiError(unknown, 404, 'not_found');
  });
});

describe('access to an association’s plans', () => {
  async function setUp() {
    const t = makeTestApp();
    const association = await createOrganisation(t.api, HESBAYE);
    const plan = await createPlanFor(t.api, association.id);
    const as = addTestAccounts(t, [
      { email: 'chef@hesbaye.demo', nom: 'Cheffe Hesbaye', role: 'chef-de-projet', organisation: 'Hesbaye' },
      { email: 'finances@namur.demo', nom: 'Finances Namur', role: 'finance', organisation: 'Namur' },
      { email: 'thermos@namur.demo', nom: 'Partenaire Namur', role: 'partenaire', organisation: 'Namur', partenaire: 'Thermos' },
    ]);
    return { t, plan, as };
  }

  it('lets the association’s staff edit its plans', async () => {
    const { plan, as } = await setUp();
    const staff = as('chef@hesbaye.demo');
    const list = (await reply(staff.plans.$get())).body as PlanSummary[];
    expect(list).toEqual([expect.objectContaining({ id: plan.id, lectureSeule: false })]);
    const res = await reply(
      staff.plans[':planId'].sections[':section'].$put({
        param: { planId: plan.id, section: 'textes' },
        json: { version: plan.versions.textes, data: { ...plan.textes, portrait: 'Portrait de l’association' } },
      }),
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it('lets a member commune’s chef de projet and finance officer read, not write (403), and marks the plan read-only', async () => {
    const { t, plan, as } = await setUp();
    for (const api of [t.apiAs('autreCommune'), as('finances@namur.demo')]) {
      const list = (await reply(api.plans.$get())).body as PlanSummary[];
      expect(list.find((p) => p.id === plan.id)).toMatchObject({ lectureSeule: true, porteur: 'Association de communes Hesbaye (commune pilote : Waremme)' });
      expect((await reply(api.plans[':planId'].$get({ param: { planId: plan.id } }))).status).toBe(200);
      const porteur = await reply(api.plans[':planId'].porteur.$get({ param: { planId: plan.id } }));
      expect(porteur.body).toMatchObject({ lectureSeule: true, totaux: { communes: 3, population: 143_500 } });
      const write = await failure(
        api.plans[':planId'].sections[':section'].$put({
          param: { planId: plan.id, section: 'budget' },
          json: { version: plan.versions.budget, data: plan.budget },
        }),
      );
      expect(expectApiError(write, 403, 'forbidden').message).toContain('Hesbaye');
    }
  });

  it('answers 404 to another commune, and to a member commune’s partner operator', async () => {
    const { t, plan, as } = await setUp();
    for (const api of [t.apiAs('chef'), as('thermos@namur.demo')]) {
      expectApiError(await failure(api.plans[':planId'].$get({ param: { planId: plan.id } })), 404, 'not_found');
      expect(((await reply(api.plans.$get())).body as PlanSummary[]).some((p) => p.id === plan.id)).toBe(false);
    }
  });
});
