import { z } from 'zod';
import { ProgrammeParam } from './programmes.ts';

/** Requests of the regional overview's routes (server/routes/region-plans.ts). */

/**
 * `GET /api/region/plans(.xlsx)?programme=` and `GET /api/region/overdue?programme=`: the programme whose plans are
 * shown; without it, the current published programme (`currentProgramme`).
 */
export const RegionPlansQuery = z.object({ programme: ProgrammeParam.shape.programmeId.optional() }).strict();
export type RegionPlansQuery = z.infer<typeof RegionPlansQuery>;

/** Answers: the overview (one row per plan) and the overdue list. */
export type { OverdueList as OverdueListResponse, RegionOverview as RegionOverviewResponse } from '../region-plans.ts';
