import { z } from 'zod';

/**
 * The PDF export as the API describes it: a render job per request, with its progress, so the page can show how
 * far a long document is while the server keeps answering others.
 */

/** `?annee=<année>` or `{ annee: <année> }`: the report year, one of the programme's years (checked by the service). */
export const PdfRequestSchema = z.object({ annee: z.coerce.number().int().min(2000).max(2100).optional() }).strict();
export type PdfRequest = z.infer<typeof PdfRequestSchema>;

/**
 * The report year proposed by default: the last finished calendar year (the annual report is written the year
 * after), brought inside the programme's years.
 */
export function defaultReportYear(years: readonly number[], currentYear: number): number {
  return Math.min(Math.max(currentYear - 1, years[0]!), years[years.length - 1]!);
}

export const PDF_JOB_STATES = ['queued', 'rendering', 'done', 'failed'] as const;
export type PdfJobState = (typeof PDF_JOB_STATES)[number];

/** Where a render is: waiting for a free renderer, building the document, laying out pages, writing them. */
export const PDF_STAGES = ['waiting', 'preparing', 'layout', 'writing', 'done'] as const;
export type PdfStage = (typeof PDF_STAGES)[number];

export const PDF_STAGE_LABELS: Record<PdfStage, string> = {
  waiting: 'En attente d’un moteur de rendu libre',
  preparing: 'Préparation du document',
  layout: 'Mise en page',
  writing: 'Écriture des pages',
  done: 'Terminé',
};

export const PdfJobSchema = z.object({
  id: z.string(),
  planId: z.string(),
  annee: z.number().int(),
  state: z.enum(PDF_JOB_STATES),
  stage: z.enum(PDF_STAGES),
  /** 0..1 over the whole job (stage weights), for a progress bar. */
  progress: z.number().min(0).max(1),
  /** French, for people: the stage and, while writing, the share done. */
  message: z.string(),
  /** Jobs ahead of this one while it waits. */
  queuePosition: z.number().int().min(0),
  /** True when the document came from the cache (same plan data, year and status). */
  cached: z.boolean(),
  elapsedMs: z.number().int().min(0),
  /** Where to download the PDF once done. */
  fileUrl: z.string().nullable(),
  filename: z.string(),
  error: z.string().nullable(),
});
export type PdfJob = z.infer<typeof PdfJobSchema>;
