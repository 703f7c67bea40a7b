import { hashSync } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { openDatabase } from '../../server/db/open.ts';
import { loadReferenceData } from '../../server/reference.ts';
import { loadReference } from '../../server/services/programmes.ts';
import { createPdfExports } from '../../server/services/pdf.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, insertAccounts } from '../../server/services/demo-accounts.ts';
import { settleSubmissionFiles } from '../../server/services/submissions.ts';
import type { Plan } from '../../schemas/plan.ts';
import { ACCOUNTS, clientOf, expectApiError, failure, postAction, reply, sendRaw, signedIn, type AccountName, type Api } from '../helpers.ts';

/**
 * The DiCS's review queue: the submissions awaiting review of a programme's plans, oldest first, with their
 * checklist and what changed since the last approved version; returns with typed demandes de correction that the
 * commune marks corrected; approving several at once, all or none. Plans of the draft PCS 2027, whose yearly
 * financial justification asks only for a balanced budget, so that submissions are quick to make.
 */

const KIND = 'justification-financiere';
const YEAR = 2027;
/** A copy of PCS 2027 under another id: the queue lists one programme's plans only. */
const OTHER_PROGRAMME = 'pcs-2027-bis';
const accountsHash = hashSync(DEMO_PASSWORD);

/** The test app with a clock the test moves (submission times, days waiting). */
function queueApp() {
  const templates = loadReferenceData();
  const pcs2027 = templates.programmes.find((p) => p.id === 'pcs-2027')!;
  templates.programmes.push({ ...pcs2027, id: OTHER_PROGRAMME, label: 'PCS 2027 (copie d’essai)', shortName: 'PCS bis', predecesseur: null });
  const db = openDatabase(':memory:');
  const reference = loadReference(db, templates);
  const clock = { now: '2028-03-01T08:00:00.000Z' };
  const ctx = { db, reference, pdf: createPdfExports(), now: () => clock.now };
  insertAccounts(ctx, DEMO_ACCOUNTS, accountsHash);
  const anonymous = createApp(ctx);
  const apiAs = (name: AccountName) => clientOf(signedIn(anonymous, ACCOUNTS[name]));
  const catalogue = reference.catalogues[pcs2027.catalogue]!;
  const adminApp = signedIn(anonymous, ACCOUNTS.admin);
  return { db, clock, anonymous, apiAs, catalogue, adminApp, admin: clientOf(adminApp), dics: apiAs('dics'), chef: apiAs('chef') };
}
type QueueApp = ReturnType<typeof queueApp>;

/** A plan of `commune` whose budget balances (the administrator creates it for the commune it names). */
async function balancedPlan(api: Api, commune: string, programmeId = 'pcs-2027', province: string | null = null): Promise<Plan> {
  const created = await reply(api.plans.$post({ json: { commune, programmeId } }));
  expect(created.status, JSON.stringify(created.body).slice(0, 300)).toBe(201);
  const plan = created.body as Plan;
  const param = { planId: plan.id };
  const budget = {
    recettes: { total: 100_000_00, subventionPcs: 75_000_00, partCommunale: 25_000_00 },
    depenses: { total: 100_000_00, personnel: 100_000_00 },
  };
  const put = await reply(
    api.plans[':planId'].sections[':section'].$put({ param: { ...param, section: 'budget' }, json: { version: plan.versions.budget, data: budget } }),
  );
  expect(put.status).toBe(200);
  if (province) {
    const identite = { ...plan.identite, province };
    const res = await reply(
      api.plans[':planId'].sections[':section'].$put({ param: { ...param, section: 'identite' }, json: { version: plan.versions.identite, data: identite } }),
    );
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  }
  return plan;
}

async function submit(t: QueueApp, planId: string, at: string): Promise<string> {
  t.clock.now = at;
  // Signed in anew: the clock may have run past the last session's 12 hours.
  const res = await reply(t.apiAs('admin').plans[':planId'].submissions.$post({ param: { planId }, json: { annee: YEAR, kind: KIND } }));
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(202);
  await settleSubmissionFiles(res.body.id);
  return res.body.id;
}

