import { desc, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { mailOutbox } from '../db/schema.ts';
import type { Db, DbOrTx } from '../db/open.ts';
import { OUTBOX_SHOWN, type MailStatus, type OutboxMail } from '../../schemas/deadlines.ts';
import { newIdOf, nowOf, type MailQueue, type ServiceContext } from './context.ts';

/**
 * E-mail: every mail is a row of `mail_outbox` first, so nothing is silently dropped. Without SMTP settings it stays
 * there (`boite`) for the administrator to read (« Courriels »); with them it waits (`en-attente`) and a sender
 * outside the request sends it through nodemailer, then records `envoye` or `echec` with the error (failed mails are
 * tried again at the next reminder run, `retryFailedMails`).
 */

/** SMTP settings (server/config.ts): a `smtp://` / `smtps://` URL, or host, port and credentials. */
export type SmtpSettings = { url: string } | { host: string; port: number; secure: boolean; user: string | null; password: string | null };

/** What `createMailer` answers: the services' MailQueue, plus waiting for the queue to empty and closing the connection. */
export type Mailer = MailQueue & { idle(): Promise<void>; close(): void };

/** A mail to send: one recipient, a subject and a plain text (French). */
export type MailInput = { destinataire: string; sujet: string; texte: string };

/** Mails sent per read of the queue. */
const BATCH = 20;
/** Longest text of an SMTP error kept in the outbox. */
const MAX_ERROR_LENGTH = 1000;

function transportOf(smtp: SmtpSettings) {
  if ('url' in smtp) return nodemailer.createTransport(smtp.url);
  const options: SMTPTransport.Options = {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  };
  if (smtp.user) options.auth = { user: smtp.user, pass: smtp.password ?? '' };
  return nodemailer.createTransport(options);
}

/**
 * The mailer of one server process. `smtp` null: mails stay in the outbox (`sends` false). Otherwise `wake()` starts
 * sending the waiting mails (one sender at a time; a wake during a run makes it look again) and `idle()` resolves
 * when none is waiting any more.
 */
export function createMailer(options: { db: Db; smtp: SmtpSettings | null; from: string; publicUrl: string; now?: () => string }): Mailer {
  const { db, from, publicUrl } = options;
  const now = options.now ?? (() => new Date().toISOString());
  const transport = options.smtp ? transportOf(options.smtp) : null;
  let running: Promise<void> | null = null;
  let again = false;

  async function drain(): Promise<void> {
    if (!transport) return;
    for (;;) {
      const batch = db.select().from(mailOutbox).where(eq(mailOutbox.statut, 'en-attente')).orderBy(mailOutbox.createdAt).limit(BATCH).all();
      if (!batch.length) return;
      for (const m of batch) {
        try {
          await transport.sendMail({ from, to: m.destinataire, subject: m.sujet, text: m.texte });
          db.update(mailOutbox).set({ statut: 'envoye', envoyeLe: now(), erreur: null }).where(eq(mailOutbox.id, m.id)).run();
        } catch (err) {
          const erreur = (err instanceof Error ? err.message : String(err)).slice(0, MAX_ERROR_LENGTH);
          db.update(mailOutbox).set({ statut: 'echec', erreur }).where(eq(mailOutbox.id, m.id)).run();
        }
      }
    }
  }

  const mailer: Mailer = {
    sends: transport !== null,
    publicUrl,
    wake() {
      if (!transport) return;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        // Started after the caller's transaction: the mails it queued are committed by then.
        await new Promise((r) => setImmediate(r));
        do {
          again = false;
          await drain();
        } while (again);
      })()
        .catch((err: unknown) => console.error('Envoi des courriels :', err))
        .finally(() => {
          running = null;
        });
    },
    async idle() {
      while (running) await running;
    },
    close() {
      transport?.close();
    },
  };
  return mailer;
}

/**
 * Queues a mail in the caller's transaction (`db`): kept in the outbox (`boite`) without SMTP, else waiting to be sent
 * by the mailer once the transaction is over. Never blocks on the network.
 */
export function queueMail(ctx: ServiceContext, db: DbOrTx, mail: MailInput): void {
  const statut: MailStatus = ctx.mail?.sends ? 'en-attente' : 'boite';
  db.insert(mailOutbox)
    .values({ id: newIdOf(ctx)(), ...mail, createdAt: nowOf(ctx), statut })
    .run();
  ctx.mail?.wake();
}

/** Puts the mails the SMTP server refused back in the queue and starts sending; answers how many. */
export function retryFailedMails(ctx: ServiceContext): number {
  if (!ctx.mail?.sends) return 0;
  const n = ctx.db.update(mailOutbox).set({ statut: 'en-attente' }).where(eq(mailOutbox.statut, 'echec')).run().changes;
  ctx.mail.wake();
  return n;
}

/** The latest mails of the outbox, newest first (the administrator's « Courriels »). */
export function listOutbox(ctx: ServiceContext): OutboxMail[] {
  return ctx.db
    .select()
    .from(mailOutbox)
    .orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id))
    .limit(OUTBOX_SHOWN)
    .all()
    .map((m) => ({ ...m, statut: m.statut as MailStatus }));
}
