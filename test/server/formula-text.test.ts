import type ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { clientOf, expectApiError, failure, getPlan, makeTestApp, postAction, postPlan, reply, type Api } from '../helpers.ts';
import { convertSheetsToCsv, convertWithLibreOffice, editWithLibreOffice, openCsvWithLibreOffice } from '../libreoffice.ts';
import { openWorkbook } from '../workbook-edit.ts';
import { importPlanDocument } from '../../server/services/plans.ts';
import { inertSpreadsheetText, readSpreadsheetText } from '../../schemas/spreadsheet-text.ts';
import type { Plan } from '../../schemas/plan.ts';

/**
 * Text shaped like a formula is stored as typed, and stays inert in every file we write, even after LibreOffice
 * re-saves it as XLSX or CSV and the CSV is opened again; our importer reads it back unchanged.
 */

const PAYLOADS = ['=1+1', '=HYPERLINK("http://example.invalid","x")', '+1', '-1+2', '@SUM(A1)'] as const;
const LO_TIMEOUT = 240_000;

describe('inertSpreadsheetText / readSpreadsheetText', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1+2', "'-1+2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1+1', "'\t=1+1"],
    ['\r=1+1', "'\r=1+1"],
    ["'=1+1", "''=1+1"],
    ["l'école", "l'école"],
    ["'abc", "'abc"],
    ['Texte = 1+1', 'Texte = 1+1'],
    ['', ''],
  ])('%j is written %j and read back unchanged', (text, written) => {
    expect(inertSpreadsheetText(text)).toBe(written);
    expect(readSpreadsheetText(written)).toBe(text);
  });
});

describe('action codes follow the catalogue pattern', () => {
  it.each(['=1+1', '1.3.3', '1.3.03.', 'A.T.NN', '=HYPERLINK("http://example.invalid","x")'])(
    'refuses the code %j with a French message (400)',
    async (code) => {
      const { app, api } = makeTestApp();
      const plan = await postPlan(app, 'Testville');
      const res = await failure(api.plans[':planId'].actions.$post({ param: { planId: plan.id }, json: { code } }));
      expectApiError(res, 400, 'validation', 'code');
      expect(res.body.issues.find((i) => i.path === 'code')!.message).toMatch(/forme du catalogue A\.T\.NN/);
    },
  );

  it('refuses a code changed to a formula on an existing fiche, and keeps a well-formed code absent from the catalogue', async () => {
    const { app, api } = makeTestApp();
    const plan = await postPlan(app, 'Testville');
    const action = await postAction(app, plan.id, { code: '1.3.03' });
    const edit = (code: string) =>
      reply(
        api.plans[':planId'].actions[':actionId'].$put({ param: { planId: plan.id, actionId: action.id }, json: { version: action.version, data: { code } } }),
      );
    expectApiError(await edit('=1+1'), 400, 'validation', 'code');
    expect((await edit('1.1.99')).status).toBe(200);
  });
});

/** A plan whose texts, partner names, operator names and indicator labels are all formula-shaped. */
function formulaPlanDocument() {
  const [eq, link, plus, minus, at] = PAYLOADS;
  return {
    commune: 'Testville',
    programmeId: 'pcs-2020-2025',
    textes: { vision: eq, portrait: link, problemesBesoins: plus, plusValue: minus, objectifStrategique: at },
    transferts: PAYLOADS.map((p, i) => ({ id: `t${i}`, partenaire: p, montant: 100_00 })),
    actions: PAYLOADS.map((p, i) => ({
      id: `a${i}`,
      code: '1.3.03',
      fiche: {
        operateur: { organisme: p, transferId: `t${i}` },
        description: p,
        autresPartenaires: [{ id: `p${i}`, nom: p, contribution: p }],
      },
      indicators: [{ id: `i${i}`, category: 'realisation', label: p, unit: 'count', values: { '2021': { target: 3, actual: 2 } } }],
    })),
  };
}

/** Every cell of every sheet: where, its raw exceljs value. */
function cellsOf(wb: ExcelJS.Workbook): { where: string; value: ExcelJS.CellValue }[] {
  const out: { where: string; value: ExcelJS.CellValue }[] = [];
  for (const ws of wb.worksheets) {
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => out.push({ where: `${ws.name}!${cell.address}`, value: cell.value })),
    );
  }
  return out;
}

