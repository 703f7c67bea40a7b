import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { parseConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import { loadReference } from './services/programmes.ts';
import { seedSampleIfEmpty } from './services/seed.ts';
import { createDemoAccounts } from './services/demo-accounts.ts';
import { hasAccounts } from './services/auth.ts';
import { createMailer } from './services/mail.ts';
import { sendDueReminders } from './services/reminders.ts';
import { collectWhenIdle } from './idle-collect.ts';

/** Entry point of `npm start`: the only place that reads the environment. */
const config = parseConfig(process.env);
const db = openDatabase(config.databaseFile);
const reference = loadReference(db);
const mail = createMailer({ db, smtp: config.smtp, from: config.mailFrom, publicUrl: config.publicUrl });
const ctx = { db, reference, mail };
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

/** Reminders of due dates: at start (mails left waiting by a previous run go too), then every REMINDER_INTERVAL_MINUTES. */
function runReminders(): void {
  try {
    const run = sendDueReminders(ctx);
    if (run.rappels) console.log(`Rappels d’échéance envoyés : ${run.rappels}`);
  } catch (err) {
    console.error('Rappels d’échéance :', err);
  }
}
mail.wake();
runReminders();
const reminderTimer = config.reminderIntervalMinutes > 0 ? setInterval(runReminders, config.reminderIntervalMinutes * 60_000).unref() : null;
if (!config.smtp) console.log('Pas de serveur SMTP (SMTP_URL ou SMTP_HOST) : les courriels restent dans la boîte d’envoi (« Courriels », administrateur).');

const collector = collectWhenIdle();

function shutdown() {
  if (reminderTimer) clearInterval(reminderTimer);
  if (collector) clearInterval(collector);
  mail.close();
  server.close();
  db.$client.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
