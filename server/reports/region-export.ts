import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { INDICATOR_CATEGORIES } from '../../schemas/enums.ts';
import { CONSOLIDATION_MODE_LABELS, REGION_EXPORT_COLUMNS, codeDimensions, isAdditiveUnit, type RegionData } from '../../schemas/consolidation.ts';
import { PERCENT_SPREADSHEET_FORMAT, UNITS, formatBelgianNumber, unitScale, type Unit } from '../../schemas/numbers.ts';
import { spreadsheetText } from './xlsx.ts';

/**
 * The flat consolidated export of a programme (issue 19 item 4): one row per plan × fiche × indicator × year, with
 * porteur, province, commune, the catalogue's codes and words, the indicator's label, unit, target and actual — as
 * XLSX (header frozen, autofilter) or CSV (UTF-8 with BOM, `;`, as Belgian Excel opens it). Pure: the data is
 * gathered by the caller; rows are produced one at a time and written as they come (exceljs's streaming writer), so
 * memory stays flat whatever the number of plans. No text becomes a formula (`spreadsheetText`).
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
/**
 * One style object per kind of cell, shared by every cell: exceljs recognises a style object it has seen (a weak
 * map) instead of serialising each cell's style again, which halves the time of a large sheet.
 */
const PLAIN_STYLE: Partial<ExcelJS.Style> = Object.freeze({});
const UNIT_STYLES = Object.fromEntries(Object.entries(NUMBER_FORMATS).map(([u, numFmt]) => [u, Object.freeze({ numFmt })])) as Record<
  Unit,
  Partial<ExcelJS.Style>
>;
const PROGRESS_EVERY = 2000;

/** Collects a stream's bytes. */
function sink(): { stream: Writable; bytes(): Uint8Array } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** The XLSX: one sheet « Consolidation », header frozen, autofilter over every column, numbers as numbers. */
export async function writeRegionXlsx(data: RegionData, options: { generatedAt: Date; onProgress?: ExportProgress }): Promise<Uint8Array> {
  const total = countExportRows(data);
  const out = sink();
  const finished = new Promise<void>((resolve, reject) => {
    out.stream.on('finish', resolve);
    out.stream.on('error', reject);
  });
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out.stream, useStyles: true, useSharedStrings: false, zip: { zlib: { level: 1 } } });
  wb.creator = 'Cohésio';
  wb.created = options.generatedAt;
  wb.modified = options.generatedAt;
  const lastCol = REGION_EXPORT_COLUMNS.length;
  const ws = wb.addWorksheet('Consolidation', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 1 }],
    pageSetup: { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  ws.columns = REGION_EXPORT_COLUMNS.map((header, i) => ({ header, key: `c${i}`, width: WIDTHS[i] ?? 14 }));
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: lastCol } };
  const header = ws.getRow(1);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
  header.commit();

  const prefixLength = REGION_EXPORT_COLUMNS.length - 3;
  let done = 0;
  for (const row of regionExportRows(data)) {
    const wsRow = ws.addRow([...row.prefix, row.annee, spreadsheetNumber(row.target, row.unit), spreadsheetNumber(row.actual, row.unit)]);
    const valueStyle = UNIT_STYLES[row.unit];
    for (let c = 1; c <= lastCol; c++) wsRow.getCell(c).style = c > prefixLength + 1 ? valueStyle : PLAIN_STYLE;
    wsRow.commit();
    if (++done % PROGRESS_EVERY === 0) {
      options.onProgress?.(done, total);
      // Lets the zip stream drain between batches.
      await new Promise((r) => setImmediate(r));
    }
  }
  ws.commit();
  await wb.commit();
  await finished;
  options.onProgress?.(done, total);
  return out.bytes();
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