const isFormula = (v: ExcelJS.CellValue) => v !== null && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v);
const textOf = (v: ExcelJS.CellValue): string | null =>
  typeof v === 'string'
    ? v
    : v && typeof v === 'object' && 'richText' in v
      ? v.richText.map((t) => t.text).join('')
      : v && typeof v === 'object' && 'text' in v
        ? String(v.text)
        : null;

describe('formula-shaped text through LibreOffice', () => {
  let api: Api;
  let plan: Plan;
  let exported: Uint8Array;

  beforeAll(async () => {
    const t = makeTestApp();
    api = clientOf(t.app);
    const stored = importPlanDocument({ ...t.ctx, document: formulaPlanDocument() });
    plan = await getPlan(t.app, stored.id);
    exported = new Uint8Array(await (await api.plans[':planId']['export.xlsx'].$get({ param: { planId: plan.id } })).arrayBuffer());
  });

  async function upload(bytes: Uint8Array) {
    return reply(api.plans[':planId']['import.xlsx'].$post({ param: { planId: plan.id }, form: { file: new File([new Uint8Array(bytes)], 'plan.xlsx') } }));
  }

  it('stores the texts as typed', () => {
    expect(plan.textes.vision).toBe('=1+1');
    expect(plan.transferts.map((t) => t.partenaire)).toEqual([...PAYLOADS]);
    expect(plan.actions.map((a) => a.indicators[0]!.label)).toEqual([...PAYLOADS]);
  });

  it('writes every such text as an inert string in our XLSX, and reads our own export back as no change', async () => {
    const cells = cellsOf(await openWorkbook(exported));
    for (const p of PAYLOADS) {
      expect(
        cells.some((c) => c.value === `'${p}`),
        p,
      ).toBe(true);
      expect(
        cells.filter((c) => textOf(c.value) === p),
        p,
      ).toEqual([]);
    }
    const r = await upload(exported);
    expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
    expect(r.body.changes).toEqual([]);
  });

  it(
    'keeps them text when LibreOffice re-saves the workbook as XLSX, and the importer reads them back unchanged',
    async () => {
      const resaved = await convertWithLibreOffice(exported, 'xlsx', 'xlsx');
      const cells = cellsOf(await openWorkbook(resaved));
      const formulas = cells.filter((c) => isFormula(c.value)).map((c) => (c.value as ExcelJS.CellFormulaValue).formula ?? '');
      for (const p of PAYLOADS) {
        expect(
          cells.some((c) => textOf(c.value) === `'${p}`),
          p,
        ).toBe(true);
        expect(
          cells.filter((c) => textOf(c.value) === p),
          p,
        ).toEqual([]);
        // Only the layout's own formulas (totals, ex-ante, résultats): none of ours.
        expect(
          formulas.filter((f) => f.replace(/^=/, '') === p.replace(/^[=+@]/, '')),
          p,
        ).toEqual([]);
      }
      const r = await upload(await editWithLibreOffice(exported, []));
      expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
      expect(r.body.changes).toEqual([]);
    },
    LO_TIMEOUT,
  );

  it(
    'keeps them text when LibreOffice re-saves every sheet as CSV and the CSV is opened again: no formula, nothing computed',
    async () => {
      const csvs = await convertSheetsToCsv(exported);
      const names = [...csvs.keys()];
      expect(names.length).toBeGreaterThan(5);
      const joined = [...csvs.values()].join('\n');
      for (const p of PAYLOADS) expect(joined).toContain(`'${p.replace(/"/g, '""')}`);

      const reopened = await openCsvWithLibreOffice([...csvs.values()]);
      const strings: string[] = [];
      for (const [i, bytes] of reopened.entries()) {
        for (const c of cellsOf(await openWorkbook(bytes))) {
          expect(isFormula(c.value), `${names[i]} ${c.where}: ${JSON.stringify(c.value)}`).toBe(false);
          const text = textOf(c.value);
          if (text !== null) strings.push(text);
        }
      }
      // Each text is still there, as text, with the apostrophe that keeps it so; none became a formula or a number.
      for (const p of PAYLOADS) expect(strings, p).toContain(`'${p}`);
      for (const p of PAYLOADS) expect(strings, p).not.toContain(p);
    },
    LO_TIMEOUT,
  );

  it(
    'names no sheet like a formula',
    async () => {
      const wb = await openWorkbook(exported);
      for (const ws of wb.worksheets) expect(ws.name, ws.name).not.toMatch(/^[=+\-@]/);
    },
    LO_TIMEOUT,
  );
});
