import { openWorkbook } from '../workbook-edit.ts';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { clientOf, expectApiError, getPlan, makeLiegeApp, reply, sendRaw, type TestApp } from '../helpers.ts';
import { ORIGIN_HEADER, REASON_HEADER, type AuditEntry } from '../../schemas/audit.ts';
import type { Plan } from '../../schemas/plan.ts';
import { HISTORY_COLUMNS, HISTORY_SHEET, brusselsWallClock, renderHistoryWorkbook } from '../../server/reports/history-xlsx.ts';

/** The audit trail of the Liège plan: what a change records, how it is filtered, what the role rules leave out, its XLSX. */

const CHEF_NAME = 'Claire Dumont (cheffe de projet PCS, Liège)';

/** The CALIF fiche (1.1.05) and its first indicator. */
function califOf(plan: Plan) {
  const action = plan.actions.find((a) => a.code === '1.1.05')!;
  const indicator = action.indicators.find((i) => i.unit === 'count') ?? action.indicators[0]!;
  return { action, indicator };
}

const cellPath = (plan: Plan, year: string, kind: 'target' | 'actual') => {
  const { action, indicator } = califOf(plan);
  return `actions.${action.id}.indicators.${indicator.id}.values.${year}.${kind}`;
};

/** The headers the browser application sends: the screen a change comes from, and its reason. */
const fromScreen = (reason?: string) => ({
  headers: { [ORIGIN_HEADER]: 'grille', ...(reason === undefined ? {} : { [REASON_HEADER]: encodeURIComponent(reason) }) },
});

async function historyOf(app: TestApp, planId: string, query: { chemin?: string; limite?: string } = {}): Promise<AuditEntry[]> {
  const res = await reply(clientOf(app).plans[':planId'].history.$get({ param: { planId }, query }));
  expect(res.status).toBe(200);
  return res.body;
}

