import { formatBelgianNumber, formatEuros, formatPercent } from '../numbers.ts';
import { FONT_FAMILY, attrs, escapeXml, fmt, svgDocument, textBlock, truncate } from './svg.ts';

/**
 * The consolidation's two charts, as standalone SVG strings like the other charts (pure, deterministic, every text
 * escaped): the subvention PCS of each plan against its commune's ISADF (scatter), and the « % atteint » of each
 * objective (horizontal bars). Blank values are left out and counted in a note, never drawn as zero.
 */

const COLOR_TEXT = '#1f2933';
const COLOR_MUTED = '#6b7785';
const COLOR_GRID = '#e3e8ee';
const COLOR_AXIS = '#9aa5b1';
const COLOR_POINT = '#1f5f99';
const COLOR_BAR = '#5b8fbf';
const COLOR_GOAL = '#c0392b';
const SMALL = 9;

export type ScatterPoint = { label: string /** ISADF in thousandths. */; isadf: number | null /** Cents. */; subvention: number | null };

/** A "nice" upper bound (1, 2, 2,5 or 5 × 10^k) at or above `max` (> 0). */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(max));
  for (const f of [1, 2, 2.5, 5, 10]) if (f * exp >= max) return f * exp;
  return 10 * exp;
}

/**
 * « Subvention PCS et ISADF par porteur »: x the ISADF (0 to the nice maximum), y the subvention PCS in euros; a
 * point per plan with both values, its porteur and figures in its tooltip. Plans missing one are named in a note.
 */
export function renderSubsidyScatter(points: readonly ScatterPoint[], options: { width?: number; height?: number } = {}): string {
  const width = Math.max(240, Math.round(options.width ?? 520));
  const height = Math.max(180, Math.round(options.height ?? 320));
  const title = 'Subvention PCS et ISADF par porteur';
  const drawn = points.filter((p): p is ScatterPoint & { isadf: number; subvention: number } => p.isadf !== null && p.subvention !== null);
  const missing = points.length - drawn.length;
  const aria = `Nuage de points : subvention PCS (euros) en fonction de l’ISADF, ${drawn.length} porteur${drawn.length > 1 ? 's' : ''}.`;
  let body = textBlock([title], 10, 20, 14, { 'font-family': FONT_FAMILY, 'font-size': 12, 'font-weight': 'bold', fill: COLOR_TEXT });
  if (drawn.length === 0) {
    body += textBlock(['Aucun porteur avec ISADF et subvention'], width / 2, height / 2, 14, {
      'text-anchor': 'middle',
      'font-family': FONT_FAMILY,
      'font-size': 12,
      'font-style': 'italic',
      fill: COLOR_MUTED,
    });
    return svgDocument(width, height, title, aria, body);
  }
  const xMax = niceMax(Math.max(...drawn.map((p) => p.isadf)));
  const yMax = niceMax(Math.max(...drawn.map((p) => p.subvention)));
  const left = 70;
  const right = width - 12;
  const top = 34;
  const bottom = height - (missing > 0 ? 48 : 34);
  const x = (v: number) => left + (v / xMax) * (right - left);
  const y = (v: number) => bottom - (v / yMax) * (bottom - top);
  for (let i = 0; i <= 4; i++) {
    const yv = (yMax * i) / 4;
    const xv = (xMax * i) / 4;
    if (i > 0) body += `<line${attrs({ x1: left, y1: y(yv), x2: right, y2: y(yv), stroke: COLOR_GRID, 'stroke-width': 1 })}/>`;
    body += textBlock([formatEuros(Math.round(yv)).replace(/,00$/, '')], left - 4, y(yv) + 3, SMALL, {
      'text-anchor': 'end',
      'font-family': FONT_FAMILY,
      'font-size': SMALL,
      fill: COLOR_MUTED,
    });
    body += textBlock([formatBelgianNumber(Math.round(xv), 3, 2)], x(xv), bottom + 12, SMALL, {
      'text-anchor': 'middle',
      'font-family': FONT_FAMILY,
      'font-size': SMALL,
      fill: COLOR_MUTED,
    });
  }
  body += `<line${attrs({ x1: left, y1: bottom, x2: right, y2: bottom, stroke: COLOR_AXIS, 'stroke-width': 1 })}/>`;
  body += `<line${attrs({ x1: left, y1: top, x2: left, y2: bottom, stroke: COLOR_AXIS, 'stroke-width': 1 })}/>`;
  body += textBlock(['ISADF'], right, bottom + 24, SMALL, { 'text-anchor': 'end', 'font-family': FONT_FAMILY, 'font-size': SMALL, fill: COLOR_TEXT });
  for (const p of drawn) {
    const tip = `${p.label} — ISADF ${formatBelgianNumber(p.isadf, 3)}, subvention ${formatEuros(p.subvention)}`;
    body += `<circle${attrs({ cx: x(p.isadf), cy: y(p.subvention), r: 4, fill: COLOR_POINT, 'fill-opacity': 0.75 })}><title>${escapeXml(tip)}</title></circle>`;
  }
  if (missing > 0) {
    body += textBlock(
      [`${missing} porteur${missing > 1 ? 's' : ''} sans ISADF ou sans subvention, non représenté${missing > 1 ? 's' : ''}`],
      10,
      height - 8,
      SMALL,
      {
        'font-family': FONT_FAMILY,
        'font-size': SMALL,
        'font-style': 'italic',
        fill: COLOR_MUTED,
      },
    );
  }
  return svgDocument(width, height, title, aria, body);
}

