import { describe, expect, it } from 'vitest';
import type { Plan } from '../../schemas/plan.ts';
import type { Action } from '../../schemas/action.ts';
import { fingerprintOf } from '../../server/services/workbook.ts';
import { readPlan } from '../../server/services/plan-store.ts';
import { call, expectApiError, getPlan, makeLiegeApp, type TestApp } from '../helpers.ts';

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

/** Sends `request` as `who`, and checks that it was refused and that nothing moved. */
async function expectRefusedUnchanged(t: Liege, who: TestApp, request: [string, string, Record<string, unknown>]) {
  const before = fingerprintOf(readPlan(t.db, t.plan.id));
  const audit = auditCount(t);
  const res = await call(who, ...request);
  expectApiError(res, 403, 'forbidden');
  expect(res.body.message).toMatch(/^Votre rôle \(.+\) ne permet pas de modifier : /);
  expect(res.body.issues.length).toBeGreaterThan(0);
  for (const issue of res.body.issues) expect(issue.message).toMatch(/modification non permise pour votre rôle$/);
  expect(fingerprintOf(readPlan(t.db, t.plan.id)), 'no version moved').toBe(before);
  expect(auditCount(t)).toBe(audit);
  return res;
}

describe('a write addressed to what the role may not write is refused, even with the current value', () => {
  it('refuses a partner operator saving, unchanged, an action they do not operate', async () => {
    const t = makeLiegeApp();
    const { other } = actionsOf(t.plan);
    const res = await expectRefusedUnchanged(t, t.as('partenaire'), ['PUT', `/api/plans/${t.plan.id}/actions/${other.id}`, actionEdit(other)]);
    expect(res.body.issues[0].path).toBe(`actions.${other.id}`);
  });

  it('refuses a partner operator the current target of their own indicator, as a block of cells or one value', async () => {
    const t = makeLiegeApp();
    const { own } = actionsOf(t.plan);
    const { indicator, value, version } = storedTarget(own);
    const partner = t.as('partenaire');
    const cells = { cells: [{ grid: 'indicator-target', row: indicator.id, period: '2021', value, version }] };
    const res = await expectRefusedUnchanged(t, partner, ['PUT', `/api/plans/${t.plan.id}/cells`, cells]);
    expect(res.body.issues[0].path).toBe(`actions.${own.id}.indicators.${indicator.id}.values.2021.target`);
    expect(res.body.issues[0].message).toMatch(/Cible 2021/);
    await expectRefusedUnchanged(t, partner, ['PUT', `/api/plans/${t.plan.id}/indicators/${indicator.id}/values/2021/target`, { value, version }]);
  });

  it('refuses a partner operator a block mixing a cell they may write and one they may not, whole', async () => {
    const t = makeLiegeApp();
    const { own, other } = actionsOf(t.plan);
    const mine = own.indicators[0]!;
    const theirs = storedTarget(other);
    await expectRefusedUnchanged(t, t.as('partenaire'), [
      'PUT',
      `/api/plans/${t.plan.id}/cells`,
      {
        cells: [
          { grid: 'indicator-actual', row: mine.id, period: '2021', value: 3, version: mine.values['2021']?.actualVersion ?? 0 },
          { grid: 'indicator-actual', row: theirs.indicator.id, period: '2021', value: null, version: theirs.indicator.values['2021']?.actualVersion ?? 0 },
        ],
      },
    ]);
  });

  it.each([
    [
      'the actual of a fiche indicator',
      (p: Plan) => ({ grid: 'indicator-actual', row: actionsOf(p).other.indicators.find((i) => !i.standard)!.id, period: '2021' }),
    ],
    ['a time share of the chef de projet', () => ({ grid: 'time', row: 'terrain', period: '2021' })],
  ])('refuses the finance officer %s, unchanged', async (_, cellOf) => {
    const t = makeLiegeApp();
    const cell = cellOf(t.plan);
    const current = (await call(t.app, 'PUT', `/api/plans/${t.plan.id}/cells`, { cells: [{ ...cell, value: null, version: 0 }] })).body;
    // Whatever is stored, sending it back as it is.
    const stored = Array.isArray(current) ? current[0] : current.current[0];
    await expectRefusedUnchanged(t, t.as('finance'), [
      'PUT',
      `/api/plans/${t.plan.id}/cells`,
      { cells: [{ ...cell, value: stored.value, version: stored.version }] },
    ]);
  });

  it('still lets the partner operator write their actuals and texts, and the finance officer the finance cells', async () => {
    const t = makeLiegeApp();
    const { own } = actionsOf(t.plan);
    const indicator = own.indicators[0]!;
    const actual = await call(t.as('partenaire'), 'PUT', `/api/plans/${t.plan.id}/cells`, {
      cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2021', value: 12, version: 0 }],
    });
    expect(actual.status).toBe(200);
    expect(actual.body[0]).toMatchObject({ value: 12, version: 1 });
    const edit = actionEdit(own);
    const text = await call(t.as('partenaire'), 'PUT', `/api/plans/${t.plan.id}/actions/${own.id}`, {
      ...edit,
      data: { ...edit.data, fiche: { ...edit.data.fiche, description: 'Nouveau texte' } },
    });
    expect(text.status).toBe(200);
    expect(text.body.version).toBe(own.version + 1);
    const consumption = await call(t.as('finance'), 'PUT', `/api/plans/${t.plan.id}/cells`, {
      cells: [{ grid: 'consumption', row: 'e-compte', period: '2021', value: 100, version: 0 }],
    });
    expect(consumption.status).toBe(200);
  });
});

