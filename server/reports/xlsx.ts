import ExcelJS from 'exceljs';
import { KEY_COLUMN, columnLetter, type CellStyle, type LayoutCell, type SheetLayout, type WorkbookLayout } from './layout/model.ts';
import { LISTS_SHEET } from './workbook-layout.ts';
import { deflateStoredZip } from '../zip.ts';
import { inertSpreadsheetText } from '../../schemas/spreadsheet-text.ts';

declare module 'exceljs' {
  interface Worksheet {
    /** Validations of whole ranges ("B4:B40"): exceljs writes them, its typings omit them. */
    readonly dataValidations: { add(range: string, validation: DataValidation): void };
  }
}

/**
 * Renders a workbook layout to XLSX bytes with exceljs. Pure: reads no database, clock or environment (the date
 * of the document is an option). User text is always written as a string value, never as a formula; formulas come
 * only from the layout, each with its computed result so that readers that do not recalculate show the figures.
 */

const BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  left: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  bottom: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  right: { style: 'thin', color: { argb: 'FFBFBFBF' } },
};
const fill = (argb: string): ExcelJS.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });
const top: Partial<ExcelJS.Alignment> = { vertical: 'top', wrapText: true };

const STYLES: Record<CellStyle, Partial<ExcelJS.Style>> = {
  runningHeader: { font: { italic: true, size: 9, color: { argb: 'FF595959' } }, alignment: { vertical: 'middle' } },
  title: { font: { bold: true, size: 14, color: { argb: 'FF1F3864' } }, alignment: { vertical: 'middle' } },
  subtitle: { font: { bold: true, size: 11 }, alignment: top },
  section: { font: { bold: true, size: 11, color: { argb: 'FFFFFFFF' } }, fill: fill('FF1F4E79'), alignment: { vertical: 'middle', wrapText: true } },
  tableHeader: {
    font: { bold: true, size: 10 },
    fill: fill('FFD9E1F2'),
    border: BORDER,
    alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
  },
  label: { font: { size: 10 }, alignment: top },
  static: { font: { size: 10 }, border: BORDER, alignment: top },
  input: { font: { size: 10 }, fill: fill('FFFFF8DC'), border: BORDER, alignment: top },
  inputOverride: { font: { size: 10, bold: true }, fill: fill('FFF8CBAD'), border: BORDER, alignment: top },
  computed: { font: { size: 10, italic: true }, fill: fill('FFEDEDED'), border: BORDER, alignment: top },
  total: { font: { size: 10, bold: true }, fill: fill('FFEDEDED'), border: BORDER, alignment: top },
  note: { font: { size: 9, italic: true, color: { argb: 'FF404040' } }, alignment: top },
};

export type RenderOptions = { generatedAt: Date };

export async function renderWorkbook(layout: WorkbookLayout, { generatedAt }: RenderOptions): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Cohésio';
  wb.title = layout.title;
  wb.created = generatedAt;
  wb.modified = generatedAt;
  wb.calcProperties.fullCalcOnLoad = true;

  const listRanges = listRangesOf(layout);
  for (const sheet of layout.sheets) await writeSheet(wb, sheet, listRanges);
  // The lists sheet goes last so that the form opens on "Fiche plan".
  writeLists(wb, layout);
  // exceljs stores the parts; Node's native zlib compresses them several times faster than exceljs would.
  const stored = await wb.xlsx.writeBuffer({ zip: { compression: 'STORE' } } as ExcelJS.XlsxWriteOptions);
  return deflateStoredZip(new Uint8Array(stored as ArrayBuffer), 1);
}

/** The closed lists in a hidden sheet, one per column (name in row 1, values below). */
function writeLists(wb: ExcelJS.Workbook, layout: WorkbookLayout): void {
  const ws = wb.addWorksheet(LISTS_SHEET, { state: 'hidden' });
  Object.entries(layout.lists).forEach(([name, values], i) => {
    ws.getCell(1, i + 1).value = name;
    values.forEach((v, r) => (ws.getCell(r + 2, i + 1).value = spreadsheetText(v)));
  });
}

/** The range of each list in the lists sheet, the source of its drop-downs. */
function listRangesOf(layout: WorkbookLayout): Map<string, string> {
  const ranges = new Map<string, string>();
  Object.entries(layout.lists).forEach(([name, values], i) => {
    const letter = columnLetter(i + 1);
    if (values.length > 0) ranges.set(name, `${LISTS_SHEET}!$${letter}$2:$${letter}$${values.length + 1}`);
  });
  return ranges;
}

