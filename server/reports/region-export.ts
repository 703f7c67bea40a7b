import { INDICATOR_CATEGORIES } from '../../schemas/enums.ts';
import { CONSOLIDATION_MODE_LABELS, REGION_EXPORT_COLUMNS, codeDimensions, isAdditiveUnit, type RegionData } from '../../schemas/consolidation.ts';
import { PERCENT_SPREADSHEET_FORMAT, UNITS, formatBelgianNumber, unitScale, type Unit } from '../../schemas/numbers.ts';
import { MAIN_NS, REL_NS, XML_HEAD, packageParts, quotedSheetName, sheetPartName, spreadsheetText, xmlText } from './workbook-xml.ts';
import { columnLetter } from './layout/model.ts';
import { deflatedPart, streamedDeflatedPart, writeZip } from '../zip.ts';

/**
 * The flat consolidated export of a programme (issue 19 item 4): one row per plan × fiche × indicator × year, with
 * porteur, province, commune, the catalogue's codes and words, the indicator's label, unit, target and actual — as
 * XLSX (header frozen, autofilter) or CSV (UTF-8 with BOM, `;`, as Belgian Excel opens it). Pure: the data is
 * gathered by the caller; rows are produced one at a time and written as they come (the XLSX's sheet deflated batch
 * by batch), so memory stays flat whatever the number of plans. No text becomes a formula (`spreadsheetText`).
 */

export type ExportProgress = (rowsDone: number, rowsTotal: number) => void;

type Cell = string | number | null;
/**
 * One row: the columns up to « Agrégation entre plans » (`prefix`, its texts already inert and shared by the
 * indicator's years), then the year, target and actual in the unit's minor unit.
 */
export type ExportRow = { prefix: readonly Cell[]; annee: number; target: number | null; actual: number | null; unit: Unit };

/** Rows the export will have: every indicator row × every programme year. */
export function countExportRows(data: RegionData): number {
  let n = 0;
  for (const p of data.plans) for (const a of p.actions) n += a.indicators.length;
  return n * data.programme.years.length;
}

/** A value of the unit as a spreadsheet number: euros for money, a fraction for a percentage, else the real value. */
function spreadsheetNumber(value: number | null, unit: Unit): number | null {
  if (value === null) return null;
  if (unit === 'percent') return value / 10_000;
  return value / 10 ** unitScale(unit);
}

const text = (t: string | null) => (t === null ? null : spreadsheetText(t));

/** The export's rows in order: plans by porteur, fiches and indicators in form order, years of the programme. */
export function* regionExportRows(data: RegionData): Generator<ExportRow> {
  const codes = new Map<string, ReturnType<typeof codeDimensions>>();
  for (const plan of data.plans) {
    const planCells = [text(plan.porteur), text(plan.province), text(plan.commune)];
    for (const [ficheIndex, action] of plan.actions.entries()) {
      let cd = codes.get(action.code);
      if (!cd) {
        cd = codeDimensions(data.catalogue, action.code);
        codes.set(action.code, cd);
      }
      const actionCells = [
        ...planCells,
        text(action.code),
        text(cd.axe),
        text(cd.thematique),
        text(cd.objectif),
        text(cd.intitule),
        ficheIndex + 1,
        text(action.operateur),
      ];
      for (const ind of action.indicators) {
        const category = INDICATOR_CATEGORIES.find((c) => c.code === ind.category)?.label ?? ind.category;
        const prefix = [
          ...actionCells,
          text(category),
          text(ind.label),
          UNITS.find((u) => u.code === ind.unit)!.label,
          CONSOLIDATION_MODE_LABELS[isAdditiveUnit(ind.unit) ? 'somme' : 'moyenne'],
        ];
        for (const annee of data.programme.years) {
          const v = ind.values[String(annee)];
          yield { prefix, annee, target: v?.target ?? null, actual: v?.actual ?? null, unit: ind.unit };
        }
      }
    }
  }
}

