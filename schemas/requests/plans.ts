import { z } from 'zod';
import { PlanHeaderSchema, SECTION_KEYS } from '../plan.ts';
import { RowId, Version, shortText } from '../primitives.ts';
import { PlanParam, withServiceData, type JsonObject } from './shared.ts';

/** Requests of the plans' routes (server/routes/plans.ts): create, rename, and edit a section of the fiche plan. */

export { PlanParam };

/**
 * `POST /api/plans`: a new, empty plan for a programme and a commune, or for an organisation (`organisationId`: its
 * porteur section is then prefilled from it; the commune is the organisation's).
 */
export const CreatePlanBody = PlanHeaderSchema.partial({ commune: true }).extend({ organisationId: RowId.optional() }).strict();
export type CreatePlanBody = z.infer<typeof CreatePlanBody>;

/** `PUT /api/plans/:planId`: renames the commune of the plan. */
export const UpdatePlanBody = z.object({ version: Version, commune: shortText.min(1).max(100) }).strict();
export type UpdatePlanBody = z.infer<typeof UpdatePlanBody>;

export const SectionParam = z.object({ planId: RowId, section: z.enum(SECTION_KEYS) });
export type SectionParam = z.infer<typeof SectionParam>;

/**
 * The content of one section: a JSON object here, parsed by the service with the section's schema (its issues are
 * named after the section: `textes.portrait`).
 */
export type SectionData = JsonObject;

/** `PUT /api/plans/:planId/sections/:section`: the section's new content and the version the client last saw. */
export const UpdateSectionBody = withServiceData<{ version: typeof Version }, SectionData>({ version: Version });
export type UpdateSectionBody = z.infer<typeof UpdateSectionBody>;

/** Answers: the list of plans, and the whole plan (creation, reading, renaming). */
export type { Plan as PlanResponse, PlanSummary as PlanListItem } from '../plan.ts';
