import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Plan } from '../../schemas/plan.ts';
import type { Action } from '../../schemas/action.ts';
import { fingerprintOf } from '../../server/services/workbook.ts';
import { readPlan } from '../../server/services/plan-store.ts';
import { expectApiError, failure, getPlan, makeLiegeApp, reply, type AnyResponse, type BodyOf } from '../helpers.ts';

/**
 * Authorisation is decided by where a write is addressed, before any value is compared: a role writing, even with
 * its current value, something it may not write is refused (403) and no version moves. And for everyone, only a
 * real change moves a version or writes an audit entry.
 */

type Liege = ReturnType<typeof makeLiegeApp>;

const auditCount = (t: Liege) => (t.db.$client.prepare('select count(*) as n from audit_changes').get() as { n: number }).n;

/** The action operated by the demo partner (Opération Thermos), and one they do not operate. */
function actionsOf(plan: Plan): { own: Action; other: Action } {
  const own = plan.actions.find((a) => a.fiche.operateur.organisme === 'Asbl Opération Thermos')!;
  const other = plan.actions.find(
    (a) => a.id !== own.id && a.indicators.some((i) => i.values['2021']?.target !== null && i.values['2021']?.target !== undefined),
  )!;
  return { own, other };
}

/** The action as its edit body: what `PUT /actions/:id` takes, with the stored values unchanged. */
function actionEdit(action: Action) {
  const { id: _id, version, indicators: _i, ...data } = action;
  return { version, data };
}

/** An indicator of the action with a stored target in 2021, and that target's cell as stored. */
function storedTarget(action: Action) {
  const indicator = action.indicators.find((i) => i.values['2021']?.target !== null && i.values['2021']?.target !== undefined) ?? action.indicators[0]!;
  const stored = indicator.values['2021'];
  return { indicator, value: stored?.target ?? null, version: stored?.targetVersion ?? 0 };
}

/** Sends `request` (made by the person it is sent as), and checks that it was refused and that nothing moved. */
async function expectRefusedUnchanged(t: Liege, request: () => Promise<AnyResponse>) {
  const before = fingerprintOf(readPlan(t.db, t.plan.id));
  const audit = auditCount(t);
  const res = await failure(request());
  expectApiError(res, 403, 'forbidden');
  expect(res.body.message).toMatch(/^Votre rôle \(.+\) ne permet pas de modifier : /);
  expect(res.body.issues.length).toBeGreaterThan(0);
  for (const issue of res.body.issues) expect(issue.message).toMatch(/modification non permise pour votre rôle$/);
  expect(fingerprintOf(readPlan(t.db, t.plan.id)), 'no version moved').toBe(before);
  expect(auditCount(t)).toBe(audit);
  return res;
}

/** The stored cells a write answers, or those of its 409 (`current`): only what is sent back is read. */
const StoredValues = z.array(z.object({ value: z.number().nullable(), version: z.number().int() }));
const ConflictBody = z.object({ current: z.unknown() });