describe('only a real change moves a version', () => {
  /** Sends `request` twice-identical data and checks the answer carries the stored version and no audit entry follows. */
  async function expectNoChange(
    t: Liege,
    who: TestApp,
    request: [string, string, Record<string, unknown>],
    versionOf: (body: any) => number,
    expected: number,
  ) {
    const before = fingerprintOf(readPlan(t.db, t.plan.id));
    const updatedAt = (await getPlan(t.app, t.plan.id)).updatedAt;
    const audit = auditCount(t);
    const res = await call(who, ...request);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(versionOf(res.body)).toBe(expected);
    expect(fingerprintOf(readPlan(t.db, t.plan.id))).toBe(before);
    expect((await getPlan(t.app, t.plan.id)).updatedAt).toBe(updatedAt);
    expect(auditCount(t)).toBe(audit);
  }

  it('a section saved with its stored data', async () => {
    const t = makeLiegeApp();
    for (const section of ['textes', 'identite', 'budget'] as const) {
      const version = t.plan.versions[section];
      await expectNoChange(
        t,
        t.as('chef'),
        ['PUT', `/api/plans/${t.plan.id}/sections/${section}`, { version, data: t.plan[section] }],
        (b) => b.version,
        version,
      );
    }
    await expectNoChange(
      t,
      t.as('finance'),
      ['PUT', `/api/plans/${t.plan.id}/sections/budget`, { version: t.plan.versions.budget, data: t.plan.budget }],
      (b) => b.version,
      t.plan.versions.budget,
    );
  });

  it('a list row, a transfer, an action and an indicator saved as stored', async () => {
    const t = makeLiegeApp();
    const { id: rowId, version: rowVersion, ...row } = t.plan.partenaires[0]!;
    await expectNoChange(
      t,
      t.as('chef'),
      ['PUT', `/api/plans/${t.plan.id}/lists/partenaires/${rowId}`, { version: rowVersion, data: row }],
      (b) => b.version,
      rowVersion,
    );
    const transfer = t.plan.transferts[0]!;
    const transferData = { partenaire: transfer.partenaire, art20: transfer.art20, montant: transfer.montant };
    await expectNoChange(
      t,
      t.as('finance'),
      ['PUT', `/api/plans/${t.plan.id}/transfers/${transfer.id}`, { version: transfer.version, data: transferData }],
      (b) => b.version,
      transfer.version,
    );
    const { own } = actionsOf(t.plan);
    await expectNoChange(t, t.as('chef'), ['PUT', `/api/plans/${t.plan.id}/actions/${own.id}`, actionEdit(own)], (b) => b.version, own.version);
    await expectNoChange(t, t.as('partenaire'), ['PUT', `/api/plans/${t.plan.id}/actions/${own.id}`, actionEdit(own)], (b) => b.version, own.version);
    const position = t.plan.actions.findIndex((a) => a.id === own.id);
    await expectNoChange(
      t,
      t.as('chef'),
      ['PUT', `/api/plans/${t.plan.id}/actions/${own.id}`, { ...actionEdit(own), position }],
      (b) => b.version,
      own.version,
    );
    const indicator = own.indicators[0]!;
    const { id: _id, version, values: _v, ...fields } = indicator;
    await expectNoChange(t, t.as('chef'), ['PUT', `/api/plans/${t.plan.id}/indicators/${indicator.id}`, { version, data: fields }], (b) => b.version, version);
  });

  it('moving a row is a change', async () => {
    const t = makeLiegeApp();
    const { own } = actionsOf(t.plan);
    const res = await call(t.as('chef'), 'PUT', `/api/plans/${t.plan.id}/actions/${own.id}`, { ...actionEdit(own), position: 0 });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(own.version + 1);
    expect((await getPlan(t.app, t.plan.id)).actions[0]!.id).toBe(own.id);
  });

  it('cells sent with their stored values keep their versions; in a block only the changed ones move', async () => {
    const t = makeLiegeApp();
    const { own } = actionsOf(t.plan);
    const { indicator, value, version } = storedTarget(own);
    await expectNoChange(
      t,
      t.as('chef'),
      ['PUT', `/api/plans/${t.plan.id}/cells`, { cells: [{ grid: 'indicator-target', row: indicator.id, period: '2021', value, version }] }],
      (b) => b[0].version,
      version,
    );
    await expectNoChange(
      t,
      t.as('chef'),
      ['PUT', `/api/plans/${t.plan.id}/indicators/${indicator.id}/values/2021/target`, { value, version }],
      (b) => b.version,
      version,
    );
    // Blank stays blank: no row is created.
    await expectNoChange(
      t,
      t.as('chef'),
      ['PUT', `/api/plans/${t.plan.id}/cells`, { cells: [{ grid: 'consumption', row: 'e-compte', period: '2022', value: null, version: 0 }] }],
      (b) => b[0].version,
      0,
    );
    const block = await call(t.as('chef'), 'PUT', `/api/plans/${t.plan.id}/cells`, {
      cells: [
        { grid: 'indicator-target', row: indicator.id, period: '2021', value, version },
        { grid: 'indicator-actual', row: indicator.id, period: '2021', value: 5, version: indicator.values['2021']?.actualVersion ?? 0 },
      ],
    });
    expect(block.status).toBe(200);
    expect(block.body.map((c: { version: number }) => c.version)).toEqual([version, (indicator.values['2021']?.actualVersion ?? 0) + 1]);
  });

  it('a booked line, a justification and the commune name saved as stored', async () => {
    const t = makeLiegeApp();
    const url = `/api/plans/${t.plan.id}`;
    const data = { annee: 2021, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Subvention', montant: 1000, nature: null };
    const line = (await call(t.as('finance'), 'POST', `${url}/booked-lines`, { data })).body;
    await expectNoChange(t, t.as('finance'), ['PUT', `${url}/booked-lines/${line.id}`, { version: line.version, data }], (b) => b.version, line.version);

    const finding = (await call(t.app, 'GET', `${url}/checks`)).body.find((f: { level: string }) => f.level === 'warning');
    const justified = (await call(t.as('finance'), 'PUT', `${url}/justifications`, { version: 0, data: { cle: finding.key, texte: 'Expliqué', auteur: 'x' } }))
      .body;
    await expectNoChange(
      t,
      t.as('finance'),
      ['PUT', `${url}/justifications`, { version: justified.version, data: { cle: finding.key, texte: 'Expliqué', auteur: 'x' } }],
      (b) => b.version,
      justified.version,
    );

    const header = await getPlan(t.app, t.plan.id);
    const version = header.versions.header;
    await expectNoChange(t, t.as('chef'), ['PUT', url, { version, commune: header.commune }], (b) => b.versions.header, version);
  });
});

describe('a plan is carried by the commune of the person who creates or edits it', () => {
  it('refuses the Liège chef de projet a plan in the name of Namur, and accepts one of Liège', async () => {
    const t = makeLiegeApp();
    const chef = t.as('chef');
    const plans = () => t.db.$client.prepare('select count(*) as n from plans').get() as { n: number };
    const count = plans().n;
    const res = await call(chef, 'POST', '/api/plans', { commune: 'Namur', programmeId: 'pcs-2026-2031' });
    expectApiError(res, 403, 'forbidden', 'commune');
    expect(res.body.message).toBe('Le plan doit être porté par votre commune (Liège), pas par « Namur »');
    expect(plans().n).toBe(count);
    const own = await call(chef, 'POST', '/api/plans', { commune: 'liège', programmeId: 'pcs-2026-2031' });
    expect(own.status).toBe(201);
    expect((await call(t.as('autreCommune'), 'GET', `/api/plans/${own.body.id}`)).status).toBe(404);
  });

  it('lets an administrator create a plan for any commune, in that commune', async () => {
    const t = makeLiegeApp();
    const created = await call(t.as('admin'), 'POST', '/api/plans', { commune: 'Namur', programmeId: 'pcs-2026-2031' });
    expect(created.status).toBe(201);
    expect((await call(t.as('autreCommune'), 'GET', `/api/plans/${created.body.id}`)).status).toBe(200);
    expect((await call(t.as('chef'), 'GET', `/api/plans/${created.body.id}`)).status).toBe(404);
  });

  it('refuses renaming the plan, or naming another lead commune or header, to another commune', async () => {
    const t = makeLiegeApp();
    const chef = t.as('chef');
    const url = `/api/plans/${t.plan.id}`;
    const version = t.plan.versions.header;
    const before = fingerprintOf(readPlan(t.db, t.plan.id));
    expectApiError(await call(chef, 'PUT', url, { version, commune: 'Namur' }), 403, 'forbidden', 'commune');
    const porteur = (data: Record<string, unknown>) =>
      call(chef, 'PUT', `${url}/sections/porteur`, { version: t.plan.versions.porteur, data: { ...t.plan.porteur, ...data } });
    expectApiError(await porteur({ communesAssociees: ['Namur'] }), 403, 'forbidden', 'porteur.communesAssociees.0');
    expectApiError(await porteur({ denomination: 'la Ville de Namur' }), 403, 'forbidden', 'porteur.denomination');
    expect(fingerprintOf(readPlan(t.db, t.plan.id))).toBe(before);
    // Its own names, differently written, and the administrator's renaming are accepted.
    expect((await porteur({ communesAssociees: ['LIÈGE'], denomination: 'la Cité ardente de Liège' })).status).toBe(200);
    expect((await call(t.as('admin'), 'PUT', url, { version, commune: 'Liège-Ville' })).status).toBe(200);
  });
});
