import { formatBelgianNumber } from '../numbers.ts';
import { FONT_FAMILY, attrs, escapeXml, fmt, svgDocument, textBlock, truncate, wrapText } from './svg.ts';

/** ISADF section of a plan: values are fractions 0..1 in thousandths (0,10 → 100); blank is `null`. */
export type IsadfRadarInput = {
  annee: number | null;
  valeur: number | null;
  dimensions: readonly { label: string; valeur: number | null }[];
};
export type IsadfRadarOptions = { size?: number };

const DEFAULT_SIZE = 520;
const MIN_SIZE = 240;
const PAD = 12;
const TITLE_FONT = 13;
const TITLE_LINE = 17;
const SUBTITLE_FONT = 12;
const LABEL_FONT = 10;
const LABEL_LINE = 12;
const LABEL_MAX_CHARS = 28;
const LABEL_LINE_CHARS = 16;
const LABEL_GAP = 8;
const GRID_STEPS = [250, 500, 750, 1000] as const;
const COLOR_TEXT = '#1f2933';
const COLOR_MUTED = '#6b7785';
const COLOR_GRID = '#c8d0d8';
const COLOR_DATA = '#1f6fb2';

/** ISADF thousandths as the fiche prints them: 100 → "0,10". */
function formatIsadf(thousandths: number): string {
  return formatBelgianNumber(thousandths, 3, 2);
}

/** Grid level label without useless zeros: 250 → "0,25", 500 → "0,5", 1000 → "1". */
function gridLabel(thousandths: number): string {
  return formatBelgianNumber(thousandths, 3).replace(/0+$/, '').replace(/,$/, '');
}

/**
 * Radar (spider) chart of the ISADF dimensions of a commune, as a standalone SVG string of `size` × `size`
 * user units (default 520, at least 240). Values are thousandths of a fraction 0..1 (0,10 → 100), drawn clamped
 * to 0..1; a `null` dimension is a gap (no point, the polygon joins the available points only, and with fewer
 * than 3 of them only the dots are drawn), never a zero. Fewer than 3 dimensions: a French message instead of
 * the radar, same size. Pure and deterministic: same input, same string.
 */
