import type { z } from 'zod';
import { ImportFormSchema } from '../workbook-import.ts';

/** Requests of the workbook routes (server/routes/workbook.ts). */

/** `POST /api/plans/:planId/import.xlsx`: an edited export, previewed then applied. */
export const ImportWorkbookForm = ImportFormSchema;
export type ImportWorkbookForm = z.infer<typeof ImportWorkbookForm>;

/** Answers of the import: the preview of the changes, then the applied result. */
export type { ImportPreview, ImportResult } from '../workbook-import.ts';
