/**
 * Small helpers shared by the SVG chart generators. The charts are plain strings so that the same markup can be
 * inserted in the page and embedded in the PDF (pdfmake `svg` node): presentation attributes only, no CSS, no
 * external references, and every piece of user text escaped here.
 */

/** The font stack of every chart text; Liberation Sans is the metric-compatible Arial shipped with the PDF fonts. */
export const FONT_FAMILY = 'Liberation Sans, Arial, sans-serif';

/** Characters that XML 1.0 forbids anywhere in a document (C0 controls except tab/LF/CR, lone surrogates, FFFE/FFFF). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are what the pattern removes
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Escapes text for XML character data and attribute values alike: `&`, `<`, `>`, `"` and `'` become entities,
 * and characters XML cannot carry at all are dropped. The result is safe between tags and inside `"…"`.
 */
export function escapeXml(text: string): string {
  return text.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/**
 * Formats a coordinate or length (user units) with at most 2 decimals, without trailing zeros nor `-0`:
 * 12 → "12", 12.345 → "12.35", -0.001 → "0". Non-finite numbers become "0" so the markup stays valid.
 */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const rounded = Math.round(n * 100) / 100;
  if (Object.is(rounded, -0) || rounded === 0) return '0';
  return String(rounded);
}

/** Serialises attributes in the given order (deterministic); numbers go through `fmt`, strings are escaped. */
export function attrs(values: Record<string, string | number | null | undefined>): string {
  let out = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    out += ` ${name}="${typeof value === 'number' ? fmt(value) : escapeXml(value)}"`;
  }
  return out;
}

/** Rough width in user units of a text in the chart font (average glyph ≈ 0.55 em); enough for layout. */
export function approxTextWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * 0.55;
}

/**
 * Cuts `text` to at most `max` characters (code points), ending with "…" when something was removed; the cut
 * falls on the last space when that keeps at least half of the allowed length, so no word is left mutilated.
 */
export function truncate(text: string, max: number): string {
  const chars = [...text.trim()];
  if (chars.length <= max) return chars.join('');
  const room = Math.max(1, max - 1);
  let kept = chars.slice(0, room).join('');
  const space = kept.lastIndexOf(' ');
  if (chars[room] !== ' ' && space >= room / 2) kept = kept.slice(0, space);
  return `${kept.trimEnd()}…`;
}

/**
 * Wraps `text` on spaces into lines of at most `maxChars` characters (a final "…" not counted), hard-cutting
 * words longer than a line.
 * At most `maxLines` lines; when the text does not fit, the last line ends with "…". Never returns an empty array.
 */
export function wrapText(text: string, maxChars: number, maxLines: number): string[] {
  const width = Math.max(1, Math.floor(maxChars));
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const lines: string[] = [];
  let current = '';
  // A trailing ellipsis is narrow: it does not count, so "l'épanouissement…" is not cut before its "…".
  const length = (chars: readonly string[]) => chars.length - (chars[chars.length - 1] === '…' ? 1 : 0);
  const pushWord = (word: string) => {
    let w = [...word];
    while (length(w) > width) {
      if (current !== '') {
        lines.push(current);
        current = '';
      }
      lines.push(w.slice(0, width).join(''));
      w = w.slice(width);
    }
    const rest = w.join('');
    if (current === '') current = rest;
    else if ([...current].length + 1 + length(w) <= width) current += ` ${rest}`;
    else {
      lines.push(current);
      current = rest;
    }
  };
  for (const word of words) pushWord(word);
  if (current !== '') lines.push(current);
  if (lines.length === 0) return [''];
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, Math.max(1, maxLines));
  const last = kept.length - 1;
  // The kept line plus what follows is longer than a line by construction, so `truncate` adds the ellipsis.
  kept[last] = truncate([kept[last], ...lines.slice(last + 1)].join(' '), width);
  return kept;
}

/**
 * Multi-line `<text>`: one `<tspan>` per line with absolute x/y (what pdfmake's SVG renderer handles best),
 * an optional `<title>` (full text for a tooltip) as first child. Lines and title are escaped here.
 */
export function textBlock(
  lines: readonly string[],
  x: number,
  firstBaseline: number,
  lineHeight: number,
  style: Record<string, string | number | null | undefined>,
  title?: string,
): string {
  const head = title === undefined ? '' : `<title>${escapeXml(title)}</title>`;
  if (lines.length === 1) {
    return `<text${attrs({ x, y: firstBaseline, ...style })}>${head}${escapeXml(lines[0] ?? '')}</text>`;
  }
  const spans = lines.map((line, i) => `<tspan${attrs({ x, y: firstBaseline + i * lineHeight })}>${escapeXml(line)}</tspan>`).join('');
  return `<text${attrs({ x, y: firstBaseline, ...style })}>${head}${spans}</text>`;
}

/** The root element: explicit width/height/viewBox, `role="img"`, French `aria-label` and a `<title>`. */
export function svgDocument(width: number, height: number, title: string, ariaLabel: string, body: string): string {
  return (
    `<svg${attrs({
      xmlns: 'http://www.w3.org/2000/svg',
      width,
      height,
      viewBox: `0 0 ${fmt(width)} ${fmt(height)}`,
      role: 'img',
      'aria-label': ariaLabel,
    })}>` +
    `<title>${escapeXml(title)}</title>` +
    `<rect${attrs({ x: 0, y: 0, width, height, fill: '#ffffff' })}/>` +
    body +
    `</svg>`
  );
}