async function writeSheet(wb: ExcelJS.Workbook, sheet: SheetLayout, listRanges: Map<string, string>): Promise<void> {
  const ws = wb.addWorksheet(sheet.name, {
    views: [{ state: 'frozen', xSplit: sheet.frozenCols ?? 0, ySplit: sheet.frozenRows, showGridLines: false }],
    pageSetup: {
      paperSize: 9,
      orientation: sheet.landscape ? 'landscape' : 'portrait',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.25, footer: 0.3 },
      ...(sheet.frozenRows > 0 ? { printTitlesRow: `1:${sheet.frozenRows}` } : {}),
    },
    headerFooter: { oddFooter: '&L&8Cohésio&C&8&A&R&8Page &P / &N' },
  });
  sheet.widths.forEach((width, i) => (ws.getColumn(i + 1).width = width));
  ws.getColumn(KEY_COLUMN).hidden = true;

  const styleCache = new Map<string, Partial<ExcelJS.Style>>();
  const styleOf = (cell: LayoutCell) => {
    const unlocked = cell.bind !== undefined;
    const key = `${cell.style}|${cell.numFmt ?? ''}|${unlocked}`;
    let style = styleCache.get(key);
    if (!style) {
      style = { ...STYLES[cell.style], ...(cell.numFmt ? { numFmt: cell.numFmt } : {}), protection: { locked: !unlocked } };
      styleCache.set(key, style);
    }
    return style;
  };
  // Validations are added per contiguous run of cells of one column and one list, not cell by cell.
  const validationRuns = new Map<string, { list: string; col: number; rows: number[] }>();

  sheet.rows.forEach((row, r) => {
    const rowNumber = r + 1;
    const wsRow = ws.getRow(rowNumber);
    if (row.height !== undefined) wsRow.height = row.height;
    if (row.key !== undefined) wsRow.getCell(KEY_COLUMN).value = row.key;
    for (const cell of row.cells) {
      const target = wsRow.getCell(cell.col);
      target.value = cellValue(cell);
      const style = styleOf(cell);
      target.style = style;
      if (cell.span && cell.span > 1) {
        for (let c = cell.col + 1; c < cell.col + cell.span; c++) wsRow.getCell(c).style = style;
        ws.mergeCells(rowNumber, cell.col, rowNumber, cell.col + cell.span - 1);
      }
      const list = cell.bind ? listOf(cell) : null;
      if (list) {
        const k = `${list}|${cell.col}`;
        const run = validationRuns.get(k) ?? { list, col: cell.col, rows: [] };
        run.rows.push(rowNumber);
        validationRuns.set(k, run);
      }
    }
  });

  for (const run of validationRuns.values()) {
    const formula = listRanges.get(run.list);
    if (!formula) continue;
    for (const [from, to] of contiguous(run.rows)) {
      const letter = columnLetter(run.col);
      ws.dataValidations.add(`${letter}${from}:${letter}${to}`, {
        type: 'list',
        allowBlank: true,
        formulae: [formula],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: 'Valeur hors liste',
        error: 'Choisissez une valeur dans la liste déroulante.',
      });
    }
  }
  if (sheet.autoFilter) ws.autoFilter = sheet.autoFilter;
  // No password: the protection guards against mistakes, not people; a low spin count keeps export fast.
  if (sheet.protect) {
    await ws.protect('', {
      spinCount: 1,
      selectLockedCells: true,
      selectUnlockedCells: true,
      formatColumns: true,
      formatRows: true,
    });
  }
}

function listOf(cell: LayoutCell): string | null {
  const codec = cell.bind!.codec;
  if (codec.kind === 'choice') return codec.list;
  if (codec.kind === 'yesno') return 'OUI_NON';
  return null;
}

/** Excel keeps at most 32 767 characters in a cell. */
const MAX_CELL_TEXT = 32_767;

/**
 * Text as a spreadsheet cell can hold it: the characters XML 1.0 forbids removed (exceljs would write a file Excel
 * refuses), cut to Excel's limit, and inert (`=1+1` written `'=1+1`, schemas/spreadsheet-text.ts) so that it stays
 * text after a re-save as CSV. Every text our workbooks write goes through it; the importer strips the apostrophe.
 */
export function spreadsheetText(text: string | null | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are what the pattern removes
  const clean = inertSpreadsheetText((text ?? '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''));
  return clean.length > MAX_CELL_TEXT ? `${clean.slice(0, MAX_CELL_TEXT - 1)}…` : clean;
}

function cellValue(cell: LayoutCell): ExcelJS.CellValue {
  if (cell.formula !== undefined) {
    const result = cell.result === null || cell.result === undefined ? '' : cell.result;
    return { formula: cell.formula, result } as ExcelJS.CellFormulaValue;
  }
  if (cell.link !== undefined) {
    const [sheet, ref = 'A1'] = cell.link.split('!');
    return { text: spreadsheetText(String(cell.value ?? '')), hyperlink: `#'${sheet}'!${ref}` };
  }
  return typeof cell.value === 'string' ? spreadsheetText(cell.value) : (cell.value ?? null);
}

/** [[2,4],[7,7]] from [2,3,4,7]. */
function contiguous(rows: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const r of [...rows].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && r === last[1] + 1) last[1] = r;
    else runs.push([r, r]);
  }
  return runs;
}
