import { KEY_COLUMN, columnLetter, type CellStyle, type LayoutCell, type SheetLayout, type WorkbookLayout } from './layout/model.ts';
import { inertSpreadsheetText } from '../../schemas/spreadsheet-text.ts';

/**
 * The parts of an XLSX file (SpreadsheetML XML) written straight from a workbook layout. Pure: strings in, strings
 * out, no clock (the document date is an argument). Writing the XML ourselves costs a quarter of building exceljs's
 * object model and serialising it (the first download of a changed plan was 250 ms, mostly exceljs); exceljs still
 * reads every workbook people send back. User text only ever becomes a shared string, never a formula; formulas come
 * from the layout, each with its computed result so that readers that do not recalculate show the figures.
 */

/** Excel keeps at most 32 767 characters in a cell. */
const MAX_CELL_TEXT = 32_767;

/**
 * Text as a spreadsheet cell can hold it: the characters XML 1.0 forbids removed (a file with them is refused by
 * Excel), cut to Excel's limit, and inert (`=1+1` written `'=1+1`, schemas/spreadsheet-text.ts) so that it stays
 * text after a re-save as CSV. Every text our workbooks write goes through it; the importer strips the apostrophe.
 */
export function spreadsheetText(text: string | null | undefined): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are what the pattern removes
  const clean = inertSpreadsheetText((text ?? '').replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, ''));
  return clean.length > MAX_CELL_TEXT ? `${clean.slice(0, MAX_CELL_TEXT - 1)}…` : clean;
}

/** One part of the package: its path in the archive and its XML. */
export type XmlPart = { name: string; xml: string };

