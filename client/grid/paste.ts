/**
 * Where a pasted block goes, decided before anything is written (pure: no Handsontable, no DOM). A block copied from
 * a spreadsheet lands at the selected cell; what would fall past the last year of a row of years, past the last
 * column or row, into a computed column (Ex-ante, Résultats, totals) or on a cell the person may not change is left
 * out and said so; what lands is named in French ("12 cellules collées : indicateur 2 Réalisé → indicateur 3 Cible,
 * 2022-2025 — Ctrl+Z pour annuler"). Years are the columns' titles, never literals.
 */

export type PasteColumn = {
  title: string;
  /** A period column (a year): a one-column block pasted on a row of them is offered as a row. */
  series: boolean;
};

export type PasteGrid = {
  rowCount: number;
  columns: readonly PasteColumn[];
  /** May the paste write this cell (editable for this person and not computed)? */
  isWritable(row: number, col: number): boolean;
  /** Is this cell a computed figure (Ex-ante, Résultats, a total)? Values landing there are left out. */
  isComputed(row: number, col: number): boolean;
  /** How people name a row: "indicateur 2 Réalisé", "ligne 3". */
  rowLabel(row: number): string;
};

/** The selection the block is pasted on: its top-left cell and its size. */
export type PasteSelection = { row: number; col: number; rows: number; cols: number };

export type PastePlan = {
  /** Top-left cell where `data` is written. */
  row: number;
  col: number;
  /** The block to write, trimmed to what lands inside the grid (read-only cells inside it are not written). */
  data: string[][];
  /** Number of cells written. */
  written: number;
  /** The cells written, by bounds (for the highlight); null when none. */
  range: { fromRow: number; toRow: number; fromCol: number; toCol: number } | null;
  /** "12 cellules collées : … — Ctrl+Z pour annuler". */
  note: string;
  /** What was left out and why, or null. */
  leftOut: string | null;
};

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;
const isBlank = (text: string) => text.trim() === '';

/**
 * The clipboard's block as rectangular text: trailing empty lines (a spreadsheet ends every line with CRLF, some add
 * an empty one) are dropped, short lines are padded with blanks.
 */
export function cleanBlock(block: readonly (readonly unknown[])[]): string[][] {
  const rows = block.map((line) => line.map((v) => (v === null || v === undefined ? '' : String(v))));
  while (rows.length > 1 && rows[rows.length - 1]!.every(isBlank)) rows.pop();
  const width = Math.max(1, ...rows.map((r) => r.length));
  return rows.map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
}

export function transposeBlock(block: readonly (readonly string[])[]): string[][] {
  const width = block[0]?.length ?? 0;
  return Array.from({ length: width }, (_, c) => block.map((line) => line[c] ?? ''));
}

/**
 * A block of one column and several lines pasted on a year of a row of years: the usual shape of a yearly series
 * in another sheet, which the person probably wants along the row.
 */
export function isSeriesColumnBlock(block: readonly (readonly string[])[], selection: PasteSelection, grid: PasteGrid): boolean {
  const start = grid.columns[selection.col];
  return block.length > 1 && block.every((line) => line.length === 1) && start?.series === true && selection.rows === 1;
}

/** The last column of the run of period columns starting at `col` (the last year of the row). */
function seriesEnd(grid: PasteGrid, col: number): number {
  let end = col;
  while (grid.columns[end + 1]?.series) end += 1;
  return end;
}

function columnSpan(grid: PasteGrid, from: number, to: number): string {
  const a = grid.columns[from]!;
  const b = grid.columns[to]!;
  if (from === to) return a.title;
  return a.series && b.series ? `${a.title}-${b.title}` : `${a.title} → ${b.title}`;
}

function sample(values: string[]): string {
  const shown = values.slice(0, 3).map((v) => v.trim());
  return ` (${shown.join(' ; ')}${values.length > 3 ? ' ; …' : ''})`;
}

/** Plans the paste of `rawBlock` on `selection`. */
export function planPaste(rawBlock: readonly (readonly unknown[])[], selection: PasteSelection, grid: PasteGrid): PastePlan {
  let block = cleanBlock(rawBlock);
  // One value pasted on a larger selection fills it, as in a spreadsheet.
  if (block.length === 1 && block[0]!.length === 1 && selection.rows * selection.cols > 1) {
    block = Array.from({ length: selection.rows }, () => Array<string>(selection.cols).fill(block[0]![0]!));
  }
  const { row, col } = selection;
  const lastCol = grid.columns[col]?.series ? seriesEnd(grid, col) : grid.columns.length - 1;
  const width = Math.max(0, Math.min(block[0]!.length, lastCol - col + 1));
  const height = Math.max(0, Math.min(block.length, grid.rowCount - row));

  const pastEnd: string[] = [];
  const pastLastRow: string[] = [];
  const computed = new Map<string, string[]>();
  const readOnly: string[] = [];
  let written = 0;
  let range: PastePlan['range'] = null;
  block.forEach((line, i) =>
    line.forEach((text, j) => {
      if (i >= height) {
        if (!isBlank(text)) pastLastRow.push(text);
        return;
      }
      if (j >= width) {
        if (!isBlank(text)) pastEnd.push(text);
        return;
      }
      const r = row + i;
      const c = col + j;
      if (grid.isComputed(r, c)) {
        if (!isBlank(text)) {
          const title = grid.columns[c]!.title;
          computed.set(title, [...(computed.get(title) ?? []), text]);
        }
        return;
      }
      if (!grid.isWritable(r, c)) {
        if (!isBlank(text)) readOnly.push(text);
        return;
      }
      written += 1;
      range = range
        ? { fromRow: Math.min(range.fromRow, r), toRow: Math.max(range.toRow, r), fromCol: Math.min(range.fromCol, c), toCol: Math.max(range.toCol, c) }
        : { fromRow: r, toRow: r, fromCol: c, toCol: c };
    }),
  );

  const values = (n: number) => plural(n, 'valeur', 'valeurs');
  const parts: string[] = [];
  const endTitle = grid.columns[lastCol]?.title ?? '';
  if (pastEnd.length) parts.push(`${values(pastEnd.length)} au-delà de ${endTitle}${sample(pastEnd)}`);
  if (pastLastRow.length) parts.push(`${values(pastLastRow.length)} au-delà de la dernière ligne${sample(pastLastRow)}`);
  for (const [title, texts] of computed) parts.push(`${values(texts.length)} dans ${title}, calculé${sample(texts)}`);
  if (readOnly.length) parts.push(`${values(readOnly.length)} sur des cellules en lecture seule${sample(readOnly)}`);
  const leftOut = parts.length ? `Non collé : ${parts.join(', ')}` : null;

  const done = range as PastePlan['range'];
  let note: string;
  if (!done) {
    note = 'Aucune cellule collée';
  } else {
    const rows = done.fromRow === done.toRow ? grid.rowLabel(done.fromRow) : `${grid.rowLabel(done.fromRow)} → ${grid.rowLabel(done.toRow)}`;
    note = `${plural(written, 'cellule collée', 'cellules collées')} : ${rows}, ${columnSpan(grid, done.fromCol, done.toCol)} — Ctrl+Z pour annuler`;
  }
  return { row, col, data: block.slice(0, height).map((line) => line.slice(0, width)), written, range: done, note, leftOut };
}
