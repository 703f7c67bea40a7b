import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../server/db/open.ts';
import { loadReference } from '../../server/services/programmes.ts';
import { seedSample } from '../../server/services/seed.ts';
import { updateCells } from '../../server/services/cells.ts';
import { readPlan } from '../../server/services/plan-store.ts';
import { BackupRefusal, backupDatabase, listKnownMigrations, restoreDatabase } from '../../server/services/backup.ts';
import type { ServiceContext } from '../../server/services/context.ts';
import { expectApiError, failure, makeLiegeApp } from '../helpers.ts';

const ROOT = join(import.meta.dirname, '../..');
const MIGRATIONS = join(ROOT, 'server/db/migrations');

const dirs: string[] = [];
const open: Database.Database[] = [];
afterEach(() => {
  for (const s of open.splice(0)) if (s.open) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cohesio-backup-'));
  dirs.push(dir);
  return dir;
}

/** A data folder whose database holds the Liège sample, open as the server opens it. */
function liegeDatabase(): { dataDir: string; file: string; db: Db; ctx: ServiceContext; planId: string } {
  const dataDir = tempDir();
  const file = join(dataDir, 'cohesio.sqlite');
  const db = openDatabase(file);
  open.push(db.$client);
  const ctx = { db, reference: loadReference(db) };
  const plan = seedSample(ctx);
  return { dataDir, file, db, ctx, planId: plan.id };
}

/** Every row of every table (SQLite's own excepted), each table's rows in a stable order. */
function dumpTables(sqlite: Database.Database): Record<string, string[]> {
  const tables = (
    sqlite.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all() as { name: string }[]
  ).map((t) => t.name);
  return Object.fromEntries(
    tables.map((t) => [
      t,
      sqlite
        .prepare(`select * from "${t}"`)
        .all()
        .map((r) => JSON.stringify(r))
        .sort(),
    ]),
  );
}

/** Writes the target of one indicator and year, one audited cell change at a time, as the grid does. */
function cellWriter(ctx: ServiceContext, planId: string) {
  const indicator = readPlan(ctx.db, planId).actions.flatMap((a) => a.indicators)[0]!;
  const year = Object.keys(indicator.values)[0]!;
  let version = indicator.values[year]?.targetVersion ?? 0;
  let value = 1000;
  return {
    indicatorId: indicator.id,
    year,
    write(): number {
      value += 1;
      const [cell] = updateCells({ ...ctx, planId, cells: [{ grid: 'indicator-target', row: indicator.id, period: year, value, version }] });
      version = cell!.version;
      return value;
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(BackupRefusal);
    return (err as Error).message;
  }
  throw new Error('La restauration aurait dû être refusée');
}

/** A Cohésio database file migrated up to (and including) `lastTag`, as an older version left it. */
function databaseAt(lastTag: string): string {
  const dir = tempDir();
  const folder = join(dir, 'migrations');
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journalFile = join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  journal.entries = journal.entries.slice(0, journal.entries.findIndex((e) => e.tag === lastTag) + 1);
  writeFileSync(journalFile, JSON.stringify(journal));
  const file = join(dir, 'ancienne.sqlite');
  const sqlite = new Database(file);
  migrate(drizzle(sqlite), { migrationsFolder: folder });
  sqlite.close();
  return file;
}

function runCli(name: 'backup' | 'restore', args: string[], dataDir: string) {
  const r = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, `server/cli/${name}.ts`), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir },
    encoding: 'utf8',
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('backup during writes, then restore', () => {
  it('copies the database while cells are being written, page by page between the writes, and restores the same rows in a fresh data folder', async () => {
    const { db, ctx, planId } = liegeDatabase();
    const out = join(tempDir(), 'sauvegarde.sqlite');
    const writer = cellWriter(ctx, planId);
    let done = false;
    let lastWritten = 0;
    let writesDuringBackup = 0;
    let atEnd: Record<string, string[]> = {};
    // The backup copies 8 pages per step and yields between steps; the writer writes one cell between two steps. What
    // the database holds when the backup ends is read at once, before any other write can run.
    const backup = backupDatabase({ sqlite: db.$client, out, pagesPerStep: 8 }).then((r) => {
      done = true;
      atEnd = dumpTables(db.$client);
      return r;
    });
    const writing = (async () => {
      while (!done) {
        lastWritten = writer.write();
        writesDuringBackup += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const report = await backup;
    await writing;

    const pageSize = db.$client.pragma('page_size', { simple: true }) as number;
    expect(report.bytes / pageSize).toBeGreaterThan(8 * 4);
    expect(writesDuringBackup).toBeGreaterThan(3);
    expect(report.plans).toBe(1);
    expect(report.schema).toBe(listKnownMigrations().at(-1)!.tag);
    expect(report.pending).toEqual([]);
    // A single file: no journal beside it, nothing left of the temporary copy.
    expect(readdirSync(join(out, '..'))).toEqual(['sauvegarde.sqlite']);

    const fresh = join(tempDir(), 'data');
    const restored = await restoreDatabase({ file: out, databaseFile: join(fresh, 'cohesio.sqlite') });
    expect(restored.keptAside).toBeNull();
    const again = openDatabase(join(fresh, 'cohesio.sqlite'));
    open.push(again.$client);
    expect(dumpTables(again.$client)).toEqual(atEnd);
    const indicator = readPlan(again, planId)
      .actions.flatMap((a) => a.indicators)
      .find((i) => i.id === writer.indicatorId)!;
    expect(indicator.values[writer.year]!.target).toBe(lastWritten);
    // Each write is in the audit trail of the restored database.
    expect((again.$client.prepare('select count(*) as n from audit_changes where plan_id = ?').get(planId) as { n: number }).n).toBeGreaterThanOrEqual(
      writesDuringBackup,
    );
  });

  it('never replaces an existing file unless asked to', async () => {
    const { db } = liegeDatabase();
    const out = join(tempDir(), 'sauvegarde.sqlite');
    writeFileSync(out, 'ancienne sauvegarde');
    expect(await refusal(backupDatabase({ sqlite: db.$client, out }))).toBe(`${out} existe déjà : choisissez un autre nom, ou --force pour le remplacer`);
    expect(readFileSync(out, 'utf8')).toBe('ancienne sauvegarde');
    const r = await backupDatabase({ sqlite: db.$client, out, force: true });
    expect(r.plans).toBe(1);
    expect(readFileSync(out).subarray(0, 15).toString()).toBe('SQLite format 3');
    // Accounts and e-mail addresses: the owner alone reads a backup.
    expect(statSync(out).mode & 0o777).toBe(0o600);

    // A file that appears while the backup runs (another backup started at the same time) is not replaced either.
    const other = join(tempDir(), 'sauvegarde.sqlite');
    const running = backupDatabase({ sqlite: db.$client, out: other, pagesPerStep: 8 });
    await new Promise((resolve) => setImmediate(resolve));
    writeFileSync(other, 'l’autre sauvegarde');
    expect(await refusal(running)).toBe(`${other} existe déjà : choisissez un autre nom, ou --force pour le remplacer`);
    expect(readFileSync(other, 'utf8')).toBe('l’autre sauvegarde');
    expect(readdirSync(join(other, '..'))).toEqual(['sauvegarde.sqlite']);
  });
});

describe('restore', () => {
  it('keeps the current database aside and replaces it, leaving no -wal or -shm of the former one', async () => {
    const source = liegeDatabase();
    const out = join(tempDir(), 'sauvegarde.sqlite');
    await backupDatabase({ sqlite: source.db.$client, out });
    const expected = dumpTables(source.db.$client);

    // The current database: another Liège plan written since, its -wal left by a server that stopped without closing.
    const current = liegeDatabase();
    current.db.$client.pragma('wal_autocheckpoint = 0');
    cellWriter(current.ctx, current.planId).write();
    const before = dumpTables(current.db.$client);
    expect(existsSync(`${current.file}-wal`)).toBe(true);
    const wal = readFileSync(`${current.file}-wal`);
    const main = readFileSync(current.file);
    current.db.$client.close();
    writeFileSync(`${current.file}-wal`, wal);
    writeFileSync(current.file, main);

    const r = await restoreDatabase({ file: out, databaseFile: current.file, now: () => '2026-12-06T22:45:00.123Z' });
    expect(r.keptAside).toBe(`${current.file}.before-restore-20261206T224500Z`);
    expect(readdirSync(current.dataDir).sort()).toEqual(['cohesio.sqlite', 'cohesio.sqlite.before-restore-20261206T224500Z']);
    const restored = new Database(current.file, { readonly: true });
    open.push(restored);
    expect(dumpTables(restored)).toEqual(expected);
    // The database kept aside is the former one, with what its -wal held.
    const aside = new Database(r.keptAside!, { readonly: true });
    open.push(aside);
    expect(dumpTables(aside)).toEqual(before);
  });

  it('refuses while the server has the database open, and changes nothing', async () => {
    const source = liegeDatabase();
    const out = join(tempDir(), 'sauvegarde.sqlite');
    await backupDatabase({ sqlite: source.db.$client, out });
    const running = liegeDatabase();
    const before = dumpTables(running.db.$client);
    expect(await refusal(restoreDatabase({ file: out, databaseFile: running.file }))).toBe(
      `La base ${running.file} est ouverte par un autre programme (le serveur Cohésio ?) : arrêtez le serveur, puis relancez la restauration`,
    );
    expect(readdirSync(running.dataDir).filter((f) => !f.startsWith('cohesio.sqlite-'))).toEqual(['cohesio.sqlite']);
    expect(dumpTables(running.db.$client)).toEqual(before);
    running.db.$client.close();
    const r = await restoreDatabase({ file: out, databaseFile: running.file });
    expect(r.keptAside).toMatch(/cohesio\.sqlite\.before-restore-\d{8}T\d{6}Z$/);
  });

  it('refuses a damaged file, a file that is not SQLite, a SQLite database that is not Cohésio and a backup of a newer version', async () => {
    const { db } = liegeDatabase();
    const dir = tempDir();
    const good = join(dir, 'bonne.sqlite');
    await backupDatabase({ sqlite: db.$client, out: good });
    const databaseFile = join(tempDir(), 'cohesio.sqlite');

    // A page of the audit trail overwritten (its b-tree page header no longer says what the page is).
    const damaged = join(dir, 'endommagee.sqlite');
    cpSync(good, damaged);
    const probe = new Database(good, { readonly: true });
    const pageSize = probe.pragma('page_size', { simple: true }) as number;
    const { pageno } = probe.prepare(`select pageno from dbstat where name = 'audit_changes' and pagetype = 'leaf' order by pageno limit 1`).get() as {
      pageno: number;
    };
    probe.close();
    const fd = openSync(damaged, 'r+');
    writeSync(fd, Buffer.alloc(16, 0xff), 0, 16, (pageno - 1) * pageSize);
    closeSync(fd);
    expect(await refusal(restoreDatabase({ file: damaged, databaseFile }))).toMatch(/^endommagee\.sqlite est endommagé \(PRAGMA integrity_check : .+\)$/);

    const text = join(dir, 'notes.sqlite');
    writeFileSync(text, 'Ceci est un fichier texte, pas une base.\n'.repeat(200));
    expect(await refusal(restoreDatabase({ file: text, databaseFile }))).toBe("notes.sqlite n'est pas une base SQLite (en-tête « SQLite format 3 » absent)");

    const other = join(dir, 'autre.sqlite');
    const foreign = new Database(other);
    foreign.exec("create table clients (id integer primary key, nom text); insert into clients (nom) values ('x')");
    foreign.close();
    expect(await refusal(restoreDatabase({ file: other, databaseFile }))).toBe(
      "autre.sqlite n'est pas une base Cohésio (ni table __drizzle_migrations ni table plans)",
    );

    const newer = join(dir, 'future.sqlite');
    cpSync(good, newer);
    const future = new Database(newer);
    const latest = Math.max(...listKnownMigrations().map((m) => m.createdAt));
    future.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('f'.repeat(64), latest + 86_400_000);
    future.close();
    expect(await refusal(restoreDatabase({ file: newer, databaseFile }))).toMatch(
      /^future\.sqlite vient d'une version plus récente de Cohésio \(1 migration\(s\) inconnue\(s\) de cette version, la dernière du \d{4}-\d{2}-\d{2}\) : restaurez-la avec une version au moins aussi récente$/,
    );

    // Nothing was written where the database would go.
    expect(existsSync(databaseFile)).toBe(false);
    expect(readdirSync(join(databaseFile, '..'))).toEqual([]);
  });

  it('accepts a backup of an older version: its migrations are applied at the next opening', async () => {
    const old = databaseAt('0008_region_workspace');
    const databaseFile = join(tempDir(), 'cohesio.sqlite');
    const r = await restoreDatabase({ file: old, databaseFile });
    const known = listKnownMigrations().map((m) => m.tag);
    expect(r.schema).toBe('0008_region_workspace');
    expect(r.pending).toEqual(known.slice(known.indexOf('0008_region_workspace') + 1));
    const db = openDatabase(databaseFile);
    open.push(db.$client);
    expect((db.$client.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n).toBe(known.length);
  });
});

describe('the commands', () => {
  it('npm run backup copies the database the server has open and writes to; npm run restore puts it in a fresh data folder, or refuses in French', async () => {
    const { dataDir, db, ctx, planId } = liegeDatabase();
    const writer = cellWriter(ctx, planId);
    const lastWritten = writer.write();
    const out = join(tempDir(), 'nuit.sqlite');

    const backup = runCli('backup', ['--out', out], dataDir);
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toMatch(/^Sauvegarde écrite : .*nuit\.sqlite — [\d,]+ (ko|Mo), \d+ ms, 1 plan\(s\), schéma \w+, intégrité vérifiée\.\n$/);
    expect(backup.status).toBe(0);
    // The server keeps writing after the backup: the backup keeps what was there.
    writer.write();

    const again = runCli('backup', ['--out', out], dataDir);
    expect(again.status).toBe(2);
    expect(again.stderr).toBe(`Sauvegarde refusée : ${out} existe déjà : choisissez un autre nom, ou --force pour le remplacer\n`);

    const fresh = join(tempDir(), 'data');
    mkdirSync(fresh);
    const restore = runCli('restore', [out], fresh);
    expect(restore.stderr).toBe('');
    expect(restore.stdout).toContain(`Base restaurée : ${join(fresh, 'cohesio.sqlite')} — 1 plan(s)`);
    expect(restore.status).toBe(0);
    const restored = openDatabase(join(fresh, 'cohesio.sqlite'));
    open.push(restored.$client);
    const indicator = readPlan(restored, planId)
      .actions.flatMap((a) => a.indicators)
      .find((i) => i.id === writer.indicatorId)!;
    expect(indicator.values[writer.year]!.target).toBe(lastWritten);

    // The database in use by the "server" (this process) is not replaced.
    const refused = runCli('restore', [out], dataDir);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/^Restauration refusée : La base .* est ouverte par un autre programme \(le serveur Cohésio \?\) : arrêtez le serveur/);
    db.$client.close();
  }, 120_000);
});

describe('GET /api/admin/backup', () => {
  it('gives the administrator a checked backup of the database to download, the same rows as the database', async () => {
    const t = makeLiegeApp();
    const res = await t.apiAs('admin').admin.backup.$get();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.sqlite3');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="cohesio-\d{8}T\d{6}Z\.sqlite"/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    const expected = dumpTables(t.db.$client);

    const file = join(tempDir(), 'telechargee.sqlite');
    writeFileSync(file, bytes);
    const databaseFile = join(tempDir(), 'cohesio.sqlite');
    expect((await restoreDatabase({ file, databaseFile })).plans).toBe(1);
    const restored = new Database(databaseFile, { readonly: true });
    open.push(restored);
    expect(dumpTables(restored)).toEqual(expected);
  });

  it('is refused to every other role', async () => {
    const t = makeLiegeApp();
    for (const [account, label] of [
      ['chef', 'Chef de projet PCS'],
      ['finance', 'Directeur financier'],
      ['partenaire', 'Opérateur partenaire'],
      ['dics', 'Agent de la DiCS'],
    ] as const) {
      const res = await failure(t.apiAs(account).admin.backup.$get());
      expectApiError(res, 403, 'forbidden');
      expect(res.body.message, account).toBe(`Votre rôle (${label}) ne permet pas de télécharger une sauvegarde de la base`);
    }
  });
});
