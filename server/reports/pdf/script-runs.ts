import { createRequire } from 'node:module';
import type { Bidi } from 'bidi-js';

/**
 * pdfmake draws each piece of text with one font and has no fallback from one font to another, so a character the
 * piece's font lacks is silently dropped. Liberation Sans (the document's font) covers Latin, Greek, Cyrillic and
 * Hebrew; the texts people type may also hold Arabic and emoji. This module splits a text into runs by script and
 * gives each run the embedded font that covers it, and puts the pieces of a line that holds right-to-left text in
 * their visual order (pdfkit shapes and reverses the glyphs of a word but does not apply the bidi algorithm).
 */

/**
 * Vazirmatn 33.003 (Regular, Bold), for Arabic script. Its letters' forms are whole glyphs, so a PDF reader copies
 * and searches the text that was typed (Noto Sans Arabic draws dots as separate marks over shared skeletons, and
 * pdfkit can then map one skeleton to one letter only: « للتنمية » would come back as « لليبمية »).
 */
export const ARABIC_FONT = 'Vazirmatn';
/** Noto Emoji 3.006 (monochrome outlines: pdfkit cannot draw the colour emoji formats), for emoji. */
export const EMOJI_FONT = 'Noto Emoji';

/** A piece of text and the font it needs; no `font` keeps the font of the surrounding style (Liberation Sans). */
export type TextRun = { text: string; font?: string };

/** Any character that may need another font or the bidi algorithm; a text without one is left as it is. */
const SPECIAL =
  /[\p{Script_Extensions=Arabic}\p{Extended_Pictographic}\p{Emoji_Presentation}\p{Regional_Indicator}]|\uFE0F|\u20E3|\p{Script=Hebrew}|\p{Script=Syriac}|\p{Script=Thaana}|\p{Script=Nko}|[\u200F\u202B\u202E\u2067]/u;
/** Letters written right to left (and the explicit right-to-left marks). */
const RTL = /\p{Script=Arabic}|\p{Script=Hebrew}|\p{Script=Syriac}|\p{Script=Thaana}|\p{Script=Nko}|[\u200F\u202B\u202E\u2067]/u;
const ARABIC = /^\p{Script_Extensions=Arabic}/u;
/** Emoji drawn as emoji: presentation by default, asked for by U+FE0F, a flag, a keycap or a skin tone. */
const EMOJI = /\p{Emoji_Presentation}|\p{Regional_Indicator}|\uFE0F|\u20E3|[\u{1F3FB}-\u{1F3FF}]/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}/u;
/** Pictographs Liberation Sans draws itself (© ® ‼ ™ ↔ ↕ ▪ ▫ ☺ ♀ ♂ ♠ ♣ ♥ ♦) when no U+FE0F asks for the emoji. */
const LIBERATION_PICTOGRAPHS = /^[\u00A9\u00AE\u203C\u2122\u2194\u2195\u25AA\u25AB\u263A\u2640\u2642\u2660\u2663\u2665\u2666]/u;
/**
 * Spaces, digits and punctuation Vazirmatn also draws: between or after Arabic words they stay in the Arabic
 * run, so a name is one run rather than a word per run.
 */
const ARABIC_NEUTRAL =
  /^[\s\u0021-\u0040\u005B-\u0060\u007B-\u007E\u00A0\u00AB\u00BB\u2009\u2010\u2011\u2013\u2014\u2018\u2019\u201C\u201D\u2026\u202F\u200C\u200D]$/u;

const segmenter = new Intl.Segmenter('fr', { granularity: 'grapheme' });
// bidi-js is CommonJS and its module.exports is the factory; its types declare it as an ES default export, which
// NodeNext reads as `module.exports.default`: required, and typed here as what it is.
const bidiFactory: () => Bidi = createRequire(import.meta.url)('bidi-js');
let bidiInstance: Bidi | null = null;
const bidi = () => (bidiInstance ??= bidiFactory());

type Kind = 'latin' | 'arabic' | 'emoji';

