import type ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { CADRES_EXISTANTS } from '../../schemas/enums.ts';
import type { Action } from '../../schemas/action.ts';
import type { Plan } from '../../schemas/plan.ts';
import { expectApiError, getPlan, makeLiegeApp, makeTestApp, postAction, postPlan, reply, type Api, type TestApp } from '../helpers.ts';
import { cellOf, editWorkbookCells, openWorkbook } from '../workbook-edit.ts';
import { importPlanDocument } from '../../server/services/plans.ts';
import { ValidationError } from '../../server/errors.ts';

/**
 * A plan's closed lists are its programme's: pcs-2027 names the previous programme « PCS 3 » in its cadres
 * existants, pcs-2020-2025 keeps the form's « PCS 2 ». Every write, the workbook and its import follow them.
 */

const PCS_3_CADRES = ['Inscrite dans PCS 3', 'Inscrite dans PCS 3 et mise en œuvre sur le territoire hors PCS'];
const PCS_2_CADRES = [...CADRES_EXISTANTS];

async function planOn2027() {
  const t = makeTestApp();
  const plan = await postPlan(t.app, 'Namur', 'pcs-2027');
  const action = await postAction(t.app, plan.id, { code: '1.3.03' });
  return { ...t, plan, action };
}

/** Replaces the fiche of an action with `fiche` merged in, as the fiche page saves it. */
function putFiche(api: Api, planId: string, action: Action, fiche: Partial<Action['fiche']>) {
  const { id: _id, version, indicators: _i, ...data } = action;
  return reply(
    api.plans[':planId'].actions[':actionId'].$put({
      param: { planId, actionId: action.id },
      json: { version, data: { ...data, fiche: { ...data.fiche, ...fiche } } },
    }),
  );
}

const actionOf = async (app: TestApp, planId: string, id: string) => (await getPlan(app, planId)).actions.find((a) => a.id === id)!;

describe('the cadres existants of a plan follow its programme', () => {
  it('accepts « Inscrite dans PCS 3 » on a pcs-2027 plan', async () => {
    const { app, api, plan, action } = await planOn2027();
    const res = await putFiche(api, plan.id, action, { cadreExistant: 'Inscrite dans PCS 3' });
    expect(res.status).toBe(200);
    expect((await actionOf(app, plan.id, action.id)).fiche.cadreExistant).toBe('Inscrite dans PCS 3');
  });

  it('refuses « Inscrite dans PCS 2 » on a pcs-2027 plan with 400 at the field, and writes nothing', async () => {
    const { app, api, plan, action } = await planOn2027();
    const before = await getPlan(app, plan.id);
    const res = await putFiche(api, plan.id, action, { cadreExistant: 'Inscrite dans PCS 2', description: 'Permanences' });
    const error = expectApiError(res, 400, 'validation', `actions.${action.id}.fiche.cadreExistant`);
    expect(error.issues[0]!.message).toBe(
      "Fiche 1.3.03 · Cadre existant : « Inscrite dans PCS 2 » n'est pas une valeur de la liste du programme PCS 4 " +
        '(« Inscrite dans PCS 3 », « Inscrite dans PCS 3 et mise en œuvre sur le territoire hors PCS »)',
    );
    expect(await getPlan(app, plan.id)).toEqual(before);
  });

  it('keeps « Inscrite dans PCS 2 » on a pcs-2020-2025 plan and refuses « Inscrite dans PCS 3 » there', async () => {
    const { app, api, plan } = makeLiegeApp();
    const action = plan.actions[0]!;
    expect((await putFiche(api, plan.id, action, { cadreExistant: 'Inscrite dans PCS 2' })).status).toBe(200);
    const stored = await actionOf(app, plan.id, action.id);
    expect(stored.fiche.cadreExistant).toBe('Inscrite dans PCS 2');
    expectApiError(
      await putFiche(api, plan.id, stored, { cadreExistant: 'Inscrite dans PCS 3' }),
      400,
      'validation',
      `actions.${action.id}.fiche.cadreExistant`,
    );
  });

  it('leaves a value stored before the list changed readable, and the rest of its fiche writable', async () => {
    const { app, api, db, plan, action } = await planOn2027();
    // As a plan moved from another programme holds it: written under the former list.
    db.$client.prepare("update actions set fiche = json_set(fiche, '$.cadreExistant', 'Inscrite dans PCS 2') where id = ?").run(action.id);
    const stored = await actionOf(app, plan.id, action.id);
    expect(stored.fiche.cadreExistant).toBe('Inscrite dans PCS 2');
    expect((await putFiche(api, plan.id, stored, { description: 'Permanences' })).status).toBe(200);
    expect((await actionOf(app, plan.id, action.id)).fiche).toMatchObject({ cadreExistant: 'Inscrite dans PCS 2', description: 'Permanences' });
  });
});

