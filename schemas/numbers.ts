import { mapNonEmpty } from './non-empty.ts';

/**
 * Fixed-point numbers and the Belgian number format, shared by the API, the grid and the exports.
 *
 * Every quantity is stored and computed as an integer in the minor unit of its kind, so that sums are exact:
 * money in cents, percentages in hundredths of a percent (21,9 % → 2190), ETP, averages and scores in hundredths
 * (0,8 ETP → 80), counts as whole numbers. A blank is `null`, never 0.
 */

export const UNITS = [
  { code: 'count', label: 'Nombre', scale: 0, aggregation: 'sum' },
  { code: 'money', label: 'Montant (€)', scale: 2, aggregation: 'sum' },
  { code: 'percent', label: 'Pourcentage', scale: 2, aggregation: 'mean' },
  { code: 'average', label: 'Moyenne', scale: 2, aggregation: 'mean' },
  { code: 'score', label: 'Score (1 à 10)', scale: 2, aggregation: 'mean' },
  { code: 'etp', label: 'ETP', scale: 2, aggregation: 'mean' },
] as const;
export type Unit = (typeof UNITS)[number]['code'];
export const UNIT_CODES = mapNonEmpty(UNITS, (u) => u.code);

export const AGGREGATIONS = [
  { code: 'sum', label: 'Somme des années' },
  { code: 'mean', label: 'Moyenne des années' },
  { code: 'max', label: 'Maximum des années' },
  { code: 'last', label: 'Dernière année renseignée' },
] as const;
export type Aggregation = (typeof AGGREGATIONS)[number]['code'];
export const AGGREGATION_CODES = mapNonEmpty(AGGREGATIONS, (a) => a.code);

export function unitScale(unit: Unit): number {
  return UNITS.find((u) => u.code === unit)!.scale;
}

/** Inclusive bounds of a value of this unit, in minor units (percent 0-100 %, score 1-10). */
export function unitBounds(unit: Unit): { min: number; max: number } {
  switch (unit) {
    case 'percent':
      return { min: 0, max: 100_00 };
    case 'score':
      return { min: 1_00, max: 10_00 };
    case 'money':
      return { min: 0, max: MAX_CENTS };
    default:
      return { min: 0, max: 1_000_000_000_00 };
  }
}

/** The largest amount we accept: 100 billion euros, far below Number.MAX_SAFE_INTEGER. */
export const MAX_CENTS = 10_000_000_000_000;

export type ParseResult = { ok: true; value: number } | { ok: false; message: string };

const SPACES = /[\s\u00a0\u202f]/g;

/**
 * Parses a number typed or pasted in Belgian format into an integer with `scale` decimals.
 * Accepts `1.234,56`, `1 234,56 €`, `€ 1.234,56`, `21,9 %`, `0,8 ETP`, `1234`; rejects `1,234.56`, `1.5` and
 * anything with more decimals than the scale allows, with a French message. Never goes through floating point.
 */
export function parseBelgianNumber(input: string, scale: number): ParseResult {
  const raw = input;
  let s = input.replace(SPACES, '');
  s = s.replace(/^€/, '').replace(/€$/, '').replace(/%$/, '').replace(/ETP$/i, '');
  if (s === '') return { ok: false, message: `« ${raw.trim()} » n'est pas un nombre` };
  let negative = false;
  if (s.startsWith('-') || s.startsWith('−')) {
    negative = true;
    s = s.slice(1);
  }
  const grouped = /^\d{1,3}(\.\d{3})+(,\d+)?$/;
  const plain = /^\d+(,\d+)?$/;
  if (!grouped.test(s) && !plain.test(s)) {
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(s) || /^\d+\.\d{1,2}$/.test(s) || /^\d+\.\d{4,}$/.test(s)) {
      return {
        ok: false,
        message: `« ${raw.trim()} » n'est pas au format belge : la virgule sépare les décimales et le point les milliers (ex. 1.234,56)`,
      };
    }
    return { ok: false, message: `« ${raw.trim()} » n'est pas un nombre au format belge (ex. 1.234,56)` };
  }
  const [intPart, fracPart = ''] = s.replace(/\./g, '').split(',');
  if (fracPart.length > scale) {
    const trimmed = fracPart.replace(/0+$/, '');
    if (trimmed.length > scale) {
      return {
        ok: false,
        message: scale === 0 ? `« ${raw.trim()} » doit être un nombre entier` : `« ${raw.trim()} » a trop de décimales (au plus ${scale})`,
      };
    }
  }
  const frac = (fracPart + '0'.repeat(scale)).slice(0, scale);
  const digits = (intPart + frac).replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return { ok: false, message: `« ${raw.trim()} » est trop grand` };
  const value = Number(digits);
  // "-0,00" is zero, not the floating-point -0 that compares unequal to 0 in Object.is and toEqual.
  return { ok: true, value: negative && value !== 0 ? -value : value };
}

