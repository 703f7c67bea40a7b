/**
 * Backups of the database and their restoration (`npm run backup`, `npm run restore`).
 *
 * A backup is SQLite's online backup (better-sqlite3 `backup()`): it is taken while the server runs and writes, and
 * is a consistent copy. It is written to a temporary file beside the destination, checked (integrity, same migrations
 * as the database, plans counted), made a single self-contained file (journal mode DELETE, no -wal beside it), then
 * renamed into place: a backup file is never half-written.
 *
 * A restoration checks the file first (SQLite, integrity, a Cohésio database, a schema this code knows), refuses to run
 * while anything has the database open (the server holds a shared lock on a WAL database for as long as it runs: an
 * exclusive lock is then refused), keeps the current database aside (`cohesio.sqlite.before-restore-<horodatage>`)
 * and replaces it by a rename.
 */
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  createReadStream,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { MIGRATIONS_DIR } from '../db/open.ts';
import { newIdOf, nowOf, type ServiceContext } from './context.ts';

/** A refusal of `backupDatabase` or `restoreDatabase`, said in French; nothing was changed. */
export class BackupRefusal extends Error {}

/** A migration of this code: its drizzle key (`when` of the journal, `created_at` of `__drizzle_migrations`) and tag. */
export type KnownMigration = { tag: string; createdAt: number };

/** The migrations of this code, in the journal's order (`server/db/migrations/meta/_journal.json`). */
export function listKnownMigrations(migrationsDir: string = MIGRATIONS_DIR): KnownMigration[] {
  const journal = JSON.parse(readFileSync(join(migrationsDir, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string; when: number }[] };
  // readMigrationFiles is what the migrator reads: the same keys, and it fails as the migrator would on a missing file.
  const files = readMigrationFiles({ migrationsFolder: migrationsDir });
  return journal.entries.map((e, i) => ({ tag: e.tag, createdAt: files[i]!.folderMillis }));
}

/** What a checked database file holds. */
export type DatabaseFileReport = {
  /** Plans in the file. */
  plans: number;
  /** The drizzle keys of the migrations applied in the file, oldest first. */
  migrations: number[];
  /** The last migration applied, by its tag. */
  schema: string;
  /** Migrations of this code the file lacks: the next opening applies them (a backup of an older version). */
  pending: string[];
};

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

function startsLikeSqlite(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, head, 0, head.length, 0);
    return n === head.length && head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks an open database as a Cohésio database this code can open: `PRAGMA integrity_check`, the drizzle migrations
 * of Cohésio, none newer than this code, and none missing that the migrator would not apply. `name` is the file as
 * messages name it.
 */
export function inspectDatabase(sqlite: Database.Database, name: string, known: KnownMigration[] = listKnownMigrations()): DatabaseFileReport {
  let problems: string[];
  try {
    problems = (sqlite.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).filter((r) => r !== 'ok');
  } catch (err) {
    problems = [err instanceof Error ? err.message : String(err)];
  }
  if (problems.length) {
    throw new BackupRefusal(`${name} est endommagé (PRAGMA integrity_check : ${problems.slice(0, 3).join(' ; ')}${problems.length > 3 ? ' …' : ''})`);
  }
  const hasTable = (t: string) => sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = ?`).get(t) !== undefined;
  if (!hasTable('__drizzle_migrations') || !hasTable('plans')) {
    throw new BackupRefusal(`${name} n'est pas une base Cohésio (ni table __drizzle_migrations ni table plans)`);
  }
  const migrations = (sqlite.prepare('select created_at as createdAt from __drizzle_migrations order by created_at').all() as { createdAt: number }[]).map(
    (r) => Number(r.createdAt),
  );
  const first = known[0]!;
  if (!migrations.includes(first.createdAt)) {
    throw new BackupRefusal(`${name} n'est pas une base Cohésio (la migration ${first.tag} n'y est pas enregistrée)`);
  }
  const byKey = new Map(known.map((m) => [m.createdAt, m]));
  const latestKnown = Math.max(...known.map((m) => m.createdAt));
  const unknown = migrations.filter((m) => !byKey.has(m));
  if (unknown.length) {
    const newer = unknown.some((m) => m > latestKnown);
    throw new BackupRefusal(
      newer
        ? `${name} vient d'une version plus récente de Cohésio (${unknown.length} migration(s) inconnue(s) de cette version, la dernière du ${new Date(Math.max(...unknown)).toISOString().slice(0, 10)}) : restaurez-la avec une version au moins aussi récente`
        : `${name} porte ${unknown.length} migration(s) inconnue(s) de cette version de Cohésio : elle vient d'une autre version, restaurez-la avec celle-ci`,
    );
  }
  // The migrator applies the migrations newer than the last one applied (drizzle's rule): one missing but older
  // than that would never be applied, and the schema would stay wrong.
  const last = Math.max(...migrations);
  const skipped = known.filter((m) => !migrations.includes(m.createdAt) && m.createdAt < last);
  if (skipped.length) {
    throw new BackupRefusal(`${name} n'a pas la migration ${skipped.map((m) => m.tag).join(', ')}, que l'ouverture n'appliquerait pas : schéma incohérent`);
  }
  const plans = (sqlite.prepare('select count(*) as n from plans').get() as { n: number }).n;
  return {
    plans,
    migrations,
    schema: known.findLast((m) => migrations.includes(m.createdAt))!.tag,
    pending: known.filter((m) => m.createdAt > last).map((m) => m.tag),
  };
}

