import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { and, count, eq, gt, lt, lte, min, sql } from 'drizzle-orm';
import { loginFailures, organisations, sessions, settings, users } from '../db/schema.ts';
import { preparedPerDatabase, type Db, type DbOrTx } from '../db/open.ts';
import { AppError, ConflictError, UnauthenticatedError, ValidationError, parseOrThrow } from '../errors.ts';
import { ROLE_CAPABILITIES, ROLE_LABELS, UserCreateSchema, type Actor, type Me } from '../../schemas/access.ts';
import type { LoginBody, PasswordBody } from '../../schemas/requests/auth.ts';
import { newIdOf, nowOf, type ServiceContext } from './context.ts';

/** Name of the session cookie (signed, HttpOnly, SameSite=Lax). */
export const SESSION_COOKIE = 'cohesio_session';
/** A session lasts a working day and a half; then the person signs in again. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** The key that signs session cookies: generated at the first start and kept in the database, never in the repository. */
export function cookieSecretOf(db: DbOrTx): string {
  const row = db.select().from(settings).where(eq(settings.key, 'cookie-secret')).get();
  if (row) return row.value;
  const value = randomBytes(32).toString('base64url');
  db.insert(settings).values({ key: 'cookie-secret', value }).onConflictDoNothing().run();
  return db.select().from(settings).where(eq(settings.key, 'cookie-secret')).get()!.value;
}

