import type ExcelJS from 'exceljs';
import { formatDate, parseDate } from '../../schemas/dates.ts';
import { NO, YES } from '../../schemas/enums.ts';
import { formatBelgianNumber, parseBelgianNumber } from '../../schemas/numbers.ts';
import { readSpreadsheetText } from '../../schemas/spreadsheet-text.ts';
import { KEY_COLUMN, address, type Binding, type Codec, type LayoutCell, type WorkbookLayout } from '../reports/layout/model.ts';
import { READ_ONLY_SHEETS } from '../reports/workbook-layout.ts';
import { SheetReader, type WorkbookSnapshot } from './workbook-file.ts';

/**
 * Reads an exported workbook back through the layout it was written with: each input cell is found by its sheet
 * key (hidden A1) and row key (hidden column A), so a sorted, moved or renamed sheet still reads right and a row
 * that no longer matches the plan is reported instead of being applied to the wrong place.
 */

export type WorkbookProblem = { sheet: string; cell: string | null; message: string };
export type ReadValue = { sheet: string; cell: string; binding: Binding; value: unknown };

/** Excel's own limit for the text of one cell. */
export const MAX_CELL_TEXT = 32_767;

/** The sheets the export writes for reading only (synthesis, finance, checks, review annexes): skipped. */
const READ_ONLY = new Set(READ_ONLY_SHEETS);

/**
 * Every bound value of the layout as found in the workbook (read by workbook-file.ts, in its thread), and every
 * problem met on the way.
 */
export function readWorkbookValues(workbook: WorkbookSnapshot, layout: WorkbookLayout): { values: ReadValue[]; problems: WorkbookProblem[] } {
  const values: ReadValue[] = [];
  const problems: WorkbookProblem[] = [];
  const byKey = new Map<string, SheetReader>();
  for (const ws of workbook.sheets.map((sheet) => new SheetReader(sheet))) {
    const key = textOf(ws.value(1, KEY_COLUMN));
    if (key && layout.sheets.some((s) => s.key === key)) byKey.set(key, ws);
    else if (key.startsWith('plan:'))
      problems.push({ sheet: ws.name, cell: null, message: "Ce classeur a été exporté d'un autre plan : importez-le dans le plan dont il vient" });
    else if (key.startsWith('action:'))
      problems.push({
        sheet: ws.name,
        cell: null,
        message: "Cette fiche action n'existe plus dans le plan (supprimée depuis l'export) : retirez la feuille ou réexportez le plan",
      });
    else if (!READ_ONLY.has(ws.name))
      problems.push({ sheet: ws.name, cell: null, message: "Feuille inconnue : le classeur ne peut contenir que les feuilles qu'exporte Cohésio" });
  }

  for (const sheet of layout.sheets) {
    if (sheet.key === null) continue;
    const ws = byKey.get(sheet.key);
    if (!ws) {
      problems.push({ sheet: sheet.name, cell: null, message: 'Feuille absente du classeur : rétablissez-la ou réexportez le plan' });
      continue;
    }
    const rowOfKey = new Map<string, number>();
    for (const { row: rowNumber, value } of ws.column(KEY_COLUMN)) {
      const key = textOf(value);
      if (key) rowOfKey.set(key, rowNumber);
    }
    const expected = new Set<string>();
    for (const row of sheet.rows) {
      const bound = row.cells.filter((c) => c.bind);
      if (row.key === undefined || bound.length === 0) continue;
      expected.add(row.key);
      const rowNumber = rowOfKey.get(row.key);
      if (rowNumber === undefined) {
        problems.push({
          sheet: ws.name,
          cell: null,
          message: `Ligne absente du classeur : ${bound[0]!.bind!.label} (ajoutée au plan depuis l'export ? réexportez le plan)`,
        });
        continue;
      }
      for (const c of bound) {
        const ref = address(c.col, rowNumber);
        const decoded = decodeCell(ws.value(rowNumber, c.col), c.bind!, layout, c.value);
        if ('problem' in decoded) problems.push({ sheet: ws.name, cell: ref, message: `${c.bind!.label} : ${decoded.problem}` });
        else values.push({ sheet: ws.name, cell: ref, binding: c.bind!, value: decoded.value });
      }
    }
    for (const [key, rowNumber] of rowOfKey) {
      if (rowNumber !== 1 && !expected.has(key)) {
        problems.push({
          sheet: ws.name,
          cell: `A${rowNumber}`,
          message: "Ligne qui n'existe plus dans le plan (supprimée depuis l'export) : retirez-la ou réexportez le plan",
        });
      }
    }
  }
  return { values, problems };
}

type Raw =
  | { kind: 'empty' }
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'date'; value: Date }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'formula' }
  | { kind: 'error'; value: string };

/**
 * Every shape exceljs gives a cell value (stack notes), reduced to what an input can be. A text keeps no formula:
 * the apostrophe the export put before `=1+1` (schemas/spreadsheet-text.ts) is taken off again.
 */
