import type ExcelJS from 'exceljs';
import {
  IMPUTATION_FILE_COLUMNS,
  MAX_IMPUTATION_FILE_BYTES,
  MAX_IMPUTATION_FILE_LINES,
  type ImputationFileColumn,
  type ImputationFileProblem,
  type ReadImputation,
} from '../../schemas/imputation-import.ts';
import { IMPUTATION_NATURE_LABELS, IMPUTATION_NATURES, ImputationFieldsSchema, type ImputationNature } from '../../schemas/finance.ts';
import { formatBelgianNumber, parseBelgianNumber } from '../../schemas/numbers.ts';
import { type Programme, yearOutsideProgramme } from '../../schemas/reference.ts';
import { readSpreadsheetText } from '../../schemas/spreadsheet-text.ts';
import { MAX_CELL_TEXT } from './xlsx.ts';
import { readWorkbookFile, type SheetSnapshot, type WorkbookFileRead } from './workbook-file.ts';

/**
 * Reads a file of amounts booked in the municipal accounts (E-compte imputations), CSV or XLSX, into validated
 * lines, each with its line number in the file (the header is line 1), and every problem met on the way with its
 * line and column. Pure: no database, no clock, no environment; the import service decides what to do with it.
 *
 * Layout (README, "Booked amounts (E-compte imputations): file layout"): one header line naming the columns of
 * IMPUTATION_FILE_COLUMNS (or their short aliases), in any order, accents and case ignored; then one imputation per line.
 * Amounts are Belgian-formatted text (`1.234,56`) or, in a workbook, numbers in euros; blank is never zero.
 */

export type ImputationFileRead = { format: 'csv' | 'xlsx'; lines: ReadImputation[]; problems: ImputationFileProblem[] };

/** Most problems reported for one file (the last one then says that more were left out). */
export const MAX_IMPUTATION_FILE_PROBLEMS = 200;

/** Header texts accepted for each column besides its documented header. */
export const IMPUTATION_FILE_ALIASES: Record<ImputationFileColumn, readonly string[]> = {
  annee: ['Annee', 'Exercice'],
  codeFonctionnel: ['Fonction', 'Code fonction'],
  articleEconomique: ['Article', 'Code économique', 'Article eco'],
  libelle: ['Libelle', 'Intitulé'],
  montant: ['Montant (€)', 'Montant EUR', 'Imputé'],
  nature: ['Nature (facultative)'],
};

/**
 * `readWorkbook` reads an XLSX upload into its snapshot: in this thread by default, in the reading thread from the
 * import service (server/workers/workbook-reader.ts).
 */
export async function readImputationFile(
  bytes: Uint8Array,
  programme: Programme,
  readWorkbook: (bytes: Uint8Array) => Promise<WorkbookFileRead> = readWorkbookFile,
): Promise<ImputationFileRead> {
  const format = isZip(bytes) ? 'xlsx' : 'csv';
  const refuse = (message: string): ImputationFileRead => ({ format, lines: [], problems: [{ line: null, column: null, message }] });

  if (bytes.length === 0) return refuse('Le fichier est vide');
  if (bytes.length > MAX_IMPUTATION_FILE_BYTES) {
    return refuse(`Le fichier dépasse ${MAX_IMPUTATION_FILE_BYTES / 1024 / 1024} Mo : un fichier d'imputations E-compte en fait quelques ko`);
  }

  let records: Row[];
  if (format === 'xlsx') {
    const opened = await readWorkbook(bytes);
    if ('problem' in opened) return refuse(opened.problem);
    const sheet = opened.snapshot.sheets[0];
    if (!sheet) return refuse('Le classeur ne contient aucune feuille');
    records = sheetRows(sheet);
  } else {
    if (isOleCompound(bytes)) {
      return refuse('Les classeurs .xls (Excel 97-2003) ne sont pas pris en charge : enregistrez le fichier au format .xlsx ou CSV');
    }
    const text = decodeText(bytes);
    if (text.includes('\u0000')) return refuse("Le fichier n'est ni un fichier CSV (texte) ni un classeur XLSX");
    const parsed = parseCsv(text, detectDelimiter(text));
    if (parsed.problem) return { format, lines: [], problems: [{ line: parsed.problem.line, column: null, message: parsed.problem.message }] };
    records = parsed.rows;
  }

  const nonBlank = records.filter((r) => !r.cells.every((c) => c.kind === 'blank'));
  const [header, ...data] = nonBlank;
  if (!header) return refuse('Le fichier est vide');
  if (data.length > MAX_IMPUTATION_FILE_LINES) {
    return refuse(
      `Le fichier compte ${formatBelgianNumber(data.length, 0)} lignes d'imputation : ${formatBelgianNumber(MAX_IMPUTATION_FILE_LINES, 0)} au plus par fichier`,
    );
  }

  const columns = matchHeader(header);
  if ('problems' in columns) return { format, lines: [], problems: columns.problems };
  if (data.length === 0) return refuse("Le fichier ne contient aucune imputation sous la ligne d'en-tête");

  const lines: ReadImputation[] = [];
  const problems: ImputationFileProblem[] = [];
  for (const row of data) {
    const read = readLine(row, columns.index, programme);
    if ('fields' in read) lines.push({ line: row.line, fields: read.fields });
    else problems.push(...read.problems);
    if (problems.length > MAX_IMPUTATION_FILE_PROBLEMS) break;
  }
  if (problems.length > MAX_IMPUTATION_FILE_PROBLEMS) {
    problems.length = MAX_IMPUTATION_FILE_PROBLEMS - 1;
    problems.push({
      line: null,
      column: null,
      message: `Trop de problèmes : seuls les ${MAX_IMPUTATION_FILE_PROBLEMS - 1} premiers sont listés ; corrigez-les puis importez à nouveau le fichier`,
    });
  }
  return { format, lines, problems };
}