/** Types 42 in CALIF's 2021 actual, as the chef, from the grid, with a reason. */
async function editCell(app: TestApp, plan: Plan, value: number | null = 42) {
  const { indicator } = califOf(plan);
  const current = indicator.values['2021'] ?? { actual: null, actualVersion: 0 };
  return reply(
    clientOf(app).plans[':planId'].cells.$put(
      {
        param: { planId: plan.id },
        json: { cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2021', value, version: current.actualVersion ?? 0 }] },
      },
      fromScreen('Correction du rapport'),
    ),
  );
}

async function openXlsx(res: { arrayBuffer(): Promise<ArrayBuffer> }) {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
  return book;
}

/** The table rows of the history sheet (under the column headers), as the cells' values. */
function tableRows(book: ExcelJS.Workbook) {
  const ws = book.getWorksheet(HISTORY_SHEET)!;
  const header = ws.getRow(4).values as unknown[];
  expect(header.slice(1)).toEqual(HISTORY_COLUMNS.map((c) => c.title));
  const rows: ExcelJS.Row[] = [];
  ws.eachRow((row, n) => {
    if (n > 4) rows.push(row);
  });
  return { ws, rows };
}

describe('GET /api/plans/:planId/history', () => {
  it('records a cell typed in the grid: who, when, origin, reason, old → new', async () => {
    const { as, plan } = makeLiegeApp();
    const chef = as('chef');
    const before = await getPlan(chef, plan.id);
    const old = califOf(before).indicator.values['2021']?.actual ?? null;
    expect((await editCell(chef, before)).status).toBe(200);

    const [entry, ...rest] = await historyOf(chef, plan.id, { chemin: cellPath(before, '2021', 'actual') });
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      event: 'modification',
      userName: CHEF_NAME,
      userRole: 'Chef de projet PCS',
      origin: 'grille',
      reason: 'Correction du rapport',
      summary: null,
    });
    expect(Date.now() - Date.parse(entry!.at)).toBeLessThan(60_000);
    expect(entry!.values).toEqual([
      {
        path: cellPath(before, '2021', 'actual'),
        label: expect.stringMatching(/^Fiche 1\.1\.05 · indicateur 1 « .+ » · Réalisé 2021$/),
        old,
        new: 42,
        oldText: old === null ? 'vide' : expect.any(String),
        newText: '42',
      },
    ]);
  });

  it('answers a request without the origin header as coming from the API, and without a reason', async () => {
    const { as, plan } = makeLiegeApp();
    const chef = as('chef');
    const before = await getPlan(chef, plan.id);
    const { indicator } = califOf(before);
    const res = await reply(
      clientOf(chef).plans[':planId'].cells.$put({
        param: { planId: plan.id },
        json: { cells: [{ grid: 'indicator-target', row: indicator.id, period: '2022', value: 7, version: indicator.values['2022']?.targetVersion ?? 0 }] },
      }),
    );
    expect(res.status).toBe(200);
    const [entry] = await historyOf(chef, plan.id, { chemin: cellPath(before, '2022', 'target') });
    expect(entry).toMatchObject({ origin: 'api', reason: null, values: [{ new: 7 }] });
  });

  it('filters by path: one cell, one fiche, newest first, within the limit', async () => {
    const { as, plan } = makeLiegeApp();
    const chef = as('chef');
    let current = await getPlan(chef, plan.id);
    const { action } = califOf(current);
    expect((await editCell(chef, current, 10)).status).toBe(200);
    current = await getPlan(chef, plan.id);
    expect((await editCell(chef, current, 11)).status).toBe(200);
    // Another value of the same fiche, and a value of another part of the plan.
    const data = {
      code: action.code,
      statut: action.statut,
      droitVise: action.droitVise,
      priorite: action.priorite,
      fiche: { ...action.fiche, description: 'Nouvelle description' },
    };
    const api = clientOf(chef).plans[':planId'];
    expect(
      (await reply(api.actions[':actionId'].$put({ param: { planId: plan.id, actionId: action.id }, json: { version: action.version, data } }))).status,
    ).toBe(200);
    const budget = { ...current.budget, recettes: { ...current.budget.recettes, autres: 1234 } };
    const section = { planId: plan.id, section: 'budget' } as const;
    expect((await reply(api.sections[':section'].$put({ param: section, json: { version: current.versions.budget, data: budget } }))).status).toBe(200);

    const cell = await historyOf(chef, plan.id, { chemin: cellPath(current, '2021', 'actual') });
    expect(cell.map((e) => e.values.map((v) => v.new))).toEqual([[11], [10]]);
    expect(cell[0]!.values[0]!.old).toBe(10);
    expect(cell[0]!.id).toBeGreaterThan(cell[1]!.id);

    const fiche = await historyOf(chef, plan.id, { chemin: `actions.${action.id}` });
    expect(fiche).toHaveLength(3);
    expect(fiche[0]!.values).toEqual([expect.objectContaining({ path: `actions.${action.id}.fiche.description`, new: 'Nouvelle description' })]);
    expect(fiche.flatMap((e) => e.values).every((v) => v.path.startsWith(`actions.${action.id}.`))).toBe(true);

    const whole = await historyOf(chef, plan.id);
    expect(whole[0]!.values.map((v) => v.path)).toContain('budget.recettes.autres');
    expect(whole.length).toBeGreaterThanOrEqual(4);
    expect(await historyOf(chef, plan.id, { limite: '1' })).toHaveLength(1);
    expect(await historyOf(chef, plan.id, { chemin: `actions.${action.id}`, limite: '2' })).toHaveLength(2);
    expect(await historyOf(chef, plan.id, { chemin: 'actions.inconnue' })).toEqual([]);
  });

  it('keeps no entry and no change for a change the role rules refuse', async () => {
    const { as, plan } = makeLiegeApp();
    const finance = as('finance');
    const before = await getPlan(finance, plan.id);
    const { action, indicator } = califOf(before);
    const count = (await historyOf(finance, plan.id)).length;

    // A fiche's text: not the finance officer's (capability of the route).
    const data = {
      code: action.code,
      statut: action.statut,
      droitVise: action.droitVise,
      priorite: action.priorite,
      fiche: { ...action.fiche, description: 'Réécrite' },
    };
    const api = clientOf(finance).plans[':planId'];
    const refused = await reply(api.actions[':actionId'].$put({ param: { planId: plan.id, actionId: action.id }, json: { version: action.version, data } }));
    expectApiError(refused, 403, 'forbidden');
    // An indicator's actual: the route is open to the finance officer, the value rule refuses it.
    const cell = await reply(
      api.cells.$put(
        {
          param: { planId: plan.id },
          json: { cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2021', value: 999, version: indicator.values['2021']?.actualVersion ?? 0 }] },
        },
        fromScreen(),
      ),
    );
    expectApiError(cell, 403, 'forbidden', cellPath(before, '2021', 'actual'));

    expect(await historyOf(finance, plan.id)).toHaveLength(count);
    expect(await historyOf(finance, plan.id, { chemin: `actions.${action.id}` })).toEqual([]);
    const after = await getPlan(finance, plan.id);
    expect(califOf(after).action.fiche.description).toBe(action.fiche.description);
    expect(califOf(after).indicator.values['2021']).toEqual(indicator.values['2021']);
  });

  it('answers 404 for a plan of another commune, 401 without a session, 400 for a bad query', async () => {
    const { as, apiAs, anonymousApi, plan } = makeLiegeApp();
    const param = { planId: plan.id };
    type Get = (api: typeof anonymousApi, query?: { limite?: string }) => Promise<{ status: number; body: unknown }>;
    const routes: [string, Get][] = [
      ['history', (api, query = {}) => reply(api.plans[':planId'].history.$get({ param, query }))],
      ['history.xlsx', (api, query = {}) => reply(api.plans[':planId']['history.xlsx'].$get({ param, query }))],
    ];
    for (const [route, get] of routes) {
      expectApiError(await get(apiAs('autreCommune')), 404, 'not_found');
      expect((await get(anonymousApi)).status).toBe(401);
      expectApiError(await get(apiAs('chef'), { limite: '0' }), 400, 'validation');
      // An unknown query field: the typed client refuses to send it, sent raw on purpose.
      expectApiError(await sendRaw(as('chef'), 'GET', `/api/plans/${plan.id}/${route}?inconnu=1`), 400, 'validation');
    }
    expect((await reply(apiAs('dics').plans[':planId'].history.$get({ param, query: {} }))).status).toBe(200);
  });
});

