import { describe, expect, it } from 'vitest';
import { clientOf, getPlan, makeLiegeApp, reply, type AccountName } from '../helpers.ts';
import { editWorkbookCells } from '../workbook-edit.ts';
import type { Plan } from '../../schemas/plan.ts';
import { ROLE_REFUSAL } from '../../schemas/workbook-import.ts';

/**
 * A partner operator or a finance officer exports the workbook and imports it back: the values their role may write
 * are applied, every other changed value is listed as refused with its reason, and nothing outside their scope is
 * written.
 */

async function setUp(account: AccountName) {
  const t = makeLiegeApp();
  const who = t.as(account);
  const api = clientOf(who).plans[':planId'];
  const plan = await getPlan(who, t.plan.id);
  const param = { planId: plan.id };
  const exported = await api['export.xlsx'].$get({ param });
  expect(exported.status).toBe(200);
  const bytes = new Uint8Array(await exported.arrayBuffer());
  const upload = (file: Uint8Array, fields: { apply?: 'true'; fingerprint?: string } = {}) =>
    reply(api['import.xlsx'].$post({ param, form: { file: new File([new Uint8Array(file)], 'plan.xlsx'), ...fields } }));
  const stored = () => getPlan(t.app, plan.id);
  const audit = () => t.db.$client.prepare('select count(*) as n from audit_changes').get() as { n: number };
  return { t, plan, bytes, upload, stored, audit };
}

const positionOf = (plan: Plan, organisme: string) => plan.actions.findIndex((a) => a.fiche.operateur.organisme === organisme);

describe('POST /api/plans/:id/import.xlsx by a partner operator', { timeout: 120_000 }, () => {
  it('applies the actuals and texts of their actions, and lists every other change as refused with its reason', async () => {
    const { plan, bytes, upload, stored, audit } = await setUp('partenaire');
    const own = positionOf(plan, 'Asbl Opération Thermos');
    const other = plan.actions.findIndex((a, i) => i !== own && a.indicators.length > 0);
    const allowed = [
      { path: `actions.${own}.indicators.0.values.2021.actual`, value: 42 },
      { path: `actions.${own}.fiche.description`, value: 'Ce que nous avons fait en 2021' },
    ];
    const refused = [
      { path: `actions.${own}.indicators.0.values.2021.target`, value: 99 },
      { path: `actions.${other}.indicators.0.values.2021.actual`, value: 7 },
      { path: `actions.${other}.fiche.description`, value: 'Pas notre action' },
      { path: 'budget.recettes.autres', value: 12.34 },
      { path: 'textes.vision', value: 'Une autre vision' },
    ];
    const edited = await editWorkbookCells(bytes, [...allowed, ...refused], plan);

    const preview = await upload(edited);
    expect(preview.status).toBe(200);
    const changes = preview.body.changes;
    expect(changes.map((c) => c.path).sort()).toEqual([...allowed, ...refused].map((e) => e.path).sort());
    for (const e of allowed) expect(changes.find((c) => c.path === e.path)!.refusal).toBeNull();
    for (const e of refused) expect(changes.find((c) => c.path === e.path)!.refusal).toBe(ROLE_REFUSAL);
    const target = changes.find((c) => c.path === refused[0]!.path)!;
    expect(`${target.label} : ${target.refusal}`).toMatch(/^Fiche .+, 2021, cible : modification non permise pour votre rôle$/);

    const auditBefore = audit().n;
    const applied = await upload(edited, { apply: 'true', fingerprint: preview.body.fingerprint });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ applied: true });
    expect(applied.body.changes).toEqual(changes);
    const after = await stored();
    expect(after.actions[own]!.indicators[0]!.values['2021']!.actual).toBe(42);
    expect(after.actions[own]!.fiche.description).toBe('Ce que nous avons fait en 2021');
    // Nothing outside their scope was written.
    expect(after.actions[own]!.indicators[0]!.values['2021']?.target).toBe(plan.actions[own]!.indicators[0]!.values['2021']?.target);
    expect(after.actions[other]!.indicators[0]!.values['2021']?.actual ?? null).toBe(plan.actions[other]!.indicators[0]!.values['2021']?.actual ?? null);
    expect(after.actions[other]!.fiche.description).toBe(plan.actions[other]!.fiche.description);
    expect(after.budget).toEqual(plan.budget);
    expect(after.textes).toEqual(plan.textes);
    expect(after.versions).toEqual(plan.versions);
    expect(audit().n).toBe(auditBefore + 1);

    // The same workbook again: the applied values are no longer changes, the refused ones still are.
    const again = await upload(edited);
    expect(again.body.changes.map((c) => [c.path, c.refusal])).toEqual(
      refused.map((e) => [e.path, ROLE_REFUSAL]).sort((a, b) => changes.findIndex((c) => c.path === a[0]) - changes.findIndex((c) => c.path === b[0])),
    );
  });

  it('writes nothing, not even a date, when every change is refused', async () => {
    const { plan, bytes, upload, stored, audit } = await setUp('partenaire');
    const edited = await editWorkbookCells(bytes, [{ path: 'textes.vision', value: 'Une autre vision' }], plan);
    const preview = await upload(edited);
    expect(preview.body.changes).toMatchObject([{ path: 'textes.vision', refusal: ROLE_REFUSAL }]);
    const auditBefore = audit().n;
    const before = await stored();
    const applied = await upload(edited, { apply: 'true', fingerprint: preview.body.fingerprint });
    expect(applied.status).toBe(200);
    expect(await stored()).toEqual(before);
    expect(audit().n).toBe(auditBefore);
  });
});

