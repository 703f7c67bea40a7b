import { describe, expect, it } from 'vitest';
import { getPlan, makeLiegeApp, reply } from '../helpers.ts';

/** The Liège PCS 2020-2025 sample, read back through the API. */
async function readLiege() {
  const { app, api, plan } = makeLiegeApp();
  return { app, api, plan: await getPlan(app, plan.id) };
}

const sum = (values: (number | null)[]) => values.reduce<number>((s, v) => s + (v ?? 0), 0);

describe('the Liège sample through the API', () => {
  it('GET /api/plans lists Liège with its programme and its 29 actions', async () => {
    const { api, plan } = makeLiegeApp();
    expect((await reply(api.plans.$get())).body).toEqual([
      {
        id: plan.id,
        commune: 'Liège',
        porteur: 'Liège',
        programmeId: 'pcs-2020-2025',
        organisation: 'Liège',
        lectureSeule: false,
        actionCount: 29,
        updatedAt: expect.any(String),
      },
    ]);
  });

  it('holds a balanced budget of 2.424.996,74 € in recettes and dépenses, in cents', async () => {
    const { plan } = await readLiege();
    const { recettes, depenses } = plan.budget;
    expect(recettes.total).toBe(242_499_674);
    expect(depenses.total).toBe(242_499_674);
    expect(sum([recettes.subventionPcs, recettes.partCommunale, recettes.subventionsArt20, recettes.autres])).toBe(242_499_674);
    expect(sum([depenses.personnel, depenses.fonctionnement, depenses.investissement, depenses.subventionsInstitutions])).toBe(242_499_674);
  });

  it('sums its transfers to 845.613,08 € of which 111.981,08 € art.20, matching the budget lines', async () => {
    const { plan } = await readLiege();
    expect(sum(plan.transferts.map((t) => t.montant))).toBe(84_561_308);
    expect(sum(plan.transferts.filter((t) => t.art20 === true).map((t) => t.montant))).toBe(11_198_108);
    expect(plan.budget.depenses.subventionsInstitutions).toBe(84_561_308);
    expect(plan.budget.recettes.subventionsArt20).toBe(11_198_108);
  });

  it('has 29 actions whose shared codes are distinct actions with distinct ids', async () => {
    const { plan } = await readLiege();
    expect(plan.actions).toHaveLength(29);
    expect(new Set(plan.actions.map((a) => a.id)).size).toBe(29);
    const counts = new Map<string, number>();
    for (const a of plan.actions) counts.set(a.code, (counts.get(a.code) ?? 0) + 1);
    const shared = [...counts].filter(([, n]) => n > 1).sort(([a], [b]) => a.localeCompare(b));
    expect(shared).toEqual([
      ['1.3.03', 2],
      ['2.4.01', 3],
      ['2.4.02', 2],
      ['3.3.02', 6],
      ['3.5.01', 2],
      ['5.4.01', 2],
    ]);
    const operators = plan.actions.filter((a) => a.code === '3.3.02').map((a) => a.fiche.operateur.organisme);
    expect(new Set(operators).size).toBe(6);
  });

  it('links every operator transfer and every partner card action to a row of the plan', async () => {
    const { plan } = await readLiege();
    const transferIds = new Set(plan.transferts.map((t) => t.id));
    const actionIds = new Set(plan.actions.map((a) => a.id));
    const linked = plan.actions.map((a) => a.fiche.operateur.transferId).filter((id): id is string => id !== null);
    expect(linked.length).toBeGreaterThan(0);
    for (const id of linked) expect(transferIds.has(id)).toBe(true);
    for (const card of plan.partenaires) for (const id of card.actionIds) expect(actionIds.has(id)).toBe(true);
  });

  it('GET /checks finds no budget error and only years of the programme (2020-2026 since the extension)', async () => {
    const { api, plan } = await readLiege();
    const checks = (await reply(api.plans[':planId'].checks.$get({ param: { planId: plan.id } }))).body;
    expect(checks.filter((f) => f.rule.startsWith('budget-'))).toEqual([]);
    expect(checks.find((f) => f.rule === 'part-communale-ratio')?.message).toBe('Part communale : 38,83\u00a0% de la subvention PCS (minimum 25,0\u00a0%)');
    // Finding keys carry row ids (UUIDs), whose groups of four hex digits can read like a year.
    const text = JSON.stringify(checks).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '');
    const years = new Set(text.match(/\b20\d\d\b/g));
    expect([...years].every((y) => Number(y) >= 2020 && Number(y) <= 2026)).toBe(true);
    // 2026 is named once: CASA's convention ex-ante covers the six initial years, not the extension's 2026.
    expect(checks.filter((f) => f.message.includes('2026')).map((f) => f.path)).toEqual(['transferts.1.montant']);
  });

  it('deleting one of the six 3.3.02 actions keeps the five others', async () => {
    const { app, api, plan } = await readLiege();
    const target = plan.actions.filter((a) => a.code === '3.3.02')[1]!;
    const remove = api.plans[':planId'].actions[':actionId'].$delete;
    const param = { planId: plan.id, actionId: target.id };
    // Partner cards name it: the deletion says so, then detaches them when asked.
    expect((await reply(remove({ param, query: { version: String(target.version) } }))).status).toBe(409);
    expect((await reply(remove({ param, query: { version: String(target.version), detacher: '1' } }))).status).toBe(204);
    const after = await getPlan(app, plan.id);
    expect(after.actions).toHaveLength(28);
    expect(after.actions.filter((a) => a.code === '3.3.02').map((a) => a.id)).toEqual(
      plan.actions.filter((a) => a.code === '3.3.02' && a.id !== target.id).map((a) => a.id),
    );
    for (const card of after.partenaires) expect(card.actionIds).not.toContain(target.id);
  });
});