function kindOf(grapheme: string): Kind | 'neutral' {
  if (EMOJI.test(grapheme)) return 'emoji';
  if (PICTOGRAPH.test(grapheme) && !(LIBERATION_PICTOGRAPHS.test(grapheme) && !grapheme.includes('\uFE0F'))) return 'emoji';
  if (ARABIC.test(grapheme)) return 'arabic';
  if (ARABIC_NEUTRAL.test(grapheme)) return 'neutral';
  return 'latin';
}

const FONT_OF: Record<Kind, string | undefined> = { latin: undefined, arabic: ARABIC_FONT, emoji: EMOJI_FONT };

/**
 * Splits a text into runs of one font each, and also where the bidi embedding level changes, so that every run is
 * of one direction. Graphemes are never split: a base letter keeps its combining marks, an emoji its variation
 * selector, skin tone and zero-width-joined parts, a flag its two regional indicators. Spaces and punctuation after
 * Arabic stay in the Arabic run; elsewhere they are Liberation's. A text without Arabic, emoji or right-to-left
 * letters comes back as one run without a font.
 */
export function scriptRuns(text: string): TextRun[] {
  if (!SPECIAL.test(text)) return [{ text }];
  const levels = RTL.test(text) ? bidi().getEmbeddingLevels(text).levels : null;
  const runs: TextRun[] = [];
  let current = null as { kind: Kind; level: number; text: string } | null;
  for (const { segment, index } of segmenter.segment(text)) {
    const found = kindOf(segment);
    const level = levels ? levels[index]! : 0;
    // A neutral continues an Arabic run of its level; anywhere else it is drawn with Liberation Sans.
    const kind: Kind = found === 'neutral' ? (current?.kind === 'arabic' && current.level === level ? 'arabic' : 'latin') : found;
    if (current && current.kind === kind && current.level === level) {
      current.text += segment;
      continue;
    }
    if (current) runs.push(toRun(current));
    current = { kind, level, text: segment };
  }
  if (current) runs.push(toRun(current));
  return runs;
}

function toRun({ kind, text }: { kind: Kind; text: string }): TextRun {
  const font = FONT_OF[kind];
  return font ? { text, font } : { text };
}

/**
 * The visual order of the pieces of one laid-out line (each piece of one direction, as `scriptRuns` makes them and
 * pdfmake then cuts into words): `order` lists the pieces' indices from left to right, by the bidi algorithm's rule
 * L2 over the levels resolved for the line's text. `mirror[i]` holds the text to draw instead of piece i when it is
 * placed right to left: its brackets mirrored (« ( » becomes « ) »), and when it is punctuation or spaces only, its
 * characters reversed. A piece with right-to-left letters keeps its logical order: the shaper joins its letters and
 * lays its glyphs right to left.
 */
export function visualLineOrder(pieces: readonly string[]): { order: number[]; mirror: (string | null)[] } {
  const identity = { order: pieces.map((_, i) => i), mirror: pieces.map(() => null) };
  const line = pieces.join('');
  if (!RTL.test(line)) return identity;
  const { levels } = bidi().getEmbeddingLevels(line);
  let start = 0;
  const pieceLevels = pieces.map((piece) => {
    // The level of a piece's first character that is not a space (trailing spaces take the paragraph's level).
    const offset = piece.search(/\S/u);
    const level = levels[start + (offset === -1 ? 0 : offset)]!;
    start += piece.length;
    return level;
  });
  const order = [...identity.order];
  const highest = Math.max(...pieceLevels);
  const lowestOdd = Math.min(...pieceLevels.map((l) => (l % 2 === 1 ? l : l + 1)));
  for (let level = highest; level >= lowestOdd; level--) {
    for (let i = 0; i < order.length; ) {
      if (pieceLevels[order[i]!]! < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < order.length && pieceLevels[order[j]!]! >= level) j++;
      order.splice(i, j - i, ...order.slice(i, j).reverse());
      i = j;
    }
  }
  const mirror = pieces.map((piece, i) => {
    if (pieceLevels[i]! % 2 === 0) return null;
    const chars = [...piece].map((c) => bidi().getMirroredCharacter(c) ?? c);
    // The shaper reverses a piece with right-to-left letters itself (it mirrors nothing); punctuation alone is ours to reverse.
    const flipped = (RTL.test(piece) ? chars : chars.reverse()).join('');
    return flipped === piece ? null : flipped;
  });
  return { order, mirror };
}

