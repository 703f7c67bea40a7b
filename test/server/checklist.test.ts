import { describe, expect, it } from 'vitest';
import type { ChecklistItem } from '../../schemas/submission.ts';
import type { Plan } from '../../schemas/plan.ts';
import { describePath, describeScope } from '../../schemas/audit.ts';
import { settleSubmissionFiles } from '../../server/services/submissions.ts';
import { expectApiError, failure, getPlan, makeTestApp, reply, type Api } from '../helpers.ts';

/**
 * The annual report's checklist lists every mandatory value of the official form still blank — the fiche plan's
 * fields, at least one fiche action, each fiche's fields, each indicator's actual for the year — and the submission
 * is refused while one remains. "Every indicator has its actual" used to be true of a plan without any.
 */

type Checklist = { annee: number; pret: boolean; elements: ChecklistItem[] };
/** The plan's routes of the typed client, as one person. */
type PlanApi = Api['plans'][':planId'];

async function emptyPlan() {
  const t = makeTestApp();
  const chef = t.as('chef');
  const res = await reply(t.apiAs('chef').plans.$post({ json: { commune: 'Liège', programmeId: 'pcs-2020-2025' } }));
  expect(res.status).toBe(201);
  const plan = res.body as Plan;
  const api = t.apiAs('chef').plans[':planId'];
  const param = { planId: plan.id };
  const year = t.reference.programmes.find((p) => p.id === plan.programmeId)!.years[1]!;
  // A balanced budget, part communale ≥ 25 %: what used to be enough.
  const budget = {
    recettes: { total: 100_000_00, subventionPcs: 75_000_00, partCommunale: 25_000_00 },
    depenses: { total: 100_000_00, personnel: 100_000_00 },
  };
  expect(
    (await reply(api.sections[':section'].$put({ param: { ...param, section: 'budget' }, json: { version: plan.versions.budget, data: budget } }))).status,
  ).toBe(200);
  return { ...t, chef, api, param, plan, year };
}

const checklistOf = async (api: PlanApi, param: { planId: string }, year: number): Promise<Checklist> =>
  (await reply(api.submissions.checklist.$get({ param, query: { annee: String(year) } }))).body;
const itemOf = (c: Checklist, id: string) => c.elements.find((e) => e.id === id)!;

async function putSection(api: PlanApi, plan: Plan, section: Exclude<keyof Plan['versions'], 'header'>, data: Record<string, unknown>) {
  const res = await reply(api.sections[':section'].$put({ param: { planId: plan.id, section }, json: { version: plan.versions[section], data } }));
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
}