/** Checks the database file `file` (see `inspectDatabase`) without changing it. */
export function checkDatabaseFile(file: string, known: KnownMigration[] = listKnownMigrations()): DatabaseFileReport {
  const name = basename(file);
  if (!existsSync(file)) throw new BackupRefusal(`Fichier introuvable : ${file}`);
  if (!statSync(file).isFile()) throw new BackupRefusal(`${file} n'est pas un fichier`);
  if (!startsLikeSqlite(file)) throw new BackupRefusal(`${name} n'est pas une base SQLite (en-tête « SQLite format 3 » absent)`);
  let sqlite: Database.Database;
  try {
    sqlite = new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new BackupRefusal(`${name} ne s'ouvre pas comme base SQLite : ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return inspectDatabase(sqlite, name, known);
  } finally {
    sqlite.close();
  }
}

/** What `backupDatabase` wrote. */
export type BackupReport = DatabaseFileReport & { file: string; bytes: number; durationMs: number };

/** Removes a file and the journal files SQLite may leave beside it. */
function removeWithJournals(file: string): void {
  for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}

function syncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes a rename durable: the folder's entry is written (not every system allows it: then the rename stands as is). */
function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some systems cannot open a folder for syncing; the rename was done.
  }
}

/**
 * Moves `temp` to `out` unless `out` exists, even if it appeared since it was first looked for (another backup
 * started at the same time): a hard link fails when the name is taken. Where hard links are not supported, the
 * name is looked for again just before the rename.
 */
function placeWithoutReplacing(temp: string, out: string): void {
  const taken = () => new BackupRefusal(`${out} existe déjà : choisissez un autre nom, ou --force pour le remplacer`);
  try {
    linkSync(temp, out);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw taken();
    if (existsSync(out)) throw taken();
    renameSync(temp, out);
    return;
  }
  rmSync(temp);
}

/**
 * Backs the database open as `sqlite` up to `out`, online: the server may keep writing. `pagesPerStep` pages are
 * copied at a time (default: all at once — one read snapshot, which in WAL mode never blocks writers; copying in
 * steps lets this process's own writes interleave, and a write of another process restarts the copy). An existing
 * `out` is refused unless `force`.
 */
export async function backupDatabase(options: {
  sqlite: Database.Database;
  out: string;
  force?: boolean;
  pagesPerStep?: number;
  known?: KnownMigration[];
}): Promise<BackupReport> {
  const { sqlite, force = false, pagesPerStep = 0x7fffffff, known = listKnownMigrations() } = options;
  const out = resolve(options.out);
  const folder = dirname(out);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new BackupRefusal(`Le dossier ${folder} n'existe pas`);
  if (existsSync(out) && !force) throw new BackupRefusal(`${out} existe déjà : choisissez un autre nom, ou --force pour le remplacer`);
  if (existsSync(out) && !statSync(out).isFile()) throw new BackupRefusal(`${out} n'est pas un fichier`);
  const temp = join(folder, `.${basename(out)}.partiel-${process.pid}`);
  const t0 = performance.now();
  removeWithJournals(temp);
  try {
    await sqlite.backup(temp, { progress: () => pagesPerStep });
    const source = (sqlite.prepare('select created_at as createdAt from __drizzle_migrations order by created_at').all() as { createdAt: number }[]).map((r) =>
      Number(r.createdAt),
    );
    const copy = new Database(temp, { fileMustExist: true });
    let report: DatabaseFileReport;
    try {
      // One self-contained file: no -wal to carry beside it.
      copy.pragma('journal_mode = DELETE');
      report = inspectDatabase(copy, basename(out), known);
    } finally {
      copy.close();
    }
    if (report.migrations.join() !== source.join()) {
      throw new BackupRefusal(`La copie n'a pas les migrations de la base (${report.migrations.length} au lieu de ${source.length}) : sauvegarde abandonnée`);
    }
    // Names, e-mail addresses, password hashes: for the owner alone.
    chmodSync(temp, 0o600);
    syncFile(temp);
    if (force) renameSync(temp, out);
    else placeWithoutReplacing(temp, out);
    syncFolder(folder);
    return { ...report, file: out, bytes: statSync(out).size, durationMs: performance.now() - t0 };
  } finally {
    removeWithJournals(temp);
  }
}

/** `20261206T224500Z`: a moment for a file name (no colon, sorts in order). */
export function fileStamp(iso: string): string {
  return iso.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** What `restoreDatabase` did. */
export type RestoreReport = DatabaseFileReport & {
  /** The database replaced, kept aside; null when there was none. */
  keptAside: string | null;
};

/**
 * Opens `databaseFile` with an exclusive lock, or refuses: a WAL database is held under a shared lock by every
 * connection open on it (the server's, a backup's), for as long as it is open.
 */
function lockExclusively(databaseFile: string): Database.Database {
  const sqlite = new Database(databaseFile, { fileMustExist: true, timeout: 200 });
  try {
    sqlite.pragma('locking_mode = EXCLUSIVE');
    // The first read takes the lock (and replays a -wal left by a stopped server).
    sqlite.prepare('select count(*) from sqlite_master').get();
    sqlite.exec('begin exclusive; commit');
    return sqlite;
  } catch (err) {
    sqlite.close();
    if (err instanceof Database.SqliteError && err.code.startsWith('SQLITE_BUSY')) {
      throw new BackupRefusal(
        `La base ${databaseFile} est ouverte par un autre programme (le serveur Cohésio ?) : arrêtez le serveur, puis relancez la restauration`,
      );
    }
    throw new BackupRefusal(
      `La base actuelle ${databaseFile} ne s'ouvre pas : ${err instanceof Error ? err.message : String(err)} ; déplacez-la vous-même avant de restaurer`,
    );
  }
}

/**
 * Replaces the database `databaseFile` by the backup `file`, once checked (`checkDatabaseFile`). The server must be
 * stopped (refused otherwise). The current database is kept aside as `<databaseFile>.before-restore-<horodatage>`,
 * the backup copied beside it then renamed over it (atomic), and the -wal/-shm of the former database removed. A
 * backup of an older version is accepted: its migrations are applied when the server next opens it (`pending`).
 */
export async function restoreDatabase(options: { file: string; databaseFile: string; now?: () => string; known?: KnownMigration[] }): Promise<RestoreReport> {
  const { known = listKnownMigrations(), now = () => new Date().toISOString() } = options;
  const file = resolve(options.file);
  const databaseFile = resolve(options.databaseFile);
  if (file === databaseFile) throw new BackupRefusal(`${file} est la base elle-même : donnez un fichier de sauvegarde`);
  checkDatabaseFile(file, known);
  const folder = dirname(databaseFile);
  mkdirSync(folder, { recursive: true });
  const temp = join(folder, `.${basename(databaseFile)}.restauration-${process.pid}`);
  removeWithJournals(temp);
  let lock: Database.Database | null = null;
  try {
    // The copy made by SQLite carries a -wal the backup file may have beside it (a copy of a live database).
    const source = new Database(file, { readonly: true, fileMustExist: true });
    try {
      await source.backup(temp);
    } finally {
      source.close();
    }
    const copy = new Database(temp, { fileMustExist: true });
    let report: DatabaseFileReport;
    try {
      copy.pragma('journal_mode = DELETE');
      report = inspectDatabase(copy, basename(file), known);
    } finally {
      copy.close();
    }
    // The database keeps the permissions of the one it replaces.
    if (existsSync(databaseFile)) chmodSync(temp, statSync(databaseFile).mode & 0o777);
    syncFile(temp);

    let keptAside: string | null = null;
    if (existsSync(databaseFile)) {
      lock = lockExclusively(databaseFile);
      // Everything of the -wal into the file, then no -wal at all: the file alone is the whole database.
      lock.pragma('wal_checkpoint(TRUNCATE)');
      lock.pragma('journal_mode = DELETE');
      keptAside = `${databaseFile}.before-restore-${fileStamp(now())}`;
      try {
        copyFileSync(databaseFile, keptAside, constants.COPYFILE_EXCL);
      } catch (err) {
        throw new BackupRefusal(`La base actuelle n'a pas pu être mise de côté (${keptAside}) : ${err instanceof Error ? err.message : String(err)}`);
      }
      syncFile(keptAside);
    }
    // Under the lock nobody uses them: a -wal or -shm left there belongs to the former database.
    for (const f of [`${databaseFile}-wal`, `${databaseFile}-shm`, `${databaseFile}-journal`]) rmSync(f, { force: true });
    renameSync(temp, databaseFile);
    syncFolder(folder);
    return { ...report, keptAside };
  } finally {
    lock?.close();
    removeWithJournals(temp);
  }
}

/** A backup to download: its name, its size and its bytes, read from a temporary file removed once read. */
export type BackupDownload = { filename: string; bytes: number; stream: ReadableStream<Uint8Array> };

/**
 * `GET /api/admin/backup`: a backup of the server's database, taken as `npm run backup` takes it (checked, same
 * content) but 100 pages at a time, so that requests are served between the steps; the server's own writes meanwhile
 * are in the copy. The temporary file lies beside the database (the system's temporary folder for a database in
 * memory) and is removed once open.
 */
export async function exportDatabaseBackup(ctx: ServiceContext): Promise<BackupDownload> {
  const sqlite = ctx.db.$client;
  const folder = sqlite.memory || !sqlite.name ? tmpdir() : dirname(sqlite.name);
  const out = join(folder, `.cohesio-telechargement-${newIdOf(ctx)()}.sqlite`);
  const report = await backupDatabase({ sqlite, out, pagesPerStep: 100 });
  const file = createReadStream('', { fd: openSync(out, 'r') });
  // Once open, the file needs no name (it is then never left behind, even by a download nobody reads); Windows
  // cannot remove an open file: there it goes when the download ends.
  if (process.platform === 'win32') file.once('close', () => rmSync(out, { force: true }));
  else rmSync(out);
  return {
    filename: `cohesio-${fileStamp(nowOf(ctx))}.sqlite`,
    bytes: report.bytes,
    stream: Readable.toWeb(file) as ReadableStream<Uint8Array>,
  };
}