describe('a write addressed to what the role may not write is refused, even with the current value', () => {
  it('refuses a partner operator saving, unchanged, an action they do not operate', async () => {
    const t = makeLiegeApp();
    const { other } = actionsOf(t.plan);
    const partner = t.apiAs('partenaire');
    const res = await expectRefusedUnchanged(t, () =>
      partner.plans[':planId'].actions[':actionId'].$put({ param: { planId: t.plan.id, actionId: other.id }, json: actionEdit(other) }),
    );
    expect(res.body.issues[0]!.path).toBe(`actions.${other.id}`);
  });

  it('refuses a partner operator the current target of their own indicator, as a block of cells or one value', async () => {
    const t = makeLiegeApp();
    const { own } = actionsOf(t.plan);
    const { indicator, value, version } = storedTarget(own);
    const partner = t.apiAs('partenaire').plans[':planId'];
    const cells = { cells: [{ grid: 'indicator-target' as const, row: indicator.id, period: '2021', value, version }] };
    const res = await expectRefusedUnchanged(t, () => partner.cells.$put({ param: { planId: t.plan.id }, json: cells }));
    expect(res.body.issues[0]!.path).toBe(`actions.${own.id}.indicators.${indicator.id}.values.2021.target`);
    expect(res.body.issues[0]!.message).toMatch(/Cible 2021/);
    await expectRefusedUnchanged(t, () =>
      partner.indicators[':indicatorId'].values[':year'][':kind'].$put({
        param: { planId: t.plan.id, indicatorId: indicator.id, year: '2021', kind: 'target' },
        json: { value, version },
      }),
    );
  });

  it('refuses a partner operator a block mixing a cell they may write and one they may not, whole', async () => {
    const t = makeLiegeApp();
    const { own, other } = actionsOf(t.plan);
    const mine = own.indicators[0]!;
    const theirs = storedTarget(other);
    const partner = t.apiAs('partenaire');
    await expectRefusedUnchanged(t, () =>
      partner.plans[':planId'].cells.$put({
        param: { planId: t.plan.id },
        json: {
          cells: [
            { grid: 'indicator-actual', row: mine.id, period: '2021', value: 3, version: mine.values['2021']?.actualVersion ?? 0 },
            { grid: 'indicator-actual', row: theirs.indicator.id, period: '2021', value: null, version: theirs.indicator.values['2021']?.actualVersion ?? 0 },
          ],
        },
      }),
    );
  });

  it.each([
    [
      'the actual of a fiche indicator',
      (p: Plan) => ({ grid: 'indicator-actual', row: actionsOf(p).other.indicators.find((i) => !i.standard)!.id, period: '2021' }) as const,
    ],
    ['a time share of the chef de projet', () => ({ grid: 'time', row: 'terrain', period: '2021' }) as const],
  ])('refuses the finance officer %s, unchanged', async (_, cellOf) => {
    const t = makeLiegeApp();
    const cell = cellOf(t.plan);
    const current = await reply(t.api.plans[':planId'].cells.$put({ param: { planId: t.plan.id }, json: { cells: [{ ...cell, value: null, version: 0 }] } }));
    // Whatever is stored, sending it back as it is: the answer, or the stored cell of a 409.
    const stored = StoredValues.parse(current.status === 200 ? current.body : ConflictBody.parse(current.body).current)[0]!;
    const finance = t.apiAs('finance');
    await expectRefusedUnchanged(t, () =>
      finance.plans[':planId'].cells.$put({ param: { planId: t.plan.id }, json: { cells: [{ ...cell, value: stored.value, version: stored.version }] } }),
    );
  });

  it('still lets the partner operator write their actuals and texts, and the finance officer the finance cells', async () => {
    const t = makeLiegeApp();
    const { own } = actionsOf(t.plan);
    const indicator = own.indicators[0]!;
    const partner = t.apiAs('partenaire').plans[':planId'];
    const param = { planId: t.plan.id };
    const actual = await reply(
      partner.cells.$put({ param, json: { cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2021', value: 12, version: 0 }] } }),
    );
    expect(actual.status).toBe(200);
    expect(actual.body[0]).toMatchObject({ value: 12, version: 1 });
    const edit = actionEdit(own);
    const text = await reply(
      partner.actions[':actionId'].$put({
        param: { ...param, actionId: own.id },
        json: { ...edit, data: { ...edit.data, fiche: { ...edit.data.fiche, description: 'Nouveau texte' } } },
      }),
    );
    expect(text.status).toBe(200);
    expect(text.body.version).toBe(own.version + 1);
    const consumption = await reply(
      t
        .apiAs('finance')
        .plans[':planId'].cells.$put({ param, json: { cells: [{ grid: 'consumption', row: 'e-compte', period: '2021', value: 100, version: 0 }] } }),
    );
    expect(consumption.status).toBe(200);
  });
});

describe('only a real change moves a version', () => {
  /** Sends `request` twice-identical data and checks the answer carries the stored version and no audit entry follows. */
  async function expectNoChange<R extends AnyResponse>(t: Liege, request: () => Promise<R>, versionOf: (body: BodyOf<R>) => number, expected: number) {
    const before = fingerprintOf(readPlan(t.db, t.plan.id));
    const updatedAt = (await getPlan(t.app, t.plan.id)).updatedAt;
    const audit = auditCount(t);
    const res = await reply(request());
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(versionOf(res.body)).toBe(expected);
    expect(fingerprintOf(readPlan(t.db, t.plan.id))).toBe(before);
    expect((await getPlan(t.app, t.plan.id)).updatedAt).toBe(updatedAt);
    expect(auditCount(t)).toBe(audit);
  }

  it('a section saved with its stored data', async () => {
    const t = makeLiegeApp();
    const chef = t.apiAs('chef').plans[':planId'];
    for (const section of ['textes', 'identite', 'budget'] as const) {
      const version = t.plan.versions[section];
      await expectNoChange(
        t,
        () => chef.sections[':section'].$put({ param: { planId: t.plan.id, section }, json: { version, data: t.plan[section] } }),
        (b) => b.version,
        version,
      );
    }
    const finance = t.apiAs('finance').plans[':planId'];
    await expectNoChange(
      t,
      () =>
        finance.sections[':section'].$put({ param: { planId: t.plan.id, section: 'budget' }, json: { version: t.plan.versions.budget, data: t.plan.budget } }),
      (b) => b.version,
      t.plan.versions.budget,
    );
  });

  it('a list row, a transfer, an action and an indicator saved as stored', async () => {
    const t = makeLiegeApp();
    const chef = t.apiAs('chef').plans[':planId'];
    const planId = t.plan.id;
    const { id: rowId, version: rowVersion, ...row } = t.plan.partenaires[0]!;
    await expectNoChange(
      t,
      () => chef.lists[':collection'][':rowId'].$put({ param: { planId, collection: 'partenaires', rowId }, json: { version: rowVersion, data: row } }),
      (b) => b.version,
      rowVersion,
    );
    const transfer = t.plan.transferts[0]!;
    const transferData = { partenaire: transfer.partenaire, art20: transfer.art20, montant: transfer.montant };
    const finance = t.apiAs('finance').plans[':planId'];
    await expectNoChange(
      t,
      () => finance.transfers[':transferId'].$put({ param: { planId, transferId: transfer.id }, json: { version: transfer.version, data: transferData } }),
      (b) => b.version,
      transfer.version,
    );
    const { own } = actionsOf(t.plan);
    const partner = t.apiAs('partenaire').plans[':planId'];
    const actionParam = { planId, actionId: own.id };
    await expectNoChange(
      t,
      () => chef.actions[':actionId'].$put({ param: actionParam, json: actionEdit(own) }),
      (b) => b.version,
      own.version,
    );
    await expectNoChange(
      t,
      () => partner.actions[':actionId'].$put({ param: actionParam, json: actionEdit(own) }),
      (b) => b.version,
      own.version,
    );
    const position = t.plan.actions.findIndex((a) => a.id === own.id);
    await expectNoChange(
      t,
      () => chef.actions[':actionId'].$put({ param: actionParam, json: { ...actionEdit(own), position } }),
      (b) => b.version,
      own.version,
    );
    const indicator = own.indicators[0]!;
    const { id: _id, version, values: _v, ...fields } = indicator;
    await expectNoChange(
      t,
      () => chef.indicators[':indicatorId'].$put({ param: { planId, indicatorId: indicator.id }, json: { version, data: fields } }),
      (b) => b.version,
      version,
    );
  });

  it('moving a row is a change', async () => {
    const t = makeLiegeApp();
    const { own } = actionsOf(t.plan);
    const res = await reply(
      t.apiAs('chef').plans[':planId'].actions[':actionId'].$put({ param: { planId: t.plan.id, actionId: own.id }, json: { ...actionEdit(own), position: 0 } }),
    );
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(own.version + 1);
    expect((await getPlan(t.app, t.plan.id)).actions[0]!.id).toBe(own.id);
  });

  it('cells sent with their stored values keep their versions; in a block only the changed ones move', async () => {
    const t = makeLiegeApp();
    const { own } = actionsOf(t.plan);
    const { indicator, value, version } = storedTarget(own);
    const chef = t.apiAs('chef').plans[':planId'];
    const param = { planId: t.plan.id };
    await expectNoChange(
      t,
      () => chef.cells.$put({ param, json: { cells: [{ grid: 'indicator-target', row: indicator.id, period: '2021', value, version }] } }),
      (b) => b[0]!.version,
      version,
    );
    await expectNoChange(
      t,
      () =>
        chef.indicators[':indicatorId'].values[':year'][':kind'].$put({
          param: { ...param, indicatorId: indicator.id, year: '2021', kind: 'target' },
          json: { value, version },
        }),
      (b) => b.version,
      version,
    );
    // Blank stays blank: no row is created.
    await expectNoChange(
      t,
      () => chef.cells.$put({ param, json: { cells: [{ grid: 'consumption', row: 'e-compte', period: '2022', value: null, version: 0 }] } }),
      (b) => b[0]!.version,
      0,
    );
    const block = await reply(
      chef.cells.$put({
        param,
        json: {
          cells: [
            { grid: 'indicator-target', row: indicator.id, period: '2021', value, version },
            { grid: 'indicator-actual', row: indicator.id, period: '2021', value: 5, version: indicator.values['2021']?.actualVersion ?? 0 },
          ],
        },
      }),
    );
    expect(block.status).toBe(200);
    expect(block.body.map((c) => c.version)).toEqual([version, (indicator.values['2021']?.actualVersion ?? 0) + 1]);
  });

  it('a booked line, a justification and the commune name saved as stored', async () => {
    const t = makeLiegeApp();
    const param = { planId: t.plan.id };
    const finance = t.apiAs('finance').plans[':planId'];
    const data = { annee: 2021, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Subvention', montant: 1000, nature: null } as const;
    const line = (await reply(finance['imputations'].$post({ param, json: { data } }))).body;
    await expectNoChange(
      t,
      () => finance['imputations'][':lineId'].$put({ param: { ...param, lineId: line.id }, json: { version: line.version, data } }),
      (b) => b.version,
      line.version,
    );

    const finding = (await reply(t.api.plans[':planId'].checks.$get({ param }))).body.find((f) => f.level === 'warning')!;
    const justification = { cle: finding.key, texte: 'Expliqué', auteur: 'x' };
    const justified = (await reply(finance.justifications.$put({ param, json: { version: 0, data: justification } }))).body;
    await expectNoChange(
      t,
      () => finance.justifications.$put({ param, json: { version: justified.version, data: justification } }),
      (b) => b.version,
      justified.version,
    );

    const header = await getPlan(t.app, t.plan.id);
    const version = header.versions.header;
    const chef = t.apiAs('chef').plans[':planId'];
    await expectNoChange(
      t,
      () => chef.$put({ param, json: { version, commune: header.commune } }),
      (b) => b.versions.header,
      version,
    );
  });
});

describe('a plan is carried by the commune of the person who creates or edits it', () => {
  it('refuses the Liège chef de projet a plan in the name of Namur, and accepts one of Liège', async () => {
    const t = makeLiegeApp();
    const chef = t.apiAs('chef');
    const plans = () => t.db.$client.prepare('select count(*) as n from plans').get() as { n: number };
    const count = plans().n;
    const res = await failure(chef.plans.$post({ json: { commune: 'Namur', programmeId: 'pcs-2020-2025' } }));
    expectApiError(res, 403, 'forbidden', 'commune');
    expect(res.body.message).toBe('Le plan doit être porté par votre commune (Liège), pas par « Namur »');
    expect(plans().n).toBe(count);
    const own = await reply(chef.plans.$post({ json: { commune: 'liège', programmeId: 'pcs-2020-2025' } }));
    expect(own.status).toBe(201);
    expect((await reply(t.apiAs('autreCommune').plans[':planId'].$get({ param: { planId: own.body.id } }))).status).toBe(404);
  });

  it('lets an administrator create a plan for any commune, in that commune', async () => {
    const t = makeLiegeApp();
    const created = await reply(t.apiAs('admin').plans.$post({ json: { commune: 'Namur', programmeId: 'pcs-2020-2025' } }));
    expect(created.status).toBe(201);
    const param = { planId: created.body.id };
    expect((await reply(t.apiAs('autreCommune').plans[':planId'].$get({ param }))).status).toBe(200);
    expect((await reply(t.apiAs('chef').plans[':planId'].$get({ param }))).status).toBe(404);
  });

  it('refuses renaming the plan, or naming another lead commune or header, to another commune', async () => {
    const t = makeLiegeApp();
    const chef = t.apiAs('chef').plans[':planId'];
    const param = { planId: t.plan.id };
    const version = t.plan.versions.header;
    const before = fingerprintOf(readPlan(t.db, t.plan.id));
    expectApiError(await reply(chef.$put({ param, json: { version, commune: 'Namur' } })), 403, 'forbidden', 'commune');
    const porteur = (data: Record<string, unknown>) =>
      reply(
        chef.sections[':section'].$put({
          param: { ...param, section: 'porteur' },
          json: { version: t.plan.versions.porteur, data: { ...t.plan.porteur, ...data } },
        }),
      );
    expectApiError(await porteur({ communesAssociees: ['Namur'] }), 403, 'forbidden', 'porteur.communesAssociees.0');
    expectApiError(await porteur({ denomination: 'la Ville de Namur' }), 403, 'forbidden', 'porteur.denomination');
    expect(fingerprintOf(readPlan(t.db, t.plan.id))).toBe(before);
    // Its own names, differently written, and the administrator's renaming are accepted.
    expect((await porteur({ communesAssociees: ['LIÈGE'], denomination: 'la Cité ardente de Liège' })).status).toBe(200);
    expect((await reply(t.apiAs('admin').plans[':planId'].$put({ param, json: { version, commune: 'Liège-Ville' } }))).status).toBe(200);
  });
});
