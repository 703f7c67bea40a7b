import { and, eq } from 'drizzle-orm';
import { organisations, planSections } from '../db/schema.ts';
import type { DbOrTx } from '../db/open.ts';
import { ForbiddenError } from '../errors.ts';
import { porteurIssues, type PorteurNames } from '../../schemas/access.ts';
import type { ValueChange } from '../../schemas/audit.ts';
import { PorteurSchema, type PlanDocument } from '../../schemas/plan.ts';
import { porteurKindOf, type OrganisationKind } from '../../schemas/porteur.ts';
import type { ServiceContext } from './context.ts';

/**
 * A person of a commune or association creates and edits plans carried by it only: 403 when the plan's commune,
 * its lead commune or the header's name designate another one. The DiCS and administrators are not asked.
 */
export function requireOwnPorteur(ctx: ServiceContext, db: DbOrTx, names: PorteurNames): void {
  const organisationId = ctx.actor?.organisationId;
  if (!organisationId) return;
  const organisation = db.select().from(organisations).where(eq(organisations.id, organisationId)).get();
  if (!organisation) return;
  const issues = porteurIssues(organisation, names);
  if (issues.length) throw new ForbiddenError(issues[0]!.message, issues);
}

/** The porteur names a change of a plan touched, as they are after it (the only ones to check). */
export function porteurNamesChanged(plan: Pick<PlanDocument, 'commune' | 'porteur'>, changes: readonly ValueChange[]): PorteurNames | null {
  const touched = new Set(changes.map((c) => c.path));
  const names: PorteurNames = {};
  if (touched.has('commune')) names.commune = plan.commune;
  if (touched.has('porteur.communesAssociees')) names.communePorteuse = plan.porteur.communesAssociees[0] ?? null;
  if (touched.has('porteur.denomination')) names.denomination = plan.porteur.denomination;
  return Object.keys(names).length ? names : null;
}

/** The kind of porteur plan `planId`'s porteur section describes (commune, association, CPAS). */
export function porteurKindOfPlan(db: DbOrTx, planId: string): OrganisationKind {
  const row = db
    .select({ data: planSections.data })
    .from(planSections)
    .where(and(eq(planSections.planId, planId), eq(planSections.section, 'porteur')))
    .get();
  return porteurKindOf(PorteurSchema.safeParse(row?.data ?? {}).data ?? PorteurSchema.parse({}));
}
