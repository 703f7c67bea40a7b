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
/** The value columns (target, actual) carry the unit's figure; the others are text or the year. */
export type ExportRow = { cells: Cell[]; unit: Unit };

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

/** The export's rows in order: plans by porteur, fiches and indicators in form order, years of the programme. */
export function* regionExportRows(data: RegionData): Generator<ExportRow> {
  const codes = new Map<string, ReturnType<typeof codeDimensions>>();
  for (const plan of data.plans) {
    for (const [ficheIndex, action] of plan.actions.entries()) {
      let cd = codes.get(action.code);
      if (!cd) {
        cd = codeDimensions(data.catalogue, action.code);
        codes.set(action.code, cd);
      }
      for (const ind of action.indicators) {
        const unitLabel = UNITS.find((u) => u.code === ind.unit)!.label;
        const category = INDICATOR_CATEGORIES.find((c) => c.code === ind.category)?.label ?? ind.category;
        const mode = CONSOLIDATION_MODE_LABELS[isAdditiveUnit(ind.unit) ? 'somme' : 'moyenne'];
        for (const year of data.programme.years) {
          const v = ind.values[String(year)];
          yield {
            unit: ind.unit,
            cells: [
              plan.porteur,
              plan.province,
              plan.commune,
              action.code,
              cd.axe,
              cd.thematique,
              cd.objectif,
              cd.intitule,
              ficheIndex + 1,
              action.operateur,
              category,
              ind.label,
              unitLabel,
              mode,
              year,
              v?.target ?? null,
              v?.actual ?? null,
            ],
          };
        }
      }
    }
  }
}

const TARGET_COL = REGION_EXPORT_COLUMNS.indexOf('Cible');
const ACTUAL_COL = REGION_EXPORT_COLUMNS.indexOf('Réalisé');
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

/** Collects a stream's bytes. */
function sink(): { stream: Writable; bytes(): Uint8Array } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  return { stream, bytes: () => new Uint8Array(Buffer.concat(chunks)) };
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

  let done = 0;
  for (const row of regionExportRows(data)) {
    const values = row.cells.map((c, i) =>
      i === TARGET_COL || i === ACTUAL_COL ? spreadsheetNumber(c as number | null, row.unit) : typeof c === 'string' ? spreadsheetText(c) : c,
    );
    const wsRow = ws.addRow(values);
    wsRow.getCell(TARGET_COL + 1).numFmt = NUMBER_FORMATS[row.unit];
    wsRow.getCell(ACTUAL_COL + 1).numFmt = NUMBER_FORMATS[row.unit];
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

/** A CSV field: quoted when it holds the separator, a quote or a line break; texts inert (`'=1+1`). */
function csvField(value: Cell, isText: boolean): string {
  if (value === null) return '';
  const text = isText ? spreadsheetText(String(value)) : String(value);
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A value in Belgian decimals without thousands separators (`1234,56`), in the unit's own figure (21,9 for 21,9 %). */
function csvNumber(value: number | null, unit: Unit): string {
  return value === null ? '' : formatBelgianNumber(value, unitScale(unit)).replace(/\./g, '');
}

/** The CSV: UTF-8 with BOM, `;` between fields, CRLF, Belgian decimals — what Belgian Excel opens as is. */
export async function writeRegionCsv(data: RegionData, options: { onProgress?: ExportProgress }): Promise<Uint8Array> {
  const total = countExportRows(data);
  const parts: Buffer[] = [Buffer.from('\ufeff', 'utf8'), Buffer.from(`${REGION_EXPORT_COLUMNS.map((h) => csvField(h, true)).join(';')}\r\n`, 'utf8')];
  let batch: string[] = [];
  let done = 0;
  for (const row of regionExportRows(data)) {
    batch.push(
      row.cells.map((c, i) => (i === TARGET_COL || i === ACTUAL_COL ? csvNumber(c as number | null, row.unit) : csvField(c, typeof c === 'string'))).join(';'),
    );
    if (++done % PROGRESS_EVERY === 0) {
      parts.push(Buffer.from(`${batch.join('\r\n')}\r\n`, 'utf8'));
      batch = [];
      options.onProgress?.(done, total);
      await new Promise((r) => setImmediate(r));
    }
  }
  if (batch.length) parts.push(Buffer.from(`${batch.join('\r\n')}\r\n`, 'utf8'));
  options.onProgress?.(done, total);
  return new Uint8Array(Buffer.concat(parts));
}
