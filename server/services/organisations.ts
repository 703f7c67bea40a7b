import { and, asc, eq, inArray } from 'drizzle-orm';
import { organisationMembers, organisations, planSections, plans, users } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { samePartner } from '../../schemas/access.ts';
import { OrganisationFieldsSchema, porteurOfOrganisation, type Organisation, type OrganisationFields, type OrganisationMember } from '../../schemas/porteur.ts';
import type { PlanDocument } from '../../schemas/plan.ts';
import { newIdOf, type ServiceContext } from './context.ts';
import { mutatePlan } from './mutate.ts';
import { readPlan } from './plan-store.ts';

/**
 * The communes, associations of communes and CPAS that carry plans, kept by an administrator or the DiCS (the
 * routes allow no one else). An association's members are stored in order, the lead commune flagged.
 */

type OrganisationRow = typeof organisations.$inferSelect;

function membersOf(db: DbOrTx, organisationIds: readonly string[]): Map<string, OrganisationMember[]> {
  const byId = new Map<string, OrganisationMember[]>();
  if (!organisationIds.length) return byId;
  const rows = db
    .select()
    .from(organisationMembers)
    .where(inArray(organisationMembers.organisationId, [...organisationIds]))
    .orderBy(asc(organisationMembers.organisationId), asc(organisationMembers.position))
    .all();
  for (const r of rows) {
    const list = byId.get(r.organisationId) ?? [];
    list.push({ commune: r.commune, isadf: r.isadf, population: r.population, pilote: r.pilote });
    byId.set(r.organisationId, list);
  }
  return byId;
}

function toOrganisation(db: DbOrTx, rows: readonly OrganisationRow[]): Organisation[] {
  const ids = rows.map((r) => r.id);
  const members = membersOf(db, ids);
  const planRows = ids.length
    ? db
        .select({ id: plans.id, programmeId: plans.programmeId, organisationId: plans.organisationId })
        .from(plans)
        .where(inArray(plans.organisationId, ids))
        .all()
    : [];
  const staff = ids.length ? db.select({ organisationId: users.organisationId }).from(users).where(inArray(users.organisationId, ids)).all() : [];
  return rows.map((r) => ({
    id: r.id,
    nom: r.nom,
    nature: r.nature,
    commune: r.commune,
    membres: members.get(r.id) ?? [],
    version: r.version,
    plans: planRows.filter((p) => p.organisationId === r.id).map((p) => ({ id: p.id, programmeId: p.programmeId })),
    comptes: staff.filter((u) => u.organisationId === r.id).length,
  }));
}

/** Every organisation with its members, plans and number of accounts, by name. */
export function listOrganisations(ctx: ServiceContext): Organisation[] {
  return toOrganisation(ctx.db, ctx.db.select().from(organisations).orderBy(asc(organisations.nom)).all());
}

/** One organisation; 404 when unknown. */
export function readOrganisation(db: DbOrTx, organisationId: string): Organisation {
  const row = db.select().from(organisations).where(eq(organisations.id, organisationId)).get();
  if (!row) throw new NotFoundError(`Organisation introuvable : ${organisationId}`);
  return toOrganisation(db, [row])[0]!;
}

export function getOrganisation(ctx: ServiceContext & { organisationId: string }): Organisation {
  return readOrganisation(ctx.db, ctx.organisationId);
}

function parseFields(input: unknown, prefix: readonly string[] = []): OrganisationFields {
  const parsed = OrganisationFieldsSchema.safeParse(input);
  if (!parsed.success) throw ValidationError.fromZod(parsed.error, prefix);
  return parsed.data;
}

/** 409 on the name when another organisation already bears it (case and accents aside). */
function requireFreeName(db: DbOrTx, nom: string, except: string | null, path: string): void {
  const clash = db
    .select({ id: organisations.id, nom: organisations.nom })
    .from(organisations)
    .all()
    .find((o) => o.id !== except && samePartner(o.nom, nom));
  if (clash) {
    const message = `Une organisation s’appelle déjà « ${clash.nom} »`;
    throw new ConflictError(message, null, [{ path, message }]);
  }
}

function writeMembers(db: DbOrTx, organisationId: string, membres: readonly OrganisationMember[]): void {
  db.delete(organisationMembers).where(eq(organisationMembers.organisationId, organisationId)).run();
  membres.forEach((m, position) => {
    db.insert(organisationMembers).values({ organisationId, position, commune: m.commune, isadf: m.isadf, population: m.population, pilote: m.pilote }).run();
  });
}

/** A new commune, association (with its members) or CPAS; 400 naming the field, 409 on a name already taken. */
export function createOrganisation(ctx: ServiceContext & { input: unknown }): Organisation {
  const fields = parseFields(ctx.input);
  const id = newIdOf(ctx)();
  ctx.db.transaction((db) => {
    requireFreeName(db, fields.nom, null, 'nom');
    db.insert(organisations).values({ id, nom: fields.nom, nature: fields.nature, commune: fields.commune, version: 1 }).run();
    writeMembers(db, id, fields.membres);
  });
  return readOrganisation(ctx.db, id);
}

/**
 * Replaces an organisation if `version` is the stored one (409 with the stored organisation otherwise). The porteur
 * section of each of its plans follows (type, communes, « porté par », an association's name), each change written
 * to the plan's history.
 */
export function updateOrganisation(ctx: ServiceContext & { organisationId: string; version: number; data: unknown }): Organisation {
  const fields = parseFields(ctx.data, ['data']);
  ctx.db.transaction((db) => {
    const current = readOrganisation(db, ctx.organisationId);
    if (current.version !== ctx.version) throw new ConflictError('L’organisation a été modifiée entre-temps', current);
    requireFreeName(db, fields.nom, ctx.organisationId, 'data.nom');
    db.update(organisations)
      .set({ nom: fields.nom, nature: fields.nature, commune: fields.commune, version: current.version + 1 })
      .where(eq(organisations.id, ctx.organisationId))
      .run();
    writeMembers(db, ctx.organisationId, fields.membres);
  });
  const updated = readOrganisation(ctx.db, ctx.organisationId);
  for (const plan of updated.plans) alignPorteurSection(ctx, plan.id, fields);
  return readOrganisation(ctx.db, ctx.organisationId);
}

/** The plan's porteur section made to say what the organisation is (the date of approval is the plan's own). */
function alignPorteurSection(ctx: ServiceContext, planId: string, organisation: OrganisationFields): void {
  const { porteur } = porteurOfOrganisation(organisation);
  mutatePlan(
    ctx,
    planId,
    (db) => {
      const before = readPlan(db, planId);
      const data: PlanDocument['porteur'] = {
        ...before.porteur,
        type: porteur.type,
        communesAssociees: [...porteur.communesAssociees],
        porteParQui: porteur.porteParQui,
        denomination: organisation.nature === 'association' ? porteur.denomination : before.porteur.denomination,
      };
      db.update(planSections)
        .set({ data, version: before.versions.porteur + 1 })
        .where(and(eq(planSections.planId, planId), eq(planSections.section, 'porteur')))
        .run();
    },
    { verifyIntegrity: false, unchanged: () => undefined },
  );
}
