import ExcelJS from 'exceljs';
import {
  OVERDUE_COLUMNS,
  overdueCellValue,
  regionCellValue,
  regionColumns,
  type OverdueItem,
  type RegionCellValue,
  type RegionColumn,
  type RegionColumnType,
  type RegionOverview,
} from '../../schemas/region-plans.ts';
import { DATE_FORMAT, isoToDate, NUMBER_FORMATS, toSpreadsheetNumber } from './layout/model.ts';
import { spreadsheetText } from './xlsx.ts';

/**
 * The DiCS's overview of a programme's plans as a workbook: sheet « Plans » (one row per plan, the page's columns)
 * and sheet « En retard » (one row per late obligation, most overdue first). Each sheet is a flat table from its
 * first row — bold frozen header, filters on — so it sorts, filters and pivots as is. Money and percentages are
 * numbers with the product's number formats, dates are dates; every text goes through `spreadsheetText`, so no
 * porteur or name becomes a formula. Pure: reads no database, clock or environment.
 */

export type RegionWorkbookInput = { overview: RegionOverview; overdue: readonly OverdueItem[]; generatedAt: Date };

export const REGION_PLANS_SHEET = 'Plans';
export const REGION_OVERDUE_SHEET = 'En retard';

const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true, size: 10 },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
  alignment: { vertical: 'middle', wrapText: true },
};

/** A value of the overview as a cell: numbers in euros or fractions with their format, ISO dates as dates. */
function cellOf(type: RegionColumnType, value: RegionCellValue): { value: ExcelJS.CellValue; numFmt?: string } {
  if (value === null) return { value: null };
  switch (type) {
    case 'euro':
      return { value: toSpreadsheetNumber(Number(value), 2), numFmt: NUMBER_FORMATS.euro };
    case 'percent':
      // Hundredths of a percent; the cell holds the fraction (25 % = 0,25).
      return { value: toSpreadsheetNumber(Number(value), 4), numFmt: NUMBER_FORMATS.percent };
    case 'count':
      return { value: Number(value), numFmt: NUMBER_FORMATS.count };
    case 'year':
      return { value: Number(value), numFmt: NUMBER_FORMATS.year };
    case 'date':
      return { value: isoToDate(String(value)), numFmt: DATE_FORMAT };
    case 'text':
    case 'status':
      return { value: spreadsheetText(String(value)) };
  }
}

function addTable(wb: ExcelJS.Workbook, name: string, columns: readonly RegionColumn[], rows: RegionCellValue[][]): void {
  const ws = wb.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 1, ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
    headerFooter: { oddFooter: '&L&8Cohésio&C&8&A&R&8Page &P / &N' },
  });
  columns.forEach((c, i) => {
    ws.getColumn(i + 1).width = c.width;
    const cell = ws.getCell(1, i + 1);
    cell.value = spreadsheetText(c.title);
    cell.style = HEADER_STYLE;
  });
  rows.forEach((values, r) => {
    const row = ws.getRow(r + 2);
    values.forEach((value, c) => {
      const { value: v, numFmt } = cellOf(columns[c]!.type, value);
      const cell = row.getCell(c + 1);
      // Plain values only: exceljs writes a string as a string, formulas only from `{ formula }` objects.
      cell.value = v;
      if (numFmt) cell.numFmt = numFmt;
    });
  });
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: columns.length } };
}

export async function renderRegionPlansWorkbook(input: RegionWorkbookInput): Promise<Uint8Array> {
  const { overview, overdue, generatedAt } = input;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Cohésio';
  wb.title = `Plans de la région — ${overview.programme.label}`;
  wb.created = generatedAt;
  wb.modified = generatedAt;
  const columns = regionColumns(overview.kinds);
  addTable(
    wb,
    REGION_PLANS_SHEET,
    columns,
    overview.plans.map((row) => columns.map((c) => regionCellValue(row, c, overview.kinds))),
  );
  addTable(
    wb,
    REGION_OVERDUE_SHEET,
    OVERDUE_COLUMNS,
    overdue.map((o) => OVERDUE_COLUMNS.map((c) => overdueCellValue(o, c))),
  );
  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}
