import { eq, sql } from 'drizzle-orm';
import { organisationMembers, organisations, plans } from '../db/schema.ts';
import { preparedPerDatabase, type Db, type DbOrTx } from '../db/open.ts';
import { ForbiddenError, NotFoundError } from '../errors.ts';
import { MEMBER_READER_ROLES, memberReadOnlyReason, planAccessOf, type Actor, type PlanAccess } from '../../schemas/access.ts';
import { associationTotals, communeOfOrganisation, normaliseCommune, porteurOfOrganisation } from '../../schemas/porteur.ts';
import type { PlanPorteurResponse } from '../../schemas/requests/organisations.ts';
import { readOrganisation } from './organisations.ts';
import type { ServiceContext } from './context.ts';

/**
 * The associations whose member communes include the person's commune (for a chef de projet or finance officer of
 * a commune): they read those associations' plans.
 */
export function associationsOfMember(db: DbOrTx, actor: Pick<Actor, 'role' | 'organisationId'>): Set<string> {
  if (!actor.organisationId || !MEMBER_READER_ROLES.includes(actor.role)) return new Set();
  const own = db.select().from(organisations).where(eq(organisations.id, actor.organisationId)).get();
  if (own?.nature !== 'commune') return new Set();
  const commune = normaliseCommune(communeOfOrganisation(own));
  const rows = db.select({ organisationId: organisationMembers.organisationId, commune: organisationMembers.commune }).from(organisationMembers).all();
  return new Set(rows.filter((r) => normaliseCommune(r.commune) === commune).map((r) => r.organisationId));
}

/** The organisation of a plan, in a statement prepared once per database: every request with a plan id asks it. */
function preparePlanOrganisation(db: Db) {
  return db
    .select({ organisationId: plans.organisationId })
    .from(plans)
    .where(eq(plans.id, sql.placeholder('planId')))
    .prepare();
}

const planOrganisationStatementOf = preparedPerDatabase(preparePlanOrganisation);

/** What the person may do with plan `planId`: 404 when they do not see it (the same answer as for an unknown id). */
export function requirePlanAccess(ctx: ServiceContext & { actor: Actor; planId: string }): PlanAccess {
  const row = planOrganisationStatementOf(ctx.db).get({ planId: ctx.planId });
  // The person's own plans need no look at the associations (every request of the grid asks this first).
  const access = row
    ? (planAccessOf(ctx.actor, row.organisationId, new Set()) ?? planAccessOf(ctx.actor, row.organisationId, associationsOfMember(ctx.db, ctx.actor)))
    : null;
  if (!access) throw new NotFoundError(`Plan introuvable : ${ctx.planId}`);
  return access;
}

/** The reason a plan is read-only for the person (a member commune's officer), or null when they write it. */
export function readOnlyReasonOf(ctx: ServiceContext & { actor: Actor; planId: string }): string | null {
  if (requirePlanAccess(ctx) === 'ecriture') return null;
  const row = ctx.db
    .select({ nom: organisations.nom })
    .from(plans)
    .innerJoin(organisations, eq(organisations.id, plans.organisationId))
    .where(eq(plans.id, ctx.planId))
    .get();
  return memberReadOnlyReason(row?.nom ?? '');
}

/** 403 when the person only reads the plan (a member commune's officer) and the route changes something. */
export function requireWritablePlan(ctx: ServiceContext & { actor: Actor; planId: string }): void {
  const reason = readOnlyReasonOf(ctx);
  if (reason) throw new ForbiddenError(reason);
}

/**
 * What a plan's pages need to know of its porteur: the organisation carrying it (an association's members with
 * their ISADF and population, and their totals), the porteur section it gives, and whether the person only reads.
 */
export function getPlanPorteur(ctx: ServiceContext & { actor: Actor; planId: string }): PlanPorteurResponse {
  const motif = readOnlyReasonOf(ctx);
  const row = ctx.db.select({ organisationId: plans.organisationId }).from(plans).where(eq(plans.id, ctx.planId)).get();
  const organisation = row?.organisationId ? readOrganisation(ctx.db, row.organisationId) : null;
  return {
    organisation: organisation && {
      id: organisation.id,
      nom: organisation.nom,
      nature: organisation.nature,
      commune: organisation.commune,
      membres: organisation.membres,
    },
    porteurAttendu: organisation && porteurOfOrganisation(organisation).porteur,
    totaux: organisation?.nature === 'association' ? associationTotals(organisation.membres) : null,
    lectureSeule: motif !== null,
    motif,
  };
}
