import { describeCell, type StoredCell } from '../../schemas/cells.ts';
import { formatEuros, formatPercent, formatUnitValue } from '../../schemas/numbers.ts';
import { extendPath } from '../../schemas/plan-path.ts';
import type { Plan, SectionKey } from '../../schemas/plan.ts';
import type { Catalogue, Programme } from '../../schemas/reference.ts';
import { h } from '../dom.ts';
import { openDialog, toast } from '../ui/dialog.ts';
import { PlanStore } from './plan-store.ts';
import { SaveQueue, type CellOp, type ConflictChoice, type RowTarget, type SaveOp } from './save-queue.ts';
import { apiTransport } from './transport.ts';
import { currentMe } from './me.ts';
import { reviewOf } from './review.ts';

/**
 * One open plan: its store and its save queue wired together. Edits left unsaved by a previous page (reload during
 * a save, network cut) are put back into the store before anything is shown, then sent.
 */
export type PlanSession = { store: PlanStore; queue: SaveQueue };

type RowLike = { id: string; version: number };

export function rowOf(plan: Plan, target: RowTarget): RowLike | undefined {
  switch (target.type) {
    case 'list':
      return (plan[target.collection] as RowLike[]).find((r) => r.id === target.id);
    case 'transfer':
      return plan.transferts.find((r) => r.id === target.id);
    case 'action':
      return plan.actions.find((r) => r.id === target.id);
    case 'imputation':
      return plan.imputations.find((r) => r.id === target.id);
    case 'indicator':
      for (const a of plan.actions) {
        const i = a.indicators.find((x) => x.id === target.id);
        if (i) return i;
      }
      return undefined;
  }
}

/** Puts a row's saved or server content into the plan, keeping its place. */
function replaceRow(plan: Plan, target: RowTarget, row: Record<string, unknown>): void {
  const swap = (list: RowLike[]) => {
    const i = list.findIndex((r) => r.id === target.id);
    if (i >= 0) list[i] = { ...list[i], ...row } as RowLike;
  };
  switch (target.type) {
    case 'list':
      swap(plan[target.collection] as RowLike[]);
      return;
    case 'transfer':
      swap(plan.transferts);
      return;
    case 'action':
      swap(plan.actions);
      return;
    case 'imputation':
      swap(plan.imputations);
      return;
    case 'indicator':
      for (const a of plan.actions) swap(a.indicators);
  }
}

/** Applies an operation's content to the store (pending edits restored after a reload). */
function applyOp(store: PlanStore, op: SaveOp): void {
  if (op.kind === 'cells') for (const c of op.cells) store.setCell(c.grid, c.row, c.period, c.value);
  else if (op.kind === 'section') store.setSection(op.section, op.data as Plan[SectionKey]);
  else replaceRow(store.plan, op.target, op.data as Record<string, unknown>);
}

function formatCell(store: PlanStore, cell: { grid: CellOp['grid']; row: string }, value: number | null): string {
  if (value === null) return '(vide)';
  if (cell.grid === 'time') return formatPercent(value);
  if (cell.grid === 'consumption' || cell.grid === 'transfer') return formatEuros(value);
  const unit = store.indicator(cell.row)?.indicator.unit ?? 'count';
  return formatUnitValue(value, unit);
}

function flatten(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== 'id' && k !== 'version') flatten(v, extendPath(prefix, k), out);
  } else {
    out.set(prefix, value === null || value === undefined ? '(vide)' : value === true ? 'Oui' : value === false ? 'Non' : String(value));
  }
  return out;
}

function conflictTable(rows: { where: string; mine: string; theirs: string }[]): HTMLElement {
  return h(
    'table',
    { class: 'conflict-table' },
    h('thead', null, h('tr', null, h('th', null, 'Emplacement'), h('th', null, 'Votre valeur'), h('th', null, 'Valeur enregistrée'))),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h('tr', null, h('td', null, r.where), h('td', { 'data-testid': 'conflict-mine' }, r.mine), h('td', { 'data-testid': 'conflict-theirs' }, r.theirs)),
      ),
    ),
  );
}

async function askConflict(store: PlanStore, op: SaveOp, current: unknown): Promise<ConflictChoice> {
  let rows: { where: string; mine: string; theirs: string }[];
  if (op.kind === 'cells') {
    rows = (current as StoredCell[]).map((s) => {
      const mine = op.cells.find((c) => c.grid === s.grid && c.row === s.row && c.period === s.period);
      return { where: describeCell(store.plan, s), mine: formatCell(store, s, mine?.value ?? null), theirs: formatCell(store, s, s.value) };
    });
  } else {
    const theirsData = op.kind === 'section' ? (current as { data: unknown }).data : current;
    const mine = flatten(op.data);
    const theirs = flatten(theirsData);
    rows = [...new Set([...mine.keys(), ...theirs.keys()])]
      .filter((k) => (mine.get(k) ?? '(vide)') !== (theirs.get(k) ?? '(vide)'))
      .slice(0, 15)
      .map((k) => ({ where: k, mine: mine.get(k) ?? '(vide)', theirs: theirs.get(k) ?? '(vide)' }));
  }
  // Nothing differs (our own write reached the server before a reload): keep ours on the new version.
  if (rows.length === 0) return 'mine';
  return openDialog<ConflictChoice>({
    title: 'Modification concurrente',
    body: ['Quelqu’un a enregistré une autre valeur pendant que vous modifiiez ce plan. Choisissez la valeur à garder.', conflictTable(rows)],
    buttons: [
      { value: 'theirs', label: 'Prendre la valeur enregistrée' },
      { value: 'mine', label: 'Garder ma valeur', primary: true },
    ],
    cancelValue: 'mine',
    testId: 'conflict-dialog',
  });
}

export function openPlanSession(plan: Plan, programme: Programme, catalogue: Catalogue): PlanSession {
  const store = new PlanStore(plan, programme, catalogue);
  // Edits waiting in this browser belong to the person who made them: another person signing in here does not send them.
  const queue = new SaveQueue(`cohesio.pending.${currentMe()?.userId ?? 'anonyme'}.${plan.id}`, apiTransport(plan.id), {
    onSaved(op, result) {
      if (op.kind === 'cells') {
        for (const c of result as StoredCell[]) store.setCell(c.grid, c.row, c.period, store.cellValue(c.grid, c.row, c.period), c.version);
      } else if (op.kind === 'section') {
        store.plan.versions[op.section] = (result as { version: number }).version;
      } else {
        const row = rowOf(store.plan, op.target);
        if (row) row.version = (result as { version: number }).version;
      }
      store.emit('saved');
    },
    onConflict: (op, current) => askConflict(store, op, current),
    onTakeTheirs(op, current) {
      if (op.kind === 'cells') {
        for (const c of current as StoredCell[]) store.setCell(c.grid, c.row, c.period, c.value, c.version);
      } else if (op.kind === 'section') {
        const { data, version } = current as { data: Plan[SectionKey]; version: number };
        store.setSection(op.section, data);
        store.plan.versions[op.section] = version;
      } else {
        replaceRow(store.plan, op.target, current as Record<string, unknown>);
      }
      store.emit('external');
    },
    onRejected(_op, failure) {
      toast(`Non enregistré : ${failure.body.issues[0]?.message ?? failure.body.message}`, 'error');
      // The year was submitted meanwhile (another tab, another person): show it read-only from now on.
      if (failure.body.code === 'year_locked')
        void reviewOf(store)
          .refresh()
          .catch(() => undefined);
    },
  });
  const restored = queue.restore();
  for (const op of restored) applyOp(store, op);
  queue.start();
  return { store, queue };
}
