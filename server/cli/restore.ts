/**
 * `npm run restore -- <fichier>`: replaces the database of DATA_DIR by a backup (server/services/backup.ts), the
 * server stopped. Refuses a damaged file, a file that is not a Cohésio database and a backup of a newer version; keeps
 * the current database aside as `cohesio.sqlite.before-restore-<horodatage>`.
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.ts';
import { BackupRefusal, restoreDatabase } from '../services/backup.ts';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { positionals } = parseArgs({ allowPositionals: true, strict: true });
if (positionals.length !== 1) fail('Usage : npm run restore -- <fichier de sauvegarde>');
const config = parseConfig(process.env);
try {
  const r = await restoreDatabase({ file: positionals[0]!, databaseFile: config.databaseFile });
  console.log(`Base restaurée : ${config.databaseFile} — ${r.plans} plan(s), schéma ${r.schema}.`);
  console.log(r.keptAside ? `Base précédente mise de côté : ${r.keptAside}` : 'Il n’y avait pas de base à cet endroit.');
  if (r.pending.length) {
    console.log(
      `Sauvegarde d’une version antérieure : ${r.pending.length} migration(s) (${r.pending.join(', ')}) seront appliquées au prochain démarrage du serveur.`,
    );
  }
} catch (err) {
  fail(err instanceof BackupRefusal ? `Restauration refusée : ${err.message}` : `Restauration échouée : ${err instanceof Error ? err.message : String(err)}`);
}
