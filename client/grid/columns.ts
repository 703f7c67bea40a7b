import { formatDate, parseDate } from '../../schemas/dates.ts';
import { NO, YES } from '../../schemas/enums.ts';
import { formatBelgianNumber, parseBelgianNumber } from '../../schemas/numbers.ts';
import { inertSpreadsheetText, readSpreadsheetText } from '../../schemas/spreadsheet-text.ts';

/**
 * Column descriptions of the grids, in plain data, and the pure conversions between a row's typed values and the
 * text shown in a cell. The grid holds text; every value typed or pasted goes back through `parseCellText`, i.e.
 * through the shared Belgian parser of `schemas/` for numbers. Blank text is `null` (or `[]` for lists), never 0.
 */

export type Option = { value: string; label: string };
export type OptionsInput = readonly (string | Option)[];

type ColumnBase<R> = {
  key: string;
  title: string;
  width?: number;
  /** Read the value from the row (default: `row[key]`). */
  get?: (row: R) => unknown;
  readOnly?: boolean | ((row: R, index: number) => boolean);
  className?: string | ((row: R, index: number) => string | undefined);
  /** A note shown as the cell's tooltip (e.g. a typed ex-ante differing from the computed one). */
  note?: (row: R) => string | null;
  /** Extra rule on a parsed value; returns a French message or null. */
  check?: (value: unknown, row: R) => string | null;
  /** Greyed text shown in a blank cell (what a blank means, e.g. the amount that applies instead); never a value. */
  placeholder?: (row: R) => string | null;
  /** A computed figure (Ex-ante, Résultats, a total): a pasted block never writes it and says what it left out. */
  computed?: boolean | ((row: R, index: number) => boolean);
  /** A period column (a year): a yearly series pasted as a column on such a row is offered as a row. */
  series?: boolean;
};

export type Column<R> = ColumnBase<R> &
  (
    | { kind: 'text'; maxLength?: number }
    | { kind: 'number'; scale: number | ((row: R) => number); format?: (value: number, row: R) => string }
    | { kind: 'select'; options: OptionsInput | ((row: R) => OptionsInput) }
    | { kind: 'yesno' }
    | { kind: 'date' }
    | { kind: 'list'; itemKind: 'text' | 'date' | 'option'; options?: OptionsInput }
  );

/** Widths of a column that names none, by its kind (Handsontable would draw it 50 px wide, its title wrapped). */
const DEFAULT_WIDTHS: Record<Column<unknown>['kind'], number> = { text: 160, list: 160, select: 150, number: 110, date: 100, yesno: 70 };

