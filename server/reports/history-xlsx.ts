import ExcelJS from 'exceljs';
import { CHANGE_ORIGIN_LABELS, describeEvent, type AuditEntry } from '../../schemas/audit.ts';
import { brusselsTime, formatDateTime } from '../../schemas/dates.ts';
import { spreadsheetText } from './xlsx.ts';

/**
 * The audit trail of a plan as a workbook: one row per changed value (and one row for an entry without values,
 * such as a submission), newest first, under a title and the date of generation. Pure: reads no database, clock or
 * environment. Every text of the trail (names, reasons, values) is written as a string value, never as a formula:
 * a value typed `=SUM(A1)` stays that text.
 */

export type HistoryWorkbookInput = {
  /** "PCS Liège <années>". */
  planName: string;
  entries: readonly AuditEntry[];
  /** What the trail is limited to ("Fiche 1.1.05 (CALIF)"), or null for the whole plan. */
  scope: string | null;
  generatedAt: Date;
};

export const HISTORY_SHEET = 'Historique';

export const HISTORY_COLUMNS = [
  { title: 'Date et heure', width: 19 },
  { title: 'Personne', width: 24 },
  { title: 'Rôle', width: 20 },
  { title: 'Origine', width: 16 },
  { title: 'Événement', width: 22 },
  { title: 'Valeur', width: 48 },
  { title: 'Ancienne valeur', width: 30 },
  { title: 'Nouvelle valeur', width: 30 },
  { title: 'Motif', width: 30 },
] as const;

/** Rows above the table: title, generation line, blank, column headers. */
const HEADER_ROW = 4;

/**
 * The instant as a date-and-time value holding Brussels wall-clock time (spreadsheets have no time zones), so that
 * Excel sorts and filters it and shows `JJ/MM/AAAA HH:MM:SS`.
 */
export function brusselsWallClock(iso: string): Date {
  const t = brusselsTime(iso);
  return new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
}

/** The rows of the table, in the order of the columns: one per value, one for an entry without values. */
export function historyRows(entries: readonly AuditEntry[]): (string | Date)[][] {
  return entries.flatMap((entry) => {
    const common = [
      brusselsWallClock(entry.at),
      spreadsheetText(entry.userName),
      spreadsheetText(entry.userRole),
      CHANGE_ORIGIN_LABELS[entry.origin] ?? entry.origin,
      spreadsheetText(describeEvent(entry)),
    ];
    const reason = spreadsheetText(entry.reason);
    if (!entry.values.length) return [[...common, '', '', '', reason]];
    // The value by its French name only: a path or a row id means nothing to the reader.
    return entry.values.map((v) => [...common, spreadsheetText(v.label), spreadsheetText(v.oldText), spreadsheetText(v.newText), reason]);
  });
}

const BORDER: Partial<ExcelJS.Borders> = {
  top: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  left: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  bottom: { style: 'thin', color: { argb: 'FFBFBFBF' } },
  right: { style: 'thin', color: { argb: 'FFBFBFBF' } },
};

export async function renderHistoryWorkbook(input: HistoryWorkbookInput): Promise<Uint8Array> {
  const { planName, entries, scope, generatedAt } = input;
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Cohésio';
  wb.title = `${planName} - historique`;
  wb.created = generatedAt;
  wb.modified = generatedAt;

  const ws = wb.addWorksheet(HISTORY_SHEET, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.6, header: 0.25, footer: 0.3 },
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
    },
    headerFooter: { oddFooter: '&L&8Cohésio&C&8&A&R&8Page &P / &N' },
  });
  HISTORY_COLUMNS.forEach((c, i) => (ws.getColumn(i + 1).width = c.width));

  const rows = historyRows(entries);
  const title = ws.getCell(1, 1);
  title.value = spreadsheetText(`Historique des modifications — ${planName}${scope ? ` — ${scope}` : ''}`);
  title.font = { bold: true, size: 14, color: { argb: 'FF1F3864' } };
  const count = entries.length;
  const info = ws.getCell(2, 1);
  info.value = `Généré le ${formatDateTime(generatedAt.toISOString())} (heure de Bruxelles) — ${count} entrée${count > 1 ? 's' : ''}, ${rows.length} ligne${rows.length > 1 ? 's' : ''}, de la plus récente à la plus ancienne`;
  info.font = { italic: true, size: 9, color: { argb: 'FF595959' } };

  const header = ws.getRow(HEADER_ROW);
  HISTORY_COLUMNS.forEach((c, i) => {
    const cell = header.getCell(i + 1);
    cell.value = c.title;
    cell.style = {
      font: { bold: true, size: 10 },
      fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } },
      border: BORDER,
      alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
    };
  });

  const body: Partial<ExcelJS.Style> = { font: { size: 10 }, border: BORDER, alignment: { vertical: 'top', wrapText: true } };
  const date: Partial<ExcelJS.Style> = { ...body, numFmt: 'dd/mm/yyyy hh:mm:ss' };
  rows.forEach((values, r) => {
    const row = ws.getRow(HEADER_ROW + 1 + r);
    values.forEach((value, c) => {
      const cell = row.getCell(c + 1);
      // Plain values only: exceljs writes a string as a string, formulas only from `{ formula }` objects.
      cell.value = value === '' ? null : value;
      cell.style = c === 0 ? date : body;
    });
  });
  ws.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: HEADER_ROW + rows.length, column: HISTORY_COLUMNS.length } };

  const buffer = await wb.xlsx.writeBuffer();
  return new Uint8Array(buffer as ArrayBuffer);
}