/** Whether a text's first paragraph is right to left (its first letter with a direction is Arabic, Hebrew…). */
export function isRightToLeft(text: string): boolean {
  return RTL.test(text) && bidi().getEmbeddingLevels(text).paragraphs[0]?.level === 1;
}

/** A text as pdfmake takes it: the string itself when it needs no other font, else its runs. */
function textRuns(text: string): string | TextRun[] {
  const runs = scriptRuns(text);
  return runs.length === 1 && runs[0]!.font === undefined ? text : runs;
}

/** The `text` of a pdfmake node: a string, or an array of strings and inline nodes (which may nest). */
function convertText(text: unknown): unknown {
  if (typeof text === 'string') return textRuns(text);
  if (!Array.isArray(text)) return text;
  return text.map((item: unknown) => {
    if (typeof item === 'string') {
      const runs = textRuns(item);
      return typeof runs === 'string' ? runs : { text: runs };
    }
    return isNode(item) && 'text' in item ? { ...item, text: convertText(item.text) } : item;
  });
}

const isNode = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
/** Keys of a pdfmake node that hold content (a node, or an array of nodes). */
const CONTENT_KEYS = ['stack', 'columns', 'ul', 'ol', 'section'] as const;

/**
 * Gives every text of a pdfmake content tree the fonts its characters need (see `scriptRuns`): plain strings,
 * `text` of paragraphs and inline nodes, table cells, stacks, columns, lists, sections and drawings; a paragraph
 * that starts right to left is aligned on the right. Pure: returns new nodes
 * and leaves the given ones as they are.
 */
export function withScriptFonts<T>(content: T): T {
  return convertContent(content) as T;
}

function convertContent(node: unknown): unknown {
  if (typeof node === 'string') {
    const runs = textRuns(node);
    if (typeof runs === 'string') return node;
    return isRightToLeft(node) ? { text: runs, alignment: 'right' } : { text: runs };
  }
  if (Array.isArray(node)) return node.map(convertContent);
  if (!isNode(node)) return node;
  const out: Record<string, unknown> = { ...node };
  // A paragraph that starts right to left is aligned on the right, unless its node says otherwise.
  if (typeof out.text === 'string' && out.alignment === undefined && isRightToLeft(out.text)) out.alignment = 'right';
  if ('text' in out) out.text = convertText(out.text);
  for (const key of CONTENT_KEYS) if (key in out) out[key] = convertContent(out[key]);
  if (typeof out.svg === 'string') out.svg = svgWithScriptFonts(out.svg);
  const table = out.table;
  if (isNode(table) && Array.isArray(table.body)) out.table = { ...table, body: table.body.map((row) => (Array.isArray(row) ? row.map(convertContent) : row)) };
  return out;
}

const XML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" };
const unescapeXml = (text: string) => text.replace(/&(?:amp|lt|gt|quot|apos);/g, (entity) => XML_ENTITIES[entity]!);
const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * The same for a drawing (the charts): pdfmake draws an SVG text with the first font of its font-family that it
 * knows, so each run that needs another font becomes a `<tspan font-family="…">` of its own. Only the text right
 * after a `<text>` or `<tspan>` tag (or after the `<title>` inside a text) is drawn, and only that is changed. Each
 * such text is one line (the charts wrap their texts into lines themselves): a line with right-to-left text is
 * written word by word in visual order, as `visualLineOrder` gives it.
 */
export function svgWithScriptFonts(svg: string): string {
  return svg.replace(/(<(?:text|tspan)\b[^>]*>|<\/title>)([^<]+)/g, (whole, tag: string, escaped: string) => {
    const runs = scriptRuns(unescapeXml(escaped));
    if (runs.every((run) => run.font === undefined) && !RTL.test(escaped)) return whole;
    const words = runs.flatMap((run) => (run.text.match(/\s+|\S+/gu) ?? []).map((text) => ({ ...run, text })));
    const { order, mirror } = visualLineOrder(words.map((w) => w.text));
    const span = (i: number) => {
      const { text, font } = words[i]!;
      const drawn = escapeXml(mirror[i] ?? text);
      return font ? `<tspan font-family="${font}">${drawn}</tspan>` : drawn;
    };
    return tag + order.map(span).join('');
  });
}
