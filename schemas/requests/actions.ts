import { z } from 'zod';
import { ActionEditSchema, OperateurSchema } from '../action.ts';
import { CellsEditSchema } from '../cells.ts';
import { IndicatorFieldsSchema, YearKey, indicatorValue } from '../indicator.ts';
import { RowId, Version } from '../primitives.ts';
import { PlanParam, Position, withData } from './shared.ts';

/** Requests of the actions' routes (server/routes/actions.ts): actions, their indicator rows, the yearly cells. */

export const ActionParam = PlanParam.extend({ actionId: RowId });
export type ActionParam = z.infer<typeof ActionParam>;
export const IndicatorParam = PlanParam.extend({ indicatorId: RowId });
export type IndicatorParam = z.infer<typeof IndicatorParam>;
export const IndicatorValueParam = IndicatorParam.extend({ year: YearKey, kind: z.enum(['target', 'actual']) });
export type IndicatorValueParam = z.infer<typeof IndicatorValueParam>;

/** `POST /api/plans/:planId/actions`: its catalogue code and, optionally, its operator and list fields. */
export const CreateActionBody = ActionEditSchema.pick({ code: true, statut: true, droitVise: true, priorite: true })
  .extend({ operateur: OperateurSchema.optional() })
  .strict();
export type CreateActionBody = z.infer<typeof CreateActionBody>;

/** `PUT /api/plans/:planId/actions/:actionId`: list fields and fiche body; issues are named from the action (`code`). */
export const UpdateActionBody = withData({ version: Version, position: Position.optional() }, ActionEditSchema, []);
export type UpdateActionBody = z.infer<typeof UpdateActionBody>;

/** An indicator row's fields, its ex-ante judged against its unit once the unit is known (`exAnte`). */
export const IndicatorData = IndicatorFieldsSchema.transform((fields, ctx) => {
  // The ex-ante is judged once the fields are right (an unknown field included), as one step after the other.
  if (ctx.issues.length) return z.NEVER;
  const exAnte = indicatorValue(fields.unit).nullable().safeParse(fields.exAnte);
  if (exAnte.success) return { ...fields, exAnte: exAnte.data };
  for (const issue of exAnte.error.issues) ctx.issues.push({ ...issue, path: ['exAnte', ...issue.path] } as z.core.$ZodRawIssue);
  return z.NEVER;
});
export type IndicatorData = z.output<typeof IndicatorData>;

/** `POST /api/plans/:planId/actions/:actionId/indicators`. */
export const CreateIndicatorBody = withData({ position: Position.optional() }, IndicatorData, []);
export type CreateIndicatorBody = z.infer<typeof CreateIndicatorBody>;
/** `PUT /api/plans/:planId/indicators/:indicatorId`. */
export const UpdateIndicatorBody = withData({ version: Version, position: Position.optional() }, IndicatorData, []);
export type UpdateIndicatorBody = z.infer<typeof UpdateIndicatorBody>;

/** `PUT /api/plans/:planId/cells`: versioned cells of the yearly grids. */
export const UpdateCellsBody = CellsEditSchema;
export type UpdateCellsBody = z.infer<typeof UpdateCellsBody>;

/** `PUT /api/plans/:planId/indicators/:indicatorId/values/:year/:kind`: one target or actual. */
export const UpdateIndicatorValueBody = z.object({ value: z.union([z.number(), z.string().max(40)]).nullable(), version: Version }).strict();
export type UpdateIndicatorValueBody = z.infer<typeof UpdateIndicatorValueBody>;

/** Answers: an action with its indicators, an indicator row, the cells written. */
export type { Action as ActionResponse } from '../action.ts';
export type { Indicator as IndicatorResponse } from '../indicator.ts';
export type { StoredCell as CellResponse } from '../cells.ts';
