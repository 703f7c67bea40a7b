import { z } from 'zod';
import { OrganisationFieldsSchema, type Organisation, type PorteurSection } from '../porteur.ts';
import { PlanHeaderSchema } from '../plan.ts';
import { RowId, Version } from '../primitives.ts';

/** Requests of the organisations' routes (server/routes/organisations.ts): list, create, edit, create a plan for one. */

/** An organisation in the address (`/api/organisations/:organisationId`). */
export const OrganisationParam = z.object({ organisationId: RowId });
export type OrganisationParam = z.infer<typeof OrganisationParam>;

/** `POST /api/organisations`: a commune, an association of communes with its members, or a CPAS. */
export const CreateOrganisationBody = OrganisationFieldsSchema;
export type CreateOrganisationBody = z.input<typeof CreateOrganisationBody>;

/** `PUT /api/organisations/:organisationId`: the whole organisation again, with the version the client last saw. */
export const UpdateOrganisationBody = z.object({ version: Version, data: OrganisationFieldsSchema }).strict();
export type UpdateOrganisationBody = z.input<typeof UpdateOrganisationBody>;

/** `POST /api/organisations/:organisationId/plans`: a new plan of the organisation for a programme. */
export const CreateOrganisationPlanBody = PlanHeaderSchema.pick({ programmeId: true }).strict();
export type CreateOrganisationPlanBody = z.infer<typeof CreateOrganisationPlanBody>;

/** Answers: the organisations, and what a plan's page needs to know of its porteur. */
export type OrganisationResponse = Organisation;

/** `GET /api/plans/:planId/porteur`: the plan's organisation (if any) and whether the person only reads the plan. */
export type PlanPorteurResponse = {
  organisation: Pick<Organisation, 'id' | 'nom' | 'nature' | 'commune' | 'membres'> | null;
  /** The porteur section the organisation gives (to compare with the plan's). */
  porteurAttendu: PorteurSection | null;
  /** Totals of the members of an association (population summed). */
  totaux: { communes: number; population: number | null } | null;
  /** A member commune's officer reads the association's plan without changing it. */
  lectureSeule: boolean;
  motif: string | null;
};
