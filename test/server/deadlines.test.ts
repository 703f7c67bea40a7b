import { describe, expect, it } from 'vitest';
import { expectApiError, failure, makeLiegeApp, reply } from '../helpers.ts';

/**
 * The DiCS grants one plan a later due date for one submission (kind × year): after the programme's date only, for
 * an obligation of the plan's programme only, by the DiCS and the administrator only; the obligations carry it
 * (« délai accordé jusqu'au … »), the plan's history records it, the plan's people are told; it can be withdrawn.
 * Each person sees what is due across their plans (`/api/me/obligations`) and their notifications.
 */

const KIND = 'rapport-annuel';
/** PCS 2020-2025: the 2025 report is due on 31 March 2026. */
const PROGRAMME_DUE = '2026-03-31';

function setup() {
  const t = makeLiegeApp();
  const param = { planId: t.plan.id, kind: KIND, annee: '2025' };
  const deadline = (name: Parameters<typeof t.apiAs>[0]) => t.apiAs(name).plans[':planId'].deadlines[':kind'][':annee'];
  return { ...t, param, deadline };
}

describe('PUT /api/plans/:planId/deadlines/:kind/:annee', () => {
  it('grants a later due date that the obligations carry, with the programme’s', async () => {
    const t = setup();
    const res = await reply(t.deadline('dics').$put({ param: t.param, json: { echeance: '2026-09-30', motif: 'Changement de chef de projet' } }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      kind: KIND,
      annee: 2025,
      echeance: '2026-09-30',
      echeanceProgramme: PROGRAMME_DUE,
      motif: 'Changement de chef de projet',
    });
    const obligations = (await reply(t.apiAs('chef').plans[':planId'].obligations.$get({ param: { planId: t.plan.id } }))).body;
    const o2025 = obligations.find((o) => o.kind === KIND && o.annee === 2025)!;
    expect(o2025).toMatchObject({ echeance: '2026-09-30', echeanceProgramme: PROGRAMME_DUE });
    expect(obligations.find((o) => o.annee === 2024)).toMatchObject({ echeance: '2025-03-31', echeanceProgramme: null });
    const listed = await reply(t.apiAs('chef').plans[':planId'].deadlines.$get({ param: { planId: t.plan.id } }));
    expect(listed.body).toEqual([expect.objectContaining({ annee: 2025, echeance: '2026-09-30', accordePar: 'Luc Renard (DiCS)' })]);
  });

  it('replaces an earlier extension, and the administrator may grant it too', async () => {
    const t = setup();
    expect((await reply(t.deadline('dics').$put({ param: t.param, json: { echeance: '2026-09-30', motif: null } }))).status).toBe(200);
    expect((await reply(t.deadline('admin').$put({ param: t.param, json: { echeance: '2026-10-31', motif: null } }))).status).toBe(200);
    const listed = await reply(t.api.plans[':planId'].deadlines.$get({ param: { planId: t.plan.id } }));
    expect(listed.body.map((e) => e.echeance)).toEqual(['2026-10-31']);
  });

  it.each([
    ['the programme’s date itself', PROGRAMME_DUE],
    ['an earlier date', '2026-01-15'],
  ])('refuses %s (400 at echeance, in French)', async (_, echeance) => {
    const t = setup();
    const err = expectApiError(await failure(t.deadline('dics').$put({ param: t.param, json: { echeance, motif: null } })), 400, 'validation', 'echeance');
    expect(err.message).toBe("Le délai doit être postérieur à l'échéance du programme (31/03/2026)");
  });

  it('refuses a date that is not a date, a kind the programme does not ask, a year it does not cover', async () => {
    const t = setup();
    expectApiError(await failure(t.deadline('dics').$put({ param: t.param, json: { echeance: '30/09/2026', motif: null } })), 400, 'validation', 'echeance');
    const kind = await failure(t.deadline('dics').$put({ param: { ...t.param, kind: 'plan-initial' }, json: { echeance: '2030-01-01', motif: null } }));
    expectApiError(kind, 400, 'validation', 'kind');
    const year = await failure(t.deadline('dics').$put({ param: { ...t.param, annee: '2031' }, json: { echeance: '2033-01-01', motif: null } }));
    expectApiError(year, 400, 'validation', 'annee');
  });

  it.each(['chef', 'finance', 'partenaire'] as const)('is refused to the %s (403), and to another commune (404)', async (name) => {
    const t = setup();
    const err = expectApiError(await failure(t.deadline(name).$put({ param: t.param, json: { echeance: '2026-09-30', motif: null } })), 403, 'forbidden');
    expect(err.message).toContain('accorder un délai');
    expectApiError(await failure(t.deadline(name).$delete({ param: t.param })), 403, 'forbidden');
    expectApiError(await failure(t.deadline('autreCommune').$put({ param: t.param, json: { echeance: '2026-09-30', motif: null } })), 404, 'not_found');
    expect((await reply(t.api.plans[':planId'].deadlines.$get({ param: { planId: t.plan.id } }))).body).toEqual([]);
  });

  it('is written in the plan’s history and told to the chef de projet and the finance officer (not the partner)', async () => {
    const t = setup();
    await reply(t.deadline('dics').$put({ param: t.param, json: { echeance: '2026-09-30', motif: 'Inondations' } }));
    const history = await reply(t.api.plans[':planId'].history.$get({ param: { planId: t.plan.id }, query: {} }));
    const entry = history.body.find((e) => e.event === 'echeance');
    expect(entry?.summary).toBe("le rapport 2025 : délai accordé jusqu'au 30/09/2026 (échéance du programme : 31/03/2026) — Inondations");
    for (const name of ['chef', 'finance'] as const) {
      const mine = (await reply(t.apiAs(name).me.notifications.$get())).body;
      expect(mine.nonLues).toBe(1);
      expect(mine.notifications[0]).toMatchObject({ nature: 'delai', planId: t.plan.id, lien: `#/plan/${t.plan.id}/rapport/2025` });
      expect(mine.notifications[0]!.texte).toContain("délai accordé jusqu'au 30/09/2026");
    }
    expect((await reply(t.apiAs('partenaire').me.notifications.$get())).body.nonLues).toBe(0);
    // Without SMTP settings the e-mails wait in the outbox, one per person.
    const outbox = (await reply(t.api.outbox.$get())).body;
    expect(outbox.map((m) => [m.destinataire, m.statut]).sort()).toEqual([
      ['chef@liege.demo', 'boite'],
      ['finances@liege.demo', 'boite'],
    ]);
  });
});

