/**
 * `npm run user:add -- --email … --nom "…" --role chef-de-projet --organisation Liège [--association]
 * [--partenaire "…"] [--mot-de-passe …]`: creates an account in the database of DATA_DIR. Without a password, one
 * is generated and printed once.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { AppError } from '../errors.ts';
import { loadReference } from '../services/programmes.ts';
import { createUser } from '../services/auth.ts';
import { ROLES } from '../../schemas/access.ts';

const { values } = parseArgs({
  options: {
    email: { type: 'string' },
    nom: { type: 'string' },
    role: { type: 'string' },
    organisation: { type: 'string' },
    association: { type: 'boolean', default: false },
    partenaire: { type: 'string' },
    'mot-de-passe': { type: 'string' },
  },
  strict: true,
});

const config = parseConfig(process.env);
const db = openDatabase(config.databaseFile);
const generated = values['mot-de-passe'] ? null : randomBytes(12).toString('base64url');
try {
  const me = await createUser({
    db,
    reference: loadReference(db),
    input: {
      email: values.email,
      nom: values.nom,
      role: values.role,
      organisation: values.organisation ?? null,
      association: values.association,
      partenaire: values.partenaire ?? null,
      motDePasse: values['mot-de-passe'] ?? generated,
    },
  });
  console.log(`Compte créé : ${me.email} — ${me.roleLabel}${me.organisation ? `, ${me.organisation}` : ''}`);
  if (generated) console.log(`Mot de passe (à communiquer puis à changer) : ${generated}`);
} catch (err) {
  if (!(err instanceof AppError)) throw err;
  console.error(`Compte non créé : ${err.message}`);
  for (const issue of err.issues) console.error(`  ${issue.path} : ${issue.message}`);
  console.error(`Rôles : ${ROLES.join(', ')}`);
  process.exitCode = 1;
} finally {
  db.$client.close();
}