describe('the checklist of an empty plan whose budget balances', () => {
  it('lists every missing mandatory value with a French label and a path, and the submission is refused', async () => {
    const { chef, api, param, year } = await emptyPlan();
    const checklist = await checklistOf(api, param, year);
    expect(checklist.pret).toBe(false);
    expect(itemOf(checklist, 'budget').ok).toBe(true);
    const fichePlan = itemOf(checklist, 'fiche-plan');
    expect(fichePlan.ok).toBe(false);
    expect(fichePlan.details.map((d) => d.path)).toEqual([
      'porteur.type',
      'porteur.porteParQui',
      'porteur.dateApprobation',
      'identite.adresse',
      'identite.representants',
      'identite.directeurFinancier',
      'identite.population',
      'identite.province',
      'equipe.adressePcs',
      'equipe.chefDeProjet.nom',
      'equipe.chefDeProjet.prenom',
      'equipe.telephone',
      'equipe.courriel1',
      'equipe.presidentCa.nom',
      'chefDeProjet.dateEntreeFonction',
      'chefDeProjet.typeContrat',
      'chefDeProjet.etp',
      'chefDeProjet.engagementOuDetachement',
      'chefDeProjet.anneesExperience',
      'chefDeProjet.diplome',
      'serviceCitoyen.recours',
      'textes.portrait',
      'textes.problemesBesoins',
      'textes.vision',
      'textes.plusValue',
      'textes.objectifStrategique',
      'repartitionTemps',
    ]);
    expect(fichePlan.details[0]!.message).toBe(`${describeScope(describePath(await getPlan(chef, param.planId), 'porteur.type'))} : à remplir`);
    expect(fichePlan.details.every((d) => d.key === null)).toBe(true);
    expect(itemOf(checklist, 'actions')).toMatchObject({
      ok: false,
      details: [{ message: 'Liste des actions : le plan ne compte aucune fiche action', path: 'actions', key: null }],
    });

    const refused = await failure(api.submissions.$post({ param, json: { annee: year } }));
    expectApiError(refused, 400, 'validation', 'actions');
    expect(refused.body.message).toMatch(
      new RegExp(
        `^Le rapport ${year} ne peut pas encore être soumis : les rubriques obligatoires de la fiche plan sont remplies \\(27 à compléter\\) ; le plan compte au moins une fiche action \\(1 à compléter\\)$`,
      ),
    );
    expect(refused.body.issues).toHaveLength(28);
    const portrait = describeScope(describePath(await getPlan(chef, param.planId), 'textes.portrait'));
    expect(refused.body.issues).toContainEqual({
      path: 'textes.portrait',
      message: `Les rubriques obligatoires de la fiche plan sont remplies : ${portrait} : à remplir`,
    });
  });

  it('lists each fiche’s missing fields and each indicator’s actual; filling them (or excusing one actual) lets it be submitted', async () => {
    const { chef, api, param, year, plan: created } = await emptyPlan();
    let plan = await getPlan(chef, created.id);
    await putSection(api, plan, 'porteur', { type: 'Un seul pouvoir local', porteParQui: 'La commune', dateApprobation: '2019-05-27' });
    await putSection(api, plan, 'identite', {
      adresse: 'Place du Marché 1, 4000 Liège',
      representants: [{ civilite: 'Mme', nom: 'Martin', prenom: 'Anne' }],
      directeurFinancier: 'Dupont Marc',
      population: 1000,
      province: 'Liège',
    });
    await putSection(api, plan, 'equipe', {
      adressePcs: 'Rue du PCS 2, 4000 Liège',
      chefDeProjet: { civilite: 'Mme', nom: 'Dumont', prenom: 'Claire' },
      telephone: '04/2385005',
      courriel1: 'claire.dumont@example.be',
      presidentCa: { nom: 'Martin', prenom: 'Anne' },
    });
    await putSection(api, plan, 'chefDeProjet', {
      dateEntreeFonction: '2020-01-01',
      typeContrat: 'Contractuel',
      etp: 100,
      engagementOuDetachement: 'Engagement',
      anneesExperience: 5,
      diplome: 'Master',
    });
    await putSection(api, plan, 'serviceCitoyen', { recours: false });
    await putSection(api, plan, 'textes', {
      portrait: 'Portrait',
      problemesBesoins: 'Besoins',
      vision: 'Vision',
      plusValue: 'Plus-value',
      objectifStrategique: 'Objectif',
    });
    const time = await reply(
      api.cells.$put({ param, json: { cells: [{ grid: 'time', row: 'tableau-de-bord', period: String(year), value: 100_00, version: 0 }] } }),
    );
    expect(time.status).toBe(200);

    // One fiche action, with only its code: its fields and its indicators' actuals are listed.
    const added = await reply(api.actions.$post({ param, json: { code: '1.3.03' } }));
    expect(added.status).toBe(201);
    const action = added.body;
    let checklist = await checklistOf(api, param, year);
    expect(itemOf(checklist, 'fiche-plan').ok).toBe(true);
    expect(itemOf(checklist, 'actions').ok).toBe(true);
    // Labelled by the one labelling function of the plan's paths (schemas/audit.ts).
    plan = await getPlan(chef, created.id);
    const label = (path: string) => describeScope(describePath(plan, path));
    const at = (field: string) => `actions.${action.id}.${field}`;
    expect(itemOf(checklist, 'fiches').details.map((d) => [d.message, d.path])).toEqual([
      [`${label(at('statut'))} : à remplir`, at('statut')],
      [`${label(at('fiche.operateur.organisme'))} : opérateur à désigner (équipe PCS ou partenaire)`, at('fiche.operateur.organisme')],
      [`${label(at('fiche.problemesBesoins'))} : à remplir`, at('fiche.problemesBesoins')],
      [`${label(at('fiche.publics'))} : à remplir`, at('fiche.publics')],
      [`${label(at('fiche.typeAction'))} : à remplir`, at('fiche.typeAction')],
      [`${label(at('fiche.description'))} : à remplir`, at('fiche.description')],
    ]);
    expect(itemOf(checklist, 'fiches').details[0]!.message).toBe('Fiche 1.3.03 · Statut : à remplir');
    expect(itemOf(checklist, 'fiches').details[0]!.key).toBe(`completude:actions.#${action.id}.statut`);
    const realises = itemOf(checklist, 'realises');
    expect(realises.details).toHaveLength(action.indicators.length);
    expect(realises.details[0]!.message).toMatch(new RegExp(`^Fiche 1\\.3\\.03 · indicateur 1 « .+ » · Réalisé ${year}$`));

    const fiche = {
      ...action.fiche,
      operateur: { ...action.fiche.operateur, organisme: 'CPAS de Liège' },
      problemesBesoins: 'Chômage de longue durée',
      publics: [{ id: 'p1', dimension: "Tranche d'âge" as const, valeur: 'Jeunes adultes de 18 à 25 ans' }],
      typeAction: 'Individuelle' as const,
      description: 'Coaching individuel',
    };
    const put = await reply(
      api.actions[':actionId'].$put({
        param: { ...param, actionId: action.id },
        json: { version: 1, data: { code: '1.3.03', statut: 'En cours', droitVise: null, priorite: null, fiche } },
      }),
    );
    expect(put.status, JSON.stringify(put.body).slice(0, 300)).toBe(200);
    // Every actual but the last one; the last one cannot be measured this year: excused, in the signed-in person's name.
    const [last, ...others] = [...action.indicators].reverse();
    const cells = others.map((i) => ({ grid: 'indicator-actual' as const, row: i.id, period: String(year), value: 1, version: 0 }));
    expect((await reply(api.cells.$put({ param, json: { cells } }))).status).toBe(200);
    checklist = await checklistOf(api, param, year);
    expect(itemOf(checklist, 'fiches').ok).toBe(true);
    const missing = itemOf(checklist, 'realises').details;
    expect(missing.map((d) => d.path)).toEqual([`actions.${action.id}.indicators.${last!.id}.values.${year}.actual`]);
    expectApiError(await reply(api.submissions.$post({ param, json: { annee: year } })), 400, 'validation', missing[0]!.path);

    const justified = await reply(
      api.justifications.$put({ param, json: { version: 0, data: { cle: missing[0]!.key!, texte: 'Donnée non disponible cette année', auteur: 'x' } } }),
    );
    expect(justified.status).toBe(200);
    expect(justified.body).toMatchObject({ auteur: 'Claire Dumont (cheffe de projet PCS, Liège)', constat: missing[0]!.message });
    checklist = await checklistOf(api, param, year);
    const constats = itemOf(checklist, 'constats');
    expect(constats.details, JSON.stringify(constats.details)).toEqual([]);
    expect(itemOf(checklist, 'realises')).toMatchObject({
      ok: true,
      details: [],
      justified: [{ path: missing[0]!.path, justification: { texte: 'Donnée non disponible cette année', outdated: false } }],
    });
    expect(checklist.pret).toBe(true);
    const submitted = await reply(api.submissions.$post({ param, json: { annee: year } }));
    expect(submitted.status, JSON.stringify(submitted.body).slice(0, 400)).toBe(202);
    await settleSubmissionFiles(submitted.body.id);
  }, 60_000);

  it('refuses to excuse what the form requires without exception (a fiche plan field), 404 like a finding that no longer exists', async () => {
    const { api, param } = await emptyPlan();
    const res = await reply(api.justifications.$put({ param, json: { version: 0, data: { cle: 'completude:textes.portrait', texte: 'x', auteur: 'x' } } }));
    expectApiError(res, 404, 'not_found');
  });
});