const WIDTHS = [32, 14, 18, 10, 30, 30, 40, 40, 8, 28, 26, 48, 14, 22, 8, 14, 14];
const NUMBER_FORMATS: Record<Unit, string> = {
  count: '#,##0',
  money: '#,##0.00',
  percent: PERCENT_SPREADSHEET_FORMAT,
  average: '#,##0.0#',
  score: '0.0#',
  etp: '0.00',
};
const PROGRESS_EVERY = 2000;
const SHEET = 'Consolidation';

/** The cell formats: 0 plain, 1 the header (bold on blue), then one per unit's number format. */
const UNIT_STYLE = Object.fromEntries(Object.keys(NUMBER_FORMATS).map((u, i) => [u, i + 2])) as Record<Unit, number>;
const BUILT_IN_FORMATS: Record<string, number> = { '0.00': 2, '#,##0': 3, '#,##0.00': 4 };

function stylesXml(): string {
  const custom = new Map<string, number>();
  const xfs = Object.values(NUMBER_FORMATS).map((code) => {
    const id = BUILT_IN_FORMATS[code] ?? custom.get(code) ?? 164 + custom.size;
    if (id >= 164) custom.set(code, id);
    return `<xf numFmtId="${id}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>`;
  });
  const numFmts = [...custom].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${xmlText(code)}"/>`);
  return (
    `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
    (numFmts.length ? `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>` : '') +
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>' +
    '<fill><patternFill patternType="solid"><fgColor rgb="FFD9E1F2"/></patternFill></fill></fills>' +
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
    `<cellXfs count="${xfs.length + 2}"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
    `<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>${xfs.join('')}</cellXfs>` +
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
  );
}

/** One cell: a text (`t="str"`, no shared strings), a number, or nothing for a blank without a format. */
function cellXml(ref: string, value: Cell, style = 0): string {
  const s = style ? ` s="${style}"` : '';
  if (value === null) return style ? `<c r="${ref}"${s}/>` : '';
  if (typeof value === 'number') return Number.isFinite(value) ? `<c r="${ref}"${s}><v>${value}</v></c>` : '';
  return `<c r="${ref}"${s} t="str"><v>${xmlText(value)}</v></c>`;
}

/** The XML of a row's first cells cut where the row's number goes: `pieces.join(String(row))` is that XML. */
function prefixXmlPieces(prefix: readonly Cell[], letters: readonly string[]): string[] {
  const pieces: string[] = [];
  let open = '';
  prefix.forEach((value, c) => {
    const xml = cellXml(`${letters[c]}\u0000`, value);
    if (!xml) return;
    const [before, after] = xml.split('\u0000') as [string, string];
    pieces.push(open + before);
    open = after;
  });
  pieces.push(open);
  return pieces;
}

/**
 * The XLSX: one sheet « Consolidation », header frozen, autofilter over every column, numbers as numbers. The sheet's
 * XML is written a batch of rows at a time and deflated as it comes (zip.ts), so memory holds the compressed file
 * and one batch, whatever the number of plans.
 */
