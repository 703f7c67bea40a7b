import { describeAction } from '../../schemas/action.ts';
import { runningHeader } from '../../schemas/form-text.ts';
import { buildFormLayout, type FormLayout } from '../reports/layout/form-document.ts';
import { renderWorkbook } from '../reports/xlsx.ts';
import { nowOf, type ServiceContext } from './context.ts';
import { listFormKinds, readFormDocument } from './form-documents.ts';
import { readPlan } from './plan-store.ts';
import type { PdfPool } from '../workers/pdf-pool.ts';

/**
 * A form document as a file, through the plan's own generators: the workbook layout (server/reports/layout) rendered
 * by the XLSX writer, its sheet printed by the PDF's sheet content. The PDF is made in the plan PDF's threads (a
 * document may hold megabytes of text), under their bounds: a full line answers 503 with Retry-After.
 */

/** What the exports and the import of a document read: the document, its kind, its layout and how fiches are named. */
export function formExportSources(ctx: ServiceContext & { planId: string; documentId: string }) {
  const document = readFormDocument(ctx);
  const definition = listFormKinds(ctx).find((k) => k.id === document.kind)!;
  const plan = readPlan(ctx.db, ctx.planId);
  const fiches = new Map(plan.actions.map((a) => [a.id, describeAction(a)]));
  const idOfLabel = new Map([...fiches].map(([id, label]) => [label, id]));
  const header = runningHeader(plan);
  const form: FormLayout = buildFormLayout({
    definition,
    documentId: document.id,
    title: document.title,
    header,
    data: document.data,
    ficheLabel: (id) => fiches.get(id) ?? 'Fiche supprimée',
    ficheLabels: [...fiches.values()],
  });
  // The name a person saves: the document's title and the plan's commune, without characters file systems refuse.
  const filename = [...`${document.title} - ${plan.commune}`]
    .map((ch) => (ch.charCodeAt(0) < 32 || '\\/:*?"<>|'.includes(ch) ? '-' : ch))
    .join('')
    .slice(0, 150);
  return { document, definition, form, header, filename, ficheIdOf: (label: string) => idOfLabel.get(label) ?? null };
}

/** The document as an XLSX workbook: `{ filename, bytes }`. */
export async function exportFormDocumentXlsx(ctx: ServiceContext & { planId: string; documentId: string }): Promise<{ filename: string; bytes: Uint8Array }> {
  const { form, filename } = formExportSources(ctx);
  return { filename: `${filename}.xlsx`, bytes: await renderWorkbook(form.layout, { generatedAt: new Date(nowOf(ctx)) }) };
}

/** The document as a PDF: `{ filename, bytes }`. */
export async function exportFormDocumentPdf(
  ctx: ServiceContext & { pdfPool: PdfPool; planId: string; documentId: string },
): Promise<{ filename: string; bytes: Uint8Array }> {
  const { form, header, filename } = formExportSources(ctx);
  return { filename: `${filename}.pdf`, bytes: await ctx.pdfPool.renderForm({ kind: 'form', form, header }, nowOf(ctx)) };
}