describe('the other lists of the programme, on every write', () => {
  it('refuses a mode of communication of no list in the communication section, at its path', async () => {
    const { api, plan } = await planOn2027();
    const put = (externe: string[]) =>
      reply(api.plans[':planId'].sections[':section'].$put({ param: { planId: plan.id, section: 'communication' }, json: { version: 1, data: { externe } } }));
    expectApiError(await put(['Newsletter', 'Pigeon voyageur']), 400, 'validation', 'communication.externe.1');
    expect((await put(['Newsletter'])).status).toBe(200);
  });

  it('refuses a team function of no list in a row of the team, at its path', async () => {
    const { api, plan } = await planOn2027();
    const res = await reply(
      api.plans[':planId'].lists[':collection'].$post({
        param: { planId: plan.id, collection: 'equipeMembres' },
        json: { data: { nomPrenom: 'A', fonction: 'Astronaute' } },
      }),
    );
    const error = expectApiError(res, 400, 'validation');
    expect(error.issues[0]!.path).toMatch(/^equipeMembres\.[^.]+\.fonction$/);
    expect(error.issues[0]!.message).toContain("« Astronaute » n'est pas une valeur de la liste du programme PCS 4");
  });

  it('refuses a new plan document (a sample, a successor) holding a value of no list of its programme, and stores nothing', () => {
    const t = makeTestApp();
    const document = { commune: 'Namur', programmeId: 'pcs-2027', actions: [{ id: 'a1', code: '1.3.03', fiche: { cadreExistant: 'Inscrite dans PCS 2' } }] };
    expect(() => importPlanDocument({ ...t.ctx, document })).toThrow(ValidationError);
    try {
      importPlanDocument({ ...t.ctx, document });
    } catch (e) {
      expect((e as ValidationError).issues.map((i) => i.path)).toEqual(['actions.a1.fiche.cadreExistant']);
    }
    expect(t.db.$client.prepare('select count(*) as n from plans').get()).toEqual({ n: 0 });
  });
});

/** The values of the drop-down of the cell of `path`: its data validation's range, read in the lists sheet. */
async function dropDownOf(api: Api, plan: Plan, path: string): Promise<string[]> {
  const res = await api.plans[':planId']['export.xlsx'].$get({ param: { planId: plan.id } });
  expect(res.status).toBe(200);
  const wb = await openWorkbook(new Uint8Array(await res.arrayBuffer()));
  const at = cellOf(plan, path);
  const validation = wb.getWorksheet(at.sheet)!.getCell(at.cell).dataValidation;
  expect(validation.type).toBe('list');
  const m = /^'?([^'!]+)'?!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)$/.exec(validation.formulae![0] as string);
  expect(m, String(validation.formulae)).not.toBeNull();
  const [, sheet, col, from, , to] = m!;
  const ws: ExcelJS.Worksheet = wb.getWorksheet(sheet!)!;
  const values: string[] = [];
  for (let r = Number(from); r <= Number(to); r++) values.push(String(ws.getCell(`${col}${r}`).value));
  return values;
}

