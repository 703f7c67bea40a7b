/**
 * The workbook editing helpers live in bench/ because the benchmarks use them too, and nothing outside test/ may
 * import test/ (test/architecture.test.ts); the tests keep importing them from here.
 */
export { cellOf, editWorkbookCells, layoutOf, openWorkbook } from '../bench/workbook-edit.ts';
