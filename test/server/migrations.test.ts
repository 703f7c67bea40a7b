import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/open.ts';

const MIGRATIONS = join(import.meta.dirname, '../../server/db/migrations');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A database file migrated up to (and including) the migration `lastTag`, as an older Cohésio left it. */
function databaseAt(lastTag: string): { file: string; sqlite: Database.Database } {
  const dir = mkdtempSync(join(tmpdir(), 'cohesio-migrations-'));
  dirs.push(dir);
  const folder = join(dir, 'migrations');
  cpSync(MIGRATIONS, folder, { recursive: true });
  const journalFile = join(folder, 'meta/_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last).toBeGreaterThanOrEqual(0);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(journalFile, JSON.stringify(journal));
  const file = join(dir, 'cohesio.sqlite');
  const sqlite = new Database(file);
  migrate(drizzle(sqlite), { migrationsFolder: folder });
  return { file, sqlite };
}

/** Inserts a row giving every required column without a default a value of its type (the test only needs the row). */
function insertRow(sqlite: Database.Database, table: string, values: Record<string, unknown>): void {
  const columns = sqlite.prepare(`select name, type, "notnull" as required, dflt_value as fallback from pragma_table_info(?)`).all(table) as {
    name: string;
    type: string;
    required: number;
    fallback: unknown;
  }[];
  const row: Record<string, unknown> = {};
  for (const c of columns) if (c.required && c.fallback === null) row[c.name] = /int/i.test(c.type) ? 1 : 'x';
  Object.assign(row, values);
  const names = Object.keys(row);
  sqlite.prepare(`insert into "${table}" (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map(() => '?').join(', ')})`).run(...Object.values(row));
}

describe('migration 0004_imputations', () => {
  it('keeps every E-compte line, its amount and its version when the table takes the official name', () => {
    const { file, sqlite } = databaseAt('0003_submissions_review');
    insertRow(sqlite, 'plans', { id: 'p1', programme_id: 'pcs-2020-2025', commune: 'Namur' });
    const line = { plan_id: 'p1', annee: 2021, code_fonctionnel: '84010', article_economique: '465-48', montant_cents: -123_456 };
    insertRow(sqlite, 'booked_lines', { ...line, id: 'l1', position: 0, libelle: 'Subvention', nature: null, version: 3 });
    insertRow(sqlite, 'booked_lines', { ...line, id: 'l2', position: 1, libelle: null, nature: 'art20', version: 1 });
    const before = sqlite.prepare('select * from booked_lines order by position').all();
    sqlite.close();

    const db = openDatabase(file);
    try {
      expect(db.$client.prepare('select * from imputations order by position').all()).toEqual(before);
      expect(db.$client.prepare(`select count(*) as n from sqlite_master where name = 'booked_lines'`).get()).toEqual({ n: 0 });
      // The closed lists are still enforced by the renamed table.
      expect(() => insertRow(db.$client, 'imputations', { ...line, id: 'l3', position: 2, nature: 'autre' })).toThrow(/CHECK constraint failed/);
    } finally {
      db.$client.close();
    }
  });
});

describe('migration 0005_programmes_porteurs', () => {
  it('keeps every organisation with its plans and people, gives submissions their kind and moves 2026-2031 plans to the programme from 2027', () => {
    const { file, sqlite } = databaseAt('0004_imputations');
    insertRow(sqlite, 'organisations', { id: 'o1', nom: 'Liège', nature: 'commune' });
    insertRow(sqlite, 'organisations', { id: 'o2', nom: 'Association Hesbaye', nature: 'association' });
    insertRow(sqlite, 'plans', { id: 'p1', programme_id: 'pcs-2020-2025', commune: 'Liège', organisation_id: 'o1' });
    insertRow(sqlite, 'plans', { id: 'p2', programme_id: 'pcs-2026-2031', commune: 'Waremme', organisation_id: 'o2' });
    insertRow(sqlite, 'users', { id: 'u1', email: 'chef@liege.be', role: 'chef-de-projet', organisation_id: 'o1' });
    insertRow(sqlite, 'submissions', { id: 's1', plan_id: 'p1', annee: 2021, numero: 1, statut: 'soumis', fichiers: 'prets' });
    sqlite.close();

    const db = openDatabase(file);
    try {
      const all = (q: string) => db.$client.prepare(q).all();
      expect(all('select id, nom, nature, commune, version from organisations order by id')).toEqual([
        { id: 'o1', nom: 'Liège', nature: 'commune', commune: 'Liège', version: 1 },
        { id: 'o2', nom: 'Association Hesbaye', nature: 'association', commune: null, version: 1 },
      ]);
      expect(all('select id, programme_id, organisation_id, predecessor_id from plans order by id')).toEqual([
        { id: 'p1', programme_id: 'pcs-2020-2025', organisation_id: 'o1', predecessor_id: null },
        { id: 'p2', programme_id: 'pcs-2027', organisation_id: 'o2', predecessor_id: null },
      ]);
      expect(all('select organisation_id from users')).toEqual([{ organisation_id: 'o1' }]);
      expect(all('select id, kind, annee from submissions')).toEqual([{ id: 's1', kind: 'rapport-annuel', annee: 2021 }]);
      expect(all('pragma foreign_key_check')).toEqual([]);
      expect(() => insertRow(db.$client, 'organisations', { id: 'o3', nom: 'X', nature: 'asbl' })).toThrow(/CHECK constraint failed/);
    } finally {
      db.$client.close();
    }
  });
});

describe('migration 0010_deadline_audit_event', () => {
  it('keeps every audit entry and its values, accepts the « echeance » event and still refuses to change an entry', () => {
    const { file, sqlite } = databaseAt('0008_region_workspace');
    insertRow(sqlite, 'plans', { id: 'p1', programme_id: 'pcs-2020-2025', commune: 'Namur' });
    insertRow(sqlite, 'audit_changes', { id: 7, plan_id: 'p1', event: 'soumission', origin: 'grille', summary: 'Rapport 2021 soumis' });
    insertRow(sqlite, 'audit_values', { change_id: 7, plan_id: 'p1', path: 'budget.recettes.total', label: 'Budget', old_value: '1', new_value: '2' });
    expect(() => insertRow(sqlite, 'audit_changes', { plan_id: 'p1', event: 'echeance', origin: 'api' })).toThrow(/CHECK constraint failed/);
    const before = { changes: sqlite.prepare('select * from audit_changes').all(), values: sqlite.prepare('select * from audit_values').all() };
    sqlite.close();

    const db = openDatabase(file);
    try {
      expect(db.$client.prepare('select * from audit_changes').all()).toEqual(before.changes);
      expect(db.$client.prepare('select * from audit_values').all()).toEqual(before.values);
      insertRow(db.$client, 'audit_changes', { plan_id: 'p1', event: 'echeance', origin: 'api' });
      expect(() => insertRow(db.$client, 'audit_changes', { plan_id: 'p1', event: 'autre', origin: 'api' })).toThrow(/CHECK constraint failed/);
      expect(() => db.$client.prepare(`update audit_changes set summary = 'x' where id = 7`).run()).toThrow(/audit entries are never changed/);
    } finally {
      db.$client.close();
    }
  });
});

describe('migration 0013_form_workflow', () => {
  it('makes every existing form document a draft, keeping its content and version, and adds its questions’ tables', () => {
    const { file, sqlite } = databaseAt('0012_form_documents');
    insertRow(sqlite, 'plans', { id: 'p1', programme_id: 'pcs-2020-2025', commune: 'Liège' });
    insertRow(sqlite, 'form_documents', {
      id: 'd1',
      plan_id: 'p1',
      kind: 'evaluation-groupes-de-travail',
      title: 'Évaluation',
      data: '{"origines":{}}',
      version: 4,
    });
    sqlite.close();

    const db = openDatabase(file);
    try {
      expect(db.$client.prepare('select id, data, version, statut, soumis_le, decide_le, motif from form_documents').all()).toEqual([
        { id: 'd1', data: '{"origines":{}}', version: 4, statut: 'brouillon', soumis_le: null, decide_le: null, motif: null },
      ]);
      insertRow(db.$client, 'form_threads', { id: 't1', plan_id: 'p1', document_id: 'd1', statut: 'ouvert' });
      expect(() => insertRow(db.$client, 'form_threads', { id: 't2', plan_id: 'p1', document_id: 'd1', statut: 'ferme' })).toThrow(/CHECK constraint failed/);
      // A question goes with its document.
      db.$client.prepare(`delete from form_documents where id = 'd1'`).run();
      expect(db.$client.prepare('select count(*) as n from form_threads').get()).toEqual({ n: 0 });
    } finally {
      db.$client.close();
    }
  });
});

describe('migration 0014_plan_structure_stamp', () => {
  it('stamps every plan, and draws a plan’s stamp again whenever its fiches, indicators or transfers change', () => {
    const { file, sqlite } = databaseAt('0013_form_workflow');
    for (const id of ['p1', 'p2']) insertRow(sqlite, 'plans', { id, programme_id: 'pcs-2020-2025', commune: id });
    insertRow(sqlite, 'actions', { id: 'a1', plan_id: 'p1', position: 0, code: '1.3.03', fiche: '{}' });
    sqlite.close();

    const db = openDatabase(file);
    try {
      const sql = db.$client;
      const stamps = () =>
        Object.fromEntries((sql.prepare('select id, structure_stamp as s from plans').all() as { id: string; s: number }[]).map((r) => [r.id, r.s]));
      let before = stamps();
      // Random, so neither zero nor shared by the two plans (a chance of 2⁻⁶⁴).
      expect(before.p1).not.toBe(before.p2);
      expect(before.p1).not.toBe(0);
      /** Runs `change` and says which plans' stamps it changed. */
      const changed = (change: string): string[] => {
        sql.prepare(change).run();
        const after = stamps();
        const ids = Object.keys(after).filter((id) => after[id] !== before[id]);
        before = after;
        return ids.sort();
      };
      expect(changed(`insert into plans (id, programme_id, commune, created_at, updated_at) values ('p3', 'pcs-2020-2025', 'Namur', 'x', 'x')`)).toEqual([
        'p3',
      ]);
      expect(before.p3).not.toBe(0);
      expect(
        changed(`insert into indicators (id, action_id, position, category, label, unit) values ('i1', 'a1', 0, 'realisation', 'Personnes', 'count')`),
      ).toEqual(['p1']);
      expect(changed(`update indicators set unit = 'percent' where id = 'i1'`)).toEqual(['p1']);
      expect(changed(`update actions set code = '1.1.05' where id = 'a1'`)).toEqual(['p1']);
      expect(changed(`update actions set plan_id = 'p2' where id = 'a1'`)).toEqual(['p1', 'p2']);
      expect(changed(`delete from indicators where id = 'i1'`)).toEqual(['p2']);
      expect(changed(`insert into transfers (id, plan_id, position, partenaire, montant_cents) values ('t1', 'p3', 0, 'ASBL', 100)`)).toEqual(['p3']);
      expect(changed(`delete from transfers where id = 't1'`)).toEqual(['p3']);
      expect(changed(`delete from actions where id = 'a1'`)).toEqual(['p2']);
      // The plan's own row (a cell write touches its `updated_at`) is not its structure.
      expect(changed(`update plans set updated_at = 'y' where id = 'p1'`)).toEqual([]);
    } finally {
      db.$client.close();
    }
  });
});
