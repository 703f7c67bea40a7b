import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import pdfmake from 'pdfmake';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { PDF_FONT } from './plan-pdf.ts';

/** The embedded font (Liberation Sans 2.1, SIL Open Font License, licence beside the files). */
export const FONTS_DIR = resolve(fileURLToPath(new URL('../../../templates/fonts/liberation-sans/', import.meta.url)));

let configured = false;

/**
 * pdfmake set up once per thread: our font only, no URL ever fetched, no file read outside the fonts folder
 * (pdfmake 0.3 would otherwise follow URLs and paths named in a document).
 */
function configurePdfmake(): void {
  if (configured) return;
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => resolve(path).startsWith(FONTS_DIR + sep));
  pdfmake.setFonts({
    [PDF_FONT]: {
      normal: resolve(FONTS_DIR, 'LiberationSans-Regular.ttf'),
      bold: resolve(FONTS_DIR, 'LiberationSans-Bold.ttf'),
      italics: resolve(FONTS_DIR, 'LiberationSans-Italic.ttf'),
      bolditalics: resolve(FONTS_DIR, 'LiberationSans-BoldItalic.ttf'),
    },
  });
  configured = true;
}

/**
 * Lays out and writes a pdfmake document; `onProgress` receives the share of page items written (0..1) during the
 * writing phase, the layout before it has no measurable steps.
 */
export async function renderPdfDocument(doc: TDocumentDefinitions, onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  configurePdfmake();
  let last = -1;
  pdfmake.setProgressCallback((fraction: number) => {
    // Called once per page item: pass on whole percents only.
    const pct = Math.floor(fraction * 100);
    if (pct !== last) {
      last = pct;
      onProgress?.(fraction);
    }
  });
  const buffer = await pdfmake.createPdf(doc).getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
