import { afterEach, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { eq } from 'drizzle-orm';
import { mailOutbox, notifications, remindersSent } from '../../server/db/schema.ts';
import type { ServiceContext } from '../../server/services/context.ts';
import { createMailer, type Mailer } from '../../server/services/mail.ts';
import { sendDueReminders } from '../../server/services/reminders.ts';
import { settleSubmissionFiles } from '../../server/services/submissions.ts';
import { dueReminderStep } from '../../schemas/deadlines.ts';
import type { Plan } from '../../schemas/plan.ts';
import { makeLiegeApp, makeTestApp, reply } from '../helpers.ts';
import { parseConfig } from '../../server/config.ts';

/**
 * Reminders of due dates (J-30, J-7, J+1, J+7, J+30) go once each to the chef de projet and the finance officer of the
 * plan, on the context's clock, against the extended due date when the DiCS granted one; nothing for a submission
 * under review or approved. Their e-mails stay in the outbox without SMTP, go through a real SMTP server with it, and
 * a refusal of the server is kept (`echec`) and tried again.
 */

/** The Liège 2025 report is due on 31 March 2026. */
const at = (date: string) => () => `${date}T10:00:00.000Z`;

function liege() {
  const t = makeLiegeApp();
  const run = (date: string, extra: Partial<ServiceContext> = {}) => sendDueReminders({ ...t.ctx, ...extra, now: at(date) });
  const sent = () =>
    t.db
      .select()
      .from(remindersSent)
      .all()
      .map((r) => `${r.annee} ${r.etape} ${r.echeance}`)
      .sort();
  return { ...t, run, sent };
}

describe('dueReminderStep', () => {
  it.each([
    ['2026-02-28', null],
    ['2026-03-01', 'J-30'],
    ['2026-03-23', 'J-30'],
    ['2026-03-24', 'J-7'],
    ['2026-03-31', 'J-7'],
    ['2026-04-01', 'J+1'],
    ['2026-04-07', 'J+7'],
    ['2026-04-30', 'J+30'],
    ['2026-05-29', 'J+30'],
    ['2026-05-30', null],
  ])('on %s for a due date of 31/03/2026: %s', (today, step) => {
    expect(dueReminderStep('2026-03-31', 'brouillon', today)?.etape ?? null).toBe(step);
  });

  it('sends nothing for a submission under review or approved, and goes on for a returned one', () => {
    expect(dueReminderStep('2026-03-31', 'soumis', '2026-04-01')).toBeNull();
    expect(dueReminderStep('2026-03-31', 'approuve', '2026-04-01')).toBeNull();
    expect(dueReminderStep('2026-03-31', 'retourne', '2026-04-01')?.etape).toBe('J+1');
  });
});

describe('sendDueReminders', () => {
  it('sends each step once, on its date, to the chef de projet and the finance officer', () => {
    const t = liege();
    expect(t.run('2026-02-28').rappels).toBe(0);
    expect(t.run('2026-03-01').rappels).toBe(1);
    expect(t.run('2026-03-01').rappels).toBe(0);
    expect(t.run('2026-03-10').rappels).toBe(0);
    for (const date of ['2026-03-24', '2026-04-01', '2026-04-07', '2026-04-30']) expect(t.run(date).rappels, date).toBe(1);
    expect(t.run('2026-06-15').rappels).toBe(0);
    expect(t.sent()).toEqual(['J+1', 'J+30', 'J+7', 'J-30', 'J-7'].map((s) => `2025 ${s} 2026-03-31`).sort());
    const told = t.db.select().from(notifications).all();
    expect(told).toHaveLength(10);
    const late = told.find((n) => n.createdAt.startsWith('2026-04-07'))!;
    expect(late).toMatchObject({ nature: 'rappel', planId: t.plan.id, lien: `#/plan/${t.plan.id}/rapport/2025` });
    expect(late.titre).toBe("Retard : Rapport annuel d'activités et financier 2025 — Liège");
    expect(late.texte).toContain("Le rapport 2025 est en retard de 7 jours : l'échéance était le 31/03/2026");
    // No SMTP server: every e-mail waits in the outbox.
    const mails = t.db.select().from(mailOutbox).all();
    expect(mails).toHaveLength(10);
    expect(new Set(mails.map((m) => m.statut))).toEqual(new Set(['boite']));
    expect(new Set(mails.map((m) => m.destinataire))).toEqual(new Set(['chef@liege.demo', 'finances@liege.demo']));
    expect(mails[0]!.texte).toContain(`/#/plan/${t.plan.id}/rapport/2025`);
  });

  it('counts from the extended due date, and an extension makes the steps due again', async () => {
    const t = liege();
    expect(t.run('2026-04-01').rappels).toBe(1);
    const param = { planId: t.plan.id, kind: 'rapport-annuel', annee: '2025' };
    const granted = await reply(t.apiAs('dics').plans[':planId'].deadlines[':kind'][':annee'].$put({ param, json: { echeance: '2026-06-30', motif: null } }));
    expect(granted.status).toBe(200);
    // Not late any more against 30 June: the J+7 of 31 March is not sent.
    expect(t.run('2026-04-07').rappels).toBe(0);
    expect(t.run('2026-05-31').rappels).toBe(1);
    expect(t.sent()).toEqual(['2025 J+1 2026-03-31', '2025 J-30 2026-06-30']);
    const reminder = t.db.select().from(notifications).where(eq(notifications.nature, 'rappel')).all().at(-1)!;
    expect(reminder.texte).toContain("délai accordé jusqu'au 30/06/2026 (échéance du programme : 31/03/2026)");
  });

  it('sends nothing for a submission under review or approved', async () => {
    const t = makeTestApp();
    const chef = t.apiAs('chef');
    const plan = (await reply(chef.plans.$post({ json: { commune: 'Liège', programmeId: 'pcs-2027' } }))).body as Plan;
    const param = { planId: plan.id };
    const budget = {
      recettes: { total: 100_000_00, subventionPcs: 75_000_00, partCommunale: 25_000_00 },
      depenses: { total: 100_000_00, personnel: 100_000_00 },
    };
    expect(
      (
        await reply(
          chef.plans[':planId'].sections[':section'].$put({ param: { ...param, section: 'budget' }, json: { version: plan.versions.budget, data: budget } }),
        )
      ).status,
    ).toBe(200);
    const submitted = await reply(chef.plans[':planId'].submissions.$post({ param, json: { annee: 2027, kind: 'justification-financiere' } }));
    expect(submitted.status).toBe(202);
    await settleSubmissionFiles(submitted.body.id);
    // The 2027 financial justification is due on 30 June 2028: its J-30 is 31 May 2028.
    const run = (date: string) => sendDueReminders({ ...t.ctx, now: at(date) }).rappels;
    expect(run('2028-05-31')).toBe(0);
    const approved = await reply(
      t
        .apiAs('dics')
        .plans[':planId'].submissions[':submissionId'].approve.$post({ param: { ...param, submissionId: submitted.body.id }, json: { motif: null } }),
    );
    expect(approved.status).toBe(200);
    expect(run('2028-06-24')).toBe(0);
    // The next year's, not submitted, is reminded.
    expect(run('2029-05-31')).toBe(1);
  });
});

// ——— A real SMTP server ————————————————————————————————————————————————————————————————————————————————————————

type Received = { from: string; to: string[]; raw: string };

/** An SMTP server on a free port of this machine, keeping what it receives; `refuse` makes it reject every recipient. */
async function startSmtp(): Promise<{ port: number; received: Received[]; refuse: { on: boolean }; close(): Promise<void> }> {
  const received: Received[] = [];
  const refuse = { on: false };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.on) return callback(Object.assign(new Error(`Boîte inconnue : ${address.address}`), { responseCode: 550 }));
      callback();
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, refuse, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The text of a quoted-printable body, as a mail reader shows it. */
function decodeQuotedPrintable(raw: string): string {
  const soft = raw.replace(/=\r?\n/g, '');
  return Buffer.from(
    soft.replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
    'latin1',
  ).toString('utf8');
}

/** The Subject header, its encoded words (RFC 2047, Q encoding) decoded. */
function subjectOf(raw: string): string {
  const header = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)![1]!;
  return header.replace(/\?=\s+=\?/g, '?==?').replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, words: string) => decodeQuotedPrintable(words.replace(/_/g, ' ')));
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('e-mail through SMTP', () => {
  async function withSmtp() {
    const t = liege();
    const smtp = await startSmtp();
    const mail: Mailer = createMailer({
      db: t.db,
      smtp: { url: `smtp://127.0.0.1:${smtp.port}` },
      from: 'Cohésio <cohesio@test.invalid>',
      publicUrl: 'https://cohesio.test',
    });
    cleanups.push(smtp.close, () => mail.close());
    const statuses = () => t.db.select({ to: mailOutbox.destinataire, statut: mailOutbox.statut, erreur: mailOutbox.erreur }).from(mailOutbox).all();
    return { ...t, smtp, mail, statuses };
  }

  it('sends the reminder to each person off the request, and records it as sent', async () => {
    const t = await withSmtp();
    expect(t.run('2026-03-01', { mail: t.mail }).rappels).toBe(1);
    await t.mail.idle();
    expect(t.statuses().map((s) => s.statut)).toEqual(['envoye', 'envoye']);
    expect(t.smtp.received.flatMap((m) => m.to).sort()).toEqual(['chef@liege.demo', 'finances@liege.demo']);
    const message = t.smtp.received[0]!;
    expect(message.from).toBe('cohesio@test.invalid');
    const text = decodeQuotedPrintable(message.raw);
    expect(subjectOf(message.raw)).toBe("[Cohésio] Rappel : Rapport annuel d'activités et financier 2025 — Liège");
    expect(text).toContain('Plan de Cohésion sociale « Liège » : Le rapport 2025 est à remettre pour le 31/03/2026 (dans 30 jours).');
    expect(text).toContain(`Ouvrir dans Cohésio : https://cohesio.test/#/plan/${t.plan.id}/rapport/2025`);
  });

  it('keeps a mail the server refused as « echec » with the error, and sends it at the next run', async () => {
    const t = await withSmtp();
    t.smtp.refuse.on = true;
    t.run('2026-03-01', { mail: t.mail });
    await t.mail.idle();
    const failed = t.statuses();
    expect(failed.map((s) => s.statut)).toEqual(['echec', 'echec']);
    expect(failed[0]!.erreur).toContain('Boîte inconnue');
    t.smtp.refuse.on = false;
    const again = t.run('2026-03-02', { mail: t.mail });
    expect(again).toEqual({ rappels: 0, courrielsRelances: 2 });
    await t.mail.idle();
    expect(t.statuses().map((s) => [s.statut, s.erreur])).toEqual([
      ['envoye', null],
      ['envoye', null],
    ]);
    expect(t.smtp.received).toHaveLength(2);
  });
});

