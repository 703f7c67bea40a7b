import { eq, like } from 'drizzle-orm';
import { users } from '../db/schema.ts';
import { ForbiddenError, parseOrThrow } from '../errors.ts';
import { UserCreateSchema, type UserCreate } from '../../schemas/access.ts';
import { ensureOrganisation, hashPassword } from './auth.ts';
import { newIdOf, nowOf, type ServiceContext } from './context.ts';
import type { DbOrTx } from '../db/open.ts';

/**
 * Demo accounts, created with the Liège sample on a fresh database (`npm start`) and listed in the README: one per
 * role, plus a chef de projet of another commune to see that plans stay within their commune. For the demo only.
 */
export const DEMO_PASSWORD = 'cohesio-demo';

export const DEMO_ACCOUNTS = [
  { email: 'chef@liege.demo', nom: 'Claire Dumont (cheffe de projet PCS, Liège)', role: 'chef-de-projet', organisation: 'Liège' },
  { email: 'finances@liege.demo', nom: 'Marc Lejeune (directeur financier, Liège)', role: 'finance', organisation: 'Liège' },
  { email: 'thermos@liege.demo', nom: 'François Reynbeau (Opération Thermos)', role: 'partenaire', organisation: 'Liège', partenaire: 'Opération Thermos' },
  { email: 'chef@namur.demo', nom: 'Sophie Martin (cheffe de projet PCS, Namur)', role: 'chef-de-projet', organisation: 'Namur' },
  { email: 'dics@wallonie.demo', nom: 'Luc Renard (DiCS)', role: 'dics' },
  { email: 'admin@cohesio.demo', nom: 'Administrateur Cohésio', role: 'admin' },
] as const;

type AccountInput = Omit<UserCreate, 'motDePasse' | 'organisation' | 'partenaire' | 'association'> & {
  organisation?: string | null;
  partenaire?: string | null;
};

/**
 * Demonstration data never reaches production: with NODE_ENV=production, the sample plans and the accounts that share
 * a password (the demo accounts, whose password is published) are refused, whichever path asks (start, command line).
 */
export function refuseDemoDataInProduction(what: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV === 'production') {
    throw new ForbiddenError(`${what} : refusé en production (NODE_ENV=production), ce sont des données de démonstration.`);
  }
}

/** Stores accounts that all share one already-hashed password (demo and test accounts); existing e-mails are skipped. */
export function insertAccounts(ctx: ServiceContext, accounts: readonly AccountInput[], passwordHash: string): void {
  refuseDemoDataInProduction('Comptes de démonstration');
  ctx.db.transaction((db) => {
    for (const a of accounts) {
      const u = parseOrThrow(UserCreateSchema, { organisation: null, partenaire: null, ...a, motDePasse: 'x'.repeat(20) });
      if (db.select({ id: users.id }).from(users).where(eq(users.email, u.email)).get()) continue;
      const organisationId = u.organisation ? ensureOrganisation(ctx, db, u.organisation) : null;
      db.insert(users)
        .values({ id: newIdOf(ctx)(), email: u.email, nom: u.nom, role: u.role, organisationId, partenaire: u.partenaire, passwordHash, createdAt: nowOf(ctx) })
        .run();
    }
  });
}

export async function createDemoAccounts(ctx: ServiceContext): Promise<void> {
  insertAccounts(ctx, DEMO_ACCOUNTS, await hashPassword(DEMO_PASSWORD));
}

/**
 * The demonstration accounts a database holds (every one is at a `.demo` address, a domain that does not exist: the
 * README's accounts and those of `npm run seed -- --region`), for production to refuse a demonstration database.
 */
export function demoAccountEmails(db: DbOrTx): string[] {
  return db
    .select({ email: users.email })
    .from(users)
    .where(like(users.email, '%.demo'))
    .all()
    .map((u) => u.email);
}
