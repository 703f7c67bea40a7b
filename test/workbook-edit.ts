/**
 * The workbook editing helpers live in bench/ because the benchmarks use them too, and nothing outside test/ may
 * import test/ (test/architecture.test.ts); the tests keep importing them from here.
 */
declare module 'exceljs' {
  interface Worksheet {
    /** Set by exceljs when a sheet is protected; its typings omit it. */
    readonly sheetProtection?: Record<string, unknown>;
  }
}

export { cellOf, editWorkbookCells, layoutOf, openWorkbook } from '../bench/workbook-edit.ts';
