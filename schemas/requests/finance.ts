import { z } from 'zod';
import { BookedImportFormSchema } from '../booked-import.ts';
import { BookedLineFieldsSchema, type BudgetVersionFieldsSchema, type JustificationFieldsSchema } from '../finance.ts';
import { RowId, Version } from '../primitives.ts';
import { OptionalYearQuery, PlanParam, VersionQuery, withData, withServiceData } from './shared.ts';

/** Requests of the finance routes (server/routes/finance.ts): budget versions, imputations, justifications. */

export const BookedLineParam = PlanParam.extend({ lineId: RowId });
export type BookedLineParam = z.infer<typeof BookedLineParam>;

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

/** `POST /api/plans/:planId/booked-lines`; issues are named from the line (`annee`, `montant`…). */
export const CreateBookedLineBody = withData({}, BookedLineFieldsSchema, []);
export type CreateBookedLineBody = z.infer<typeof CreateBookedLineBody>;
/** `PUT /api/plans/:planId/booked-lines/:lineId`. */
export const UpdateBookedLineBody = withData({ version: Version }, BookedLineFieldsSchema, []);
export type UpdateBookedLineBody = z.infer<typeof UpdateBookedLineBody>;

/** `POST /api/plans/:planId/booked-lines/import`: an E-compte file (CSV or XLSX), previewed then applied. */
export const ImportBookedLinesForm = BookedImportFormSchema;
export type ImportBookedLinesForm = z.infer<typeof ImportBookedLinesForm>;

/** `PUT /api/plans/:planId/justifications`: version 0 for a first justification; the author is the person. */
export const JustifyBody = withServiceData<{ version: typeof Version }, AuthoredBy<typeof JustificationFieldsSchema>>({ version: Version });
export type JustifyBody = z.infer<typeof JustifyBody>;

/** Answers: a recorded budget version, an imputation, a justification, a year's reconciliation, a file's import. */
export type {
  BookedLine as BookedLineResponse,
  BudgetVersion as BudgetVersionResponse,
  Justification as JustificationResponse,
  YearReconciliation,
} from '../finance.ts';
export type { BookedImportPreview, BookedImportResult } from '../booked-import.ts';
