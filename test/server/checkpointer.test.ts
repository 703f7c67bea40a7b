import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCheckpointer } from '../../server/db/checkpointer.ts';
import { openDatabase, type Db } from '../../server/db/open.ts';

/** A table of its own, so that the rows written are counted exactly. */
function writeRows(db: Db, count: number, from = 0): void {
  const insert = db.$client.prepare('INSERT INTO bench_rows (id, payload) VALUES (?, ?)');
  // One transaction per row, as requests commit: each adds frames to the WAL.
  for (let i = from; i < from + count; i++) insert.run(i, 'x'.repeat(2000));
}

const until = async (condition: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition never met');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('WAL checkpoints in a thread of their own', () => {
  let dir: string;
  let file: string;
  let db: Db;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cohesio-ckpt-'));
    file = join(dir, 'cohesio.sqlite');
    db = openDatabase(file);
    db.$client.exec('CREATE TABLE bench_rows (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)');
  });
  afterEach(() => {
    if (db.$client.open) db.$client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the connection that commits no longer checkpoints; the thread copies the WAL into the file', async () => {
    const checkpointer = startCheckpointer(db, file, { intervalMs: 20 });
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    // Past SQLite's 1 000 pages of WAL, which the committing connection would otherwise copy itself.
    writeRows(db, 1500);
    await until(() => {
      const s = checkpointer.stats();
      return s.checkpoints > 0 && s.checkpointedFrames === s.walFrames;
    });
    expect(checkpointer.stats().walFrames).toBeGreaterThan(1000);
    // The pages are in the database file itself, which grows only when the WAL is copied into it.
    expect(statSync(file).size).toBeGreaterThan(1500 * 2000);
    await checkpointer.stop();
    expect(checkpointer.stats().running).toBe(false);
  });

  it('when the thread stops, the connection checkpoints by itself again and nothing is lost', async () => {
    const checkpointer = startCheckpointer(db, file, { intervalMs: 20 });
    writeRows(db, 300);
    await checkpointer.stop();
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    writeRows(db, 300, 300);
    db.$client.close();
    const reopened = new Database(file, { readonly: true });
    expect(reopened.prepare('SELECT count(*) AS n FROM bench_rows').get()).toEqual({ n: 600 });
    reopened.close();
  });
});