/** A share of the chef de projet's time in 2027: one value changed in the plan. */
async function changeTime(api: Api, planId: string, value: number) {
  const plan = (await reply(api.plans[':planId'].$get({ param: { planId } }))).body as Plan;
  const version = plan.cellVersions.time.terrain?.[String(YEAR)] ?? 0;
  const cells = [{ grid: 'time' as const, row: 'terrain', period: String(YEAR), value, version }];
  const res = await reply(api.plans[':planId'].cells.$put({ param: { planId }, json: { cells } }));
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
}

const queue = (api: Api, programme = 'pcs-2027') => reply(api.region.queue.$get({ query: { programme } }));

/** Three plans of PCS 2027 submitted at 9:00 (Liège), 8:00 (Huy), 10:00 (Namur), and one of the other programme. */
async function threeWaiting() {
  const t = queueApp();
  const liege = await balancedPlan(t.admin, 'Liège', 'pcs-2027', 'Liège');
  const namur = await balancedPlan(t.admin, 'Namur', 'pcs-2027', 'Namur');
  const huy = await balancedPlan(t.admin, 'Huy');
  const other = await balancedPlan(t.admin, 'Dinant', OTHER_PROGRAMME);
  const fiche = await postAction(t.adminApp, liege.id, { code: t.catalogue.actions[0]!.code, operateur: { organisme: null, equipePcs: true } });
  const ids = {
    huy: await submit(t, huy.id, '2028-03-01T08:00:00.000Z'),
    liege: await submit(t, liege.id, '2028-03-01T09:00:00.000Z'),
    namur: await submit(t, namur.id, '2028-03-01T10:00:00.000Z'),
    other: await submit(t, other.id, '2028-03-01T10:30:00.000Z'),
  };
  return { ...t, plans: { liege, namur, huy, other }, ids, fiche };
}

describe('the review queue', { timeout: 120_000 }, () => {
  it('lists the submissions awaiting review of the programme, oldest first, with their checklist and days waiting', async () => {
    const t = await threeWaiting();
    const res = await queue(t.dics);
    expect(res.status).toBe(200);
    expect(res.body.map((i) => i.porteur)).toEqual(['Huy', 'Liège', 'Namur']);
    expect(res.body[1]).toMatchObject({
      planId: t.plans.liege.id,
      submissionId: t.ids.liege,
      province: 'Liège',
      kind: KIND,
      kindLabel: 'Justification financière annuelle',
      annee: YEAR,
      numero: 1,
      soumisLe: '2028-03-01T09:00:00.000Z',
      joursAttente: 0,
      questionsOuvertes: 0,
      checklist: { pret: true, items: [{ id: 'budget', ok: true, manquants: 0, justifies: 0 }] },
      depuis: { base: 'aucune', submissionId: null },
      changements: 0,
      demandesPrecedentes: { submissionId: null, total: 0, corrigees: 0 },
    });
    expect(res.body[0]!.province).toBeNull();
    // Only the plans of the programme asked for.
    expect((await queue(t.dics, OTHER_PROGRAMME)).body.map((i) => i.porteur)).toEqual(['Dinant']);
    expect((await queue(t.dics, 'pcs-2020-2025')).body).toEqual([]);
    // Three days later (a new sign-in: sessions last 12 hours), each waits three days.
    t.clock.now = '2028-03-04T07:00:00.000Z';
    expect((await queue(t.apiAs('dics'))).body.map((i) => i.joursAttente)).toEqual([3, 3, 3]);
  });

  it('refuses an unknown programme (404) and a request without one (400 at programme)', async () => {
    const t = queueApp();
    expectApiError(await failure(t.dics.region.queue.$get({ query: { programme: 'pcs-1990' } })), 404, 'not_found');
    expectApiError(await sendRaw(signedIn(t.anonymous, ACCOUNTS.dics), 'GET', '/api/region/queue'), 400, 'validation', 'programme');
  });

  it('leaves out what is no longer under review, and counts the open questions of the year', async () => {
    const t = await threeWaiting();
    const thread = await reply(
      t.dics.plans[':planId'].threads.$post({
        param: { planId: t.plans.namur.id },
        json: { annee: YEAR, chemin: 'budget.recettes.total', texte: 'D’où vient ce total ?' },
      }),
    );
    expect(thread.status).toBe(201);
    const approved = await reply(
      t.dics.plans[':planId'].submissions[':submissionId'].approve.$post({ param: { planId: t.plans.huy.id, submissionId: t.ids.huy }, json: {} }),
    );
    expect(approved.status).toBe(200);
    const items = (await queue(t.dics)).body;
    expect(items.map((i) => [i.porteur, i.questionsOuvertes])).toEqual([
      ['Liège', 0],
      ['Namur', 1],
    ]);
  });
});