describe('the workbook offers and reads the plan programme’s lists', () => {
  it('offers the cadres existants of PCS 3 in a pcs-2027 workbook', async () => {
    const { app, api, plan } = await planOn2027();
    expect(await dropDownOf(api, await getPlan(app, plan.id), 'actions.0.fiche.cadreExistant')).toEqual(PCS_3_CADRES);
  });

  it('offers the cadres existants of PCS 2 in the Liège workbook (pcs-2020-2025)', async () => {
    const { api, plan } = makeLiegeApp();
    expect(await dropDownOf(api, plan, 'actions.0.fiche.cadreExistant')).toEqual(PCS_2_CADRES);
  });

  it('imports « Inscrite dans PCS 3 » into a pcs-2027 plan and refuses « Inscrite dans PCS 2 » at its cell', async () => {
    const { app, api, plan: created } = await planOn2027();
    const plan = await getPlan(app, created.id);
    const res = await api.plans[':planId']['export.xlsx'].$get({ param: { planId: plan.id } });
    const exported = new Uint8Array(await res.arrayBuffer());
    const upload = async (value: string) => {
      const bytes = await editWorkbookCells(exported, [{ path: 'actions.0.fiche.cadreExistant', value }], plan);
      const form = { file: new File([new Uint8Array(bytes)], 'plan.xlsx') };
      return reply(api.plans[':planId']['import.xlsx'].$post({ param: { planId: plan.id }, form }));
    };
    const accepted = await upload('Inscrite dans PCS 3');
    expect(accepted.status).toBe(200);
    expect(JSON.stringify(accepted.body)).toContain('Inscrite dans PCS 3');
    const refused = expectApiError(await upload('Inscrite dans PCS 2'), 400, 'validation');
    const at = cellOf(plan, 'actions.0.fiche.cadreExistant');
    expect(refused.issues[0]!.path).toBe(`${at.sheet}!${at.cell}`);
    expect(refused.issues[0]!.message).toContain('« Inscrite dans PCS 2 » ne fait pas partie de la liste');
  });

  it('reads back unchanged a value stored before the list changed', async () => {
    const { app, api, db, plan: created, action } = await planOn2027();
    db.$client.prepare("update actions set fiche = json_set(fiche, '$.cadreExistant', 'Inscrite dans PCS 2') where id = ?").run(action.id);
    const plan = await getPlan(app, created.id);
    const res = await api.plans[':planId']['export.xlsx'].$get({ param: { planId: plan.id } });
    const form = { file: new File([new Uint8Array(await res.arrayBuffer())], 'plan.xlsx') };
    const preview = await reply(api.plans[':planId']['import.xlsx'].$post({ param: { planId: plan.id }, form }));
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ changes: [] });
  });

  it('refuses, at its cell, a mode of communication of no list typed in the lines of the fiche plan', async () => {
    const { app, api, plan: created } = await planOn2027();
    const plan = await getPlan(app, created.id);
    const res = await api.plans[':planId']['export.xlsx'].$get({ param: { planId: plan.id } });
    const bytes = await editWorkbookCells(
      new Uint8Array(await res.arrayBuffer()),
      [{ path: 'communication.externe', value: 'Newsletter\nPigeon voyageur' }],
      plan,
    );
    const form = { file: new File([new Uint8Array(bytes)], 'plan.xlsx') };
    const refused = expectApiError(await reply(api.plans[':planId']['import.xlsx'].$post({ param: { planId: plan.id }, form })), 400, 'validation');
    const at = cellOf(plan, 'communication.externe');
    expect(refused.issues.map((i) => i.path)).toEqual([`${at.sheet}!${at.cell}`]);
    expect(refused.issues[0]!.message).toContain("« Pigeon voyageur » n'est pas une valeur de la liste du programme PCS 4");
  });
});
