import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { parseConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import { loadReference } from './services/programmes.ts';
import { seedSampleIfEmpty } from './services/seed.ts';
import { createDemoAccounts } from './services/demo-accounts.ts';
import { hasAccounts } from './services/auth.ts';

/** Entry point of `npm start`: the only place that reads the environment. */
const config = parseConfig(process.env);
const db = openDatabase(config.databaseFile);
const reference = loadReference(db);
const ctx = { db, reference };
if (config.loadSample) {
  const seeded = seedSampleIfEmpty(ctx);
  if (seeded) {
    await createDemoAccounts(ctx);
    console.log(
      `Base vide : plan exemple chargé (${seeded.commune}, ${seeded.programmeId}, ${seeded.actions.length} actions), comptes de démonstration créés (README).`,
    );
  }
}
if (!hasAccounts(db)) {
  console.log('Aucun compte dans cette base : créez-en un avec « npm run user:add -- --email … --nom … --role admin » (README, « Comptes et rôles »).');
}
const app = createApp(ctx, { clientDir: config.clientDir, handsontableLicenseKey: config.handsontableLicenseKey });
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  console.log(`Cohésio : http://${config.host}:${info.port}/  (base ${config.databaseFile})`);
});

function shutdown() {
  server.close();
  db.$client.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