export type AttainmentBar = { label: string /** Hundredths of a percent; null = no indicator with both values. */; atteint: number | null; count: number };

/**
 * « % atteint par objectif »: one horizontal bar per objective (label cut with its full text in the tooltip), a red
 * line at 100 %, bars past 150 % clipped with their value printed. An objective without figure shows « – ».
 */
export function renderAttainmentBars(bars: readonly AttainmentBar[], options: { width?: number } = {}): string {
  const width = Math.max(320, Math.round(options.width ?? 640));
  const row = 22;
  const top = 34;
  const height = top + Math.max(1, bars.length) * row + 26;
  const title = '% atteint par objectif (résultats ÷ ex-ante, moyenne des indicateurs)';
  const aria = `Graphique en barres : ${bars.map((b) => `${b.label} ${b.atteint === null ? 'non renseigné' : formatPercent(b.atteint)}`).join(' ; ')}.`;
  let body = textBlock([title], 10, 20, 14, { 'font-family': FONT_FAMILY, 'font-size': 12, 'font-weight': 'bold', fill: COLOR_TEXT });
  const labelWidth = Math.min(300, width * 0.45);
  const left = 10 + labelWidth + 6;
  const right = width - 60;
  const scaleMax = 150_00;
  const x = (v: number) => left + (Math.min(Math.max(v, 0), scaleMax) / scaleMax) * (right - left);
  bars.forEach((b, i) => {
    const yMid = top + i * row + row / 2;
    body += textBlock(
      [truncate(b.label, Math.floor(labelWidth / (SMALL * 0.55)))],
      10,
      yMid + 3,
      SMALL,
      { 'font-family': FONT_FAMILY, 'font-size': SMALL, fill: COLOR_TEXT },
      b.label,
    );
    if (b.atteint === null) {
      body += textBlock(['–'], left + 4, yMid + 4, 12, { 'font-family': FONT_FAMILY, 'font-size': 12, fill: COLOR_MUTED });
      return;
    }
    const tip = `${b.label} : ${formatPercent(b.atteint)} (${b.count} indicateur${b.count > 1 ? 's' : ''})`;
    body += `<rect${attrs({ x: left, y: yMid - 7, width: Math.max(1, x(b.atteint) - left), height: 14, fill: COLOR_BAR })}><title>${escapeXml(tip)}</title></rect>`;
    body += textBlock([formatPercent(b.atteint, 0)], x(b.atteint) + 4, yMid + 3, SMALL, { 'font-family': FONT_FAMILY, 'font-size': SMALL, fill: COLOR_TEXT });
  });
  const bottom = top + Math.max(1, bars.length) * row;
  body += `<line${attrs({ x1: x(100_00), y1: top - 4, x2: x(100_00), y2: bottom, stroke: COLOR_GOAL, 'stroke-width': 1, 'stroke-dasharray': '4 3' })}/>`;
  for (const v of [0, 50_00, 100_00, 150_00]) {
    body += textBlock([formatPercent(v, 0)], x(v), bottom + 14, SMALL, {
      'text-anchor': 'middle',
      'font-family': FONT_FAMILY,
      'font-size': SMALL,
      fill: COLOR_MUTED,
    });
  }
  return svgDocument(width, height, title, aria, `${body}<desc>${escapeXml(`Échelle de 0 à ${fmt(150)} %`)}</desc>`);
}
