/**
 * `npm run backup -- [--out <fichier>] [--force]`: an online backup of the database of DATA_DIR, while the server
 * runs (server/services/backup.ts). `--out` defaults to `cohesio-<horodatage>.sqlite` in the current folder; an
 * existing file is replaced only with `--force`. Prints the file, its size, the time taken and the number of plans.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.ts';
import { BackupRefusal, backupDatabase, fileStamp } from '../services/backup.ts';

/** `12,3 Mo`, `840 ko`. */
function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toLocaleString('fr-BE', { maximumFractionDigits: 1 })} Mo`;
  return `${Math.max(1, Math.round(bytes / 1024))} ko`;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values } = parseArgs({ options: { out: { type: 'string' }, force: { type: 'boolean', default: false } }, strict: true });
const config = parseConfig(process.env);
if (!existsSync(config.databaseFile)) fail(`Aucune base à sauvegarder : ${config.databaseFile} n'existe pas (DATA_DIR)`);
const out = values.out ?? `cohesio-${fileStamp(new Date().toISOString())}.sqlite`;
const sqlite = new Database(config.databaseFile, { fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
try {
  const r = await backupDatabase({ sqlite, out, force: values.force });
  console.log(
    `Sauvegarde écrite : ${r.file} — ${formatBytes(r.bytes)}, ${Math.round(r.durationMs)} ms, ${r.plans} plan(s), schéma ${r.schema}, intégrité vérifiée.`,
  );
} catch (err) {
  fail(err instanceof BackupRefusal ? `Sauvegarde refusée : ${err.message}` : `Sauvegarde échouée : ${err instanceof Error ? err.message : String(err)}`);
} finally {
  sqlite.close();
}
