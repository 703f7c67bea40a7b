/**
 * `npm run reminders [-- --date AAAA-MM-JJ]`: sends the reminders of due dates due today (or on the date given, to try
 * them) for the plans of the database of DATA_DIR, retries the e-mails the SMTP server refused, and waits until the
 * e-mails are sent (SMTP settings as for `npm start`; without them they stay in the outbox).
 */
import { parseArgs } from 'node:util';
import { parseConfig } from '../config.ts';
import { openDatabase } from '../db/open.ts';
import { loadReference } from '../services/programmes.ts';
import { createMailer } from '../services/mail.ts';
import { sendDueReminders } from '../services/reminders.ts';

const { values } = parseArgs({ options: { date: { type: 'string' } }, strict: true });
if (values.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.date)) {
  console.error(`Date invalide : ${values.date} (AAAA-MM-JJ)`);
  process.exit(2);
}
const config = parseConfig(process.env);
const db = openDatabase(config.databaseFile);
const mail = createMailer({ db, smtp: config.smtp, from: config.mailFrom, publicUrl: config.publicUrl });
// Noon UTC of the date asked is that date in Brussels too.
const now = values.date ? () => `${values.date}T12:00:00.000Z` : undefined;
const run = sendDueReminders({ db, reference: loadReference(db), mail, ...(now ? { now } : {}) });
mail.wake();
await mail.idle();
mail.close();
console.log(
  `Rappels envoyés : ${run.rappels}; courriels en échec remis en file : ${run.courrielsRelances}; ${config.smtp ? 'envoi SMTP' : 'sans SMTP : courriels dans la boîte d’envoi'}.`,
);
db.$client.close();