describe('what changed since the last approved version', { timeout: 120_000 }, () => {
  it('compares with the last approved submission, else with the previous one, and lists the changes on demand', async () => {
    const t = await threeWaiting();
    const planId = t.plans.liege.id;
    const plan = t.dics.plans[':planId'];
    const sub = (submissionId: string) => ({ param: { planId, submissionId } });
    // #1 approved, then reopened by the DiCS; one value changed; #2 submitted.
    expect((await reply(plan.submissions[':submissionId'].approve.$post({ ...sub(t.ids.liege), json: {} }))).status).toBe(200);
    expect((await reply(plan.submissions[':submissionId'].reopen.$post({ ...sub(t.ids.liege), json: { motif: 'Une dépense à revoir' } }))).status).toBe(200);
    t.clock.now = '2028-03-01T11:00:00.000Z';
    await changeTime(t.chef, planId, 50_00);
    const second = await submit(t, planId, '2028-03-01T11:30:00.000Z');
    let item = (await queue(t.dics)).body.find((i) => i.planId === planId)!;
    expect(item).toMatchObject({ numero: 2, depuis: { base: 'approuvee', submissionId: t.ids.liege, numero: 1 }, changements: 1 });

    // #2 returned, another value changed, #3: still compared with #1 (approved), so both changes count.
    expect((await reply(plan.submissions[':submissionId'].return.$post({ ...sub(second), json: { motif: 'Le temps de terrain' } }))).status).toBe(200);
    t.clock.now = '2028-03-01T12:00:00.000Z';
    await changeTime(t.chef, planId, 40_00);
    const third = await submit(t, planId, '2028-03-01T12:30:00.000Z');
    item = (await queue(t.dics)).body.find((i) => i.planId === planId)!;
    expect(item).toMatchObject({ numero: 3, depuis: { base: 'approuvee', numero: 1 }, changements: 1 });
    const sinceApproved = (await reply(plan.submissions[':submissionId'].changes.$get({ ...sub(third), query: { since: 'approved' } }))).body;
    expect(sinceApproved.depuis.libelle).toBe('depuis la dernière version approuvée (soumission n°1)');
    expect(sinceApproved.changements.map((c) => [c.path, c.newText])).toEqual([['repartitionTemps.terrain.2027', expect.stringMatching(/^40/)]]);
    expect(sinceApproved.changements[0]!.oldText).toBe('vide');
    const sincePrevious = (await reply(plan.submissions[':submissionId'].changes.$get({ ...sub(third), query: { since: 'previous' } }))).body;
    expect(sincePrevious.depuis).toMatchObject({ base: 'precedente', numero: 2 });
    expect(sincePrevious.changements.map((c) => [c.oldText, c.newText])).toEqual([[expect.stringMatching(/^50/), expect.stringMatching(/^40/)]]);
  });

  it('says when nothing was approved: the previous submission, or nothing for a first one', async () => {
    const t = await threeWaiting();
    const planId = t.plans.namur.id;
    const plan = t.dics.plans[':planId'];
    const first = await reply(plan.submissions[':submissionId'].changes.$get({ param: { planId, submissionId: t.ids.namur }, query: {} }));
    expect(first.body).toEqual({
      depuis: { base: 'aucune', submissionId: null, numero: null, soumisLe: null, libelle: 'première soumission : rien à comparer' },
      changements: [],
    });
    await reply(plan.submissions[':submissionId'].return.$post({ param: { planId, submissionId: t.ids.namur }, json: { motif: 'À revoir' } }));
    await changeTime(t.admin, planId, 30_00);
    const second = await submit(t, planId, '2028-03-01T11:00:00.000Z');
    const item = (await queue(t.dics)).body.find((i) => i.submissionId === second)!;
    expect(item.depuis).toMatchObject({ base: 'precedente', numero: 1, libelle: 'aucune version approuvée : depuis la soumission précédente (n°1)' });
    expect(item.changements).toBe(1);
  });
});

