import type { StoredCell } from '../../schemas/cells.ts';
import type { CollectionKey, SectionKey } from '../../schemas/plan.ts';
import { ApiFailure, NetworkFailure } from '../api.ts';
import type { EditableGrid } from './plan-store.ts';

/**
 * Autosave: every edit becomes an operation carrying the version it was made on. Operations are sent one at a
 * time in order, kept in localStorage until the server confirms them (so a reload or a network cut loses nothing),
 * merged while they wait (ten keystrokes in one field make one request), retried with back-off when the server
 * cannot be reached, and handed to the conflict dialog on 409. What the server refuses stays refused, with its
 * reason, until a later save of the same cell or row succeeds: the status never says "Enregistré" meanwhile. A block
 * of cells refused for some of them (400 naming `cells.<i>`) is sent again without them, so the others are saved.
 */

export type CellOp = { grid: EditableGrid; row: string; period: string; value: number | null; version: number };
export type RowTarget =
  | { type: 'list'; collection: CollectionKey; id: string }
  | { type: 'transfer'; id: string }
  | { type: 'action'; id: string }
  | { type: 'indicator'; id: string }
  /** An E-compte imputation (`imputations[]`), saved whole with its version. */
  | { type: 'imputation'; id: string };

export type SaveOp =
  | { kind: 'cells'; cells: CellOp[] }
  | { kind: 'section'; section: SectionKey; data: unknown; version: number }
  | { kind: 'row'; target: RowTarget; label: string; data: unknown; version: number; position?: number };

export type SaveStatus =
  | { state: 'saved' }
  | { state: 'saving'; pending: number }
  /** Cells the server refused (`cells`), each kept with its reason until fixed. */
  | { state: 'refused'; cells: number; message: string; pending: number }
  | { state: 'offline'; pending: number }
  | { state: 'error'; message: string; pending: number };

export type Transport = {
  saveCells(cells: CellOp[]): Promise<StoredCell[]>;
  saveSection(section: SectionKey, version: number, data: unknown): Promise<{ version: number }>;
  saveRow(target: RowTarget, version: number, data: unknown, position?: number): Promise<{ version: number }>;
};

export type ConflictChoice = 'mine' | 'theirs';

export type QueueHooks = {
  /** A confirmed operation: record the new versions in the store. */
  onSaved(op: SaveOp, result: unknown): void;
  /** A 409: show both values; resolve with the user's choice. Cells whose stored value equals ours never get here. */
  onConflict(op: SaveOp, current: unknown): Promise<ConflictChoice>;
  /** "Theirs" was chosen: put the server's value in the store. */
  onTakeTheirs(op: SaveOp, current: unknown): void;
  /** The server refused the values (400, 404…): mark them with the message. */
  onRejected(op: SaveOp, failure: ApiFailure): void;
};

export const cellKey = (c: { grid: string; row: string; period: string }) => `${c.grid}|${c.row}|${c.period}`;

/** A cell the server refused, with its reason. */
export type RefusedCell = { grid: CellOp['grid']; row: string; period: string; value: number | null; message: string };

/** The indexes of the cells a refusal names (`cells.3.value` → 3). */
function refusedIndexes(failure: ApiFailure, count: number): Map<number, string> {
  const out = new Map<number, string>();
  for (const issue of failure.body.issues) {
    const m = /^cells\.(\d+)(\.|$)/.exec(String(issue.path));
    const i = m ? Number(m[1]) : NaN;
    if (Number.isInteger(i) && i < count && !out.has(i)) out.set(i, issue.message);
  }
  return out;
}
const opKey = (op: SaveOp) => (op.kind === 'section' ? `section:${op.section}` : op.kind === 'row' ? `${op.target.type}:${op.target.id}` : 'cells');

const RETRY_DELAYS_MS = [1000, 2000, 5000, 10000, 20000];

export class SaveQueue {
  private ops: SaveOp[] = [];
  private inFlight: SaveOp | null = null;
  private retries = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private listeners = new Set<(s: SaveStatus) => void>();
  private refusedCells = new Map<string, RefusedCell>();
  /** Sections and rows the server refused, by operation key: their message. */
  private refusedOps = new Map<string, string>();
  private refusalListeners = new Set<() => void>();
  private offline = false;

  constructor(
    private readonly storageKey: string,
    private readonly transport: Transport,
    private readonly hooks: QueueHooks,
  ) {}