export const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
export const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
export const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
/** Text or attribute value escaped for XML. */
export function xmlText(text: string): string {
  return /[&<>"']/.test(text) ? text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!) : text;
}

// ——— Styles ———————————————————————————————————————————————————————————————————————————————————————————————————

type Font = { bold?: boolean; italic?: boolean; size: number; color?: string };
type StyleSpec = { font: Font; fill?: string; border?: boolean; vertical: 'top' | 'center'; horizontal?: 'center'; wrap: boolean };

const STYLES: Record<CellStyle, StyleSpec> = {
  runningHeader: { font: { italic: true, size: 9, color: 'FF595959' }, vertical: 'center', wrap: false },
  title: { font: { bold: true, size: 14, color: 'FF1F3864' }, vertical: 'center', wrap: false },
  subtitle: { font: { bold: true, size: 11 }, vertical: 'top', wrap: true },
  section: { font: { bold: true, size: 11, color: 'FFFFFFFF' }, fill: 'FF1F4E79', vertical: 'center', wrap: true },
  tableHeader: { font: { bold: true, size: 10 }, fill: 'FFD9E1F2', border: true, vertical: 'center', horizontal: 'center', wrap: true },
  label: { font: { size: 10 }, vertical: 'top', wrap: true },
  static: { font: { size: 10 }, border: true, vertical: 'top', wrap: true },
  input: { font: { size: 10 }, fill: 'FFFFF8DC', border: true, vertical: 'top', wrap: true },
  inputOverride: { font: { size: 10, bold: true }, fill: 'FFF8CBAD', border: true, vertical: 'top', wrap: true },
  computed: { font: { size: 10, italic: true }, fill: 'FFEDEDED', border: true, vertical: 'top', wrap: true },
  total: { font: { size: 10, bold: true }, fill: 'FFEDEDED', border: true, vertical: 'top', wrap: true },
  note: { font: { size: 9, italic: true, color: 'FF404040' }, vertical: 'top', wrap: true },
};

/** Number formats Excel knows by number (no numFmt entry needed). */
const BUILT_IN_FORMATS: Record<string, number> = { '0': 1, '0.00': 2, '#,##0': 3, '#,##0.00': 4, '0%': 9, '0.00%': 10 };

/** The cell formats of one workbook, numbered as the sheets ask for them (0 is the default format). */
class StyleTable {
  private readonly ids = new Map<string, number>();
  private readonly xfs: { style: CellStyle; numFmtId: number; locked: boolean }[] = [];
  private readonly customFormats = new Map<string, number>();

  idOf(style: CellStyle, numFmt: string | undefined, locked: boolean): number {
    const key = `${style}|${numFmt ?? ''}|${locked}`;
    let id = this.ids.get(key);
    if (id === undefined) {
      let numFmtId = 0;
      if (numFmt) {
        numFmtId = BUILT_IN_FORMATS[numFmt] ?? this.customFormats.get(numFmt) ?? 164 + this.customFormats.size;
        if (numFmtId >= 164) this.customFormats.set(numFmt, numFmtId);
      }
      this.xfs.push({ style, numFmtId, locked });
      id = this.xfs.length;
      this.ids.set(key, id);
    }
    return id;
  }

  toXml(): string {
    const fonts = [fontXml({ size: 11 })];
    const fills = ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>'];
    const borders = [
      '<border><left/><right/><top/><bottom/><diagonal/></border>',
      `<border>${['left', 'right', 'top', 'bottom'].map((s) => `<${s} style="thin"><color rgb="FFBFBFBF"/></${s}>`).join('')}<diagonal/></border>`,
    ];
    const indexIn = (list: string[], xml: string) => {
      const at = list.indexOf(xml);
      return at >= 0 ? at : list.push(xml) - 1;
    };
    const xfs = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'];
    for (const { style, numFmtId, locked } of this.xfs) {
      const spec = STYLES[style];
      const fontId = indexIn(fonts, fontXml(spec.font));
      const fillId = spec.fill ? indexIn(fills, `<fill><patternFill patternType="solid"><fgColor rgb="${spec.fill}"/></patternFill></fill>`) : 0;
      const borderId = spec.border ? 1 : 0;
      const alignment = `<alignment vertical="${spec.vertical}"${spec.horizontal ? ` horizontal="${spec.horizontal}"` : ''}${spec.wrap ? ' wrapText="1"' : ''}/>`;
      xfs.push(
        `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="${borderId}" xfId="0"${numFmtId ? ' applyNumberFormat="1"' : ''}` +
          ` applyFont="1"${fillId ? ' applyFill="1"' : ''}${borderId ? ' applyBorder="1"' : ''} applyAlignment="1" applyProtection="1">` +
          `${alignment}${locked ? '' : '<protection locked="0"/>'}</xf>`,
      );
    }
    const numFmts = [...this.customFormats].map(([code, id]) => `<numFmt numFmtId="${id}" formatCode="${xmlText(code)}"/>`);
    return (
      `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}">` +
      (numFmts.length ? `<numFmts count="${numFmts.length}">${numFmts.join('')}</numFmts>` : '') +
      `<fonts count="${fonts.length}">${fonts.join('')}</fonts>` +
      `<fills count="${fills.length}">${fills.join('')}</fills>` +
      `<borders count="${borders.length}">${borders.join('')}</borders>` +
      '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
      `<cellXfs count="${xfs.length}">${xfs.join('')}</cellXfs>` +
      '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>' +
      '<dxfs count="0"/><tableStyles count="0" defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>' +
      '</styleSheet>'
    );
  }
}

function fontXml(font: Font): string {
  return (
    `<font>${font.bold ? '<b/>' : ''}${font.italic ? '<i/>' : ''}<sz val="${font.size}"/>` +
    `${font.color ? `<color rgb="${font.color}"/>` : ''}<name val="Calibri"/><family val="2"/></font>`
  );
}

// ——— Shared strings ——————————————————————————————————————————————————————————————————————————————————————————————

/** The workbook's texts, each written once and named by its index. */
class SharedStrings {
  private readonly ids = new Map<string, number>();
  private readonly list: string[] = [];
  private count = 0;

  idOf(text: string): number {
    this.count++;
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.list.push(text) - 1;
      this.ids.set(text, id);
    }
    return id;
  }

  toXml(): string {
    const items = this.list.map((t) => `<si><t xml:space="preserve">${xmlText(t)}</t></si>`);
    return `${XML_HEAD}<sst xmlns="${MAIN_NS}" count="${this.count}" uniqueCount="${this.list.length}">${items.join('')}</sst>`;
  }
}

