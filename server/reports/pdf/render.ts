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
  installSharedFaces();
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

/**
 * The characters every Liberation Sans face of a document holds, in this order, whether it prints them or not:
 * printable ASCII, Latin-1, and the French typography of our texts. pdfkit numbers a subset's glyphs in the order
 * they are first used; with these first, the parts of a document rendered apart (see assemble.ts) embed the same
 * font files, which the assembly keeps once. A part using other characters embeds its own (still correct).
 */
export const SHARED_GLYPHS = (() => {
  const chars: string[] = [];
  for (let c = 0x20; c <= 0x7e; c++) chars.push(String.fromCharCode(c));
  for (let c = 0xa0; c <= 0xff; c++) chars.push(String.fromCharCode(c));
  return [...chars, ...'ŒœŸ‐–—‘’‚“”„•…‰‹›€™−\u2009\u202f'].join('');
})();

/** What pdfkit gives pdfmake for a font face: an EmbeddedFont over a parsed (fontkit) font, with its subset. */
type EmbeddedFace = {
  font: unknown;
  encode: (text: string) => unknown;
  /** Set when the document keeps the layouts of its words (its default), which `layoutCached` gives. */
  layoutCache?: Record<string, unknown>;
  layoutCached: (this: EmbeddedFace, text: string) => WordLayout;
  layoutRun: (text: string) => WordLayout;
  subset: { glyphs: number[]; encode: (this: { glyphs: number[] }) => Uint8Array };
};
type FaceClass = new (document: unknown, font: unknown, id: string) => EmbeddedFace;
/** pdfmake's document (a pdfkit document) as far as font faces go. */
type FontProvider = {
  fonts: Record<string, Record<string, string | string[]>>;
  fontCache: Record<string, Record<string, EmbeddedFace>>;
  _fontFamilies: Record<string, EmbeddedFace>;
  _fontCount: number;
  getFontType(bold: boolean, italics: boolean): string;
};
type FontProviderClass = { prototype: { provideFont: (this: FontProvider, family: string, bold: boolean, italics: boolean) => EmbeddedFace } };

/**
 * pdfmake asks its document for a font face once per face and document (pdfmake ~0.3 over pdfkit, pinned). Then:
 * - the face is made over the font parsed by the thread's first document, rather than pdfkit reading and parsing
 *   the file again (fontkit's tables, glyphs, shaping lookups: most of the cost of a document of one page, and the
 *   PDF is rendered in parts). A parsed font is only read.
 * - the face shares the thread's layouts of words in that face (`SharedFace.layouts`): the parts of a plan measure
 *   the same labels, numbers and headings again and again, and shaping a word with fontkit was a fifth of a render.
 *   A layout depends on the font and the word only; pdfkit reads it and copies what it changes.
 * - the face's subset gives the font file the thread already encoded for the same glyphs (`SharedFace.files`):
 *   with SHARED_GLYPHS first, most parts embed the same file, and encoding it was a tenth of a part.
 *   The file depends on the font and the glyphs, in their order, only.
 * - a Liberation Sans face gets SHARED_GLYPHS first, so the parts embed the same font files.
 * Each document keeps its own subset (which glyphs it uses) and widths, as before.
 */
function installSharedFaces(): void {
  const require = createRequire(import.meta.url);
  const { default: PdfDocument } = require('pdfmake/js/PDFDocument.js') as { default: FontProviderClass };
  const provide = PdfDocument.prototype.provideFont;
  const prepared = new WeakSet<object>();
  const parsed = new Map<string, SharedFace>();
  PdfDocument.prototype.provideFont = function provideFont(family, bold, italics) {
    const type = this.getFontType(bold, italics);
    const key = `${family}|${type}`;
    const known = parsed.get(key);
    if (known && !this.fontCache[family]?.[type]) {
      const def = this.fonts[family]?.[type];
      const src = Array.isArray(def) ? def[0] : def;
      // pdfkit's font(src) takes a face it already has under its source.
      if (typeof src === 'string' && !this._fontFamilies[src]) this._fontFamilies[src] = new known.Face(this, known.font, `F${++this._fontCount}`);
    }
    const face = provide.call(this, family, bold, italics);
    if (prepared.has(face)) return face;
    prepared.add(face);
    let shared = known;
    if (!shared) {
      shared = { font: face.font, Face: face.constructor as FaceClass, layouts: new Map(), files: new Map() };
      parsed.set(key, shared);
    }
    shareLayouts(face, shared);
    shareFontFiles(face, shared);
    // One character at a time: no shaping between them.
    if (family === PDF_FONT) for (const ch of SHARED_GLYPHS) face.encode(ch);
    return face;
  };
}

