/**
 * `npm run seed [-- sample-name]`: loads a sample plan into the database of DATA_DIR (another copy if one is there).
 */
import { parseConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { loadReference } from '../services/programmes.ts';
import { seedSample } from '../services/seed.ts';

const config = parseConfig(process.env);
const db = openDatabase(config.databaseFile);
const name = process.argv[2];
const plan = seedSample({ db, reference: loadReference(db) }, name);
console.log(`Plan chargé : ${plan.commune} (${plan.programmeId}), ${plan.actions.length} actions, id ${plan.id}`);
db.$client.close();
