import type { Content, CustomTableLayout, TableCell } from 'pdfmake/interfaces.js';
import { printedValue, type CellStyle, type Figure, type LayoutCell, type LayoutRow, type SheetLayout } from '../layout/model.ts';

/**
 * One sheet of the workbook layout as PDF content: the same rows, labels and values as the XLSX, laid out for
 * reading. Runs of cell rows become tables whose widths follow the sheet's columns (a header row repeats on every
 * page and no row is split); a text spanning the whole width becomes a paragraph box that may break across pages.
 */

export type SheetContentOptions = {
  /** The plan document the bound cells are read from. */
  doc: unknown;
  /** Usable width and height of the page in points. */
  pageWidth: number;
  pageHeight: number;
  /** The content drawn for a figure row (charts), or null to skip it. */
  figure: (figure: Figure) => Content | null;
  /** Destination id of a printed sheet, for internal links ("Voir la fiche"); null when it is not printed. */
  destinationOf: (sheetName: string) => string | null;
  /**
   * Destination id given to the sheet's title, so the table of contents and links can point at it; null for a
   * sheet printed as the continuation of another one (no title of its own is added).
   */
  titleId: string | null;
  /** Title and introduction of a sheet that has no title row of its own (the annex). */
  heading?: { title: string; intro: Content[] };
  /** Called while pdfmake lays out this sheet's tables (it asks their rules as it goes), to report progress. */
  onLayout?: () => void;
};

/** Thin grey rules like the official form. */
export const FORM_TABLE_LAYOUT: CustomTableLayout = {
  hLineWidth: () => 0.4,
  vLineWidth: () => 0.4,
  hLineColor: () => '#aab4bf',
  vLineColor: () => '#aab4bf',
  paddingLeft: () => 3,
  paddingRight: () => 3,
  paddingTop: () => 1.5,
  paddingBottom: () => 1.5,
};

const FILL: Partial<Record<CellStyle, string>> = {
  tableHeader: '#dde5ee',
  label: '#f3f5f8',
  total: '#eaf1f8',
  computed: '#eaf1f8',
};
const BOLD = new Set<CellStyle>(['tableHeader', 'label', 'total']);
/** A note inside a table (a justification under its finding) prints in italics, like the workbook's notes. */
const ITALIC = new Set<CellStyle>(['note']);

export function sheetContent(sheet: SheetLayout, opts: SheetContentOptions): Content[] {
  const lastCol = Math.max(2, ...sheet.rows.flatMap((r) => r.cells.map((c) => c.col + (c.span ?? 1) - 1)));
  const colWidths = sheet.widths.slice(1, lastCol);
  while (colWidths.length < lastCol - 1) colWidths.push(10);
  const total = colWidths.reduce((a, b) => a + b, 0);
  // Each column adds its padding (2 × 3 pt) and a rule to the widths given.
  const widths = colWidths.map((w) => Math.max(12, ((opts.pageWidth - 6.5 * colWidths.length) * w) / total));

  const onLayout = opts.onLayout;
  const layout: CustomTableLayout = onLayout
    ? {
        ...FORM_TABLE_LAYOUT,
        hLineWidth: () => {
          onLayout();
          return 0.4;
        },
      }
    : FORM_TABLE_LAYOUT;
  const out: Content[] = [];
  let titled = false;
  let table: { body: TableCell[][]; headerRows: number; hasTallRow: boolean } | null = null;
  // Section titles, subtitles and labels wait for what follows them, so none is left alone at the foot of a page.
  let pending: Heading[] = [];
  const flush = () => {
    if (table && table.body.length > 0) {
      out.push({
        // A row taller than half a page may break, and is not kept with the header rows: pdfmake 0.3 would drop it
        // from the document otherwise.
        table: {
          widths,
          body: table.body,
          headerRows: table.headerRows,
          dontBreakRows: !table.hasTallRow,
          keepWithHeaderRows: table.hasTallRow ? 0 : 1,
        },
        layout,
        margin: [0, 0, 0, 2],
      });
    }
    table = null;
  };
  /** Puts `content` after the waiting headings, on the same page when `keep`. */
  const emit = (content: Content, keep: boolean) => {
    flush();
    if (pending.length === 0) out.push(content);
    else if (keep) out.push({ stack: [...pending.map(headingContent), content], unbreakable: true });
    else out.push(...pending.map(headingContent), content);
    pending = [];
  };

  for (const row of sheet.rows) {
    if (row.figure) {
      const drawn = opts.figure(row.figure);
      if (drawn) emit(drawn, true);
      continue;
    }
    const cells = row.cells.filter((c) => c.col >= 2);
    if (cells.length === 0) {
      if (pending.length === 0) emit({ text: ' ', fontSize: 4 }, false);
      continue;
    }
    const first = cells[0]!;
    const text = () => printedValue(first, opts.doc);
    if (cells.length === 1 && first.style === 'runningHeader') continue;
    const isFullWidth = cells.length === 1 && first.col === 2 && (first.span ?? 1) >= lastCol - 1;
    if (cells.length === 1 && (first.style === 'section' || first.style === 'subtitle' || (isFullWidth && first.style === 'label'))) {
      flush();
      pending.push({ style: first.style === 'label' ? 'longLabel' : first.style, text: text() });
      continue;
    }
    if (cells.length === 1 && (first.style === 'title' || first.style === 'note')) {
      const isTitle: boolean = first.style === 'title' && !titled;
      emit({ text: text(), style: first.style, ...(isTitle && opts.titleId !== null ? { id: opts.titleId } : {}) }, true);
      titled ||= isTitle;
      continue;
    }
    if (isFullWidth) {
      const value = text();
      emit(textBox(value), value.length < KEEP_TEXT_CHARS);
      continue;
    }
    const isHeader = cells.every((c) => c.style === 'tableHeader');
    if (isHeader || !table || pending.length > 0) {
      flush();
      table = { body: pending.map((h) => headingRow(h, lastCol)), headerRows: pending.length, hasTallRow: false };
      pending = [];
      if (isHeader) table.headerRows++;
    }
    table!.body.push(tableRow(row, lastCol, opts));
    table!.hasTallRow ||= estimatedRowHeight(row, widths, opts.doc) > opts.pageHeight / 2;
  }
  emit({ text: '' }, false);
  if (!titled && opts.titleId !== null)
    out.unshift({ text: opts.heading?.title ?? sheet.name, style: 'title', id: opts.titleId }, ...(opts.heading?.intro ?? []));
  return out;
}

