import { randomUUID } from 'node:crypto';
import type { Db } from '../db/open.ts';
import type { ReferenceData } from '../reference.ts';
import type { FormKinds } from '../form-definitions.ts';
import { NotFoundError } from '../errors.ts';
import type { Catalogue, Programme } from '../../schemas/reference.ts';
import { catalogueOf } from '../reference.ts';
import type { Actor } from '../../schemas/access.ts';
import type { ChangeOrigin } from '../../schemas/audit.ts';
import { brusselsDate } from '../../schemas/dates.ts';

/** What every service receives: the database and the reference data, plus a clock and an id source for tests. */
export type ServiceContext = {
  db: Db;
  reference: ReferenceData;
  now?: () => string;
  newId?: () => string;
  /** The signed-in person a request runs for; absent for the server's own work (sample, command line). */
  actor?: Actor;
  /** Where a change comes from and why, for the audit trail. */
  origin?: ChangeOrigin;
  reason?: string | null;
  /** Sends queued e-mails off the request (server/services/mail.ts); absent, e-mails stay in the outbox. */
  mail?: MailQueue;
  /** The kinds of form of `templates/forms/`, read at start; absent, they are read from that folder at first use. */
  forms?: FormKinds;
};

/** What services need of the mailer: whether it sends (SMTP configured), the address links start with, a nudge to send. */
export type MailQueue = { sends: boolean; publicUrl: string; wake(): void };

/** The name the audit trail gives the server's own work (loading the sample, the command line). */
export const SYSTEM_ACTOR_NAME = 'Cohésio (système)';

export const nowOf = (ctx: ServiceContext) => (ctx.now ?? (() => new Date().toISOString()))();

/** Today in Brussels (ISO date), from the context's clock. */
export const todayOf = (ctx: ServiceContext) => brusselsDate(nowOf(ctx));
export const newIdOf = (ctx: ServiceContext) => ctx.newId ?? (() => randomUUID());

export function requireProgramme(ctx: ServiceContext, programmeId: string): Programme {
  const programme = ctx.reference.programmes.find((p) => p.id === programmeId);
  if (!programme) throw new NotFoundError(`Programme inconnu : ${programmeId}`);
  return programme;
}

/** The catalogue of eligible actions of the programme `programmeId`. */
export function requireCatalogue(ctx: ServiceContext, programmeId: string): Catalogue {
  return catalogueOf(ctx.reference, requireProgramme(ctx, programmeId));
}
