import { uploadFormSchema } from './workbook-import.ts';
import type { IMPUTATION_NATURES, ImputationFields, ImputationTotals } from './finance.ts';

/**
 * Import of the amounts booked in the municipal accounts (E-compte imputations) from a CSV or XLSX file:
 * `POST /api/plans/:planId/imputations/import` (multipart: `file`, `apply`, `fingerprint`). The preview lists every
 * line read with its line number in the file and, per year present in the file, the totals before and after; applying
 * replaces every imputation of those years by the file's lines, in one transaction, when the plan's imputations still
 * have the preview's fingerprint. A file with a bad line answers 400 with one issue per problem,
 * path `lignes.<n>.<champ>`, message « Ligne n (Colonne) : … », and nothing is written.
 */

/** Largest file accepted (an E-compte extraction of one year is a few kB). */
export const MAX_IMPUTATION_FILE_BYTES = 2 * 1024 * 1024;
/** Most lines a file may hold. */
export const MAX_IMPUTATION_FILE_LINES = 5000;

/** The columns of the documented layout, as their header reads (accents and case do not matter). */
export const IMPUTATION_FILE_COLUMNS = [
  { key: 'annee', header: 'Année', required: true },
  { key: 'codeFonctionnel', header: 'Code fonctionnel', required: true },
  { key: 'articleEconomique', header: 'Article économique', required: true },
  { key: 'libelle', header: 'Libellé', required: true },
  { key: 'montant', header: 'Montant', required: true },
  { key: 'nature', header: 'Nature', required: false },
] as const;
export type ImputationFileColumn = (typeof IMPUTATION_FILE_COLUMNS)[number]['key'];

/** A line read from the file: its number in the file (the header is line 1) and its validated fields. */
export type ReadImputation = { line: number; fields: ImputationFields };
export type ImputationFileProblem = { line: number | null; column: ImputationFileColumn | null; message: string };

export type ImputationImportYear = {
  annee: number;
  /** Imputations of that year stored now, replaced on apply. */
  existing: number;
  incoming: number;
  before: ImputationTotals;
  after: ImputationTotals;
};

export type ImputationImportPreview = {
  fingerprint: string;
  format: 'csv' | 'xlsx';
  lines: (ReadImputation & { nature: (typeof IMPUTATION_NATURES)[number]; natureFromFile: boolean })[];
  years: ImputationImportYear[];
};
export type ImputationImportResult = ImputationImportPreview & { applied: true };

export const ImputationImportFormSchema = uploadFormSchema('Joignez un fichier CSV ou XLSX (champ « file »)');
