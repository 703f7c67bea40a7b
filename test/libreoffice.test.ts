import { beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { HAS_LIBREOFFICE, convertWithLibreOffice, editWithLibreOffice } from './libreoffice.ts';

// soffice starts in a few seconds; leave room on a loaded CI machine.
const LO_TIMEOUT = 60_000;
const HYPERLINK_TEXT = '=HYPERLINK("http://x")';

/** Two sheets, numbers, strings with accents, a formula with its cached result, a merged range. */
async function buildWorkbook(): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const plan = wb.addWorksheet('Fiche plan');
  plan.getCell('A1').value = 'Commune';
  plan.getCell('B1').value = 'Liège';
  plan.getCell('A2').value = 'Budget';
  plan.getCell('B2').value = 1000;
  plan.getCell('C2').value = { formula: 'B2*2', result: 2000 };
  plan.getCell('A3').value = 'Note';
  plan.getCell('B3').value = 'à effacer';
  plan.getCell('B4').value = 3.5;
  plan.mergeCells('A5:C5');
  plan.getCell('A5').value = 'Titre fusionné';
  plan.getCell('D14').value = 'ancien';
  const cpas = wb.addWorksheet('1.3.03 CPAS');
  cpas.getCell('A1').value = 'Action';
  cpas.getCell('B1').value = 42;
  cpas.getCell('A2').value = 'Texte';
  cpas.getCell('B2').value = 'inchangé';
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

async function openWorkbook(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  // exceljs reads an ArrayBuffer (its typings call it Buffer): a copy of exactly these bytes.
  await wb.xlsx.load(new Uint8Array(bytes).buffer);
  return wb;
}

function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`sheet ${name} missing`);
  return ws;
}

describe('LibreOffice test tooling', () => {
  let original: Uint8Array;

  beforeAll(async () => {
    if (!HAS_LIBREOFFICE) {
      throw new Error(
        'LibreOffice introuvable : installer libreoffice-calc, python3-uno, libreoffice-script-provider-python ' +
          '(voir .ci/run). / LibreOffice missing: /usr/bin/soffice (or SOFFICE_PATH) and /usr/bin/python3 with ' +
          'the uno module are required.',
      );
    }
    original = await buildWorkbook();
  });

  it(
    'edits cells with Calc and keeps the rest of the workbook',
    async () => {
      const started = performance.now();
      const edited = await editWithLibreOffice(original, [
        { sheet: 'Fiche plan', cell: 'B2', value: 1234.5 },
        { sheet: 'Fiche plan', cell: 'D14', value: HYPERLINK_TEXT },
        { sheet: 'Fiche plan', cell: 'B3', value: null },
      ]);
      console.info(`editWithLibreOffice: ${Math.round(performance.now() - started)} ms`);

      const wb = await openWorkbook(edited);
      expect(wb.worksheets.map((ws) => ws.name)).toEqual(['Fiche plan', '1.3.03 CPAS']);
      const plan = sheet(wb, 'Fiche plan');

      // The three edits.
      expect(plan.getCell('B2').value).toBe(1234.5);
      expect(plan.getCell('D14').value).toBe(HYPERLINK_TEXT);
      expect(plan.getCell('D14').type).toBe(ExcelJS.ValueType.String);
      expect(plan.getCell('B3').value).toBeNull();

      // The formula is still a formula, and its saved result follows the edited input.
      expect(plan.getCell('C2').formula).toBe('B2*2');
      expect(plan.getCell('C2').result).toBe(2469);

      // Untouched cells and the merged range.
      expect(plan.getCell('A1').value).toBe('Commune');
      expect(plan.getCell('B1').value).toBe('Liège');
      expect(plan.getCell('A3').value).toBe('Note');
      expect(plan.getCell('B4').value).toBe(3.5);
      expect(plan.getCell('A5').value).toBe('Titre fusionné');
      expect(plan.getCell('C5').isMerged).toBe(true);
      expect(plan.getCell('C5').master.address).toBe('A5');
      expect(plan.getCell('D5').isMerged).toBe(false);

      const cpas = sheet(wb, '1.3.03 CPAS');
      expect(cpas.getCell('A1').value).toBe('Action');
      expect(cpas.getCell('B1').value).toBe(42);
      expect(cpas.getCell('A2').value).toBe('Texte');
      expect(cpas.getCell('B2').value).toBe('inchangé');
    },
    LO_TIMEOUT,
  );

  it(
    'fails clearly on a missing sheet or cell',
    async () => {
      await expect(editWithLibreOffice(original, [{ sheet: 'Nope', cell: 'A1', value: 1 }])).rejects.toThrow(/sheet 'Nope' not found/);
      await expect(editWithLibreOffice(original, [{ sheet: 'Fiche plan', cell: 'ZZZ1', value: 1 }])).rejects.toThrow(/cell 'ZZZ1' does not exist/);
    },
    LO_TIMEOUT * 2,
  );

  it(
    'converts to PDF',
    async () => {
      const started = performance.now();
      const pdf = await convertWithLibreOffice(original, 'xlsx', 'pdf');
      console.info(`convertWithLibreOffice(pdf): ${Math.round(performance.now() - started)} ms`);
      expect(new TextDecoder('latin1').decode(pdf.subarray(0, 5))).toBe('%PDF-');
      expect(pdf.length).toBeGreaterThan(1000);
    },
    LO_TIMEOUT,
  );

  it(
    'converts the first sheet to UTF-8 CSV',
    async () => {
      const csv = new TextDecoder('utf-8').decode(await convertWithLibreOffice(original, 'xlsx', 'csv'));
      // Rows 1 to 14, columns A to D (the used area), formula as its value, merged range as its first cell.
      expect(csv.split(/\r?\n/)).toEqual([
        'Commune,Liège,,',
        'Budget,1000,2000,',
        'Note,à effacer,,',
        ',3.5,,',
        'Titre fusionné,,,',
        ...Array.from({ length: 8 }, () => ',,,'),
        ',,,ancien',
        '',
      ]);
      // Only the first sheet.
      expect(csv).not.toContain('inchangé');
    },
    LO_TIMEOUT,
  );

  it(
    'converts to XLSX',
    async () => {
      const wb = await openWorkbook(await convertWithLibreOffice(original, 'xlsx', 'xlsx'));
      expect(sheet(wb, 'Fiche plan').getCell('C2').formula).toBe('B2*2');
      expect(sheet(wb, '1.3.03 CPAS').getCell('B1').value).toBe(42);
    },
    LO_TIMEOUT,
  );
});