export function renderIsadfRadar(input: IsadfRadarInput, options: IsadfRadarOptions = {}): string {
  const size = Math.max(MIN_SIZE, Math.round(Number.isFinite(options.size) ? options.size! : DEFAULT_SIZE));
  const yearPart = input.annee === null ? '' : ` ${input.annee}`;
  const titleText = `Indicateur synthétique d'accès aux droits fondamentaux (ISADF)${yearPart}`;
  const communeText = `ISADF de la commune : ${input.valeur === null ? 'non renseigné' : formatIsadf(input.valeur)}`;
  const dims = input.dimensions;

  // Header: the title, wrapped on at most two lines, then the commune's synthetic index.
  const titleChars = Math.floor((size - 2 * PAD) / (TITLE_FONT * 0.55));
  const titleLines = wrapText(titleText, titleChars, 2);
  const titleBaseline = PAD + TITLE_FONT;
  let body = textBlock(titleLines, size / 2, titleBaseline, TITLE_LINE, {
    'text-anchor': 'middle',
    'font-family': FONT_FAMILY,
    'font-size': TITLE_FONT,
    'font-weight': 'bold',
    fill: COLOR_TEXT,
  });
  const communeBaseline = titleBaseline + (titleLines.length - 1) * TITLE_LINE + SUBTITLE_FONT + 8;
  body += textBlock([communeText], size / 2, communeBaseline, SUBTITLE_FONT, {
    'text-anchor': 'middle',
    'font-family': FONT_FAMILY,
    'font-size': SUBTITLE_FONT,
    fill: input.valeur === null ? COLOR_MUTED : COLOR_DATA,
    'font-weight': input.valeur === null ? null : 'bold',
  });
  const headerBottom = communeBaseline + 10;

  const docTitle = `${titleText} – ${communeText}`;
  const summary = dims.map((d) => `${d.label} ${d.valeur === null ? 'non renseigné' : formatIsadf(d.valeur)}`).join(' ; ');

  if (dims.length < 3) {
    const message = `Radar : au moins trois dimensions sont nécessaires (${dims.length} renseignée(s))`;
    const lines = wrapText(message, Math.floor((size - 2 * PAD) / (13 * 0.55)), 3);
    const middle = headerBottom + (size - headerBottom) / 2 - ((lines.length - 1) * 17) / 2;
    body += `<rect${attrs({
      x: PAD,
      y: headerBottom + 8,
      width: size - 2 * PAD,
      height: size - headerBottom - 8 - PAD,
      rx: 6,
      fill: '#f5f7f9',
      stroke: COLOR_GRID,
      'stroke-dasharray': '4 3',
    })}/>`;
    body += textBlock(lines, size / 2, middle, 17, {
      'text-anchor': 'middle',
      'font-family': FONT_FAMILY,
      'font-size': 13,
      fill: COLOR_MUTED,
    });
    const aria = `${titleText}. ${communeText}. ${message}.${summary === '' ? '' : ` Dimensions : ${summary}.`}`;
    return svgDocument(size, size, docTitle, aria, body);
  }

  // Radar area: room for the labels (at most 3 lines of ~16 characters, plus the value) around the outer polygon.
  const labelBlockWidth = LABEL_LINE_CHARS * LABEL_FONT * 0.55;
  const labelBlockHeight = 4 * LABEL_LINE;
  const plotHeight = size - PAD - headerBottom;
  const radius = Math.max(20, Math.min((size - 2 * PAD - 2 * (labelBlockWidth + LABEL_GAP)) / 2, (plotHeight - 2 * (labelBlockHeight + LABEL_GAP)) / 2));
  const cx = size / 2;
  const cy = headerBottom + plotHeight / 2;
  const n = dims.length;
  const angle = (i: number) => -Math.PI / 2 + (2 * Math.PI * i) / n;
  const point = (i: number, fraction: number): [number, number] => [cx + radius * fraction * Math.cos(angle(i)), cy + radius * fraction * Math.sin(angle(i))];
  const pointsAttr = (pts: readonly [number, number][]) => pts.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ');
  const fractionOf = (thousandths: number) => Math.min(1, Math.max(0, thousandths / 1000));

  // Grid: concentric polygons at 0,25 / 0,5 / 0,75 / 1, then the axes.
  for (const step of GRID_STEPS) {
    const pts = dims.map((_, i) => point(i, step / 1000));
    body += `<polygon${attrs({
      points: pointsAttr(pts),
      fill: 'none',
      stroke: step === 1000 ? '#9aa5b1' : COLOR_GRID,
      'stroke-width': 1,
    })}/>`;
  }
  dims.forEach((_, i) => {
    const [x, y] = point(i, 1);
    body += `<line${attrs({ x1: cx, y1: cy, x2: x, y2: y, stroke: COLOR_GRID, 'stroke-width': 1 })}/>`;
  });
  for (const step of GRID_STEPS) {
    body += textBlock([gridLabel(step)], cx + 3, cy - (radius * step) / 1000 - 2, 9, {
      'font-family': FONT_FAMILY,
      'font-size': 8,
      fill: COLOR_MUTED,
    });
  }

  // Data: polygon through the filled dimensions only (a blank is a gap, not a zero), then one dot per value.
  const filled = dims.flatMap((d, i) => (d.valeur === null ? [] : [{ i, label: d.label, valeur: d.valeur }]));
  if (filled.length >= 3) {
    body += `<polygon${attrs({
      points: pointsAttr(filled.map((f) => point(f.i, fractionOf(f.valeur)))),
      fill: COLOR_DATA,
      'fill-opacity': 0.22,
      stroke: COLOR_DATA,
      'stroke-width': 2,
      'stroke-linejoin': 'round',
    })}/>`;
  }
  for (const f of filled) {
    const [x, y] = point(f.i, fractionOf(f.valeur));
    body +=
      `<circle${attrs({ cx: x, cy: y, r: 3.5, fill: COLOR_DATA, stroke: '#ffffff', 'stroke-width': 1 })}>` +
      `<title>${escapeXml(`${f.label} : ${formatIsadf(f.valeur)}`)}</title></circle>`;
  }

  // Axis labels outside the outer polygon: the label (truncated at ~28 characters, wrapped) and its value.
  dims.forEach((d, i) => {
    const a = angle(i);
    const cos = Math.cos(a);
    const sin = Math.sin(a);
    const lx = cx + (radius + LABEL_GAP) * cos;
    const ly = cy + (radius + LABEL_GAP) * sin;
    const anchor = Math.abs(cos) < 0.15 ? 'middle' : cos > 0 ? 'start' : 'end';
    const labelLines = wrapText(truncate(d.label, LABEL_MAX_CHARS), LABEL_LINE_CHARS, 3);
    const lines = labelLines.length + 1;
    const blockHeight = lines * LABEL_LINE;
    // Above the polygon the block ends at the anchor point, below it starts there, on the sides it is centred.
    const top = ly - (blockHeight * (1 - sin)) / 2;
    const baseline = top + LABEL_FONT;
    body += textBlock(
      labelLines,
      lx,
      baseline,
      LABEL_LINE,
      { 'text-anchor': anchor, 'font-family': FONT_FAMILY, 'font-size': LABEL_FONT, fill: COLOR_TEXT },
      d.label,
    );
    body += textBlock([d.valeur === null ? 'non renseigné' : formatIsadf(d.valeur)], lx, baseline + labelLines.length * LABEL_LINE, LABEL_LINE, {
      'text-anchor': anchor,
      'font-family': FONT_FAMILY,
      'font-size': LABEL_FONT,
      fill: d.valeur === null ? COLOR_MUTED : COLOR_DATA,
      'font-weight': d.valeur === null ? null : 'bold',
      'font-style': d.valeur === null ? 'italic' : null,
    });
  });

  const aria = `${titleText}. ${communeText}. Dimensions : ${summary}.`;
  return svgDocument(size, size, docTitle, aria, body);
}