function rawOf(v: ExcelJS.CellValue): Raw {
  if (v === null || v === undefined) return { kind: 'empty' };
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'string') return v.trim() === '' ? { kind: 'empty' } : { kind: 'string', value: readSpreadsheetText(v) };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v };
  if (v instanceof Date) return { kind: 'date', value: v };
  if (typeof v === 'object') {
    if ('formula' in v || 'sharedFormula' in v) return { kind: 'formula' };
    if ('error' in v) return { kind: 'error', value: String(v.error) };
    if ('richText' in v) return rawOf(v.richText.map((t) => t.text).join(''));
    if ('text' in v) return rawOf(typeof v.text === 'string' ? v.text : (v.text as { richText: { text: string }[] }).richText.map((t) => t.text).join(''));
  }
  return { kind: 'error', value: 'valeur illisible' };
}

function textOf(v: ExcelJS.CellValue): string {
  const raw = rawOf(v);
  return raw.kind === 'string' ? raw.value.trim() : '';
}

type Decoded = { value: unknown } | { problem: string };

/**
 * A cell's content as the plan value of its codec (minor units, ISO dates, booleans), or why it cannot be. `written`
 * is what the export wrote in the cell: a choice stored before its list changed comes back as it was.
 */
export function decodeCell(v: ExcelJS.CellValue, binding: Binding, layout: Pick<WorkbookLayout, 'lists'>, written?: LayoutCell['value']): Decoded {
  const raw = rawOf(v);
  const codec = binding.codec;
  if (raw.kind === 'formula') {
    if (binding.formulaMeansBlank) return { value: null };
    return { problem: 'une formule n’est pas admise ici : tapez la valeur elle-même' };
  }
  if (raw.kind === 'error') return { problem: `la cellule contient une erreur (${raw.value})` };
  if (raw.kind === 'string' && raw.value.length > MAX_CELL_TEXT)
    return { problem: `texte trop long pour une cellule (${formatBelgianNumber(MAX_CELL_TEXT, 0)} caractères au plus)` };
  if (raw.kind === 'empty') return { value: codec.kind === 'lines' ? [] : null };
  switch (codec.kind) {
    case 'text':
      return { value: raw.kind === 'date' ? belgianOf(raw.value) : String(raw.value).trim() || null };
    case 'number':
      return decodeNumber(raw, codec);
    case 'choice': {
      const text = raw.kind === 'date' ? belgianOf(raw.value) : String(raw.value).trim();
      const options = layout.lists[codec.list] ?? [];
      const hit = options.find((o) => o.toLocaleLowerCase('fr-BE') === text.toLocaleLowerCase('fr-BE'));
      if (hit) return { value: hit };
      if (typeof written === 'string' && written.toLocaleLowerCase('fr-BE') === text.toLocaleLowerCase('fr-BE')) return { value: written };
      const shown = options
        .slice(0, 6)
        .map((o) => `« ${o} »`)
        .join(', ');
      return { problem: `« ${text} » ne fait pas partie de la liste (${shown}${options.length > 6 ? ', …' : ''})` };
    }
    case 'yesno': {
      if (raw.kind === 'boolean') return { value: raw.value };
      const text = String(raw.kind === 'date' ? '' : raw.value)
        .trim()
        .toLowerCase();
      if (text === YES.toLowerCase()) return { value: true };
      if (text === NO.toLowerCase()) return { value: false };
      return { problem: `« ${String(raw.kind === 'date' ? belgianOf(raw.value) : raw.value)} » : répondez ${YES} ou ${NO}` };
    }
    case 'date':
      return decodeDate(raw);
    case 'lines': {
      if (raw.kind === 'date') return codec.item === 'date' ? { value: [isoOf(raw.value)] } : { value: [belgianOf(raw.value)] };
      const items = String(raw.value)
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
      if (codec.item === 'text') return { value: items };
      const dates: string[] = [];
      for (const item of items) {
        const d = decodeDate({ kind: 'string', value: item });
        if ('problem' in d) return d;
        dates.push(d.value as string);
      }
      return { value: dates };
    }
  }
}

function decodeNumber(raw: Exclude<Raw, { kind: 'empty' | 'formula' | 'error' }>, codec: Extract<Codec, { kind: 'number' }>): Decoded {
  if (raw.kind === 'string') {
    const r = parseBelgianNumber(raw.value, codec.scale);
    return r.ok ? { value: r.value } : { problem: r.message };
  }
  if (raw.kind !== 'number') return { problem: 'nombre attendu' };
  // 0,15 (15 %) × 10⁴ = 1500.0000000000002: round to a few decimals before asking for an integer.
  const minor = Number((raw.value * 10 ** codec.excelExponent).toFixed(6));
  if (!Number.isInteger(minor)) {
    return { problem: codec.scale === 0 ? 'nombre entier attendu' : `trop de décimales (au plus ${codec.scale})` };
  }
  return { value: minor };
}

function decodeDate(raw: Exclude<Raw, { kind: 'empty' | 'formula' | 'error' }>): Decoded {
  if (raw.kind === 'date') return { value: isoOf(raw.value) };
  if (raw.kind === 'number' && raw.value > 0 && raw.value < 2_958_466) {
    // A date cell that lost its format: the spreadsheet's day number (1900 system).
    return { value: isoOf(new Date(Math.round((raw.value - 25_569) * 86_400_000))) };
  }
  if (raw.kind === 'string') {
    const r = parseDate(raw.value);
    return r.ok ? { value: r.value } : { problem: r.message };
  }
  return { problem: 'date attendue (JJ/MM/AAAA)' };
}

function isoOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function belgianOf(d: Date): string {
  return formatDate(isoOf(d));
}
