import { formatDate } from '../../../schemas/dates.ts';
import { NO, YES } from '../../../schemas/enums.ts';
import { PERCENT_SPREADSHEET_FORMAT, formatBelgianNumber, formatEuros, formatPercent } from '../../../schemas/numbers.ts';
import { valueAtPath } from '../../../schemas/plan-path.ts';

/**
 * The official workbook described as data: sheets of rows of cells, each input cell bound to a path of the plan
 * document with the codec that turns the plan value into a spreadsheet value and back. The XLSX writer renders this
 * description; the importer reads a workbook through the same description, so a value can only come back to the
 * place it was written from.
 */

/** How a plan value is shown in a cell and read back from it. Numbers are integers in their minor unit. */
export type Codec =
  | { kind: 'text' }
  | {
      kind: 'number';
      /** Decimals of the minor unit as people type it (cents → 2, hundredths of % → 2, thousandths → 3). */
      scale: number;
      /** Power of ten between the stored integer and the spreadsheet value (percent as a fraction → 4). */
      excelExponent: number;
      display: NumberDisplay;
    }
  | { kind: 'choice'; list: ListName }
  | { kind: 'yesno' }
  | { kind: 'date' }
  /** A list of strings (or ISO dates), one per line in the cell. */
  | { kind: 'lines'; item: 'text' | 'date' };

export type NumberDisplay = 'euro' | 'percent' | 'count' | 'decimal2' | 'decimal3' | 'etp' | 'year';

export const NUMBER_FORMATS: Record<NumberDisplay, string> = {
  euro: '"€ "#,##0.00',
  percent: PERCENT_SPREADSHEET_FORMAT,
  count: '#,##0',
  decimal2: '#,##0.00',
  decimal3: '0.00#',
  etp: '0.00" ETP"',
  year: '0',
};
export const DATE_FORMAT = 'dd/mm/yyyy';

export const codecs = {
  text: { kind: 'text' } as Codec,
  yesno: { kind: 'yesno' } as Codec,
  date: { kind: 'date' } as Codec,
  euro: { kind: 'number', scale: 2, excelExponent: 2, display: 'euro' } as Codec,
  /** Hundredths of a percent, shown as a percentage (the cell holds the fraction, 15 % = 0,15). */
  percent: { kind: 'number', scale: 2, excelExponent: 4, display: 'percent' } as Codec,
  etp: { kind: 'number', scale: 2, excelExponent: 2, display: 'etp' } as Codec,
  count: { kind: 'number', scale: 0, excelExponent: 0, display: 'count' } as Codec,
  year: { kind: 'number', scale: 0, excelExponent: 0, display: 'year' } as Codec,
  decimal2: { kind: 'number', scale: 2, excelExponent: 2, display: 'decimal2' } as Codec,
  thousandths: { kind: 'number', scale: 3, excelExponent: 3, display: 'decimal3' } as Codec,
  lines: { kind: 'lines', item: 'text' } as Codec,
  dateLines: { kind: 'lines', item: 'date' } as Codec,
  choice: (list: ListName): Codec => ({ kind: 'choice', list }),
};

const NUMBER_CODECS: Record<NumberDisplay, Codec> = {
  euro: codecs.euro,
  percent: codecs.percent,
  count: codecs.count,
  decimal2: codecs.decimal2,
  decimal3: codecs.thousandths,
  etp: codecs.etp,
  year: codecs.year,
};

/** Names of the closed lists written to the hidden "Listes" sheet (drop-down sources). */
export type ListName = string;

export type CellStyle =
  | 'runningHeader'
  | 'title'
  | 'subtitle'
  | 'section'
  | 'tableHeader'
  | 'label'
  | 'static'
  | 'input'
  | 'inputOverride'
  | 'computed'
  | 'total'
  | 'note';

/** An input cell: where its value lives in the plan and how people name it. */
export type Binding = {
  path: string;
  label: string;
  codec: Codec;
  /** A formula in this cell means "computed" (blank value), e.g. an ex-ante left to the targets. */
  formulaMeansBlank?: boolean;
};

export type LayoutCell = {
  /** 1-based column. */
  col: number;
  value?: string | number | Date | null;
  /** A1 formula without "=", with its computed result (spreadsheet units; null = blank). */
  formula?: string;
  result?: number | string | null;
  /** A link to another sheet of the workbook (internal hyperlink). */
  link?: string;
  style: CellStyle;
  numFmt?: string;
  bind?: Binding;
  /** Merge with the next `span - 1` columns. */
  span?: number;
};

/** A picture drawn from the plan's data where the printed form shows it (the PDF draws it; the workbook skips it). */
export type Figure = { kind: 'isadf' } | { kind: 'indicators'; actionIndex: number };

export type LayoutRow = { cells: LayoutCell[]; key?: string; height?: number; figure?: Figure };

export type SheetLayout = {
  name: string;
  /** Identifies the sheet on import whatever its name: `plan:<id>`, `action:<id>`. Written in the hidden A1. */
  key: string | null;
  widths: number[];
  rows: LayoutRow[];
  /** Rows frozen at the top (and repeated when printing). */
  frozenRows: number;
  frozenCols?: number;
  landscape: boolean;
  autoFilter?: string;
  /** True for sheets that hold input cells (protected, inputs unlocked). */
  protect: boolean;
};

export type WorkbookLayout = {
  title: string;
  sheets: SheetLayout[];
  lists: Record<ListName, readonly string[]>;
};