/** Points of the tallest cell of a row, from its text and its column widths (8 pt text, about 0,5 em a character). */
function estimatedRowHeight(row: LayoutRow, widths: readonly number[], doc: unknown): number {
  let tallest = 0;
  for (const cell of row.cells) {
    if (cell.col < 2) continue;
    const width = widths.slice(cell.col - 2, cell.col - 2 + (cell.span ?? 1)).reduce((a, b) => a + b, 0);
    const perLine = Math.max(1, Math.floor(width / 4));
    const lines = printedValue(cell, doc)
      .split('\n')
      .reduce((n, paragraph) => n + Math.max(1, Math.ceil(paragraph.length / perLine)), 0);
    tallest = Math.max(tallest, lines * 10.5 + 3);
  }
  return tallest;
}

type Heading = { style: 'section' | 'subtitle' | 'longLabel'; text: string };

/** A text box shorter than this stays on one page with its label; a longer one may continue on the next. */
const KEEP_TEXT_CHARS = 1500;

function headingContent(h: Heading): Content {
  return h.style === 'section' ? sectionBand(h.text) : { text: h.text, style: h.style };
}

/** A heading as a full-width row at the top of the table it introduces (repeated with the table's header). */
function headingRow(h: Heading, lastCol: number): TableCell[] {
  const cell: TableCell =
    h.style === 'section'
      ? { text: h.text, style: 'section', fillColor: SECTION_FILL, colSpan: lastCol - 1, border: NO_BORDER }
      : { text: h.text, style: h.style, colSpan: lastCol - 1, border: NO_BORDER };
  return [cell, ...Array.from({ length: lastCol - 2 }, (): TableCell => ({ text: '', border: NO_BORDER }))];
}

const SECTION_FILL = '#2f5f8a';
const NO_BORDER: [boolean, boolean, boolean, boolean] = [false, false, false, false];

/** A section title as a coloured band across the page, kept with what follows it. */
function sectionBand(text: string): Content {
  return {
    table: { widths: ['*'], body: [[{ text, style: 'section', fillColor: SECTION_FILL, border: NO_BORDER }]] },
    layout: FORM_TABLE_LAYOUT,
    margin: [0, 6, 0, 3],
  };
}

/** A long text in a box across the page. */
function textBox(text: string): Content {
  return {
    table: { widths: ['*'], body: [[{ text: text === '' ? ' ' : text, style: 'cell' }]], dontBreakRows: false },
    layout: FORM_TABLE_LAYOUT,
    margin: [0, 0, 0, 4],
  };
}

function tableRow(row: LayoutRow, lastCol: number, opts: SheetContentOptions): TableCell[] {
  const out: TableCell[] = [];
  let col = 2;
  for (const cell of [...row.cells].filter((c) => c.col >= 2).sort((a, b) => a.col - b.col)) {
    while (col < cell.col) {
      out.push({ text: '' });
      col++;
    }
    const span = Math.min(cell.span ?? 1, lastCol - cell.col + 1);
    out.push(tableCell(cell, span, opts));
    for (let i = 1; i < span; i++) out.push({ text: '' });
    col = cell.col + span;
  }
  // The form leaves the rest of a short row blank: one borderless cell rather than empty boxes.
  if (col <= lastCol) {
    // Separate cells, not a span: pdfmake draws the rules of covered cells whatever the span says.
    out.push({ text: '', border: [true, false, false, false] });
    for (col++; col <= lastCol; col++) out.push({ text: '', border: NO_BORDER });
  }
  return out;
}

function tableCell(cell: LayoutCell, span: number, opts: SheetContentOptions): TableCell {
  const text = printedValue(cell, opts.doc);
  const isNumber = typeof (cell.formula !== undefined ? cell.result : cell.value) === 'number';
  const bang = cell.link?.lastIndexOf('!') ?? -1;
  const target = cell.link && text !== '' ? opts.destinationOf(bang === -1 ? cell.link : cell.link.slice(0, bang)) : null;
  // A link to another sheet names its page; the page number is a paragraph of its own because pdfmake fills in
  // page references on the first line of a paragraph only.
  const node: TableCell = target
    ? {
        stack: [
          { text, linkToDestination: target, color: '#1f5f99' },
          { text: [{ text: 'p. ' }, { pageReference: target }], linkToDestination: target },
        ],
        style: 'cell',
      }
    : { text, style: 'cell' };
  if (span > 1) node.colSpan = span;
  if (isNumber && cell.style !== 'tableHeader') node.alignment = 'right';
  if (BOLD.has(cell.style)) node.bold = true;
  if (ITALIC.has(cell.style)) node.italics = true;
  const fill = FILL[cell.style];
  if (fill) node.fillColor = fill;
  return node;
}