export function columnWidth<R>(col: Column<R>): number {
  return col.width ?? DEFAULT_WIDTHS[col.kind];
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

const LIST_SEPARATOR = '; ';

export function normaliseOptions(options: OptionsInput): Option[] {
  return options.map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
}

function optionsOf<R>(col: Column<R> & { kind: 'select' }, row: R): Option[] {
  return normaliseOptions(typeof col.options === 'function' ? col.options(row) : col.options);
}

export function scaleOf<R>(col: Column<R> & { kind: 'number' }, row: R): number {
  return typeof col.scale === 'function' ? col.scale(row) : col.scale;
}

export function cellValueOf<R>(col: Column<R>, row: R): unknown {
  return col.get ? col.get(row) : (row as Record<string, unknown>)[col.key];
}

function matchOption(options: Option[], text: string): Option | undefined {
  const t = text.trim().toLocaleLowerCase('fr-BE');
  return options.find((o) => o.label.toLocaleLowerCase('fr-BE') === t || o.value.toLocaleLowerCase('fr-BE') === t);
}

/** The text a cell shows for a row's value. */
export function toCellText<R>(col: Column<R>, row: R): string {
  const v = cellValueOf(col, row);
  if (v === null || v === undefined) return '';
  switch (col.kind) {
    case 'text':
      return String(v);
    case 'number':
      return typeof v === 'number' ? (col.format ? col.format(v, row) : formatBelgianNumber(v, scaleOf(col, row))) : String(v);
    case 'select': {
      const opt = optionsOf(col, row).find((o) => o.value === v);
      return opt ? opt.label : String(v);
    }
    case 'yesno':
      return v === true ? YES : v === false ? NO : '';
    case 'date':
      return formatDate(String(v));
    case 'list': {
      const items = Array.isArray(v) ? (v as string[]) : [];
      const opts = normaliseOptions(col.options ?? []);
      return items.map((i) => (col.itemKind === 'date' ? formatDate(i) : (opts.find((o) => o.value === i)?.label ?? i))).join(LIST_SEPARATOR);
    }
  }
}

/** Parses the text of a cell into the row's value, or a French message saying what is wrong. */
export function parseCellText<R>(col: Column<R>, text: unknown, row: R): Parsed {
  const raw = text === null || text === undefined ? '' : String(text);
  const t = raw.trim();
  let parsed: Parsed;
  switch (col.kind) {
    case 'text': {
      // `'=1+1` (as copied from a grid or a spreadsheet) is the text `=1+1`: the apostrophe only kept it inert.
      const value = readSpreadsheetText(t);
      parsed =
        value === ''
          ? { ok: true, value: null }
          : col.maxLength && value.length > col.maxLength
            ? { ok: false, message: `Texte trop long (${col.maxLength} caractères au plus)` }
            : { ok: true, value };
      break;
    }
    case 'number': {
      if (t === '') {
        parsed = { ok: true, value: null };
        break;
      }
      const r = parseBelgianNumber(t, scaleOf(col, row));
      parsed = r.ok ? { ok: true, value: r.value } : { ok: false, message: r.message };
      break;
    }
    case 'select': {
      if (t === '') {
        parsed = { ok: true, value: null };
        break;
      }
      const options = optionsOf(col, row);
      const opt = matchOption(options, t);
      parsed = opt ? { ok: true, value: opt.value } : { ok: false, message: `« ${t} » n'est pas dans la liste (${options.map((o) => o.label).join(', ')})` };
      break;
    }
    case 'yesno': {
      const l = t.toLocaleLowerCase('fr-BE');
      if (l === '') parsed = { ok: true, value: null };
      else if (['oui', 'o', 'yes', 'true', 'vrai', 'x', '1'].includes(l)) parsed = { ok: true, value: true };
      else if (['non', 'n', 'no', 'false', 'faux', '0'].includes(l)) parsed = { ok: true, value: false };
      else parsed = { ok: false, message: `« ${t} » : répondez Oui ou Non` };
      break;
    }
    case 'date':
      parsed = t === '' ? { ok: true, value: null } : parseDate(t);
      break;
    case 'list': {
      const parts = t
        .split(/[;\n]/)
        .map((p) => p.trim())
        .filter((p) => p !== '');
      const out: string[] = [];
      const opts = normaliseOptions(col.options ?? []);
      parsed = { ok: true, value: out };
      for (const p of parts) {
        if (col.itemKind === 'date') {
          const d = parseDate(p);
          if (!d.ok) {
            parsed = d;
            break;
          }
          out.push(d.value as string);
        } else if (col.itemKind === 'option') {
          const o = matchOption(opts, p);
          if (!o) {
            parsed = { ok: false, message: `« ${p} » n'est pas dans la liste (${opts.map((x) => x.label).join(', ')})` };
            break;
          }
          if (!out.includes(o.value)) out.push(o.value);
        } else {
          out.push(p);
        }
      }
      break;
    }
  }
  if (parsed.ok && col.check) {
    const message = col.check(parsed.value, row);
    if (message) return { ok: false, message };
  }
  return parsed;
}

/**
 * What a copied cell puts on the clipboard: numbers without thousands separators (`1234,56`), which Excel and
 * LibreOffice read as numbers in any locale with a decimal comma; a text that starts like a formula behind an
 * apostrophe (`'=1+1`), so that the spreadsheet it is pasted into keeps it as text; other cells as shown.
 */
export function toClipboardText<R>(col: Column<R>, cellText: string): string {
  if (col.kind === 'text' || (col.kind === 'list' && col.itemKind === 'text')) return inertSpreadsheetText(cellText);
  if (col.kind !== 'number') return cellText;
  const r = /^-?[\d.]+(,\d+)?$/.test(cellText.trim()) ? cellText.trim().replace(/\./g, '') : cellText;
  return r;
}
