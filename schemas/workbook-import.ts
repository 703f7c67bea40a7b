import { z } from 'zod';

/**
 * What `POST /api/plans/:planId/import.xlsx` answers. A workbook exported by Cohésio comes back with edited values;
 * the preview lists every value that differs from the stored plan, with where it is in the workbook (`sheet!cell`)
 * and in the plan (`path`), and every problem found. Applying writes all the applicable changes in one transaction,
 * or nothing; a change the person's role may not write is listed with its refusal and never written.
 */

/** Why a change of an imported workbook is not applied: the person's role may not write that value. */
export const ROLE_REFUSAL = 'modification non permise pour votre rôle';

/** The changes that applying the preview writes (those without a refusal). */
export function applicableChanges<C extends { refusal: string | null }>(changes: readonly C[]): C[] {
  return changes.filter((c) => c.refusal === null);
}

/** Largest workbook accepted for import, in bytes (the Liège export is about 100 kB). */
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

export const ImportChangeSchema = z.object({
  /** Sheet name as in the workbook, e.g. "Fiche plan" or "1.3.03 CPAS de Liège - SADA". */
  sheet: z.string(),
  /** A1 reference of the cell, e.g. "D14". */
  cell: z.string(),
  /** Path in the plan document, e.g. `actions.3.indicators.2.values.<année>.actual`. */
  path: z.string(),
  /** How people name the field, e.g. "Fiche 1.3.03 (CPAS de Liège - SADA), indicateur 2, <année>, réalisé". */
  label: z.string(),
  /** Values as the grid shows them (Belgian format); "" for blank. */
  before: z.string(),
  after: z.string(),
  /**
   * Why this change is not applied (« modification non permise pour votre rôle »: a partner operator's or finance
   * officer's workbook touching what their role may not write), or null when applying writes it.
   */
  refusal: z.string().nullable(),
});
export type ImportChange = z.infer<typeof ImportChangeSchema>;

export const ImportPreviewSchema = z.object({
  /** Fingerprint of the plan the preview was computed against; applying requires the plan to be unchanged. */
  fingerprint: z.string(),
  changes: z.array(ImportChangeSchema),
});
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;

export const ImportResultSchema = ImportPreviewSchema.extend({ applied: z.literal(true) });
export type ImportResult = z.infer<typeof ImportResultSchema>;

/** The multipart form of an import: the file, and `apply=true` with the preview's fingerprint to write it. */
export function uploadFormSchema(missingFile: string) {
  return z
    .object({
      file: z.instanceof(File, { message: missingFile }),
      apply: z.enum(['true', 'false']).optional(),
      fingerprint: z.string().max(128).optional(),
    })
    .strict();
}
export const ImportFormSchema = uploadFormSchema('Joignez un fichier XLSX (champ « file »)');
