import { z } from 'zod';
import { ImputationImportFormSchema } from '../imputation-import.ts';
import { ImputationFieldsSchema, type BudgetVersionFieldsSchema, type JustificationFieldsSchema } from '../finance.ts';
import { RowId, Version } from '../primitives.ts';
import { OptionalYearQuery, PlanParam, VersionQuery, withData, withServiceData } from './shared.ts';

/** Requests of the finance routes (server/routes/finance.ts): budget versions, imputations, justifications. */

export const ImputationParam = PlanParam.extend({ lineId: RowId });
export type ImputationParam = z.infer<typeof ImputationParam>;

/** `GET /api/plans/:planId/reconciliation?annee=`: one year, or all. */
export const ReconciliationQuery = OptionalYearQuery;
export type ReconciliationQuery = z.infer<typeof ReconciliationQuery>;

/** `DELETE /api/plans/:planId/justifications?cle=&version=`. */
export const JustificationQuery = VersionQuery.extend({ cle: z.string().min(1).max(400) });
export type JustificationQuery = z.infer<typeof JustificationQuery>;

/** A record whose author the server sets to the signed-in person: an `auteur` sent is replaced. */
type AuthoredBy<S extends z.ZodType> = Omit<z.input<S>, 'auteur'> & { auteur?: string | undefined };

/**
 * `POST /api/plans/:planId/budget-versions`. The service parses `data` once the author is the person: a missing
 * or wrong `auteur` is no error of the request.
 */
export const CreateBudgetVersionBody = withServiceData<Record<never, never>, AuthoredBy<typeof BudgetVersionFieldsSchema>>({});
export type CreateBudgetVersionBody = z.infer<typeof CreateBudgetVersionBody>;

/** `POST /api/plans/:planId/imputations`; issues are named from the line (`annee`, `montant`…). */
export const CreateImputationBody = withData({}, ImputationFieldsSchema, []);
export type CreateImputationBody = z.infer<typeof CreateImputationBody>;
/** `PUT /api/plans/:planId/imputations/:lineId`. */
export const UpdateImputationBody = withData({ version: Version }, ImputationFieldsSchema, []);
export type UpdateImputationBody = z.infer<typeof UpdateImputationBody>;

/** `POST /api/plans/:planId/imputations/import`: an E-compte file (CSV or XLSX), previewed then applied. */
export const ImportImputationsForm = ImputationImportFormSchema;
export type ImportImputationsForm = z.infer<typeof ImportImputationsForm>;

/** `PUT /api/plans/:planId/justifications`: version 0 for a first justification; the author is the person. */
export const JustifyBody = withServiceData<{ version: typeof Version }, AuthoredBy<typeof JustificationFieldsSchema>>({ version: Version });
export type JustifyBody = z.infer<typeof JustifyBody>;

/** Answers: a recorded budget version, an imputation, a justification, a year's reconciliation, a file's import. */
export type {
  Imputation as ImputationResponse,
  BudgetVersion as BudgetVersionResponse,
  Justification as JustificationResponse,
  YearReconciliation,
} from '../finance.ts';
export type { ImputationImportPreview, ImputationImportResult } from '../imputation-import.ts';