describe('SMTP settings (environment)', () => {
  it('none: the outbox; a URL; host and port (TLS from the start on 465); the links start with PUBLIC_URL', () => {
    expect(parseConfig({}).smtp).toBeNull();
    expect(parseConfig({}).publicUrl).toBe('http://localhost:8787');
    expect(parseConfig({ SMTP_URL: 'smtps://u:p@mail.example.be:465' }).smtp).toEqual({ url: 'smtps://u:p@mail.example.be:465' });
    expect(parseConfig({ SMTP_HOST: 'mail.example.be', SMTP_PORT: '465', SMTP_USER: 'u', SMTP_PASSWORD: 'p' }).smtp).toEqual({
      host: 'mail.example.be',
      port: 465,
      secure: true,
      user: 'u',
      password: 'p',
    });
    expect(parseConfig({ SMTP_HOST: 'mail.example.be' }).smtp).toMatchObject({ port: 587, secure: false, user: null });
    expect(parseConfig({ PUBLIC_URL: 'https://cohesio.wallonie.be/' }).publicUrl).toBe('https://cohesio.wallonie.be');
    expect(parseConfig({ REMINDER_INTERVAL_MINUTES: '0' }).reminderIntervalMinutes).toBe(0);
  });

  it('refuses an SMTP URL that is not smtp:// or smtps://, naming the variable', () => {
    expect(() => parseConfig({ SMTP_URL: 'http://mail.example.be' })).toThrow(/SMTP_URL: URL smtp:\/\/ ou smtps:\/\/ attendue/);
  });
});