/** Does the database hold any account (a database older than accounts has none until `npm run user:add`)? */
export function hasAccounts(db: DbOrTx): boolean {
  return db.select({ id: users.id }).from(users).limit(1).get() !== undefined;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

/** The organisation of that name, created (as a commune unless told) when it does not exist. */
export function ensureOrganisation(ctx: ServiceContext, db: DbOrTx, nom: string, association = false): string {
  const found = db.select().from(organisations).where(eq(organisations.nom, nom)).get();
  if (found) return found.id;
  const id = newIdOf(ctx)();
  db.insert(organisations)
    .values({ id, nom, nature: association ? 'association' : 'commune' })
    .run();
  return id;
}

/** A new account (`npm run user:add`, demo accounts); the password is stored as an argon2id hash only. */
export async function createUser(ctx: ServiceContext & { input: unknown }): Promise<Me> {
  const u = parseOrThrow(UserCreateSchema, ctx.input);
  if (ctx.db.select({ id: users.id }).from(users).where(eq(users.email, u.email)).get()) {
    throw new ConflictError(`Un compte existe déjà pour ${u.email}`, null, [{ path: 'email', message: 'Adresse déjà utilisée' }]);
  }
  const passwordHash = await hashPassword(u.motDePasse);
  const id = newIdOf(ctx)();
  ctx.db.transaction((tx) => {
    const organisationId = u.organisation ? ensureOrganisation(ctx, tx, u.organisation, u.association) : null;
    tx.insert(users)
      .values({ id, email: u.email, nom: u.nom, role: u.role, organisationId, partenaire: u.partenaire, passwordHash, createdAt: nowOf(ctx) })
      .run();
  });
  return meOf(ctx.db, actorOfUser(ctx.db, id)!);
}

function actorOfUser(db: DbOrTx, userId: string): Actor | null {
  const u = db.select().from(users).where(eq(users.id, userId)).get();
  if (!u) return null;
  return { userId: u.id, email: u.email, nom: u.nom, role: u.role, organisationId: u.organisationId, partenaire: u.partenaire };
}

export function meOf(db: DbOrTx, actor: Actor): Me {
  const organisation = actor.organisationId ? (db.select().from(organisations).where(eq(organisations.id, actor.organisationId)).get()?.nom ?? null) : null;
  return { ...actor, roleLabel: ROLE_LABELS[actor.role], organisation, capabilities: [...ROLE_CAPABILITIES[actor.role]] };
}

/**
 * Failed sign-ins by e-mail and by network address over a sliding window: past the limit, sign-in answers 429
 * until the oldest failure leaves the window. Kept in the database (`login_failures`, keys hashed), so a restart
 * forgets nothing; rows older than the window are pruned at each failure. The address limit is generous: behind a
 * reverse proxy every person shares the proxy's address, and one person's typos must not lock out the others.
 */
export class LoginThrottle {
  constructor(
    private readonly db: DbOrTx,
    readonly windowMs = 15 * 60 * 1000,
    readonly maxPerEmail = 5,
    readonly maxPerAddress = 100,
  ) {}

  /** The failures of a key still in the window: how many, and when the oldest was. */
  private recent(key: string, now: number): { n: number; oldest: number | null } {
    const row = this.db
      .select({ n: count(), oldest: min(loginFailures.at) })
      .from(loginFailures)
      .where(and(eq(loginFailures.key, sha256(key)), gt(loginFailures.at, now - this.windowMs)))
      .get();
    return { n: row?.n ?? 0, oldest: row?.oldest ?? null };
  }

  /** Throws 429 when either key is over its limit. */
  check(email: string, address: string, now: number): void {
    const byEmail = this.recent(`e:${email}`, now);
    const byAddress = this.recent(`a:${address}`, now);
    const blocked = byEmail.n >= this.maxPerEmail ? byEmail : byAddress.n >= this.maxPerAddress ? byAddress : null;
    if (!blocked) return;
    const minutes = Math.max(1, Math.ceil((blocked.oldest! + this.windowMs - now) / 60_000));
    throw new AppError(429, 'too_many_attempts', `Trop de tentatives de connexion : réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}`);
  }

  fail(email: string, address: string, now: number): void {
    this.db.transaction((tx) => {
      tx.delete(loginFailures)
        .where(lte(loginFailures.at, now - this.windowMs))
        .run();
      tx.insert(loginFailures)
        .values([
          { key: sha256(`e:${email}`), at: now },
          { key: sha256(`a:${address}`), at: now },
        ])
        .run();
    });
  }

  succeed(email: string): void {
    this.db
      .delete(loginFailures)
      .where(eq(loginFailures.key, sha256(`e:${email}`)))
      .run();
  }
}

// A hash to verify against when the e-mail is unknown, so that an unknown address takes as long as a wrong password.
let decoyHash: Promise<string> | null = null;

/**
 * Checks the e-mail and password and opens a new session (a fresh random id: the session is rotated at every
 * sign-in, and `previousSessionId`, if any, is closed). Answers the session id for the cookie.
 */
export async function login(
  ctx: ServiceContext & { input: LoginBody; address: string; throttle: LoginThrottle; previousSessionId: string | null },
): Promise<{ sessionId: string; me: Me }> {
  const { email, motDePasse } = ctx.input;
  const now = Date.parse(nowOf(ctx));
  ctx.throttle.check(email, ctx.address, now);
  const user = ctx.db.select().from(users).where(eq(users.email, email)).get();
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  const ok = await verify(user?.passwordHash ?? (await decoyHash), motDePasse).catch(() => false);
  if (!user || !ok) {
    ctx.throttle.fail(email, ctx.address, now);
    throw new UnauthenticatedError('Adresse électronique ou mot de passe incorrect');
  }
  ctx.throttle.succeed(email);
  if (ctx.previousSessionId) closeSession(ctx.db, ctx.previousSessionId);
  const sessionId = openSession(ctx, user.id);
  return { sessionId, me: meOf(ctx.db, actorOfUser(ctx.db, user.id)!) };
}

function openSession(ctx: ServiceContext, userId: string): string {
  const sessionId = randomBytes(32).toString('base64url');
  const now = Date.parse(nowOf(ctx));
  ctx.db
    .delete(sessions)
    .where(lt(sessions.expiresAt, new Date(now).toISOString()))
    .run();
  ctx.db
    .insert(sessions)
    .values({ idHash: sha256(sessionId), userId, createdAt: new Date(now).toISOString(), expiresAt: new Date(now + SESSION_TTL_MS).toISOString() })
    .run();
  return sessionId;
}

/** The person behind a session id, or null when the session is unknown or expired. */
export function actorOfSession(ctx: ServiceContext, sessionId: string): Actor | null {
  const s = sessionStatementOf(ctx.db).get({ idHash: sha256(sessionId) });
  if (!s || s.expiresAt <= nowOf(ctx)) return null;
  const { expiresAt: _expiresAt, ...actor } = s;
  return actor;
}

/** The person of a session, in one prepared statement: every request asks it first. */
function prepareSessionStatement(db: Db) {
  return db
    .select({
      expiresAt: sessions.expiresAt,
      userId: users.id,
      email: users.email,
      nom: users.nom,
      role: users.role,
      organisationId: users.organisationId,
      partenaire: users.partenaire,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, sql.placeholder('idHash')))
    .prepare();
}

const sessionStatementOf = preparedPerDatabase(prepareSessionStatement);

export function closeSession(db: DbOrTx, sessionId: string): void {
  db.delete(sessions)
    .where(eq(sessions.idHash, sha256(sessionId)))
    .run();
}

/**
 * Changes the signed-in person's password after checking the current one; every session of the account is closed
 * and a new one opened for this browser.
 */
export async function changePassword(ctx: ServiceContext & { actor: Actor; input: PasswordBody }): Promise<{ sessionId: string }> {
  const { actuel, nouveau } = ctx.input;
  const user = ctx.db.select().from(users).where(eq(users.id, ctx.actor.userId)).get();
  if (!user) throw new UnauthenticatedError();
  if (!(await verify(user.passwordHash, actuel).catch(() => false))) {
    throw new ValidationError('Le mot de passe actuel est incorrect', [{ path: 'actuel', message: 'Mot de passe incorrect' }]);
  }
  const passwordHash = await hashPassword(nouveau);
  ctx.db.transaction((tx) => {
    tx.update(users)
      .set({ passwordHash, passwordChangedAt: nowOf(ctx) })
      .where(eq(users.id, user.id))
      .run();
    tx.delete(sessions).where(eq(sessions.userId, user.id)).run();
  });
  return { sessionId: openSession(ctx, user.id) };
}