// ——— Cells and rows, whatever the format ——————————————————————————————————————————————————————————————————————

/** A cell reduced to what a column can use; `invalid` carries why it cannot be used at all. */
type Cell = { kind: 'blank' } | { kind: 'text'; text: string } | { kind: 'number'; value: number } | { kind: 'invalid'; message: string };
type Row = { line: number; cells: Cell[] };

const BLANK: Cell = { kind: 'blank' };
const textCell = (s: string): Cell => (s.trim() === '' ? BLANK : { kind: 'text', text: s.trim() });

// ——— Header ————————————————————————————————————————————————————————————————————————————————————————————————————

/** `Montant (€)` → `montant`, `Article économique` → `articleeconomique`: accents, case, spaces and signs ignored. */
function headerKey(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const COLUMN_OF_HEADER = new Map<string, ImputationFileColumn>(
  IMPUTATION_FILE_COLUMNS.flatMap((c) => [c.header, ...IMPUTATION_FILE_ALIASES[c.key]].map((h) => [headerKey(h), c.key] as const)),
);

const headerOf = (key: ImputationFileColumn): string => IMPUTATION_FILE_COLUMNS.find((c) => c.key === key)!.header;

const EXPECTED_COLUMNS =
  IMPUTATION_FILE_COLUMNS.filter((c) => c.required)
    .map((c) => c.header)
    .join(', ') +
  ' (et ' +
  IMPUTATION_FILE_COLUMNS.filter((c) => !c.required)
    .map((c) => c.header)
    .join(', ') +
  ', facultative)';

type ColumnIndex = Partial<Record<ImputationFileColumn, number>>;

function matchHeader(header: Row): { index: ColumnIndex } | { problems: ImputationFileProblem[] } {
  const index: ColumnIndex = {};
  const problems: ImputationFileProblem[] = [];
  header.cells.forEach((cell, i) => {
    if (cell.kind !== 'text') return;
    const key = COLUMN_OF_HEADER.get(headerKey(cell.text));
    if (!key) return;
    const seen = index[key];
    if (seen !== undefined) {
      problems.push({
        line: header.line,
        column: key,
        message: `La colonne « ${headerOf(key)} » apparaît deux fois dans l'en-tête (colonnes ${seen + 1} et ${i + 1}) : gardez-en une seule`,
      });
    } else {
      index[key] = i;
    }
  });
  for (const c of IMPUTATION_FILE_COLUMNS) {
    if (c.required && index[c.key] === undefined) {
      problems.push({
        line: header.line,
        column: c.key,
        message: `Colonne « ${c.header} » absente de la ligne d'en-tête : colonnes attendues ${EXPECTED_COLUMNS}`,
      });
    }
  }
  return problems.length > 0 ? { problems } : { index };
}

// ——— One line ——————————————————————————————————————————————————————————————————————————————————————————————————

const COLUMN_ORDER: (ImputationFileColumn | null)[] = [...IMPUTATION_FILE_COLUMNS.map((c) => c.key), null];

type Converted<T> = { value: T } | { problem: string };

function readLine(row: Row, index: ColumnIndex, programme: Programme): { fields: ReadImputation['fields'] } | { problems: ImputationFileProblem[] } {
  const cellOf = (key: ImputationFileColumn): Cell => {
    const i = index[key];
    return i === undefined ? BLANK : (row.cells[i] ?? BLANK);
  };
  const problems: ImputationFileProblem[] = [];
  const input: Record<string, unknown> = {};
  const take = <T>(key: ImputationFileColumn, converted: Converted<T>) => {
    if ('problem' in converted) problems.push({ line: row.line, column: key, message: converted.problem });
    else input[key] = converted.value;
  };
  take('annee', yearOf(cellOf('annee'), programme));
  take('codeFonctionnel', functionalCodeOf(cellOf('codeFonctionnel')));
  take('articleEconomique', articleOf(cellOf('articleEconomique')));
  take('libelle', labelOf(cellOf('libelle')));
  take('montant', amountOf(cellOf('montant')));
  take('nature', natureCellOf(cellOf('nature')));

  const parsed = ImputationFieldsSchema.safeParse(input);
  if (parsed.success && problems.length === 0) return { fields: parsed.data };
  if (!parsed.success) {
    const reported = new Set<string | null>(problems.map((p) => p.column));
    for (const issue of parsed.error.issues) {
      const first = issue.path[0];
      const column = IMPUTATION_FILE_COLUMNS.find((c) => c.key === first)?.key ?? null;
      if (reported.has(column)) continue;
      reported.add(column);
      problems.push({ line: row.line, column, message: issue.message });
    }
  }
  return { problems: problems.sort((a, b) => COLUMN_ORDER.indexOf(a.column) - COLUMN_ORDER.indexOf(b.column)) };
}

function yearOf(cell: Cell, programme: Programme): Converted<number> {
  const expected = `Année attendue, en chiffres (ex. ${programme.years[0]})`;
  let year: number;
  switch (cell.kind) {
    case 'blank':
      return { problem: 'Année manquante' };
    case 'invalid':
      return { problem: cell.message };
    case 'number':
      if (!Number.isInteger(cell.value)) return { problem: `« ${belgianText(cell.value)} » : ${lower(expected)}` };
      year = cell.value;
      break;
    case 'text':
      if (!/^\d{4}$/.test(cell.text)) return { problem: `« ${cell.text} » : ${lower(expected)}` };
      year = Number(cell.text);
      break;
  }
  if (!programme.years.includes(year)) {
    return { problem: yearOutsideProgramme(programme, year) };
  }
  return { value: year };
}

/** `84010`, ` 84010 `, `840/10` → `84010`; whether it is a known code is the schema's to say. */
function functionalCodeOf(cell: Cell): Converted<string> {
  const text = plainText(cell);
  if ('problem' in text) return text;
  if (text.value === '') return { problem: 'Code fonctionnel manquant' };
  const compact = text.value.replace(/\s+/g, '');
  return { value: /^\d{3}\/\d{2}$/.test(compact) ? compact.replace('/', '') : compact };
}

function articleOf(cell: Cell): Converted<string> {
  const text = plainText(cell);
  if ('problem' in text) return text;
  if (text.value === '') return { problem: 'Article économique manquant' };
  return { value: text.value.replace(/\s+/g, '') };
}

/**
 * Kept as typed (trimmed), never evaluated: `=1+1` or `-12` stays a label. The apostrophe that keeps such a text
 * inert in a spreadsheet (`'=1+1`, as our own Imputations sheet writes it) is taken off, as the workbook import does.
 */
function labelOf(cell: Cell): Converted<string | null> {
  const text = plainText(cell);
  if ('problem' in text) return text;
  return { value: text.value === '' ? null : readSpreadsheetText(text.value) };
}

/** Signed cents from Belgian text or from a workbook number in euros (at most 2 decimals). */
function amountOf(cell: Cell): Converted<number> {
  switch (cell.kind) {
    case 'blank':
      return { problem: 'Montant manquant' };
    case 'invalid':
      return { problem: cell.message };
    case 'text': {
      const r = parseBelgianNumber(cell.text, 2);
      return r.ok ? { value: r.value } : { problem: r.message };
    }
    case 'number': {
      if (!Number.isFinite(cell.value)) return { problem: 'Montant illisible' };
      if (!hasAtMostTwoDecimals(cell.value)) return { problem: `« ${belgianText(cell.value)} » a trop de décimales (au plus 2)` };
      return { value: Math.round(cell.value * 100) || 0 };
    }
  }
}

/**
 * Whether a workbook number in euros is a whole number of cents. Read at Excel's 15 significant digits, so that
 * the float noise of a formula result (1234.5600000000002) does not count as decimals.
 */
function hasAtMostTwoDecimals(value: number): boolean {
  if (value === 0) return true;
  const digits = Math.abs(value).toPrecision(15);
  if (digits.includes('e')) return Math.abs(value) >= 1;
  const fraction = (digits.split('.')[1] ?? '').replace(/0+$/, '');
  return fraction.length <= 2;
}

const NATURE_OF_KEY = new Map<string, ImputationNature>(
  IMPUTATION_NATURES.flatMap((n) => [
    [headerKey(IMPUTATION_NATURE_LABELS[n]), n],
    [headerKey(n), n],
  ]),
);
const NATURE_CHOICES = IMPUTATION_NATURES.map((n) => `« ${IMPUTATION_NATURE_LABELS[n]} »`).join(', ');

/** Blank → null (classified by the documented rule); otherwise one of the labels, accents, case and spaces ignored. */
function natureCellOf(cell: Cell): Converted<ImputationNature | null> {
  const text = plainText(cell);
  if ('problem' in text) return text;
  if (text.value === '') return { value: null };
  const nature = NATURE_OF_KEY.get(headerKey(text.value));
  if (nature) return { value: nature };
  return {
    problem: `« ${text.value} » n'est pas une nature connue : laissez la cellule vide (classement selon le code fonctionnel et l'article) ou indiquez ${NATURE_CHOICES}`,
  };
}

function plainText(cell: Cell): Converted<string> {
  switch (cell.kind) {
    case 'blank':
      return { value: '' };
    case 'invalid':
      return { problem: cell.message };
    case 'text':
      return { value: cell.text };
    case 'number':
      return { value: String(cell.value) };
  }
}

const belgianText = (n: number) => String(n).replace('.', ',');
const lower = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

// ——— CSV ————————————————————————————————————————————————————————————————————————————————————————————————————————

/** UTF-8 (BOM stripped), UTF-16 when its BOM says so, else windows-1252 (Belgian Excel's "CSV (séparateur : point-virgule)"). */
function decodeText(bytes: Uint8Array): string {
  let text: string;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) text = new TextDecoder('utf-16le').decode(bytes);
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) text = new TextDecoder('utf-16be').decode(bytes);
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = decodeWindows1252(bytes);
    }
  }
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** WHATWG index-windows-1252 for bytes 0x80-0x9F; every other byte is its own code point. */
const WINDOWS_1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d,
  0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/**
 * windows-1252 by hand: Node's TextDecoder('windows-1252') decodes 0x80-0x9F as Latin-1 since 20.18.3
 * (nodejs/node#56542, #60888), which would turn the € of an amount into a control character.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const chunk = Array.from(bytes.subarray(i, i + 8192), (b) => (b >= 0x80 && b <= 0x9f ? WINDOWS_1252_HIGH[b - 0x80]! : b));
    out += String.fromCharCode(...chunk);
  }
  return out;
}

const DELIMITERS = [';', '\t', ','] as const;

/** The delimiter the header line uses most (outside quotes); `;` when in doubt, as Belgian CSV uses it. */
function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let inQuotes = false;
  let started = false;
  for (const ch of text) {
    if (!started) {
      if (/\s/.test(ch)) continue;
      started = true;
    }
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ';';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/**
 * What a CSV may hold besides its imputations, checked while it is read so that a hostile file (two million blank
 * lines, one line of two million separators, a quote never closed) stops at once: physical lines (blank lines and
 * multi-line texts included), columns of one line, characters of one field.
 */
export const MAX_CSV_PHYSICAL_LINES = 4 * MAX_IMPUTATION_FILE_LINES;
export const MAX_CSV_COLUMNS = 50;

/** Why a CSV stops being read, in French. */
export const CSV_LIMIT_MESSAGES = {
  physicalLines: `Le fichier compte plus de ${formatBelgianNumber(MAX_CSV_PHYSICAL_LINES, 0)} lignes (lignes vides comprises) : ${formatBelgianNumber(MAX_IMPUTATION_FILE_LINES, 0)} imputations au plus par fichier`,
  records: `Le fichier compte plus de ${formatBelgianNumber(MAX_IMPUTATION_FILE_LINES, 0)} lignes d'imputation : ${formatBelgianNumber(MAX_IMPUTATION_FILE_LINES, 0)} au plus par fichier`,
  columns: `Cette ligne compte plus de ${MAX_CSV_COLUMNS} colonnes : le fichier d'imputations en compte 5 ou 6 (vérifiez le séparateur)`,
  field: `Un texte de cette ligne dépasse ${formatBelgianNumber(MAX_CELL_TEXT, 0)} caractères, la limite d'une cellule Excel`,
} as const;

/**
 * RFC 4180 records: quoted fields may hold the delimiter, doubled quotes and line breaks. Each record carries the
 * physical line where it starts, so that numbering stays right after a multi-line field or a blank line.
 */
function parseCsv(text: string, delimiter: string): { rows: Row[]; problem: { line: number | null; message: string } | null } {
  const rows: Row[] = [];
  let fields: Cell[] = [];
  let field = '';
  let quoted = false;
  let inQuotes = false;
  let dirty = false; // something read since the record started
  let line = 1;
  let recordLine = 1;
  const endField = () => {
    fields.push(quoted ? (field.trim() === '' ? BLANK : { kind: 'text', text: field.trim() }) : textCell(field));
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    rows.push({ line: recordLine, cells: fields });
    fields = [];
    dirty = false;
  };
  let records = 0;
  let limit: string | null = null;
  const endRecordChecked = () => {
    endRecord();
    if (!rows.at(-1)!.cells.every((c) => c.kind === 'blank') && ++records > MAX_IMPUTATION_FILE_LINES + 1) limit = CSV_LIMIT_MESSAGES.records;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    // Too many lines is the whole file's problem, not one line's.
    if (limit) return { rows: [], problem: { line: null, message: limit } };
    if (field.length > MAX_CELL_TEXT) return { rows: [], problem: { line: recordLine, message: CSV_LIMIT_MESSAGES.field } };
    if (fields.length > MAX_CSV_COLUMNS) return { rows: [], problem: { line: recordLine, message: CSV_LIMIT_MESSAGES.columns } };
    if (line > MAX_CSV_PHYSICAL_LINES) return { rows: [], problem: { line: null, message: CSV_LIMIT_MESSAGES.physicalLines } };
    if (!dirty) {
      recordLine = line;
      dirty = true;
    }
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else inQuotes = false;
      } else if (ch === '\r' || ch === '\n') {
        if (ch === '\r' && text[i + 1] === '\n') i++;
        field += '\n';
        line++;
      } else field += ch;
    } else if (ch === '"' && field.trim() === '' && !quoted) {
      field = '';
      inQuotes = true;
      quoted = true;
    } else if (ch === delimiter) {
      endField();
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecordChecked();
      line++;
    } else field += ch;
  }
  if (inQuotes) {
    return {
      rows,
      problem: { line: recordLine, message: "Guillemet non refermé : le texte entre guillemets commencé sur cette ligne court jusqu'à la fin du fichier" },
    };
  }
  if (dirty) endRecordChecked();
  if (limit) return { rows: [], problem: { line: null, message: limit } };
  return { rows, problem: null };
}

