import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../client/api.ts';
import { SaveQueue, type CellOp, type SaveOp, type Transport } from '../../client/state/save-queue.ts';
import type { StoredCell } from '../../schemas/cells.ts';

/**
 * The save queue's refusals: what the server refuses stays refused, with its reason, until a later save of the same
 * cell or row succeeds, and the status never reads "saved" meanwhile. The transport below stands for the server's
 * `PUT /cells` rule (a block is written whole or not at all; a refusal names `cells.<i>.value`).
 */
const MAX = 100_00;

function fakeServer() {
  const stored = new Map<string, StoredCell>();
  const requests: CellOp[][] = [];
  const transport: Transport = {
    async saveCells(cells) {
      requests.push(cells.map((c) => ({ ...c })));
      const issues = cells.flatMap((c, i) =>
        c.value !== null && c.value > MAX ? [{ path: `cells.${i}.value`, message: `Réalisé ${c.period} : au plus 100 %` }] : [],
      );
      if (issues.length) throw new ApiFailure(400, { code: 'validation', message: issues[0]!.message, issues });
      return cells.map((c) => {
        const key = `${c.grid}|${c.row}|${c.period}`;
        const s = { grid: c.grid, row: c.row, period: c.period, value: c.value, version: (stored.get(key)?.version ?? 0) + 1 } as StoredCell;
        stored.set(key, s);
        return s;
      });
    },
    async saveSection() {
      throw new ApiFailure(403, { code: 'forbidden', message: 'Votre rôle ne permet pas de modifier cette partie du plan', issues: [] });
    },
    async saveRow() {
      return { version: 2 };
    },
  };
  const rejected: SaveOp[] = [];
  const queue = new SaveQueue('test', transport, {
    onSaved: () => undefined,
    onConflict: async () => 'mine',
    onTakeTheirs: () => undefined,
    onRejected: (op) => void rejected.push(op),
  });
  return { queue, stored, requests, rejected };
}

const cell = (period: string, value: number | null): CellOp => ({ grid: 'indicator-actual', row: 'ind-1', period, value, version: 0 });

describe('SaveQueue refusals', () => {
  it('saves the other cells of a block the server refused one cell of, and keeps that one refused', async () => {
    const { queue, stored, requests } = fakeServer();
    queue.enqueue({ kind: 'cells', cells: [cell('y1', 12_00), cell('y2', 150_00), cell('y3', 40_00)] });
    await queue.idle();
    expect(requests.map((r) => r.map((c) => c.period))).toEqual([
      ['y1', 'y2', 'y3'],
      ['y1', 'y3'],
    ]);
    expect([...stored.values()].map((s) => [s.period, s.value])).toEqual([
      ['y1', 12_00],
      ['y3', 40_00],
    ]);
    expect(queue.status()).toEqual({ state: 'refused', cells: 1, message: 'Réalisé y2 : au plus 100 %', pending: 0 });
    expect(queue.refusal({ grid: 'indicator-actual', row: 'ind-1', period: 'y2' })).toBe('Réalisé y2 : au plus 100 %');
  });

  it('does not read "saved" after another cell is saved, only after the refused one is', async () => {
    const { queue } = fakeServer();
    queue.enqueue({ kind: 'cells', cells: [cell('y2', 150_00)] });
    await queue.idle();
    queue.enqueue({ kind: 'cells', cells: [cell('y4', 1_00)] });
    await queue.idle();
    expect(queue.status().state).toBe('refused');
    queue.enqueue({ kind: 'cells', cells: [cell('y2', 15_00)] });
    await queue.idle();
    expect(queue.status()).toEqual({ state: 'saved' });
    expect(queue.refused()).toEqual([]);
  });

  it('keeps a refused section as an error until that section is saved', async () => {
    const { queue } = fakeServer();
    queue.enqueue({ kind: 'section', section: 'textes', data: {}, version: 1 });
    await queue.idle();
    queue.enqueue({ kind: 'row', target: { type: 'transfer', id: 't1' }, label: 'x', data: {}, version: 1 });
    await queue.idle();
    expect(queue.status()).toMatchObject({ state: 'error', message: 'Votre rôle ne permet pas de modifier cette partie du plan' });
  });
});