  /** Operations left by a previous page (reload, closed tab): to re-apply to the store, then sent. */
  restore(): SaveOp[] {
    try {
      const raw = localStorage.getItem(this.storageKey);
      this.ops = raw ? (JSON.parse(raw) as SaveOp[]) : [];
    } catch {
      this.ops = [];
    }
    return [...this.ops];
  }

  start(): void {
    this.emit();
    void this.next();
  }

  get pending(): number {
    return this.ops.length;
  }

  onStatus(listener: (s: SaveStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.status());
    return () => this.listeners.delete(listener);
  }

  status(): SaveStatus {
    const pending = this.ops.length;
    if (this.offline && pending) return { state: 'offline', pending };
    const firstCell = this.refusedCells.values().next().value;
    if (firstCell) return { state: 'refused', cells: this.refusedCells.size, message: firstCell.message, pending };
    const firstOp = this.refusedOps.values().next().value;
    if (firstOp !== undefined) return { state: 'error', message: firstOp, pending };
    if (pending) return { state: 'saving', pending };
    return { state: 'saved' };
  }

  /** The cells the server refused and that no later save fixed. */
  refused(): RefusedCell[] {
    return [...this.refusedCells.values()];
  }

  /** Why the server refused this cell, or null. */
  refusal(cell: { grid: string; row: string; period: string }): string | null {
    return this.refusedCells.get(cellKey(cell))?.message ?? null;
  }

  /** Called when the refused cells change (a refusal, a fix). */
  onRefusals(listener: () => void): () => void {
    this.refusalListeners.add(listener);
    return () => this.refusalListeners.delete(listener);
  }

  private refusalsChanged(): void {
    for (const l of this.refusalListeners) l();
  }

  /** Resolves when nothing is left to send (tests, before leaving a page). */
  async idle(): Promise<void> {
    while (this.ops.length) await new Promise((r) => setTimeout(r, 50));
  }

  enqueue(op: SaveOp): void {
    const waiting = this.ops.filter((o) => o !== this.inFlight);
    if (op.kind === 'cells') {
      const last = waiting[waiting.length - 1];
      if (last?.kind === 'cells') {
        for (const cell of op.cells) {
          const same = last.cells.find((c) => cellKey(c) === cellKey(cell));
          if (same) same.value = cell.value;
          else last.cells.push(cell);
        }
      } else {
        this.ops.push({ kind: 'cells', cells: op.cells.map((c) => ({ ...c })) });
      }
    } else {
      const same = waiting.find((o) => opKey(o) === opKey(op));
      if (same && same.kind !== 'cells') {
        same.data = op.data;
        if (op.kind === 'row' && same.kind === 'row' && op.position !== undefined) same.position = op.position;
      } else {
        this.ops.push(structuredClone(op));
      }
    }
    this.persist();
    this.emit();
    if (!this.timer) void this.next();
  }

  /** Forgets waiting operations on a row that is being deleted. */
  discardRow(target: RowTarget): void {
    this.ops = this.ops.filter((o) => o === this.inFlight || !(o.kind === 'row' && opKey(o) === `${target.type}:${target.id}`));
    this.persist();
    this.emit();
  }

  private persist(): void {
    try {
      if (this.ops.length) localStorage.setItem(this.storageKey, JSON.stringify(this.ops));
      else localStorage.removeItem(this.storageKey);
    } catch {
      // Storage full or disabled: the queue still works for this page.
    }
  }

  private emit(): void {
    const s = this.status();
    for (const l of this.listeners) l(s);
  }

  private async send(op: SaveOp): Promise<unknown> {
    switch (op.kind) {
      case 'cells':
        return this.transport.saveCells(op.cells);
      case 'section':
        return this.transport.saveSection(op.section, op.version, op.data);
      case 'row':
        return this.transport.saveRow(op.target, op.version, op.data, op.position);
    }
  }

  /** After a confirmed write, operations of the same key waiting behind it are based on the new version. */
  private rebase(op: SaveOp, result: unknown): void {
    if (op.kind === 'cells') {
      const versions = new Map((result as StoredCell[]).map((c) => [cellKey(c), c.version]));
      for (const o of this.ops) if (o.kind === 'cells') for (const c of o.cells) c.version = versions.get(cellKey(c)) ?? c.version;
      return;
    }
    const version = (result as { version: number }).version;
    for (const o of this.ops) if (o.kind !== 'cells' && opKey(o) === opKey(op)) o.version = version;
  }