describe('returning with demandes de correction', { timeout: 120_000 }, () => {
  it('stores each demande on its fiche or section, shows the open ones to the commune, which marks them corrected', async () => {
    const t = await threeWaiting();
    const planId = t.plans.liege.id;
    const param = { planId, submissionId: t.ids.liege };
    const review = (await reply(t.dics.plans[':planId'].submissions[':submissionId'].review.$get({ param }))).body;
    expect(review.checklist.elements.map((e) => e.id)).toEqual(['budget']);
    const ficheTarget = review.cibles.find((c) => c.cibleType === 'fiche')!;
    expect(ficheTarget).toEqual({
      cibleType: 'fiche',
      cible: t.fiche.id,
      label: expect.stringMatching(new RegExp(`^Fiche ${t.fiche.code.replaceAll('.', '\\.')} \\(équipe PCS\\) — .+`)),
    });
    expect(review.cibles.find((c) => c.cible === 'budget')).toEqual({ cibleType: 'section', cible: 'budget', label: 'Fiche plan — Budget' });

    const returned = await reply(
      t.dics.plans[':planId'].submissions[':submissionId'].return.$post({
        param,
        json: {
          demandes: [
            { cibleType: 'fiche', cible: t.fiche.id, motifType: 'donnee-manquante', texte: 'Le public visé manque.' },
            { cibleType: 'section', cible: 'budget', motifType: 'piece-justificative', texte: 'Joindre la délibération du budget.' },
            { cibleType: 'plan', motifType: 'autre', texte: 'Relire l’ensemble.' },
          ],
        },
      }),
    );
    expect(returned.status).toBe(200);
    expect(returned.body.statut).toBe('retourne');
    expect(returned.body.motif).toMatch(/^3 demandes de correction : Donnée manquante — Fiche /);

    const open = (await reply(t.chef.plans[':planId']['return-reasons'].$get({ param: { planId }, query: {} }))).body;
    expect(open.map((r) => [r.cibleType, r.cible, r.motifLabel, r.texte])).toEqual([
      ['fiche', t.fiche.id, 'Donnée manquante', 'Le public visé manque.'],
      ['section', 'budget', 'Pièce justificative à fournir', 'Joindre la délibération du budget.'],
      ['plan', null, 'Autre', 'Relire l’ensemble.'],
    ]);
    expect(open[0]).toMatchObject({
      cibleLibelle: ficheTarget.label,
      createdBy: expect.any(String),
      createdAt: '2028-03-01T10:30:00.000Z',
      resolvedAt: null,
      kind: KIND,
      annee: YEAR,
      numero: 1,
    });

    // The DiCS does not mark a demande corrected; the chef de projet does, once.
    const resolve = (id: string, api: Api) => api.plans[':planId']['return-reasons'][':reasonId'].resolve.$post({ param: { planId, reasonId: id } });
    expectApiError(await failure(resolve(open[0]!.id, t.dics)), 403, 'forbidden');
    // The next morning (a new sign-in: sessions last 12 hours).
    t.clock.now = '2028-03-02T09:00:00.000Z';
    const chef = t.apiAs('chef');
    const resolved = await reply(resolve(open[0]!.id, chef));
    expect(resolved.body).toMatchObject({ id: open[0]!.id, resolvedAt: '2028-03-02T09:00:00.000Z' });
    expect((await reply(resolve(open[0]!.id, chef))).body.resolvedAt).toBe('2028-03-02T09:00:00.000Z');
    expect((await reply(chef.plans[':planId']['return-reasons'].$get({ param: { planId }, query: {} }))).body).toHaveLength(2);
    const history = JSON.stringify((await reply(chef.plans[':planId'].history.$get({ param: { planId }, query: {} }))).body);
    expect(history).toContain('Demande de correction de la DiCS marquée corrigée : Fiche ');
    expect(history).toContain('retourné à la commune (soumission n°1) : 3 demandes de correction');

    // The next submission shows the DiCS how many were marked corrected; the demandes are no longer open.
    const second = await submit(t, planId, '2028-03-02T10:00:00.000Z');
    const item = (await queue(t.apiAs('dics'))).body.find((i) => i.submissionId === second)!;
    expect(item.demandesPrecedentes).toEqual({ submissionId: t.ids.liege, total: 3, corrigees: 1 });
    expect((await reply(chef.plans[':planId']['return-reasons'].$get({ param: { planId }, query: {} }))).body).toEqual([]);
    const ofFirst = (await reply(chef.plans[':planId']['return-reasons'].$get({ param: { planId }, query: { submissionId: t.ids.liege } }))).body;
    expect(ofFirst.map((r) => r.resolvedAt !== null)).toEqual([true, false, false]);
    expectApiError(await failure(resolve(open[1]!.id, chef)), 409, 'conflict');
  });

  it('refuses a target the submitted plan does not hold (400 at demandes.N.cible) and records nothing', async () => {
    const t = await threeWaiting();
    const param = { planId: t.plans.liege.id, submissionId: t.ids.liege };
    const send = (json: Parameters<(typeof t.dics.plans)[':planId']['submissions'][':submissionId']['return']['$post']>[0]['json']) =>
      failure(t.dics.plans[':planId'].submissions[':submissionId'].return.$post({ param, json }));
    const bad = await send({
      motif: 'À corriger',
      demandes: [
        { cibleType: 'section', cible: 'budget', motifType: 'incoherence', texte: 'Total ?' },
        { cibleType: 'fiche', cible: 'fiche-inconnue', motifType: 'incoherence', texte: 'Laquelle ?' },
        { cibleType: 'section', cible: 'nulle-part', motifType: 'autre', texte: 'Où ?' },
      ],
    });
    expectApiError(bad, 400, 'validation', 'demandes.1.cible');
    expect(bad.body.issues).toEqual([
      { path: 'demandes.1.cible', message: 'Cette fiche action n’existe pas dans le plan soumis' },
      { path: 'demandes.2.cible', message: 'Section inconnue de la fiche plan' },
    ]);
    // A fiche of another plan is not a fiche of this one either.
    const elsewhere = await postAction(t.adminApp, t.plans.namur.id, { code: t.catalogue.actions[0]!.code, operateur: { organisme: null, equipePcs: true } });
    expectApiError(
      await send({ demandes: [{ cibleType: 'fiche', cible: elsewhere.id, motifType: 'autre', texte: 'x' }] }),
      400,
      'validation',
      'demandes.0.cible',
    );
    expectApiError(await send({ demandes: [{ cibleType: 'plan', cible: 'budget', motifType: 'autre', texte: 'x' }] }), 400, 'validation', 'demandes.0.cible');
    expectApiError(await send({ demandes: [{ cibleType: 'fiche', motifType: 'autre', texte: 'x' }] }), 400, 'validation', 'demandes.0.cible');
    expectApiError(
      await send({ demandes: [{ cibleType: 'section', cible: 'budget', motifType: 'grave', texte: 'x' } as never] }),
      400,
      'validation',
      'demandes.0.motifType',
    );
    expectApiError(
      await send({ demandes: [{ cibleType: 'section', cible: 'budget', motifType: 'autre', texte: 'x'.repeat(2001) }] }),
      400,
      'validation',
      'demandes.0.texte',
    );
    expectApiError(await send({}), 400, 'validation', 'motif');
    expectApiError(await send({ motif: '  ', demandes: [] }), 400, 'validation', 'motif');
    // Nothing was returned nor stored.
    expect((await queue(t.dics)).body.map((i) => i.submissionId)).toContain(t.ids.liege);
    expect(
      (await reply(t.dics.plans[':planId']['return-reasons'].$get({ param: { planId: t.plans.liege.id }, query: { submissionId: t.ids.liege } }))).body,
    ).toEqual([]);
  });
});