// ——— Sheets ——————————————————————————————————————————————————————————————————————————————————————————————————————

/** Days since 1899-12-30, Excel's date serial (the time of day as a fraction). */
function excelDate(date: Date): number {
  return 25_569 + date.getTime() / 86_400_000;
}

/** `<v>` of a number, or nothing for what a cell cannot hold. */
function numberXml(n: number): string {
  return Number.isFinite(n) ? `<v>${n}</v>` : '';
}

type CellOut = { style: number; content: string; type: string };

function contentOf(cell: LayoutCell, strings: SharedStrings): { content: string; type: string; link?: string } {
  if (cell.formula !== undefined) {
    const result = cell.result ?? '';
    const f = `<f>${xmlText(cell.formula)}</f>`;
    return typeof result === 'number' ? { content: `${f}${numberXml(result)}`, type: '' } : { content: `${f}<v>${xmlText(result)}</v>`, type: 'str' };
  }
  if (cell.link !== undefined) {
    const [sheet, ref = 'A1'] = cell.link.split('!');
    return { content: `<v>${strings.idOf(spreadsheetText(String(cell.value ?? '')))}</v>`, type: 's', link: `${quotedSheetName(sheet!)}!${ref}` };
  }
  const v = cell.value;
  if (typeof v === 'string') return { content: `<v>${strings.idOf(spreadsheetText(v))}</v>`, type: 's' };
  if (typeof v === 'number') return { content: numberXml(v), type: '' };
  if (v instanceof Date) return { content: numberXml(excelDate(v)), type: '' };
  return { content: '', type: '' };
}

function listOf(cell: LayoutCell): string | null {
  const codec = cell.bind!.codec;
  if (codec.kind === 'choice') return codec.list;
  if (codec.kind === 'yesno') return 'OUI_NON';
  return null;
}

/** [[2,4],[7,7]] from [2,3,4,7]. */
function contiguous(rows: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const r of [...rows].sort((a, b) => a - b)) {
    const last = runs[runs.length - 1];
    if (last && r === last[1] + 1) last[1] = r;
    else runs.push([r, r]);
  }
  return runs;
}

type SheetOptions = { listRanges: Map<string, string>; selected: boolean; hidden?: boolean };