  private async next(): Promise<void> {
    if (this.inFlight || this.timer) return;
    const op = this.ops[0];
    if (!op) return this.emit();
    this.inFlight = op;
    this.emit();
    try {
      const result = await this.send(op);
      this.offline = false;
      this.retries = 0;
      this.ops.shift();
      this.rebase(op, result);
      this.accepted(op);
      this.hooks.onSaved(op, result);
    } catch (err) {
      if (err instanceof NetworkFailure) {
        this.offline = true;
        const delay = RETRY_DELAYS_MS[Math.min(this.retries, RETRY_DELAYS_MS.length - 1)]!;
        this.retries += 1;
        this.inFlight = null;
        this.emit();
        this.timer = setTimeout(() => {
          this.timer = null;
          void this.next();
        }, delay);
        return;
      }
      // A year whose report is submitted answers 409 too, but there is no other value to choose: it is a refusal.
      if (err instanceof ApiFailure && err.isConflict && err.body.code !== 'year_locked') {
        await this.resolveConflict(op, err.body.current);
      } else {
        this.ops.shift();
        const failure = err instanceof ApiFailure ? err : new ApiFailure(0, { code: 'internal', message: String(err), issues: [] });
        this.refuse(op, failure);
        this.hooks.onRejected(op, failure);
      }
    } finally {
      this.persist();
    }
    this.inFlight = null;
    this.emit();
    void this.next();
  }

  /** A confirmed operation fixes the earlier refusals of its cells or its row. */
  private accepted(op: SaveOp): void {
    let changed = false;
    if (op.kind === 'cells') for (const c of op.cells) changed = this.refusedCells.delete(cellKey(c)) || changed;
    else changed = this.refusedOps.delete(opKey(op));
    if (changed) this.refusalsChanged();
  }

  /**
   * Records what the server refused. A block of cells refused for some of them goes back to the head of the queue
   * without those, so the others are saved: the server writes a block whole or not at all.
   */
  private refuse(op: SaveOp, failure: ApiFailure): void {
    if (op.kind !== 'cells') {
      this.refusedOps.set(opKey(op), failure.body.issues[0]?.message ?? failure.body.message);
      this.refusalsChanged();
      return;
    }
    const named = failure.status === 400 ? refusedIndexes(failure, op.cells.length) : new Map<number, string>();
    const all = named.size === 0;
    const rest: CellOp[] = [];
    op.cells.forEach((c, i) => {
      const message = all ? (failure.body.issues[0]?.message ?? failure.body.message) : named.get(i);
      if (message === undefined) rest.push(c);
      else this.refusedCells.set(cellKey(c), { grid: c.grid, row: c.row, period: c.period, value: c.value, message });
    });
    if (rest.length) this.ops.unshift({ kind: 'cells', cells: rest });
    this.refusalsChanged();
  }

  private async resolveConflict(op: SaveOp, current: unknown): Promise<void> {
    if (op.kind === 'cells') {
      const stored = (Array.isArray(current) ? current : []) as StoredCell[];
      const byKey = new Map(stored.map((c) => [cellKey(c), c]));
      // Our own value already stored (a reload during a save): just take the version.
      for (const c of op.cells) {
        const s = byKey.get(cellKey(c));
        if (s && s.value === c.value) {
          c.version = s.version;
          byKey.delete(cellKey(c));
        }
      }
      const real = stored.filter((s) => byKey.has(cellKey(s)));
      if (real.length === 0) return;
      const choice = await this.hooks.onConflict(op, real);
      if (choice === 'mine') {
        for (const c of op.cells) c.version = byKey.get(cellKey(c))?.version ?? c.version;
      } else {
        this.hooks.onTakeTheirs(op, real);
        op.cells = op.cells.filter((c) => !byKey.has(cellKey(c)));
        if (op.cells.length === 0) this.ops.shift();
      }
      return;
    }
    const version = (current as { version?: number } | null)?.version ?? op.version;
    const choice = await this.hooks.onConflict(op, current);
    if (choice === 'mine') {
      op.version = version;
    } else {
      this.ops.shift();
      this.hooks.onTakeTheirs(op, current);
    }
  }
}
