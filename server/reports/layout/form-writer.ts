import { DATE_FORMAT, NUMBER_FORMATS, type SheetBuilder, toCellValue, wrappedHeight, type Codec, type LayoutCell } from './model.ts';
import { valueAtPath } from '../../../schemas/plan-path.ts';

/**
 * Writes the form's recurring shapes (section titles, a labelled field, a table header) onto a sheet. Values are
 * read from the plan by the binding path, so what a cell shows and where an import puts it back cannot disagree.
 */

export function numFmtOf(codec: Codec): string | undefined {
  if (codec.kind === 'number') return NUMBER_FORMATS[codec.display];
  if (codec.kind === 'date') return DATE_FORMAT;
  return undefined;
}

export class FormWriter {
  constructor(
    readonly b: SheetBuilder,
    readonly doc: unknown,
    /** Last column of the form's width (merged texts span columns 3..lastCol). */
    readonly lastCol: number,
    /** Prefix of every binding label, e.g. "Fiche 1.3.03 (CPAS de Liège - SADA)". */
    readonly where: string,
    /** Column widths of the sheet (characters), to size wrapped rows. */
    readonly widths: readonly number[],
  ) {}

  /** About how many characters fit on a line from column `from` to the last column (widths in characters). */
  widthChars(from: number): number {
    return this.widths.slice(from - 1, this.lastCol).reduce((a, b) => a + b, 0) * 1.1;
  }

  /** An input cell bound to `path`, holding the plan's value. */
  input(col: number, path: string, codec: Codec, label: string, extra: Partial<LayoutCell> = {}): LayoutCell {
    const value = toCellValue(codec, valueAtPath(this.doc, path));
    const cell: LayoutCell = { col, value, style: 'input', bind: { path, label: `${this.where}, ${label}`, codec }, ...extra };
    const numFmt = numFmtOf(codec);
    if (numFmt) cell.numFmt = numFmt;
    return cell;
  }

  static(col: number, value: string | number | null, extra: Partial<LayoutCell> = {}): LayoutCell {
    return { col, value, style: 'static', ...extra };
  }

  section(title: string): number {
    this.b.blank();
    return this.b.add([{ col: 2, value: title, style: 'section', span: this.lastCol - 1 }]);
  }

  subtitle(text: string): number {
    return this.b.add([{ col: 2, value: text, style: 'subtitle', span: this.lastCol - 1 }]);
  }

  note(text: string): number {
    return this.b.add([{ col: 2, value: text, style: 'note', span: this.lastCol - 1 }], { height: wrappedHeight(text, this.widthChars(2)) });
  }

  /** Label in column B, the value across the rest of the row (wrapped, taller for long texts). */
  field(label: string, path: string, codec: Codec, opts: { long?: boolean; narrow?: boolean } = {}): number {
    const span = opts.narrow ? 1 : this.lastCol - 2;
    const cell = this.input(3, path, codec, label, { span });
    const text = typeof cell.value === 'string' ? cell.value : '';
    const valueLines = opts.long || codec.kind === 'lines' ? wrappedHeight(text, opts.narrow ? this.widths[2]! : this.widthChars(3), opts.long ? 2 : 1) : 0;
    const height = Math.max(valueLines, wrappedHeight(label, (this.widths[1] ?? 40) * 1.1));
    return this.b.add([{ col: 2, value: label, style: 'label' }, cell], { height });
  }

  /** A long text: the label on its own row, the text below across the whole width. */
  longText(label: string, path: string): number {
    this.b.add([{ col: 2, value: label, style: 'label', span: this.lastCol - 1 }]);
    const cell = this.input(2, path, { kind: 'text' }, label, { span: this.lastCol - 1 });
    const text = typeof cell.value === 'string' ? cell.value : '';
    return this.b.add([cell], { height: wrappedHeight(text, this.widthChars(2), 2) });
  }

  /** A table's header row from column `startCol`; null leaves a column to the title before it. */
  header(titles: (string | null)[], startCol = 2): number {
    return this.b.add(titles.flatMap((t, i) => (t === null ? [] : [{ col: startCol + i, value: t, style: 'tableHeader' as const }])));
  }
}
