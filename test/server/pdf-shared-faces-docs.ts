import { createHash } from 'node:crypto';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { openDatabase } from '../../server/db/open.ts';
import { buildPlanPdfParts, PDF_FONT } from '../../server/reports/pdf/plan-pdf.ts';
import { pageReferencesOf, withPageNumbers } from '../../server/reports/pdf/plan-parts.ts';
import { renderPdfDocument } from '../../server/reports/pdf/render.ts';
import { gatherPdfInput } from '../../server/services/pdf.ts';
import { loadReference } from '../../server/services/programmes.ts';
import { seedSample } from '../../server/services/seed.ts';

/** The documents of pdf-shared-faces.test.ts, built alike in the test and in the thread that renders one alone. */

const DATE = new Date('2026-11-21T10:00:00Z');

/** Latin, Greek, Arabic and emoji, bold and italics, words also found in the plan's parts, and rarer glyphs. */
const MIXED: TDocumentDefinitions = {
  info: { creator: 'Cohésio', producer: 'Cohésio', creationDate: DATE, modDate: DATE },
  defaultStyle: { font: PDF_FONT },
  content: [
    { text: 'Plan de Cohésion sociale — Fiche 1.3.03, indicateur 2, 2021 : 1.234,56 €', bold: true },
    { text: 'Ελληνικά κείμενα · مرحبا بكم في الحي 🙂 œuvre « Maison de quartier »', italics: true },
    { text: 'Nombre de ménages accompagnés ; Ŋ ǅ ẞ (glyphes hors du jeu commun)' },
  ],
};

/** The Liège plan's parts for 2021, page numbers put in (any: the same each time), then MIXED. */
export function sharedFacesDocs(): TDocumentDefinitions[] {
  const db = openDatabase(':memory:');
  let next = 0;
  const ctx = { db, reference: loadReference(db), newId: () => `faces-${++next}` };
  const plan = seedSample(ctx);
  const parts = buildPlanPdfParts(gatherPdfInput(ctx, plan, 2021), { generatedAt: DATE.toISOString() }).map(({ doc }) => {
    const refs = pageReferencesOf(doc);
    return refs.length > 0 ? withPageNumbers(doc, new Map(refs.map((r) => [r, 3]))) : doc;
  });
  db.$client.close();
  return [...parts, MIXED];
}

/** SHA-256 of document `index` of `docs`, rendered. */
export async function renderedHash(docs: TDocumentDefinitions[], index: number): Promise<string> {
  return createHash('sha256')
    .update(await renderPdfDocument(docs[index]!))
    .digest('hex');
}
