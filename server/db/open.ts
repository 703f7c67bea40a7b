import Database, { type RunResult } from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.ts';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * What a query runs on: the database or a transaction of it (`db.transaction((tx) => …)`), which share every query
 * method. Functions that may run inside a transaction take this; only the database itself has `$client`.
 */
export type DbOrTx = BaseSQLiteDatabase<'sync', RunResult, typeof schema>;

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/**
 * Opens (creating if needed) the SQLite database at `file` (`:memory:` for tests), sets the pragmas the
 * application relies on and applies the committed migrations.
 */
export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  if (file !== ':memory:') sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema }) as Db;
  // SQLite's way to rebuild a table others point at (a CHECK cannot be altered): foreign keys off while the
  // migrations run (in one transaction, where the pragma would be ignored), then every reference checked.
  sqlite.pragma('foreign_keys = OFF');
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  const broken = sqlite.pragma('foreign_key_check') as unknown[];
  if (broken.length) throw new Error(`Migration : ${broken.length} référence(s) rompue(s) (${JSON.stringify(broken.slice(0, 3))})`);
  sqlite.pragma('foreign_keys = ON');
  return db;
}

/**
 * `prepare`, run once per database and kept: statements of the hot paths are built and compiled on first use, not at
 * every call (building a drizzle query and SQLite's compilation cost more than running a point read).
 */
export function preparedPerDatabase<T>(prepare: (db: Db) => T): (db: Db) => T {
  const prepared = new WeakMap<Db, T>();
  return (db) => {
    let statements = prepared.get(db);
    if (!statements) {
      statements = prepare(db);
      prepared.set(db, statements);
    }
    return statements;
  };
}