describe('approving several submissions at once', { timeout: 120_000 }, () => {
  it('approves all of them in one transaction, or none with a 409 naming the one no longer under review', async () => {
    const t = await threeWaiting();
    const item = (plan: keyof typeof t.plans, id: string) => ({ planId: t.plans[plan].id, submissionId: id });
    // Namur's was approved meanwhile.
    await reply(t.dics.plans[':planId'].submissions[':submissionId'].approve.$post({ param: item('namur', t.ids.namur), json: {} }));
    const refused = await failure(
      t.dics.region.queue.approve.$post({ json: { items: [item('liege', t.ids.liege), item('namur', t.ids.namur)], motif: 'Conforme' } }),
    );
    expectApiError(refused, 409, 'conflict', 'items.1.submissionId');
    expect(refused.body.message).toMatch(
      /^Namur : Impossible de approuver : « Justification financière annuelle 2027 » \(soumission n°1\) est « Approuvé par la DiCS »\. Aucune soumission n’a été approuvée\.$/,
    );
    expect((await queue(t.dics)).body.map((i) => i.porteur)).toEqual(['Huy', 'Liège']);
    // A submission of another plan than the one named is not found.
    expectApiError(
      await failure(t.dics.region.queue.approve.$post({ json: { items: [{ planId: t.plans.huy.id, submissionId: t.ids.liege }] } })),
      404,
      'not_found',
      'items.0.submissionId',
    );
    expectApiError(await failure(t.dics.region.queue.approve.$post({ json: { items: [] } })), 400, 'validation', 'items');
    expectApiError(
      await failure(t.dics.region.queue.approve.$post({ json: { items: [item('huy', t.ids.huy), item('huy', t.ids.huy)] } })),
      400,
      'validation',
      'items.1.submissionId',
    );

    const done = await reply(t.dics.region.queue.approve.$post({ json: { items: [item('liege', t.ids.liege), item('huy', t.ids.huy)], motif: 'Conforme' } }));
    expect(done).toEqual({ status: 200, body: { approuvees: 2 } });
    expect((await queue(t.dics)).body).toEqual([]);
    const listed = (await reply(t.dics.plans[':planId'].submissions.$get({ param: { planId: t.plans.liege.id }, query: {} }))).body;
    expect(listed[0]).toMatchObject({ statut: 'approuve', motif: 'Conforme' });
    const history = JSON.stringify((await reply(t.dics.plans[':planId'].history.$get({ param: { planId: t.plans.huy.id }, query: {} }))).body);
    expect(history).toContain('Justification financière annuelle 2027 approuvé par la DiCS (soumission n°1)');
  });
});

describe('who may use the region routes', { timeout: 120_000 }, () => {
  it('refuses the queue and the bulk approval to the chef de projet, the finance officer and the partner (403), opens them to the DiCS and the administrator', async () => {
    const t = await threeWaiting();
    const body = { items: [{ planId: t.plans.huy.id, submissionId: t.ids.huy }] };
    for (const name of ['chef', 'finance', 'partenaire'] as const) {
      const api = t.apiAs(name);
      const refused = await failure(api.region.queue.$get({ query: { programme: 'pcs-2027' } }));
      expectApiError(refused, 403, 'forbidden');
      expect(refused.body.message).toMatch(/^Votre rôle \(.+\) ne permet pas de consulter l’espace régional/);
      expectApiError(await failure(api.region.queue.approve.$post({ json: body })), 403, 'forbidden');
    }
    expect((await queue(t.dics)).body.map((i) => i.porteur)).toEqual(['Huy', 'Liège', 'Namur']);
    expect((await queue(t.admin)).status).toBe(200);
    expect((await reply(t.admin.region.queue.approve.$post({ json: body }))).status).toBe(200);
  });
});
