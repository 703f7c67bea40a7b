import { z } from 'zod';
import { PdfRequestSchema } from '../pdf-export.ts';
import { PlanParam } from './shared.ts';

/** Requests of the PDF routes (server/routes/pdf.ts). */

export const PdfJobParam = PlanParam.extend({ jobId: z.uuid() });
export type PdfJobParam = z.infer<typeof PdfJobParam>;
/** `GET /api/plans/:planId/export.pdf?annee=`: the report of one year, or the whole plan. */
export const PdfQuery = PdfRequestSchema;
export type PdfQuery = z.infer<typeof PdfQuery>;
/** `POST /api/plans/:planId/pdf-jobs`: the same choice, as a job. */
export const StartPdfJobBody = PdfRequestSchema;
export type StartPdfJobBody = z.infer<typeof StartPdfJobBody>;

/** Answer of a PDF job's start and progress. */
export type { PdfJob as PdfJobResponse } from '../pdf-export.ts';