/**
 * Formats an integer with `scale` implied decimals in Belgian style: `1.234,56`.
 * `decimals` (default: the scale) may show fewer digits, rounding half away from zero.
 */
export function formatBelgianNumber(value: number, scale: number, decimals: number = scale): string {
  let v = value;
  let s = scale;
  if (decimals < s) {
    v = roundDiv(v, 10 ** (s - decimals));
    s = decimals;
  }
  const negative = v < 0;
  const abs = String(Math.abs(v)).padStart(s + 1, '0');
  const intPart = abs.slice(0, abs.length - s);
  const fracPart = abs.slice(abs.length - s);
  const grouped = intPart.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return (negative ? '-' : '') + grouped + (s > 0 ? `,${fracPart}` : '');
}

/** `€ 2.424.996,74`, as printed in the fiche plan. */
export function formatEuros(cents: number): string {
  return `€ ${formatBelgianNumber(cents, 2)}`;
}

/**
 * The one way a percentage is printed, on screen, in the workbook and in the PDF: Belgian decimals, then a no-break
 * space and `%`, as CLDR's fr-BE writes it (`Intl.NumberFormat('fr-BE', { style: 'percent' })`): `25,0 %`,
 * `21,9 %`, `99,99 %`. One decimal, two when the hundredth is not zero, so that 99,99 % never reads as 100,0 % and a
 * stored value is never rounded for display. Hundredths of a percent in.
 * `decimals` fixes the number of decimals instead, for figures that are not stored values (a progress share).
 */
export function formatPercent(hundredths: number, decimals?: number): string {
  const shown = decimals ?? (hundredths % 10 === 0 ? 1 : 2);
  return formatBelgianNumber(hundredths, 2, shown) + PERCENT_SUFFIX;
}

/** What follows the number of a percentage: a no-break space (U+00A0, never a line break before %) and `%`. */
export const PERCENT_SUFFIX = '\u00a0%';

/**
 * The spreadsheet number format that prints a percentage cell (the cell holds the fraction: 25 % = 0,25) as
 * `formatPercent` does: one decimal, the second when it is not zero, a no-break space, `%`.
 */
export const PERCENT_SPREADSHEET_FORMAT = '0.0#"\u00a0"%';

/** Formats a value of an indicator unit as the official fiche prints it. */
export function formatUnitValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'count':
      return formatBelgianNumber(value, 0);
    case 'money':
      return formatBelgianNumber(value, 2, value % 100 === 0 ? 0 : 2);
    case 'percent':
      return formatPercent(value);
    case 'average':
    case 'score':
      return formatBelgianNumber(value, 2, 1);
    case 'etp':
      return formatBelgianNumber(value, 2);
  }
}

/** Integer division rounding half away from zero. */
export function roundDiv(numerator: number, denominator: number): number {
  const q = Math.trunc(numerator / denominator);
  const r = numerator - q * denominator;
  if (Math.abs(r) * 2 >= Math.abs(denominator)) return q + Math.sign(numerator) * Math.sign(denominator);
  return q;
}

/** Σ of integers; `null` when every term is blank (blank is not zero). */
export function sumOrNull(values: readonly (number | null | undefined)[]): number | null {
  let total: number | null = null;
  for (const v of values) if (v !== null && v !== undefined) total = (total ?? 0) + v;
  return total;
}

/** Ratio a/b in hundredths of a percent, rounded half away from zero; `null` when b is 0 or blank. */
export function ratioHundredthsOfPercent(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  // a × 10 000 leaves the exact range of a double above ~9·10¹¹ €: divide in BigInt.
  const num = BigInt(a) * 10_000n;
  const den = BigInt(b);
  const q = num / den;
  const r = num - q * den;
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const away = abs(r) * 2n >= abs(den) ? (num < 0n !== den < 0n ? -1n : 1n) : 0n;
  return Number(q + away);
}