describe('DELETE /api/plans/:planId/deadlines/:kind/:annee', () => {
  it('withdraws the extension: the programme’s date applies again; a second withdrawal is 404', async () => {
    const t = setup();
    await reply(t.deadline('dics').$put({ param: t.param, json: { echeance: '2026-09-30', motif: null } }));
    expect((await t.deadline('dics').$delete({ param: t.param })).status).toBe(204);
    const obligations = (await reply(t.api.plans[':planId'].obligations.$get({ param: { planId: t.plan.id } }))).body;
    expect(obligations.find((o) => o.annee === 2025)).toMatchObject({ echeance: PROGRAMME_DUE, echeanceProgramme: null });
    expectApiError(await failure(t.deadline('dics').$delete({ param: t.param })), 404, 'not_found');
    const history = await reply(t.api.plans[':planId'].history.$get({ param: { planId: t.plan.id }, query: {} }));
    const summaries = history.body.filter((e) => e.event === 'echeance').map((e) => e.summary);
    expect(summaries).toContain("le rapport 2025 : délai jusqu'au 30/09/2026 retiré, échéance du programme : 31/03/2026");
  });
});

describe('GET /api/me/obligations', () => {
  it('lists what is due on each plan the person sees, soonest first, with the days late', async () => {
    const t = setup();
    const mine = (await reply(t.apiAs('chef').me.obligations.$get())).body;
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((o) => o.planId === t.plan.id && o.porteur === 'Liège')).toBe(true);
    const dates = mine.map((o) => o.echeance);
    expect(dates).toEqual([...dates].sort());
    for (const o of mine) expect(o.joursDeRetard > 0).toBe(o.enRetard);
    expect((await reply(t.apiAs('autreCommune').me.obligations.$get())).body).toEqual([]);
    expect((await reply(t.apiAs('dics').me.obligations.$get())).body.length).toBe(mine.length);
  });
});

describe('notifications', () => {
  it('« marquer comme lu » one’s own notification; another person’s is 404', async () => {
    const t = setup();
    await reply(t.deadline('dics').$put({ param: t.param, json: { echeance: '2026-09-30', motif: null } }));
    const chef = t.apiAs('chef');
    const id = (await reply(chef.me.notifications.$get())).body.notifications[0]!.id;
    expectApiError(await failure(t.apiAs('finance').me.notifications[':notificationId'].read.$post({ param: { notificationId: id } })), 404, 'not_found');
    const read = await reply(chef.me.notifications[':notificationId'].read.$post({ param: { notificationId: id } }));
    expect(read.status).toBe(200);
    expect(read.body.nonLues).toBe(0);
    expect(read.body.notifications[0]!.readAt).not.toBeNull();
    expect((await reply(t.apiAs('finance').me.notifications.$get())).body.nonLues).toBe(1);
  });
});

describe('GET /api/outbox', () => {
  it.each(['chef', 'finance', 'partenaire', 'dics'] as const)('is the administrator’s only: 403 for the %s', async (name) => {
    const t = setup();
    expectApiError(await failure(t.apiAs(name).outbox.$get()), 403, 'forbidden');
  });
});