function sheetXml(sheet: SheetLayout, styles: StyleTable, strings: SharedStrings, { listRanges, selected }: SheetOptions): string {
  const rowsXml: string[] = [];
  const merges: string[] = [];
  const links: string[] = [];
  // Validations are written per contiguous run of cells of one column and one list, not cell by cell.
  const validationRuns = new Map<string, { list: string; col: number; rows: number[] }>();
  let maxCol = 1;
  let maxRow = 1;

  sheet.rows.forEach((row, r) => {
    const rowNumber = r + 1;
    const cells = new Map<number, CellOut>();
    if (row.key !== undefined) cells.set(KEY_COLUMN, { style: 0, content: `<v>${strings.idOf(row.key)}</v>`, type: 's' });
    for (const cell of row.cells) {
      const style = styles.idOf(cell.style, cell.numFmt, cell.bind === undefined);
      const { content, type, link } = contentOf(cell, strings);
      cells.set(cell.col, { style, content, type });
      if (link)
        links.push(
          `<hyperlink ref="${columnLetter(cell.col)}${rowNumber}" location="${xmlText(link)}" display="${xmlText(spreadsheetText(String(cell.value ?? '')))}"/>`,
        );
      if (cell.span && cell.span > 1) {
        const last = cell.col + cell.span - 1;
        for (let c = cell.col + 1; c <= last; c++) {
          const covered = cells.get(c);
          cells.set(c, covered ? { ...covered, style } : { style, content: '', type: '' });
        }
        merges.push(`<mergeCell ref="${columnLetter(cell.col)}${rowNumber}:${columnLetter(last)}${rowNumber}"/>`);
      }
      const list = cell.bind ? listOf(cell) : null;
      if (list) {
        const k = `${list}|${cell.col}`;
        const run = validationRuns.get(k) ?? { list, col: cell.col, rows: [] };
        run.rows.push(rowNumber);
        validationRuns.set(k, run);
      }
    }
    if (cells.size === 0 && row.height === undefined) return;
    maxRow = rowNumber;
    const cols = [...cells.keys()].sort((a, b) => a - b);
    maxCol = Math.max(maxCol, cols[cols.length - 1] ?? 1);
    let xml = `<row r="${rowNumber}"${row.height !== undefined ? ` ht="${row.height}" customHeight="1"` : ''}>`;
    for (const col of cols) {
      const c = cells.get(col)!;
      const attrs = `r="${columnLetter(col)}${rowNumber}"${c.style ? ` s="${c.style}"` : ''}${c.type ? ` t="${c.type}"` : ''}`;
      xml += c.content ? `<c ${attrs}>${c.content}</c>` : `<c ${attrs}/>`;
    }
    rowsXml.push(`${xml}</row>`);
  });

  const validations: string[] = [];
  for (const run of validationRuns.values()) {
    const formula = listRanges.get(run.list);
    if (!formula) continue;
    const letter = columnLetter(run.col);
    for (const [from, to] of contiguous(run.rows)) {
      validations.push(
        '<dataValidation type="list" allowBlank="1" showErrorMessage="1" errorStyle="stop" errorTitle="Valeur hors liste"' +
          ` error="Choisissez une valeur dans la liste déroulante." sqref="${letter}${from}:${letter}${to}"><formula1>${xmlText(formula)}</formula1></dataValidation>`,
      );
    }
  }

  const xSplit = sheet.frozenCols ?? 0;
  const ySplit = sheet.frozenRows;
  const pane =
    xSplit || ySplit
      ? (() => {
          const active = xSplit && ySplit ? 'bottomRight' : ySplit ? 'bottomLeft' : 'topRight';
          return (
            `<pane${xSplit ? ` xSplit="${xSplit}"` : ''}${ySplit ? ` ySplit="${ySplit}"` : ''} topLeftCell="${columnLetter(xSplit + 1)}${ySplit + 1}"` +
            ` activePane="${active}" state="frozen"/><selection pane="${active}"/>`
          );
        })()
      : '';
  const widths = sheet.widths.map((w, i) => `<col min="${i + 1}" max="${i + 1}" width="${w}"${i + 1 === KEY_COLUMN ? ' hidden="1"' : ''} customWidth="1"/>`);
  if (sheet.widths.length < KEY_COLUMN) widths.unshift(`<col min="${KEY_COLUMN}" max="${KEY_COLUMN}" width="9" hidden="1" customWidth="1"/>`);

  return (
    `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' +
    `<dimension ref="A1:${columnLetter(maxCol)}${maxRow}"/>` +
    `<sheetViews><sheetView${selected ? ' tabSelected="1"' : ''} showGridLines="0" workbookViewId="0">${pane}</sheetView></sheetViews>` +
    '<sheetFormatPr defaultRowHeight="15"/>' +
    `<cols>${widths.join('')}</cols>` +
    `<sheetData>${rowsXml.join('')}</sheetData>` +
    // No password: the protection guards against mistakes, not people (locked cells stay selectable, columns and rows resizable).
    (sheet.protect ? '<sheetProtection sheet="1" formatColumns="0" formatRows="0"/>' : '') +
    (sheet.autoFilter ? `<autoFilter ref="${sheet.autoFilter}"/>` : '') +
    (merges.length ? `<mergeCells count="${merges.length}">${merges.join('')}</mergeCells>` : '') +
    (validations.length ? `<dataValidations count="${validations.length}">${validations.join('')}</dataValidations>` : '') +
    (links.length ? `<hyperlinks>${links.join('')}</hyperlinks>` : '') +
    '<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.6" header="0.25" footer="0.3"/>' +
    `<pageSetup paperSize="9" orientation="${sheet.landscape ? 'landscape' : 'portrait'}" fitToWidth="1" fitToHeight="0"/>` +
    `<headerFooter><oddFooter>${xmlText('&L&8Cohésio&C&8&A&R&8Page &P / &N')}</oddFooter></headerFooter>` +
    '</worksheet>'
  );
}

/** The closed lists in a hidden sheet, one per column (name in row 1, values below). */
function listsSheetXml(lists: Record<string, readonly string[]>, strings: SharedStrings): string {
  const columns = Object.entries(lists);
  const height = Math.max(0, ...columns.map(([, values]) => values.length)) + 1;
  const rows: string[] = [];
  for (let r = 0; r < height; r++) {
    let xml = '';
    columns.forEach(([name, values], i) => {
      const text = r === 0 ? name : values[r - 1] === undefined ? undefined : spreadsheetText(values[r - 1]);
      if (text !== undefined) xml += `<c r="${columnLetter(i + 1)}${r + 1}" t="s"><v>${strings.idOf(text)}</v></c>`;
    });
    if (xml) rows.push(`<row r="${r + 1}">${xml}</row>`);
  }
  return (
    `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetViews><sheetView workbookViewId="0"/></sheetViews>` +
    `<sheetFormatPr defaultRowHeight="15"/><sheetData>${rows.join('')}</sheetData>` +
    '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
  );
}

/** The range of each list in the lists sheet, the source of its drop-downs. */
function listRangesOf(layout: WorkbookLayout, listsSheet: string): Map<string, string> {
  const ranges = new Map<string, string>();
  Object.entries(layout.lists).forEach(([name, values], i) => {
    const letter = columnLetter(i + 1);
    if (values.length > 0) ranges.set(name, `${listsSheet}!$${letter}$2:$${letter}$${values.length + 1}`);
  });
  return ranges;
}

// ——— The package ———————————————————————————————————————————————————————————————————————————————————————————————

/** Every part of the XLSX package of `layout`, in the order they go in the archive; the lists sheet goes last. */
export function workbookParts(layout: WorkbookLayout, listsSheet: string, generatedAt: Date): XmlPart[] {
  const styles = new StyleTable();
  const strings = new SharedStrings();
  const listRanges = listRangesOf(layout, listsSheet);
  const sheets = [
    ...layout.sheets.map((s, i) => ({
      name: s.name,
      hidden: false,
      definedNames: s.frozenRows > 0 ? [printTitles(s.name, s.frozenRows)] : [],
      xml: sheetXml(s, styles, strings, { listRanges, selected: i === 0 }),
    })),
    { name: listsSheet, hidden: true, definedNames: [], xml: listsSheetXml(layout.lists, strings) },
  ];
  const parts = packageParts({ title: layout.title, sheets, sharedStrings: true, generatedAt });
  return [
    ...parts,
    ...sheets.map((s, i) => ({ name: sheetPartName(i), xml: s.xml })),
    // Written after the sheets, which fill them.
    { name: 'xl/styles.xml', xml: styles.toXml() },
    { name: 'xl/sharedStrings.xml', xml: strings.toXml() },
  ];
}

/** A sheet's name as formulas and defined names quote it: `'Fiche plan'`. */
export function quotedSheetName(name: string): string {
  return `'${name.replaceAll("'", "''")}'`;
}

/** The rows printed at the top of every page of a sheet. */
function printTitles(sheet: string, rows: number): DefinedName {
  return { name: '_xlnm.Print_Titles', value: `${quotedSheetName(sheet)}!$1:$${rows}` };
}

/** A defined name of one sheet (print titles, the autofilter's range). */
export type DefinedName = { name: string; value: string; hidden?: boolean };

/** The path of the `index`-th sheet's part in the archive. */
export function sheetPartName(index: number): string {
  return `xl/worksheets/sheet${index + 1}.xml`;
}

/**
 * The parts every XLSX package has besides its sheets, styles and shared strings: content types, relationships,
 * the workbook (sheets in order, their defined names, recalculation on open) and the document properties.
 */
export function packageParts(options: {
  title: string | null;
  sheets: readonly { name: string; hidden: boolean; definedNames: readonly DefinedName[] }[];
  sharedStrings: boolean;
  generatedAt: Date;
}): XmlPart[] {
  const { sheets, sharedStrings, generatedAt } = options;
  const definedNames = sheets
    .flatMap((s, i) =>
      s.definedNames.map((d) => `<definedName name="${d.name}" localSheetId="${i}"${d.hidden ? ' hidden="1"' : ''}>${xmlText(d.value)}</definedName>`),
    )
    .join('');
  const workbook =
    `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><workbookPr/><bookViews><workbookView activeTab="0"/></bookViews><sheets>` +
    sheets.map((s, i) => `<sheet name="${xmlText(s.name)}" sheetId="${i + 1}"${s.hidden ? ' state="hidden"' : ''} r:id="rId${i + 1}"/>`).join('') +
    `</sheets>${definedNames ? `<definedNames>${definedNames}</definedNames>` : ''}<calcPr calcId="171027" fullCalcOnLoad="1"/></workbook>`;
  const rel = (id: string, type: string, target: string) => `<Relationship Id="${id}" Type="${REL_NS}/${type}" Target="${target}"/>`;
  const workbookRels =
    `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
    sheets.map((_, i) => rel(`rId${i + 1}`, 'worksheet', `worksheets/sheet${i + 1}.xml`)).join('') +
    rel(`rId${sheets.length + 1}`, 'styles', 'styles.xml') +
    (sharedStrings ? rel(`rId${sheets.length + 2}`, 'sharedStrings', 'sharedStrings.xml') : '') +
    '</Relationships>';
  const type = (part: string, contentType: string) => `<Override PartName="/${part}" ContentType="application/vnd.openxmlformats-${contentType}"/>`;
  const contentTypes =
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
    type('xl/workbook.xml', 'officedocument.spreadsheetml.sheet.main+xml') +
    sheets.map((_, i) => type(sheetPartName(i), 'officedocument.spreadsheetml.worksheet+xml')).join('') +
    type('xl/styles.xml', 'officedocument.spreadsheetml.styles+xml') +
    (sharedStrings ? type('xl/sharedStrings.xml', 'officedocument.spreadsheetml.sharedStrings+xml') : '') +
    type('docProps/core.xml', 'package.core-properties+xml') +
    type('docProps/app.xml', 'officedocument.extended-properties+xml') +
    '</Types>';
  const rootRels =
    `${XML_HEAD}<Relationships xmlns="${PKG_REL_NS}">` +
    rel('rId1', 'officeDocument', 'xl/workbook.xml') +
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>' +
    rel('rId3', 'extended-properties', 'docProps/app.xml') +
    '</Relationships>';
  const when = `${generatedAt.toISOString().slice(0, 19)}Z`;
  const core =
    `${XML_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"` +
    ' xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:creator>Cohésio</dc:creator>${options.title === null ? '' : `<dc:title>${xmlText(options.title)}</dc:title>`}` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified>` +
    '</cp:coreProperties>';
  const app = `${XML_HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Cohésio</Application></Properties>`;
  return [
    { name: '[Content_Types].xml', xml: contentTypes },
    { name: '_rels/.rels', xml: rootRels },
    { name: 'docProps/core.xml', xml: core },
    { name: 'docProps/app.xml', xml: app },
    { name: 'xl/workbook.xml', xml: workbook },
    { name: 'xl/_rels/workbook.xml.rels', xml: workbookRels },
  ];
}