describe('POST /api/plans/:id/import.xlsx by the finance officer', { timeout: 120_000 }, () => {
  it('applies the budget, transfers and finance indicators, and refuses the rest', async () => {
    const { plan, bytes, upload, stored } = await setUp('finance');
    const action = plan.actions.findIndex((a) => a.indicators.some((i) => i.standard === 'montant-convention'));
    const money = plan.actions[action]!.indicators.findIndex((i) => i.standard === 'montant-convention');
    const plain = plan.actions[action]!.indicators.findIndex((i) => !i.standard);
    const allowed = [
      { path: 'budget.recettes.autres', value: 12.34 },
      { path: 'transferts.2.montant', value: 3500 },
      { path: 'consommation.2021', value: '1.234,56' },
      { path: `actions.${action}.indicators.${money}.values.2021.target`, value: 2500 },
    ];
    const refused = [
      { path: 'textes.vision', value: 'Une autre vision' },
      { path: `actions.${action}.indicators.${plain}.values.2021.actual`, value: 3 },
      { path: 'repartitionTemps.evaluation.2022', value: 0.05 },
    ];
    const edited = await editWorkbookCells(bytes, [...allowed, ...refused], plan);
    const preview = await upload(edited);
    expect(preview.status).toBe(200);
    const refusals = Object.fromEntries(preview.body.changes.map((c) => [c.path, c.refusal]));
    expect(refusals).toEqual(Object.fromEntries([...allowed.map((e) => [e.path, null]), ...refused.map((e) => [e.path, ROLE_REFUSAL])]));

    const applied = await upload(edited, { apply: 'true', fingerprint: preview.body.fingerprint });
    expect(applied.status).toBe(200);
    const after = await stored();
    expect(after.budget.recettes.autres).toBe(1234);
    expect(after.transferts[2]!.montant).toBe(350000);
    expect(after.consommation['2021']).toBe(123456);
    expect(after.actions[action]!.indicators[money]!.values['2021']!.target).toBe(250000);
    expect(after.textes).toEqual(plan.textes);
    expect(after.repartitionTemps).toEqual(plan.repartitionTemps);
    expect(after.actions[action]!.indicators[plain]!.values['2021']?.actual ?? null).toBe(
      plan.actions[action]!.indicators[plain]!.values['2021']?.actual ?? null,
    );
  });
});

describe('POST /api/plans/:id/import.xlsx by the DiCS', () => {
  it('is refused: the DiCS changes nothing in a plan', async () => {
    const t = makeLiegeApp();
    // Refused for the role before the file is read: an empty file will do.
    const res = await t.apiAs('dics').plans[':planId']['import.xlsx'].$post({ param: { planId: t.plan.id }, form: { file: new File([], 'plan.xlsx') } });
    expect(res.status).toBe(403);
  });
});