describe('GET /api/plans/:planId/history.xlsx', () => {
  it('downloads the entries as rows named after the plan, keeping text that looks like a formula as text', async () => {
    const { as, plan } = makeLiegeApp();
    const chef = as('chef');
    const before = await getPlan(chef, plan.id);
    expect((await editCell(chef, before)).status).toBe(200);
    const { action } = califOf(before);
    const data = {
      code: action.code,
      statut: action.statut,
      droitVise: action.droitVise,
      priorite: action.priorite,
      fiche: { ...action.fiche, description: '=SUM(A1)' },
    };
    const api = clientOf(chef).plans[':planId'];
    const put = await reply(
      api.actions[':actionId'].$put(
        { param: { planId: plan.id, actionId: action.id }, json: { version: action.version, data } },
        fromScreen('=HYPERLINK("http://x")'),
      ),
    );
    expect(put.status).toBe(200);

    const res = await api['history.xlsx'].$get({ param: { planId: plan.id }, query: { chemin: `actions.${action.id}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('PCS Liège 2020-2026 - historique.xlsx')}`);
    const book = await openXlsx(res);
    const { ws, rows } = tableRows(book);
    expect(String(ws.getCell('A1').value)).toMatch(/^Historique des modifications — PCS Liège 2020-2026 — Fiche 1\.1\.05/);
    expect(rows).toHaveLength(2);

    const [text, cell] = rows;
    // Newest first: the description, then the cell.
    expect(text!.getCell(2).value).toBe(CHEF_NAME);
    expect(text!.getCell(3).value).toBe('Chef de projet PCS');
    expect(text!.getCell(4).value).toBe('Application');
    expect(text!.getCell(5).value).toBe('Modification');
    expect(text!.getCell(8).value).toBe("'=SUM(A1)");
    expect(text!.getCell(8).formula).toBeUndefined();
    expect(text!.getCell(8).type).toBe(ExcelJS.ValueType.String);
    expect(text!.getCell(9).value).toBe('\'=HYPERLINK("http://x")');
    expect(text!.getCell(9).formula).toBeUndefined();
    expect(text!.getCell(6).value).toBe('Fiche 1.1.05 · Description');
    // No path, no id: the value's name is all the reader gets.
    expect(text!.getCell(10).value).toBeNull();

    expect(cell!.getCell(6).value).toMatch(/^Fiche 1\.1\.05 · indicateur 1 « .+ » · Réalisé 2021$/);
    expect(cell!.getCell(8).value).toBe('42');
    expect(cell!.getCell(9).value).toBe('Correction du rapport');
    const at = cell!.getCell(1);
    expect(at.value).toBeInstanceOf(Date);
    expect(at.numFmt).toBe('dd/mm/yyyy hh:mm:ss');
  });

  it('downloads the whole trail without a filter, every value of every entry on its row', async () => {
    const { as, plan } = makeLiegeApp();
    const chef = as('chef');
    expect((await editCell(chef, await getPlan(chef, plan.id))).status).toBe(200);
    const entries = await historyOf(chef, plan.id);
    const res = await clientOf(chef).plans[':planId']['history.xlsx'].$get({ param: { planId: plan.id }, query: {} });
    expect(res.status).toBe(200);
    const { rows } = tableRows(await openXlsx(res));
    expect(rows).toHaveLength(entries.reduce((n, e) => n + Math.max(1, e.values.length), 0));
  });
});

describe('renderHistoryWorkbook', () => {
  const entry = (over: Partial<AuditEntry>): AuditEntry => ({
    id: 1,
    at: '2021-03-28T00:59:59.000Z',
    event: 'modification',
    userName: 'Claire',
    userRole: 'Chef de projet PCS',
    origin: 'grille',
    reason: null,
    summary: null,
    values: [],
    ...over,
  });

  it('writes one row for an entry without values (an event), with its summary', async () => {
    const bytes = await renderHistoryWorkbook({
      planName: 'PCS Liège 2020-2025',
      entries: [entry({ event: 'soumission', summary: 'Rapport 2021 soumis', origin: 'systeme', userName: '+cmd|x' })],
      scope: null,
      generatedAt: new Date('2022-01-01T10:00:00Z'),
    });
    const book = await openWorkbook(bytes);
    const { ws, rows } = tableRows(book);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.getCell(2).value).toBe("'+cmd|x");
    expect(rows[0]!.getCell(4).value).toBe('Cohésio');
    expect(rows[0]!.getCell(5).value).toBe('Soumission — Rapport 2021 soumis');
    expect(rows[0]!.getCell(6).value).toBeNull();
    expect(String(ws.getCell('A2').value)).toContain('Généré le 01/01/2022 à 11:00');
  });

  it.each([
    // Winter (UTC+1), and either side of the change to summer time (UTC+2) on 28 March 2021.
    ['2021-01-15T12:30:05Z', '2021-01-15T13:30:05Z'],
    ['2021-03-28T00:59:59Z', '2021-03-28T01:59:59Z'],
    ['2021-03-28T01:00:00Z', '2021-03-28T03:00:00Z'],
  ])('shows %s in Brussels wall-clock time (%s)', (iso, wall) => {
    expect(brusselsWallClock(iso).toISOString()).toBe(new Date(wall).toISOString());
  });
});
