import { z } from 'zod';
import { ACTION_CODE_PATTERN } from '../reference.ts';
import { RowId } from '../primitives.ts';
import type { CarryOverLine } from '../carry-over.ts';
import { PlanParam } from './shared.ts';

/** Requests of « Préparer le plan suivant » (server/routes/successor.ts): the proposal, the preparation, its undoing. */

export { PlanParam };

const programmeId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Identifiant de programme attendu');

/** `POST /api/plans/:planId/successor/preview`: the programme to prepare the plan for. */
export const SuccessorPreviewBody = z.object({ programmeId }).strict();
export type SuccessorPreviewBody = z.infer<typeof SuccessorPreviewBody>;

/** One fiche kept, with the code of the new catalogue the person confirmed for it. */
export const KeptFiche = z
  .object({
    actionId: RowId,
    code: z.string().trim().regex(ACTION_CODE_PATTERN, 'Le code doit avoir la forme du catalogue A.T.NN (par ex. 1.3.03)'),
  })
  .strict();
export type KeptFiche = z.infer<typeof KeptFiche>;

/** `POST /api/plans/:planId/successor`: the programme and the fiches kept (a fiche left out is not carried over). */
export const PrepareSuccessorBody = SuccessorPreviewBody.extend({
  fiches: z
    .array(KeptFiche)
    .max(500)
    .refine((list) => new Set(list.map((f) => f.actionId)).size === list.length, 'Une fiche est gardée deux fois'),
}).strict();
export type PrepareSuccessorBody = z.infer<typeof PrepareSuccessorBody>;

/** A plan another plan points at: its predecessor or its prepared successor. */
export type PlanLink = { id: string; programmeId: string; programmeLabel: string; commune: string };

/**
 * What `GET /api/plans/:planId` tells of a plan's lineage: the plan it was prepared from, the latest plan prepared
 * from it, and, while its preparation can still be undone (not saved since), when it was prepared.
 */
export type PlanLineage = { predecessor: PlanLink | null; successor: PlanLink | null; preparedAt: string | null };

/** The answer of the preview: the proposal for each fiche, without writing anything. */
export type SuccessorPreview = {
  programme: { id: string; label: string };
  mapping: CarryOverLine[];
  /** The fiches no code of the new catalogue is proposed for (ids of `mapping`). */
  unmapped: string[];
  /** The plan already prepared from this one for that programme, if any (preparing again is refused). */
  alreadyPrepared: PlanLink | null;
};

/** The answer of the preparation: the new plan, and the fiches of the old plan not carried over. */
export type PreparedSuccessor = { planId: string; predecessorId: string; notCarried: { actionId: string; code: string; intitule: string | null }[] };