// ——— XLSX ———————————————————————————————————————————————————————————————————————————————————————————————————————

/** The rows with values of the sheet (a formula's value keeps its stored result, even a falsy one: workbook-file.ts). */
function sheetRows(sheet: SheetSnapshot): Row[] {
  return sheet.rows.map((row) => ({ line: row.number, cells: row.values.map(cellOfValue) }));
}

/** Every shape exceljs gives a cell value, reduced to text or number: a formula gives its stored result. */
function cellOfValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return BLANK;
  if (typeof v === 'number') return { kind: 'number', value: v };
  if (typeof v === 'string') return textCell(v);
  if (typeof v === 'boolean') return { kind: 'invalid', message: `Valeur ${v ? 'VRAI' : 'FAUX'} inattendue dans cette colonne` };
  if (v instanceof Date) return { kind: 'invalid', message: "Une date n'est pas admise dans cette colonne : tapez la valeur elle-même" };
  if ('formula' in v || 'sharedFormula' in v) {
    if (v.result === undefined || v.result === null) {
      return { kind: 'invalid', message: 'Formule sans résultat enregistré : ouvrez et enregistrez le classeur dans Excel, ou tapez la valeur' };
    }
    return cellOfValue(v.result);
  }
  if ('error' in v) return { kind: 'invalid', message: `La cellule contient une erreur (${String(v.error)})` };
  if ('richText' in v) return textCell(v.richText.map((t) => t.text).join(''));
  if ('text' in v) {
    const t = v.text as unknown;
    if (typeof t === 'string') return textCell(t);
    if (t && typeof t === 'object' && 'richText' in t) return textCell((t as { richText: { text: string }[] }).richText.map((r) => r.text).join(''));
  }
  return { kind: 'invalid', message: 'Cellule illisible' };
}

// ——— Signatures ———————————————————————————————————————————————————————————————————————————————————————————————

const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOleCompound = (b: Uint8Array) => b.length >= 8 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;