/** The hidden column of every sheet that holds row keys, so an import can tell a moved or deleted row. */
export const KEY_COLUMN = 1;

export function columnLetter(col: number): string {
  let s = '';
  let n = col;
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export function address(col: number, row: number): string {
  return `${columnLetter(col)}${row}`;
}

/** Builds a sheet row by row; knows the current row number so formulas can name cells. */
export class SheetBuilder {
  readonly rows: LayoutRow[] = [];

  /** Row number the next `add` will produce. */
  get next(): number {
    return this.rows.length + 1;
  }

  add(cells: LayoutCell[], opts: { key?: string; height?: number; figure?: Figure } = {}): number {
    const row: LayoutRow = { cells };
    const key = opts.key ?? cells.find((c) => c.bind)?.bind?.path;
    if (key !== undefined) row.key = key;
    if (opts.height !== undefined) row.height = opts.height;
    if (opts.figure !== undefined) row.figure = opts.figure;
    this.rows.push(row);
    return this.rows.length;
  }

  blank(): number {
    return this.add([]);
  }
}

/** Height in points for a wrapped text of `text` in a merged area about `widthChars` characters wide. */
export function wrappedHeight(text: string | null | undefined, widthChars: number, minLines = 1): number {
  const lines = (text ?? '').split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / Math.max(10, widthChars))), 0);
  return Math.min(409, Math.max(minLines, lines) * 15 + 3);
}

/** Converts a stored value to what the cell holds (numbers in spreadsheet units, dates as UTC dates). */
export function toCellValue(codec: Codec, value: unknown): string | number | Date | null {
  if (value === null || value === undefined) return null;
  switch (codec.kind) {
    case 'text':
    case 'choice':
      return String(value);
    case 'number':
      return toSpreadsheetNumber(value as number, codec.excelExponent);
    case 'yesno':
      return value ? YES : NO;
    case 'date':
      return isoToDate(String(value));
    case 'lines': {
      const items = value as string[];
      if (items.length === 0) return null;
      return items.map((v) => (codec.item === 'date' ? formatDate(v) : v)).join('\n');
    }
  }
}

/** Integer minor units → spreadsheet number, exact to the last decimal (no float drift in the division). */
export function toSpreadsheetNumber(minor: number, exponent: number): number {
  return exponent === 0 ? minor : Number(`${minor}e-${exponent}`);
}

/** How the import preview shows a value: as the grid shows it (Belgian format), "" for blank. */
export function displayValue(codec: Codec, value: unknown): string {
  if (value === null || value === undefined) return '';
  switch (codec.kind) {
    case 'text':
    case 'choice':
      return String(value);
    case 'number': {
      const v = value as number;
      if (codec.display === 'euro') return formatEuros(v);
      if (codec.display === 'percent') return formatPercent(v);
      if (codec.display === 'year') return String(v);
      if (codec.display === 'etp') return `${formatBelgianNumber(v, codec.scale)} ETP`;
      return formatBelgianNumber(v, codec.scale);
    }
    case 'yesno':
      return value ? YES : NO;
    case 'date':
      return formatDate(String(value));
    case 'lines':
      return (value as string[]).map((v) => (codec.item === 'date' ? formatDate(v) : v)).join(' ; ');
  }
}

/**
 * How a printed copy shows a cell: the Belgian text of the grid. A bound value is formatted from the plan's own
 * integer; a computed one from its result, brought back to minor units through the codec its number format names.
 */
export function printedValue(cell: LayoutCell, doc: unknown): string {
  if (cell.bind && cell.formula === undefined) return displayValue(cell.bind.codec, valueAtPath(doc, cell.bind.path));
  const v = cell.formula !== undefined ? cell.result : cell.value;
  if (v === null || v === undefined || v === '') return '';
  if (v instanceof Date) return formatDate(v.toISOString().slice(0, 10));
  if (typeof v === 'string') return v;
  const codec = cell.bind?.codec ?? codecOfNumFmt(cell.numFmt);
  if (codec?.kind !== 'number') return String(v);
  return displayValue(codec, Math.round(Number(`${v}e${codec.excelExponent}`)));
}

/** The number codec a cell's format stands for (percent formats of any precision are hundredths of a percent). */
function codecOfNumFmt(numFmt: string | undefined): Codec | null {
  if (numFmt === undefined) return null;
  if (numFmt.endsWith('%')) return codecs.percent;
  const display = (Object.keys(NUMBER_FORMATS) as NumberDisplay[]).find((d) => NUMBER_FORMATS[d] === numFmt);
  return display ? NUMBER_CODECS[display] : null;
}

export function isoToDate(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

/** Excel forbids `* ? : \ / [ ]` in sheet names and 31+ characters; an apostrophe breaks print titles. */
export function sheetName(base: string, taken: Set<string>): string {
  const clean = base
    .replace(/[*?:\\/[\]]/g, '-')
    .replace(/'/g, '’')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^’|’$/g, '')
    // A name never starts like a formula (`=1+1`), whatever a stored code or name holds.
    .replace(/^[=+\-@\s]+/, '');
  const stem = clean === '' ? 'Feuille' : clean;
  for (let i = 1; ; i++) {
    const suffix = i === 1 ? '' : ` (${i})`;
    const name = stem.slice(0, 31 - suffix.length).trimEnd() + suffix;
    if (!taken.has(name.toLowerCase())) {
      taken.add(name.toLowerCase());
      return name;
    }
  }
}
