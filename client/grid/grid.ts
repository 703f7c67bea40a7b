import HandsontableModule from 'handsontable/base';
import { registerCellType } from 'handsontable/cellTypes/registry';
import { TextCellType } from 'handsontable/cellTypes/textType';
import { DropdownCellType } from 'handsontable/cellTypes/dropdownType';
import { registerPlugin } from 'handsontable/plugins/registry';
import { CopyPaste } from 'handsontable/plugins/copyPaste';
import { UndoRedo } from 'handsontable/plugins/undoRedo';
import { ManualColumnResize } from 'handsontable/plugins/manualColumnResize';
import { ContextMenu } from 'handsontable/plugins/contextMenu';
import { AutoColumnSize } from 'handsontable/plugins/autoColumnSize';
import { registerLanguageDictionary } from 'handsontable/i18n/registry';
import frFR from 'handsontable/i18n/languages/fr-FR';
import { textRenderer } from 'handsontable/renderers/textRenderer';
import 'handsontable/styles/handsontable.min.css';
import 'handsontable/styles/ht-theme-main.min.css';
import { columnWidth, normaliseOptions, parseCellText, toCellText, toClipboardText, type Column } from './columns.ts';
import { YES_NO } from '../../schemas/enums.ts';
import { cleanBlock, isSeriesColumnBlock, planPaste, transposeBlock, type PasteGrid, type PastePlan, type PasteSelection } from './paste.ts';
import { openDialog } from '../ui/dialog.ts';
import { addLocalRefusals, localRefusalsChanged } from '../state/local-refusals.ts';

/**
 * The grid adapter: the only module that knows Handsontable. Pages describe columns and rows in plain data
 * (`columns.ts`); the adapter shows them as text, normalises what is typed or pasted through the shared parsers,
 * marks invalid cells with their French message, and reports each user action (an edit, a pasted block, an undo)
 * as one list of typed changes. A pasted block goes where `paste.ts` plans it: its destination stays highlighted
 * with a note naming it until the next action, and what it left out is said.
 */

// The package types `handsontable/base` as CommonJS under NodeNext (a namespace with `default`); the ES build's
// default export is the factory itself. Either way, this is the factory.
type HandsontableFactory = typeof HandsontableModule extends { default: infer D } ? D : typeof HandsontableModule;
const Handsontable: HandsontableFactory = 'default' in HandsontableModule ? HandsontableModule.default : HandsontableModule;

registerCellType(TextCellType);
registerCellType(DropdownCellType);
registerPlugin(CopyPaste);
registerPlugin(UndoRedo);
registerPlugin(ManualColumnResize);
// The context menu measures its entries with AutoColumnSize; the grids themselves keep their given widths.
registerPlugin(AutoColumnSize);
registerPlugin(ContextMenu);
registerLanguageDictionary(frFR);

let licenseKey = 'non-commercial-and-evaluation';
/** Set once at start-up from the server configuration (`HANDSONTABLE_LICENSE_KEY`). */
export function setGridLicenseKey(key: string): void {
  licenseKey = key;
}

/** An entry of a cell's context menu (right click, Maj+F10 or Ctrl+Maj+\): "Historique de la cellule". */
export type GridCellAction<R> = {
  label: string;
  /** Greyed out for the cells it does not apply to. */
  isAvailable?: (row: R, key: string) => boolean;
  run: (row: R, key: string, rowIndex: number) => void;
};

export type GridChange<R> = { rowIndex: number; row: R; key: string; value: unknown; previous: unknown };

export type GridSpec<R> = {
  /** Accessible name of the grid, e.g. "Budget : recettes". */
  label: string;
  columns: Column<R>[];
  rows: R[];
  /** Columns kept visible when scrolling sideways. */
  fixedColumns?: number;
  /** Last rows kept visible when scrolling down (totals). */
  fixedRowsBottom?: number;
  /** Height in pixels; the grid renders only visible rows. Default: fits the rows up to 480 px. */
  height?: number;
  rowClassName?: (row: R, index: number) => string | undefined;
  /** One call per user action with every valid change; invalid cells stay marked in the grid. */
  onChange: (changes: GridChange<R>[]) => void;
  onSelect?: (rowIndex: number, key: string) => void;
  /** The context menu of a cell; no menu without entries. */
  cellActions?: GridCellAction<R>[];
  /**
   * May the person change this cell (their role's write rules)? A cell they may not is read-only, whatever its
   * column says. Default: every cell the columns leave editable.
   */
  canEdit?: (row: R, key: string, index: number) => boolean;
  /** Extra classes of one cell (the marker of a DiCS question), re-read at each render. */
  cellClass?: (row: R, key: string, index: number) => string | null;
  /** A tooltip of one cell, after its column's note or its error (the DiCS question), re-read at each render. */
  cellNote?: (row: R, key: string, index: number) => string | null;
  /** Why a read-only cell may not change (its year's report is submitted), in its tooltip; re-read at each render. */
  readOnlyNote?: (row: R, key: string, index: number) => string | null;
  /** How people name a row in the note after a paste ("indicateur 2 Réalisé"); default "ligne n". */
  rowLabel?: (row: R, index: number) => string;
  /** A click on a column's header (a read-only list sorts by it). */
  onHeaderClick?: (key: string) => void;
  /** Double click or Enter on a row (a read-only list opens what the row names); Enter no longer moves down. */
  onRowOpen?: (row: R, rowIndex: number) => void;
};