/** A font face as a thread keeps it across documents: parsed once, with the layouts and font files it made. */
type SharedFace = {
  font: unknown;
  Face: FaceClass;
  /** Layouts of words (pdfkit's, already scaled), by text. */
  layouts: Map<string, WordLayout>;
  /** Encoded font files (subsets), by the glyph ids they hold, in order. */
  files: Map<string, Uint8Array>;
};

/**
 * Words whose layout a face keeps (under 1 kB each); past it, the layouts are started again. The Liège plan prints
 * about 4 600 different words over three report years.
 */
const MAX_SHARED_LAYOUTS = 10_000;
/** Font files a face keeps (about 100 kB each); past it, the oldest goes. */
const MAX_SHARED_FILES = 16;

/** The face measures and writes with the thread's layouts of its words (in place of its document's own). */
function shareLayouts(face: EmbeddedFace, shared: SharedFace): void {
  if (!face.layoutCache) return;
  face.layoutCached = function layoutCached(text) {
    let run = shared.layouts.get(text);
    if (!run) {
      run = compactRun(this.layoutRun(text));
      if (shared.layouts.size >= MAX_SHARED_LAYOUTS) shared.layouts.clear();
      shared.layouts.set(text, run);
    }
    return run;
  };
}

/** What pdfkit reads of a word's layout (fontkit's GlyphRun, its positions scaled by pdfkit's `layoutRun`). */
type WordLayout = {
  glyphs: { id: number; advanceWidth: number; codePoints: number[] }[];
  positions: { xAdvance: number; yAdvance: number; xOffset: number; yOffset: number; advanceWidth: number }[];
  advanceWidth: number;
};

/**
 * A word's layout with only what pdfkit reads of it (`EmbeddedFont.layout`, `encode`, `_fragment`): fontkit's run
 * and glyph objects hold much more (about 3 kB a word), and a thread keeps thousands of words.
 */
function compactRun(run: WordLayout): WordLayout {
  return {
    glyphs: run.glyphs.map(({ id, advanceWidth, codePoints }) => ({ id, advanceWidth, codePoints })),
    positions: run.positions.map(({ xAdvance, yAdvance, xOffset, yOffset, advanceWidth }) => ({ xAdvance, yAdvance, xOffset, yOffset, advanceWidth })),
    advanceWidth: run.advanceWidth,
  };
}

/** The face's subset gives the file the thread encoded for the same glyphs, in the same order. */
function shareFontFiles(face: EmbeddedFace, shared: SharedFace): void {
  const subset = face.subset;
  const encode = subset.encode;
  subset.encode = function encodeShared(this: { glyphs: number[] }) {
    const key = this.glyphs.join(',');
    let file = shared.files.get(key);
    if (!file) {
      file = encode.call(this);
      shared.files.set(key, file);
      if (shared.files.size > MAX_SHARED_FILES) shared.files.delete(shared.files.keys().next().value!);
    }
    return file;
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

/** Lays out and writes a pdfmake document, and tells how many pages it has (from its footer, called once per page). */
export async function renderPdfCountingPages(doc: TDocumentDefinitions): Promise<{ bytes: Uint8Array; pages: number }> {
  let pages = 0;
  const footer = doc.footer;
  const counting: DynamicContent = (page, count, size) => {
    pages = count;
    return typeof footer === 'function' ? footer(page, count, size) : (footer ?? null);
  };
  const bytes = await renderPdfDocument({ ...doc, footer: counting });
  return { bytes, pages };
}
