import { UNITS, formatUnitValue, unitScale, type Unit } from '../numbers.ts';
import { FONT_FAMILY, approxTextWidth, attrs, escapeXml, svgDocument, textBlock, wrapText } from './svg.ts';

/** One indicator row: per programme year (keyed by the year as text) a target and an actual, integers in the unit's minor unit. */
export type IndicatorChartInput = {
  label: string;
  unit: Unit;
  years: readonly number[];
  values: Readonly<Record<string, { target: number | null; actual: number | null }>>;
};
export type IndicatorChartOptions = { width?: number; height?: number };

/** A y axis from 0 to `max` by `step`, both integers in the unit's minor unit. */
export type AxisScale = { max: number; step: number };

const DEFAULT_WIDTH = 480;
const DEFAULT_HEIGHT = 260;
const PAD = 10;
const TITLE_FONT = 12;
const TITLE_LINE = 15;
const SMALL_FONT = 9;
const YEAR_FONT = 10;
const COLOR_TEXT = '#1f2933';
const COLOR_MUTED = '#6b7785';
const COLOR_GRID = '#e3e8ee';
const COLOR_AXIS = '#9aa5b1';
/** Light and dark of the same blue: distinct on screen and still distinct when printed in greyscale. */
const SERIES = [
  { key: 'target', name: 'Cible', fill: '#9cc3e6', stroke: '#5b8fbf' },
  { key: 'actual', name: 'Réalisé', fill: '#1f5f99', stroke: '#174a78' },
] as const;
/** Mantissas of a "nice" maximum, each with its preferred numbers of intervals (3 to 5 gridlines above 0). */
const NICE: readonly { f: number; intervals: readonly number[] }[] = [
  { f: 1, intervals: [4, 5] },
  { f: 2, intervals: [4] },
  { f: 2.5, intervals: [5] },
  { f: 5, intervals: [5] },
];
const PERCENT_MAX = 100_00;

/**
 * The y axis for values up to `dataMax` (minor units): the smallest max of the form 1, 2, 2,5 or 5 × 10^k in
 * the unit's real value that is ≥ `dataMax`, split in 4 or 5 intervals whose bounds are whole minor units (so a
 * count axis never shows 0,25 person). A `dataMax` of 0 or less gives the axis of one real unit. For 'percent'
 * the max never exceeds 100 % (10000 hundredths); larger values are clipped by the caller.
 */
export function niceAxis(dataMax: number, unit: Unit): AxisScale {
  const scale = unitScale(unit);
  const target = dataMax > 0 ? dataMax : 10 ** scale;
  if (unit === 'percent' && target >= PERCENT_MAX) return { max: PERCENT_MAX, step: PERCENT_MAX / 4 };
  for (let k = 0; k <= 20; k++) {
    for (const { f, intervals } of NICE) {
      const max = f * 10 ** k;
      if (!Number.isInteger(max) || max < target) continue;
      for (const count of intervals) {
        const step = max / count;
        if (Number.isInteger(step)) return { max, step };
      }
    }
  }
  return { max: target, step: target };
}

/**
 * Grouped bar chart of an indicator, as a standalone SVG string of `width` × `height` user units (default
 * 480 × 260): for each year of `years` (in that order) a "Cible" bar and a "Réalisé" bar, on a y axis from 0 to
 * `niceAxis` of the largest value. Values are integers in the unit's minor unit, shown in Belgian format via
 * `formatUnitValue`; a `null` value draws no bar (a "–" at the baseline), a 0 draws a hairline bar. Values of
 * years not in `years` are ignored. All blank: "Aucune valeur". Pure and deterministic.
 */
