import { createRequire } from 'node:module';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import pdfmake from 'pdfmake';
import type { DynamicContent, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { PDF_FONT } from './plan-pdf.ts';
import { ARABIC_FONT, EMOJI_FONT, visualLineOrder, withScriptFonts } from './script-runs.ts';

/**
 * The embedded fonts, each with its licence (SIL Open Font License) beside it: Liberation Sans 2.1 (Latin, Greek,
 * Cyrillic, Hebrew), Vazirmatn (Arabic script) and Noto Emoji (monochrome).
 */
export const FONTS_DIR = resolve(fileURLToPath(new URL('../../../templates/fonts/', import.meta.url)));

let configured = false;

/**
 * pdfmake set up once per thread: our fonts only, no URL ever fetched, no file read outside the fonts folder
 * (pdfmake 0.3 would otherwise follow URLs and paths named in a document), and lines holding right-to-left text put
 * in visual order.
 */
function configurePdfmake(): void {
  if (configured) return;
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => resolve(path).startsWith(FONTS_DIR + sep));
  const font = (file: string) => resolve(FONTS_DIR, file);
  const arabic = { normal: font('vazirmatn/Vazirmatn-Regular.ttf'), bold: font('vazirmatn/Vazirmatn-Bold.ttf') };
  // No italic Arabic or emoji exists: italics use the upright faces.
  const emoji = font('noto-emoji/NotoEmoji-Regular.ttf');
  pdfmake.setFonts({
    [PDF_FONT]: {
      normal: font('liberation-sans/LiberationSans-Regular.ttf'),
      bold: font('liberation-sans/LiberationSans-Bold.ttf'),
      italics: font('liberation-sans/LiberationSans-Italic.ttf'),
      bolditalics: font('liberation-sans/LiberationSans-BoldItalic.ttf'),
    },
    [ARABIC_FONT]: { normal: arabic.normal, bold: arabic.bold, italics: arabic.normal, bolditalics: arabic.bold },
    [EMOJI_FONT]: { normal: emoji, bold: emoji, italics: emoji, bolditalics: emoji },
  });
  installBidiLines();
  configured = true;
}

/** What pdfmake's layout builder gives us of a laid-out line (pdfmake 0.3's Line: inlines with their x and width). */
type LaidOutLine = { inlines: { text: string; x: number; width: number }[]; leadingCut: number };
type LayoutBuilderClass = { prototype: { buildNextLine: (this: unknown, node: unknown) => LaidOutLine | null } };

/**
 * pdfmake places a line's words left to right in the order of the text; a line with right-to-left text needs them in
 * visual order. Each line pdfmake builds (after its line breaking, so a paragraph that wraps keeps its lines in
 * reading order) is reordered by `visualLineOrder` and its words placed again from the left. pdfmake has no hook
 * for this: its LayoutBuilder (pdfmake ~0.3, pinned) is wrapped once per thread.
 */
function installBidiLines(): void {
  const require = createRequire(import.meta.url);
  const { default: LayoutBuilder } = require('pdfmake/js/LayoutBuilder.js') as { default: LayoutBuilderClass };
  const build = LayoutBuilder.prototype.buildNextLine;
  LayoutBuilder.prototype.buildNextLine = function buildNextLine(node) {
    const line = build.call(this, node);
    if (!line || line.inlines.length === 0) return line;
    const { order, mirror } = visualLineOrder(line.inlines.map((inline) => inline.text));
    if (order.every((index, i) => index === i) && mirror.every((m) => m === null)) return line;
    const inlines = order.map((index) => {
      const inline = line.inlines[index]!;
      const flipped = mirror[index];
      return flipped ? { ...inline, text: flipped } : inline;
    });
    let x = -line.leadingCut;
    for (const inline of inlines) {
      inline.x = x;
      x += inline.width;
    }
    line.inlines = inlines;
    return line;
  };
}

/** Every text of the document with the fonts its characters need (see script-runs.ts). */
function withFonts(doc: TDocumentDefinitions): TDocumentDefinitions {
  const dynamic = (fn: DynamicContent | undefined) => (typeof fn === 'function' ? (...args: Parameters<DynamicContent>) => withScriptFonts(fn(...args)) : fn);
  const header = typeof doc.header === 'function' ? dynamic(doc.header) : withScriptFonts(doc.header);
  const footer = typeof doc.footer === 'function' ? dynamic(doc.footer) : withScriptFonts(doc.footer);
  return { ...doc, content: withScriptFonts(doc.content), ...(header ? { header } : {}), ...(footer ? { footer } : {}) };
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
  const buffer = await pdfmake.createPdf(withFonts(doc)).getBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
