import ExcelJS from 'exceljs';
import { checkWorkbookArchive, WORKBOOK_LIMITS, type WorkbookLimits } from './zip-guard.ts';

/**
 * An uploaded workbook read into plain data: the guard (zip-guard.ts), then exceljs on the checked parts, then every
 * value of every sheet as plain data a thread can send (server/workers/workbook-reader.ts reads uploads in a worker
 * thread, so exceljs's memory never stays with the server). The readers of a plan workbook (xlsx.ts) and of an
 * imputation file (imputation-file.ts) read this snapshot as they read exceljs's worksheets.
 */

/** One row with values, as exceljs's `eachRow({ includeEmpty: false })` gives it: `values[c - 1]` is column c's value. */
export type RowSnapshot = { number: number; values: ExcelJS.CellValue[] };
/** A sheet of the workbook, in the workbook's order. */
export type SheetSnapshot = { name: string; rows: RowSnapshot[] };
export type WorkbookSnapshot = { sheets: SheetSnapshot[] };

/** The snapshot of an upload, or the French reason it is refused. */
export type WorkbookFileRead = { snapshot: WorkbookSnapshot } | { problem: string };

/** The message of a file exceljs cannot read. */
export const UNREADABLE_WORKBOOK = "Le fichier n'a pas pu être lu comme un classeur XLSX (fichier endommagé ou d'un autre format)";

/**
 * Opens the bytes as a workbook, or answers why not (not a ZIP, a ZIP bomb, too many rows or cells, links, connections,
 * macros…: see zip-guard.ts). exceljs reads the parts the guard has unpacked and checked, never the upload itself.
 */
export async function openWorkbook(bytes: Uint8Array, limits: WorkbookLimits = WORKBOOK_LIMITS): Promise<{ workbook: ExcelJS.Workbook } | { problem: string }> {
  const checked = await checkWorkbookArchive(bytes, limits);
  if ('problem' in checked) return checked;
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs reads an ArrayBuffer (its typings call it Buffer): the stored archive of the checked parts.
    const { stored } = checked;
    await workbook.xlsx.load(stored.buffer.slice(stored.byteOffset, stored.byteOffset + stored.byteLength) as ArrayBuffer);
  } catch {
    return { problem: UNREADABLE_WORKBOOK };
  }
  return { workbook };
}

/** Checks and reads an upload into its snapshot (what the reading thread runs). */
export async function readWorkbookFile(bytes: Uint8Array, limits: WorkbookLimits = WORKBOOK_LIMITS): Promise<WorkbookFileRead> {
  const opened = await openWorkbook(bytes, limits);
  if ('problem' in opened) return opened;
  return { snapshot: snapshotWorkbook(opened.workbook) };
}

/**
 * Every value of the workbook as plain data. A merged cell has its range's value (as exceljs answers it); a formula
 * keeps its stored result even when falsy (exceljs's `value` drops a result of 0, "" or FALSE, `result` keeps it).
 */
export function snapshotWorkbook(workbook: ExcelJS.Workbook): WorkbookSnapshot {
  return {
    sheets: workbook.worksheets.map((ws) => {
      const rows: RowSnapshot[] = [];
      ws.eachRow({ includeEmpty: false }, (row, number) => {
        const values: ExcelJS.CellValue[] = [];
        for (let c = 1; c <= row.cellCount; c++) {
          const cell = row.getCell(c);
          const value = cell.value;
          const isFormula = value !== null && typeof value === 'object' && ('formula' in value || 'sharedFormula' in value);
          values.push(isFormula ? { ...value, result: cell.result as ExcelJS.CellFormulaValue['result'] } : value);
        }
        rows.push({ number, values });
      });
      return { name: ws.name, rows };
    }),
  };
}

/** Reads the values of one sheet of a snapshot by row and column (1-based), as `worksheet.getCell(row, col).value`. */
export class SheetReader {
  readonly name: string;
  private readonly byNumber: Map<number, ExcelJS.CellValue[]>;

  constructor(readonly sheet: SheetSnapshot) {
    this.name = sheet.name;
    this.byNumber = new Map(sheet.rows.map((r) => [r.number, r.values]));
  }

  value(row: number, col: number): ExcelJS.CellValue {
    return this.byNumber.get(row)?.[col - 1] ?? null;
  }

  /** Each row with values, in order, with its value in column `col` (null when blank). */
  column(col: number): { row: number; value: ExcelJS.CellValue }[] {
    return this.sheet.rows.map((r) => ({ row: r.number, value: r.values[col - 1] ?? null }));
  }
}