export function renderIndicatorChart(input: IndicatorChartInput, options: IndicatorChartOptions = {}): string {
  const width = Math.max(200, Math.round(Number.isFinite(options.width) ? options.width! : DEFAULT_WIDTH));
  const height = Math.max(140, Math.round(Number.isFinite(options.height) ? options.height! : DEFAULT_HEIGHT));
  const unitLabel = UNITS.find((u) => u.code === input.unit)?.label ?? input.unit;
  const cell = (year: number, key: 'target' | 'actual'): number | null => input.values[String(year)]?.[key] ?? null;
  const show = (v: number | null) => (v === null ? 'non renseigné' : formatUnitValue(v, input.unit));

  // Title: the indicator's label on at most two lines, the full label in a tooltip.
  const titleLines = wrapText(input.label, Math.floor((width - 2 * PAD) / (TITLE_FONT * 0.55)), 2);
  const titleBaseline = PAD + TITLE_FONT;
  let body = textBlock(
    titleLines,
    PAD,
    titleBaseline,
    TITLE_LINE,
    { 'font-family': FONT_FAMILY, 'font-size': TITLE_FONT, 'font-weight': 'bold', fill: COLOR_TEXT },
    input.label,
  );
  const titleBottom = titleBaseline + (titleLines.length - 1) * TITLE_LINE;

  const docTitle = `${input.label} – Cible et réalisé par année (${unitLabel})`;
  const summary = input.years.map((y) => `${y} : cible ${show(cell(y, 'target'))}, réalisé ${show(cell(y, 'actual'))}`).join(' ; ');
  const aria = `Graphique en barres : ${input.label} (${unitLabel}), cible et réalisé par année.${summary === '' ? '' : ` ${summary}.`}`;

  const filled = input.years.flatMap((y) =>
    SERIES.flatMap((s) => {
      const v = cell(y, s.key);
      return v === null ? [] : [v];
    }),
  );
  if (filled.length === 0) {
    const middle = titleBottom + (height - titleBottom) / 2 + 4;
    body += textBlock(['Aucune valeur'], width / 2, middle, 14, {
      'text-anchor': 'middle',
      'font-family': FONT_FAMILY,
      'font-size': 12,
      'font-style': 'italic',
      fill: COLOR_MUTED,
    });
    return svgDocument(width, height, docTitle, aria, body);
  }

  // Legend line: unit on the left, swatches on the right.
  const legendBaseline = titleBottom + 16;
  body += textBlock([unitLabel], PAD, legendBaseline, SMALL_FONT, {
    'font-family': FONT_FAMILY,
    'font-size': SMALL_FONT,
    fill: COLOR_MUTED,
  });
  let legendX = width - PAD;
  for (const s of [...SERIES].reverse()) {
    legendX -= approxTextWidth(s.name, 10);
    body += textBlock([s.name], legendX, legendBaseline, 10, {
      'font-family': FONT_FAMILY,
      'font-size': 10,
      fill: COLOR_TEXT,
    });
    legendX -= 14;
    body += `<rect${attrs({ x: legendX, y: legendBaseline - 9, width: 10, height: 10, fill: s.fill, stroke: s.stroke, 'stroke-width': 0.5 })}/>`;
    legendX -= 12;
  }

  // Plot area and y axis.
  const axis = niceAxis(Math.max(...filled), input.unit);
  const ticks: number[] = [];
  for (let t = 0; t <= axis.max; t += axis.step) ticks.push(t);
  const tickLabels = ticks.map((t) => formatUnitValue(t, input.unit));
  const plotLeft = PAD + Math.max(...tickLabels.map((l) => approxTextWidth(l, SMALL_FONT))) + 6;
  const plotRight = width - PAD;
  const plotTop = legendBaseline + 12;
  const plotBottom = height - PAD - 14;
  const plotWidth = Math.max(1, plotRight - plotLeft);
  const plotHeight = Math.max(1, plotBottom - plotTop);
  const yOf = (v: number) => plotBottom - (Math.min(Math.max(v, 0), axis.max) / axis.max) * plotHeight;

  ticks.forEach((t, i) => {
    const y = yOf(t);
    if (t > 0) body += `<line${attrs({ x1: plotLeft, y1: y, x2: plotRight, y2: y, stroke: COLOR_GRID, 'stroke-width': 1 })}/>`;
    body += textBlock([tickLabels[i] ?? ''], plotLeft - 4, y + 3, SMALL_FONT, {
      'text-anchor': 'end',
      'font-family': FONT_FAMILY,
      'font-size': SMALL_FONT,
      fill: COLOR_MUTED,
    });
  });

  // Bars: per year, Cible then Réalisé side by side, centred in the year's slot.
  const slot = plotWidth / Math.max(1, input.years.length);
  const barWidth = Math.min(28, slot * 0.34);
  const gap = Math.min(4, slot * 0.04);
  const yearFont = slot < 30 ? 8 : YEAR_FONT;
  input.years.forEach((year, i) => {
    const centre = plotLeft + slot * (i + 0.5);
    SERIES.forEach((s, j) => {
      const x = j === 0 ? centre - gap / 2 - barWidth : centre + gap / 2;
      const v = cell(year, s.key);
      const tooltip = `${year} – ${s.name} : ${show(v)}`;
      if (v === null) {
        body += textBlock(
          ['–'],
          x + barWidth / 2,
          plotBottom - 3,
          12,
          {
            'text-anchor': 'middle',
            'font-family': FONT_FAMILY,
            'font-size': 12,
            'font-weight': 'bold',
            fill: COLOR_MUTED,
          },
          tooltip,
        );
        return;
      }
      // A zero is a value: a hairline bar, so that it reads differently from a blank.
      const top = Math.min(yOf(v), plotBottom - 1);
      body +=
        `<rect${attrs({ x, y: top, width: barWidth, height: plotBottom - top, fill: s.fill, stroke: s.stroke, 'stroke-width': 0.5 })}>` +
        `<title>${escapeXml(tooltip)}</title></rect>`;
    });
    body += textBlock([String(year)], centre, plotBottom + 12, yearFont, {
      'text-anchor': 'middle',
      'font-family': FONT_FAMILY,
      'font-size': yearFont,
      fill: COLOR_TEXT,
    });
  });
  body += `<line${attrs({ x1: plotLeft, y1: plotBottom, x2: plotRight, y2: plotBottom, stroke: COLOR_AXIS, 'stroke-width': 1 })}/>`;

  return svgDocument(width, height, docTitle, aria, body);
}