export type GridHandle<R> = {
  /** Replaces the rows (after a row was added, removed or moved, or a value taken from the server). */
  setRows(rows: R[]): void;
  /** Re-reads every cell from the current row objects (computed columns, saved values); keeps invalid input. */
  refresh(): void;
  /** Marks a cell refused here (its text does not parse, its row's schema refuses it); counted as a refused cell. */
  setError(rowIndex: number, key: string, message: string | null): void;
  /** Marks a cell whose value the server refused (the save queue counts it); null clears the mark. */
  setRefused(rowIndex: number, key: string, message: string | null): void;
  focusCell(rowIndex: number, key: string): void;
  selectedRowIndex(): number | null;
  /** The text a cell shows, for tests and the checks panel. */
  cellText(rowIndex: number, key: string): string;
  /** New column titles, in the columns' order (a sorted column's arrow). */
  setColumnTitles(titles: readonly string[]): void;
  destroy(): void;
};

/** Changes made by loading data, not by the user. */
const IGNORED_SOURCES = new Set(['loadData', 'updateData']);
const PASTE_SOURCE = 'CopyPaste.paste';

export function createGrid<R>(container: HTMLElement, spec: GridSpec<R>): GridHandle<R> {
  let rows = spec.rows;
  const columns = spec.columns;
  const colIndex = new Map(columns.map((c, i) => [c.key, i]));
  const errors = new Map<string, string>();
  const refused = new Map<string, string>();
  const errKey = (r: number, c: number) => `${r}:${c}`;
  // The cells refused here (their own messages) count in the status line while the grid is on screen.
  const stopCounting = addLocalRefusals('cell', () => (destroyed || (hot !== null && !container.isConnected) ? null : errors.size));
  let counted = 0;
  const errorsChanged = () => {
    if (counted === errors.size) return;
    counted = errors.size;
    localRefusalsChanged();
  };
  /** The destination of the last paste, highlighted until the next action. */
  let pasted: PastePlan['range'] = null;
  const note = document.createElement('p');
  note.className = 'grid-paste-note';
  note.dataset.testid = 'paste-note';
  note.setAttribute('role', 'status');
  note.hidden = true;
  const buildView = () => rows.map((row) => columns.map((col) => toCellText(col, row)));
  let view = buildView();

  const isComputed = (col: Column<R>, row: R | undefined, r: number) =>
    row !== undefined && (typeof col.computed === 'function' ? col.computed(row, r) : col.computed === true);
  const isReadOnly = (col: Column<R>, row: R | undefined, r: number) =>
    row === undefined ||
    (typeof col.readOnly === 'function' ? col.readOnly(row, r) : col.readOnly === true) ||
    (spec.canEdit !== undefined && !spec.canEdit(row, col.key, r));

  function renderer(
    this: unknown,
    instance: Parameters<typeof textRenderer>[0],
    td: HTMLTableCellElement,
    r: number,
    c: number,
    prop: string | number,
    value: unknown,
    cellProperties: Parameters<typeof textRenderer>[6],
  ) {
    textRenderer.call(this, instance, td, r, c, prop, value, cellProperties);
    // Stable coordinates for keyboard-free tools (tests, the checks panel): row index and column key.
    td.dataset.row = String(r);
    td.dataset.key = columns[c]?.key ?? '';
    const message = errors.get(errKey(r, c)) ?? refused.get(errKey(r, c));
    td.classList.toggle('cell-invalid', message !== undefined);
    td.classList.toggle('cell-pasted', pasted !== null && r >= pasted.fromRow && r <= pasted.toRow && c >= pasted.fromCol && c <= pasted.toCol);
    const row = rows[r];
    const placeholder = row !== undefined && (value === '' || value === null) ? (columns[c]?.placeholder?.(row) ?? null) : null;
    td.classList.toggle('cell-placeholder', placeholder !== null);
    if (placeholder !== null) td.textContent = placeholder;
    const extra = row === undefined || !columns[c] ? null : (spec.cellNote?.(row, columns[c].key, r) ?? null);
    const col = columns[c];
    const locked = row === undefined || !col || !spec.readOnlyNote || !isReadOnly(col, row, r) ? null : spec.readOnlyNote(row, col.key, r);
    const note = [message ?? (row === undefined ? null : (columns[c]?.note?.(row) ?? null)), extra, locked].filter(Boolean).join('\n');
    if (note) td.title = note;
    else td.removeAttribute('title');
  }

  container.classList.add('grid');
  container.setAttribute('role', 'group');
  container.setAttribute('aria-label', spec.label);
  const height = spec.height ?? Math.min(480, 34 + Math.max(rows.length, 1) * 29 + 18);

  // Handsontable measures its container: create it once the container is in the document (pages are built
  // detached, then inserted in the same task).
  type Hot = ReturnType<typeof Handsontable>;
  let hot: Hot | null = null;
  let destroyed = false;
  let pendingFocus: [number, number] | null = null;
  const settings = (): Parameters<typeof Handsontable>[1] => ({
    data: view,
    licenseKey,
    language: 'fr-FR',
    themeName: 'ht-theme-main',
    colHeaders: columns.map((c) => c.title),
    columns: columns.map((c) => ({
      type: c.kind === 'select' || c.kind === 'yesno' ? 'dropdown' : 'text',
      renderer,
      width: columnWidth(c),
      className: c.kind === 'number' ? 'htRight' : '',
    })),
    rowHeaders: false,
    height,
    width: '100%',
    stretchH: 'all',
    fixedColumnsStart: spec.fixedColumns ?? 0,
    fixedRowsBottom: spec.fixedRowsBottom ?? 0,
    manualColumnResize: true,
    autoColumnSize: false,
    undo: true,
    copyPaste: { rowsLimit: 5000, columnsLimit: 200 },
    autoWrapRow: true,
    autoWrapCol: true,
    maxRows: view.length,
    maxCols: columns.length,
    enterMoves: { col: 0, row: 1 },
    outsideClickDeselects: false,
    cells(r, c) {
      const col = columns[c];
      const row = rows[r];
      if (!col) return {};
      const meta: Record<string, unknown> = { readOnly: isReadOnly(col, row, r) };
      const classes = [col.kind === 'number' ? 'htRight' : ''];
      if (row !== undefined) {
        const extra = typeof col.className === 'function' ? col.className(row, r) : col.className;
        if (extra) classes.push(extra);
        const rowClass = spec.rowClassName?.(row, r);
        if (rowClass) classes.push(rowClass);
        const cellClass = spec.cellClass?.(row, col.key, r);
        if (cellClass) classes.push(cellClass);
        if (col.kind === 'select') {
          meta.source = normaliseOptions(typeof col.options === 'function' ? col.options(row) : col.options).map((o) => o.label);
        }
      }
      if (col.kind === 'yesno') meta.source = [...YES_NO];
      if (meta.readOnly) classes.push('cell-readonly');
      meta.className = classes.filter(Boolean).join(' ');
      return meta;
    },
    beforeChange(changes) {
      // Canonical text for every parseable value: "1 234,5 €" typed in a money cell shows as "1.234,50".
      for (const [i, change] of changes.entries()) {
        if (!change) continue;
        const [r, c, , next] = change;
        const col = columns[Number(c)];
        const row = rows[r];
        if (!col || row === undefined) continue;
        // A read-only cell keeps its value whatever the source (a pasted block or an autofill crossing it).
        if (isReadOnly(col, row, r)) {
          changes[i] = null;
          continue;
        }
        const parsed = parseCellText(col, next, row);
        if (parsed.ok) change[3] = toCellText({ ...col, get: () => parsed.value } as Column<R>, row);
      }
    },
    beforePaste(data) {
      const range = hot?.getSelectedRangeLast();
      if (!hot || !range) return false;
      const from = range.getTopStartCorner();
      const to = range.getBottomEndCorner();
      const [r0, c0, r1, c1] = [Math.max(0, from.row ?? 0), Math.max(0, from.col ?? 0), to.row ?? 0, to.col ?? 0];
      const selection: PasteSelection = { row: r0, col: c0, rows: Math.max(1, r1 - r0 + 1), cols: Math.max(1, c1 - c0 + 1) };
      void pasteBlock(data, selection);
      // The block is written by `pasteBlock`, where the plan puts it (possibly after a question).
      return false;
    },
    afterChange(changes, source) {
      if (!hot) return;
      if (!changes || IGNORED_SOURCES.has(source)) return;
      // Any other action ends the paste's highlight and note.
      if (source !== PASTE_SOURCE) clearPasted();
      const out: GridChange<R>[] = [];
      for (const [r, c, previousText, nextText] of changes) {
        const col = columns[Number(c)];
        const row = rows[r];
        if (!col || row === undefined || previousText === nextText) continue;
        const parsed = parseCellText(col, nextText, row);
        if (!parsed.ok) {
          errors.set(errKey(r, Number(c)), parsed.message);
          continue;
        }
        errors.delete(errKey(r, Number(c)));
        refused.delete(errKey(r, Number(c)));
        out.push({ rowIndex: r, row, key: col.key, value: parsed.value, previous: previousText });
      }
      errorsChanged();
      hot.render();
      if (out.length) spec.onChange(out);
    },
    beforeCopy(data, coords) {
      const range = coords[0];
      if (!range || coords.length !== 1) return;
      data.forEach((line, i) =>
        line.forEach((text, j) => {
          const col = columns[range.startCol + j];
          if (col && i + range.startRow >= 0) line[j] = toClipboardText(col, String(text ?? ''));
        }),
      );
    },
    contextMenu: spec.cellActions?.length
      ? {
          items: Object.fromEntries(
            spec.cellActions.map((action, i) => [
              `cell-action-${i}`,
              {
                name: action.label,
                disabled: () => {
                  const at = focusedCell();
                  return !at || !(action.isAvailable?.(at.row, at.key) ?? true);
                },
                callback: () => {
                  const at = focusedCell();
                  if (!at) return;
                  // The action opens its own dialog: the grid must stop taking the keyboard.
                  hot?.unlisten();
                  action.run(at.row, at.key, at.rowIndex);
                },
              },
            ]),
          ),
        }
      : false,
    afterSelectionEnd(r, c) {
      const col = columns[c];
      if (col && r >= 0) spec.onSelect?.(r, col.key);
    },
    afterOnCellMouseDown(_event, coords) {
      const col = coords.col === null ? undefined : columns[coords.col];
      if (coords.row !== null && coords.row < 0 && col) spec.onHeaderClick?.(col.key);
    },
    beforeKeyDown(event) {
      if (!spec.onRowOpen || event.key !== 'Enter') return;
      const at = focusedCell();
      if (!at) return;
      // Handsontable's own way to stop its handling of the key (its `stopImmediatePropagation` helper).
      (event as KeyboardEvent & { isImmediatePropagationEnabled?: boolean }).isImmediatePropagationEnabled = false;
      event.preventDefault();
      spec.onRowOpen(at.row, at.rowIndex);
    },
  });

  /** The cell the selection is on (the active cell of a range). */
  const focusedCell = (): { row: R; key: string; rowIndex: number } | null => {
    const at = hot?.getSelectedRangeLast()?.highlight;
    const r = at?.row ?? -1;
    const row = r >= 0 ? rows[r] : undefined;
    const col = at?.col !== null && at?.col !== undefined && at.col >= 0 ? columns[at.col] : undefined;
    return row !== undefined && col ? { row, key: col.key, rowIndex: r } : null;
  };

  // ——— Paste ———
  const pasteGrid = (): PasteGrid => ({
    rowCount: rows.length,
    columns: columns.map((c) => ({ title: c.title, series: c.series === true })),
    isComputed: (r, c) => isComputed(columns[c]!, rows[r], r),
    isWritable: (r, c) => !isReadOnly(columns[c]!, rows[r], r),
    rowLabel: (r) => (rows[r] !== undefined && spec.rowLabel ? spec.rowLabel(rows[r], r) : `ligne ${r + 1}`),
  });
  function clearPasted(): void {
    if (pasted === null && note.hidden) return;
    pasted = null;
    note.hidden = true;
    note.textContent = '';
    hot?.render();
  }
  function showPasted(plan: PastePlan): void {
    pasted = plan.range;
    note.replaceChildren(plan.note, ...(plan.leftOut ? [document.createElement('br'), plan.leftOut] : []));
    note.classList.toggle('has-left-out', plan.leftOut !== null);
    note.hidden = false;
    hot?.render();
  }
  async function pasteBlock(data: unknown[][], selection: PasteSelection): Promise<void> {
    const grid = pasteGrid();
    const block = cleanBlock(data);
    let plan = planPaste(block, selection, grid);
    if (isSeriesColumnBlock(block, selection, grid)) {
      const asRow = planPaste(transposeBlock(block), selection, grid);
      const years = asRow.range ? `${columns[asRow.range.fromCol]!.title}-${columns[asRow.range.toCol]!.title}` : '';
      hot?.unlisten();
      const choice = await openDialog<'row' | 'column' | 'cancel'>({
        title: 'Coller une série en ligne ?',
        body: [
          `Le bloc copié est une colonne de ${block.length} valeurs, posée sur une ligne d’années. Une série annuelle d’une autre feuille est souvent en colonne : la coller en ligne (${years}) ?`,
        ],
        buttons: [
          { value: 'cancel', label: 'Annuler' },
          { value: 'column', label: 'Coller en colonne' },
          { value: 'row', label: 'Coller en ligne', primary: true },
        ],
        cancelValue: 'cancel',
        testId: 'paste-series-dialog',
      });
      hot?.listen();
      if (choice === 'cancel') return;
      if (choice === 'row') plan = asRow;
    }
    applyPaste(plan);
  }
  function applyPaste(plan: PastePlan): void {
    const h = hot;
    if (!h) return;
    clearPasted();
    if (plan.data.length && plan.data[0]!.length) {
      h.populateFromArray(plan.row, plan.col, plan.data, undefined, undefined, PASTE_SOURCE);
    }
    if (plan.range) h.selectCell(plan.range.fromRow, plan.range.fromCol, plan.range.toRow, plan.range.toCol, false);
    showPasted(plan);
  }

  const mount = () => {
    if (destroyed || hot) return;
    if (!container.isConnected) {
      requestAnimationFrame(mount);
      return;
    }
    container.after(note);
    hot = new Handsontable(container, settings());
    if (spec.onRowOpen) {
      const open = spec.onRowOpen;
      container.addEventListener('dblclick', (e) => {
        const td = (e.target as Element | null)?.closest('td[data-row]') as HTMLTableCellElement | null;
        const r = td ? Number(td.dataset.row) : -1;
        if (rows[r] !== undefined) open(rows[r], r);
      });
    }
    if (pendingFocus) focusAt(...pendingFocus);
  };
  queueMicrotask(mount);

  const focusAt = (r: number, c: number) => {
    if (!hot) {
      pendingFocus = [r, c];
      return;
    }
    pendingFocus = null;
    const h = hot;
    h.selectCell(r, c);
    h.scrollViewportTo({ row: r, col: c });
    h.listen();
  };

  return {
    setRows(next) {
      rows = next;
      errors.clear();
      refused.clear();
      errorsChanged();
      clearPasted();
      view = buildView();
      hot?.updateSettings({ maxRows: view.length, height: spec.height ?? Math.min(480, 34 + Math.max(view.length, 1) * 29 + 18) });
      hot?.loadData(view);
    },
    refresh() {
      rows.forEach((row, r) =>
        columns.forEach((col, c) => {
          if (!errors.has(errKey(r, c)) && view[r]) view[r][c] = toCellText(col, row);
        }),
      );
      hot?.render();
    },
    setError(rowIndex, key, message) {
      const c = colIndex.get(key);
      if (c === undefined) return;
      if (message === null) errors.delete(errKey(rowIndex, c));
      else errors.set(errKey(rowIndex, c), message);
      errorsChanged();
      hot?.render();
    },
    setRefused(rowIndex, key, message) {
      const c = colIndex.get(key);
      if (c === undefined) return;
      const k = errKey(rowIndex, c);
      if ((refused.get(k) ?? null) === message) return;
      if (message === null) refused.delete(k);
      else refused.set(k, message);
      hot?.render();
    },
    focusCell(rowIndex, key) {
      focusAt(rowIndex, colIndex.get(key) ?? 0);
    },
    selectedRowIndex() {
      const sel = hot?.getSelectedLast();
      return sel ? Math.max(0, sel[0] ?? 0) : null;
    },
    cellText(rowIndex, key) {
      const c = colIndex.get(key);
      return c === undefined ? '' : (view[rowIndex]?.[c] ?? '');
    },
    setColumnTitles(titles) {
      hot?.updateSettings({ colHeaders: [...titles] });
    },
    destroy() {
      destroyed = true;
      stopCounting();
      note.remove();
      hot?.destroy();
      hot = null;
    },
  };
}