export async function writeRegionXlsx(data: RegionData, options: { generatedAt: Date; onProgress?: ExportProgress }): Promise<Uint8Array> {
  const total = countExportRows(data);
  const lastCol = REGION_EXPORT_COLUMNS.length;
  const letters = REGION_EXPORT_COLUMNS.map((_, i) => columnLetter(i + 1));
  const lastLetter = letters[lastCol - 1]!;
  const sheet = streamedDeflatedPart(sheetPartName(0), 1);
  const encoder = new TextEncoder();
  const header = REGION_EXPORT_COLUMNS.map((h, i) => cellXml(`${letters[i]}1`, spreadsheetText(h), 1)).join('');
  await sheet.write(
    encoder.encode(
      `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>` +
        `<dimension ref="A1:${lastLetter}${total + 1}"/>` +
        '<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
        '<selection pane="bottomLeft"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>' +
        `<cols>${REGION_EXPORT_COLUMNS.map((_, i) => `<col min="${i + 1}" max="${i + 1}" width="${WIDTHS[i] ?? 14}" customWidth="1"/>`).join('')}</cols>` +
        `<sheetData><row r="1">${header}</row>`,
    ),
  );

  const prefixLength = REGION_EXPORT_COLUMNS.length - 3;
  let done = 0;
  // Rows joined per batch: a flat string (appending each row to one string builds a rope that is slow to encode).
  let batch: string[] = [];
  // The columns before the year are the same for every year of an indicator: their XML is made once, in pieces
  // joined by each row's number.
  let lastPrefix: readonly Cell[] | null = null;
  let prefixPieces: string[] = [];
  for (const row of regionExportRows(data)) {
    const r = done + 2;
    if (row.prefix !== lastPrefix) {
      lastPrefix = row.prefix;
      prefixPieces = prefixXmlPieces(row.prefix, letters);
    }
    const style = UNIT_STYLE[row.unit];
    const xml =
      `<row r="${r}">${prefixPieces.join(String(r))}` +
      cellXml(`${letters[prefixLength]}${r}`, row.annee) +
      cellXml(`${letters[prefixLength + 1]}${r}`, spreadsheetNumber(row.target, row.unit), style) +
      cellXml(`${letters[prefixLength + 2]}${r}`, spreadsheetNumber(row.actual, row.unit), style);
    batch.push(`${xml}</row>`);
    if (++done % PROGRESS_EVERY === 0) {
      await sheet.write(encoder.encode(batch.join('')));
      batch = [];
      options.onProgress?.(done, total);
    }
  }
  await sheet.write(
    encoder.encode(
      `${batch.join('')}</sheetData><autoFilter ref="A1:${lastLetter}1"/>` +
        '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>' +
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>',
    ),
  );
  const sheetPart = await sheet.finish();
  const parts = packageParts({
    title: null,
    sheets: [
      { name: SHEET, hidden: false, definedNames: [{ name: '_xlnm._FilterDatabase', value: `${quotedSheetName(SHEET)}!$A$1:$${lastLetter}$1`, hidden: true }] },
    ],
    sharedStrings: false,
    generatedAt: options.generatedAt,
  });
  options.onProgress?.(done, total);
  return writeZip([
    ...parts.map((p) => deflatedPart(p.name, encoder.encode(p.xml), 1)),
    sheetPart,
    deflatedPart('xl/styles.xml', encoder.encode(stylesXml()), 1),
  ]);
}

/** A CSV field (texts already inert: `'=1+1`): quoted when it holds the separator, a quote or a line break. */
function csvField(value: Cell): string {
  if (value === null) return '';
  const t = String(value);
  return /[;"\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** A value in Belgian decimals without thousands separators (`1234,56`), in the unit's own figure (21,9 for 21,9 %). */
function csvNumber(value: number | null, unit: Unit): string {
  return value === null ? '' : formatBelgianNumber(value, unitScale(unit)).replace(/\./g, '');
}

/** The CSV: UTF-8 with BOM, `;` between fields, CRLF, Belgian decimals — what Belgian Excel opens as is. */
export async function writeRegionCsv(data: RegionData, options: { onProgress?: ExportProgress }): Promise<Uint8Array> {
  const total = countExportRows(data);
  const parts: Buffer[] = [
    Buffer.from('\ufeff', 'utf8'),
    Buffer.from(`${REGION_EXPORT_COLUMNS.map((h) => csvField(spreadsheetText(h))).join(';')}\r\n`, 'utf8'),
  ];
  let batch: string[] = [];
  let done = 0;
  // The columns before the year are the same for every year of an indicator: joined once.
  let lastPrefix: readonly Cell[] | null = null;
  let prefixText = '';
  for (const row of regionExportRows(data)) {
    if (row.prefix !== lastPrefix) {
      lastPrefix = row.prefix;
      prefixText = row.prefix.map(csvField).join(';');
    }
    batch.push(`${prefixText};${row.annee};${csvNumber(row.target, row.unit)};${csvNumber(row.actual, row.unit)}`);
    if (++done % PROGRESS_EVERY === 0) {
      parts.push(Buffer.from(`${batch.join('\r\n')}\r\n`, 'utf8'));
      batch = [];
      options.onProgress?.(done, total);
      await new Promise((r) => setImmediate(r));
    }
  }
  if (batch.length) parts.push(Buffer.from(`${batch.join('\r\n')}\r\n`, 'utf8'));
  options.onProgress?.(done, total);
  return Buffer.concat(parts);
}
