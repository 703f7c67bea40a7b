import { z } from 'zod';
import { RowId, Version } from '../primitives.ts';
import { FormKindId } from '../form-definition.ts';
import { FormTitle } from '../form-document.ts';
import { PlanParam, VersionQuery, withServiceData, type JsonObject } from './shared.ts';
import { uploadFormSchema } from '../workbook-import.ts';

/** Requests of the form documents' routes (server/routes/forms.ts): the kinds, and a plan's documents. */

export { PlanParam, VersionQuery };

/** A document of a plan, in the address. */
export const FormDocumentParam = z.object({ planId: RowId, documentId: RowId });
export type FormDocumentParam = z.infer<typeof FormDocumentParam>;

/** `POST /api/plans/:planId/forms`: a new document of a kind (`templates/forms/<kind>.json`), its title optional. */
export const CreateFormDocumentBody = z.object({ kind: FormKindId, title: FormTitle.optional() }).strict();
export type CreateFormDocumentBody = z.infer<typeof CreateFormDocumentBody>;

/**
 * The content of a document: a JSON object here, judged by the service with the schema derived from the document's
 * kind (its issues named `data.<section>.<field>…`).
 */
export type FormDocumentData = JsonObject;

/** `PUT /api/plans/:planId/forms/:documentId`: the whole content, the version the client last saw, the title if renamed. */
export const SaveFormDocumentBody = withServiceData<{ version: typeof Version; title: z.ZodOptional<typeof FormTitle> }, FormDocumentData>({
  version: Version,
  title: FormTitle.optional(),
});
export type SaveFormDocumentBody = z.infer<typeof SaveFormDocumentBody>;

/**
 * `POST /api/plans/:planId/forms/:documentId/import.xlsx`: an edited export of the document, previewed, then applied
 * with `apply=true` and the preview's `fingerprint` (the document's version).
 */
export const ImportFormDocumentForm = uploadFormSchema('Joignez un fichier XLSX (champ « file »)');
export type ImportFormDocumentForm = z.infer<typeof ImportFormDocumentForm>;

/** Answers. */
export type { FormDocument as FormDocumentResponse, FormDocumentSummary } from '../form-document.ts';
export type { FormDefinition as FormKindResponse } from '../form-definition.ts';
export type { ImportPreview, ImportResult } from '../workbook-import.ts';
