import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { parseConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import { loadReference } from './services/programmes.ts';
import { seedSampleIfEmpty } from './services/seed.ts';
import { createDemoAccounts, demoAccountEmails } from './services/demo-accounts.ts';
import { hasAccounts } from './services/auth.ts';
import { createMailer } from './services/mail.ts';
import { sendDueReminders } from './services/reminders.ts';
import { createPdfExports } from './services/pdf.ts';
import { collectWhenIdle } from './idle-collect.ts';
import { canTrimNativeMemory } from './native/malloc-trim.ts';
import { loadFormDefinitions } from './form-definitions.ts';

/** Entry point of `npm start`: the only place that reads the environment. */
const config = parseConfig(process.env);
const db = openDatabase(config.databaseFile);
const reference = loadReference(db);
const mail = createMailer({ db, smtp: config.smtp, from: config.mailFrom, publicUrl: config.publicUrl });
const forms = loadFormDefinitionsOrExit();
const ctx = { db, reference, mail, forms };
if (config.production) {
  const demo = demoAccountEmails(db);
  if (demo.length) {
    console.error(
      `Production refusée : cette base (${config.databaseFile}) contient ${demo.length} compte(s) de démonstration au mot de passe publié (${demo.slice(0, 3).join(', ')}${demo.length > 3 ? '…' : ''}). ` +
        'Une base de démonstration ne passe pas en production : démarrez sur un DATA_DIR neuf, puis créez l’administrateur avec « npm run user:add ».',
    );
    process.exit(1);
  }
  if (!config.https) console.log('Production : servez Cohésio en HTTPS et indiquez PUBLIC_URL=https://… (cookie de session Secure, liens des courriels).');
}
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
  console.log(
    'Aucun compte dans cette base : créez l’administrateur avec « npm run user:add -- --email … --nom … --role admin » (mot de passe généré, affiché une fois ; README, « Comptes et rôles »).',
  );
}
const app = createApp(
  { ...ctx, pdf: createPdfExports(config.pdf) },
  { clientDir: config.clientDir, handsontableLicenseKey: config.handsontableLicenseKey },
  { secureCookies: config.secureCookies, https: config.https },
);
const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  const mode = config.production ? 'production' : 'démonstration';
  console.log(`Cohésio (${mode}) : http://${config.host}:${info.port}/  (base ${config.databaseFile})`);
});

/** The kinds of form of templates/forms/: a broken definition stops the start, with the file and the field. */
function loadFormDefinitionsOrExit() {
  try {
    return loadFormDefinitions();
  } catch (error) {
    console.error(`Démarrage refusé : ${(error as Error).message}`);
    process.exit(1);
  }
}

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
if (!canTrimNativeMemory()) {
  console.log('Extension server/native/malloc-trim absente (npm install la construit avec node-gyp) : la mémoire libérée après un pic reste au processus.');
}

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
