/**
 * Text that stays text in every spreadsheet file we write, whatever re-saves it (OWASP "CSV injection").
 *
 * A cell typed as a string is inert in an XLSX, but LibreOffice and Excel write a CSV "as shown", without types: a
 * text `=1+1` re-saved as CSV becomes a live formula when the CSV is opened again (`+1` a number, `-1+2` and
 * `@SUM(A1)` formulas in Excel). So every text that begins with one of `= + - @`, a tab or a carriage return is
 * written with a leading apostrophe: `'=1+1`. Checked through LibreOffice (test/server/formula-text.test.ts): the
 * apostrophe survives a re-save as XLSX and as CSV, and a CSV cell `'=1+1` opens as the text `'=1+1`, never a formula.
 *
 * Reading our own workbook back strips that one apostrophe again (`readSpreadsheetText`), so a value round-trips
 * unchanged. To keep the pair exact, a text that already begins with apostrophes before such a character gets one
 * more: `'=1+1` is written `''=1+1` and read back `'=1+1`.
 */

/** The characters a spreadsheet may read as the start of a formula or a number. */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const ESCAPED_FORMULA_START = /^''*[=+\-@\t\r]/;

/** `=1+1` → `'=1+1`; any other text unchanged. */
export function inertSpreadsheetText(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** `'=1+1` → `=1+1`: the inverse of `inertSpreadsheetText` for the text of a cell read back. */
export function readSpreadsheetText(text: string): string {
  return ESCAPED_FORMULA_START.test(text) ? text.slice(1) : text;
}

/** Whether a text would be taken for a formula or a number by a spreadsheet opening it from a CSV. */
export function looksLikeFormula(text: string): boolean {
  return /^[=+\-@\t\r]/.test(text);
}
