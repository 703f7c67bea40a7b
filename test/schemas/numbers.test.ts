import { describe, expect, it } from 'vitest';
import {
  MAX_CENTS,
  formatBelgianNumber,
  formatEuros,
  formatPercent,
  PERCENT_SPREADSHEET_FORMAT,
  formatUnitValue,
  parseBelgianNumber,
  ratioHundredthsOfPercent,
  roundDiv,
  sumOrNull,
  type Unit,
} from '../../schemas/numbers.ts';

const NOT_BELGIAN = (s: string) => `« ${s} » n'est pas au format belge : la virgule sépare les décimales et le point les milliers (ex. 1.234,56)`;

describe('parseBelgianNumber', () => {
  it.each([
    // input, scale, integer in minor units
    ['1.234,56', 2, 123456],
    ['1 234,56 €', 2, 123456],
    ['€ 2.424.996,74', 2, 242499674],
    ['21,9 %', 2, 2190],
    ['21,9%', 2, 2190],
    ['100,0%', 2, 10000],
    ['0,8 ETP', 2, 80],
    ['0,8 etp', 2, 80],
    ['1234', 0, 1234],
    ['1234', 2, 123400],
    ['197.355', 0, 197355],
    ['0,66', 2, 66],
    ['7,0', 2, 700],
    ['0', 0, 0],
    ['0,00', 2, 0],
    ['1\u202f234,56', 2, 123456], // narrow no-break space as thousands separator
    ['1\u00a0234,56', 2, 123456], // no-break space as thousands separator
    ['1\u202f234', 0, 1234],
    ['  42  ', 0, 42],
    ['-5', 0, -5],
    ['-5', 2, -500],
    ['\u22125', 0, -5], // typographic minus sign
    ['1,00', 0, 1], // zeros beyond the scale carry no information
    ['1,230', 2, 123],
    ['999.999.999.999.999', 0, 999_999_999_999_999], // 15 digits: the largest accepted
  ] as const)('reads %j at scale %i as %i', (input, scale, expected) => {
    expect(parseBelgianNumber(input, scale)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['1,234.56', 2, NOT_BELGIAN('1,234.56')],
    ['1.5', 2, NOT_BELGIAN('1.5')],
    ['1.23', 2, NOT_BELGIAN('1.23')],
    ['1.2345', 2, NOT_BELGIAN('1.2345')],
    ['abc', 2, "« abc » n'est pas un nombre au format belge (ex. 1.234,56)"],
    ['', 2, "«  » n'est pas un nombre"],
    ['€', 2, "« € » n'est pas un nombre"],
    ['1,234', 2, '« 1,234 » a trop de décimales (au plus 2)'],
    ['0,001', 2, '« 0,001 » a trop de décimales (au plus 2)'],
    ['1,5', 0, '« 1,5 » doit être un nombre entier'],
    ['1,50', 0, '« 1,50 » doit être un nombre entier'],
    ['1234567890123456', 0, '« 1234567890123456 » est trop grand'], // 16 digits
    ['12345678901234', 2, '« 12345678901234 » est trop grand'], // 14 digits + 2 decimals
  ] as const)('rejects %j at scale %i with a French message', (input, scale, message) => {
    expect(parseBelgianNumber(input, scale)).toEqual({ ok: false, message });
  });
});

describe('formatBelgianNumber', () => {
  it.each([
    [123456, 2, '1.234,56'],
    [242499674, 2, '2.424.996,74'],
    [0, 2, '0,00'],
    [5, 2, '0,05'],
    [-5, 2, '-0,05'],
    [-123456, 2, '-1.234,56'],
    [999, 0, '999'],
    [1000, 0, '1.000'],
    [197355, 0, '197.355'],
  ] as const)('writes %i at scale %i as %j', (value, scale, expected) => {
    expect(formatBelgianNumber(value, scale)).toBe(expected);
  });

  it.each([
    [2194, 1, '21,9'],
    [2195, 1, '22,0'], // half away from zero
    [-2195, 1, '-22,0'],
    [-5, 1, '-0,1'],
    [-4, 1, '0,0'],
    [149, 0, '1'],
    [150, 0, '2'],
    [-150, 0, '-2'],
  ] as const)('shows %i hundredths with %i decimal(s) as %j, rounding half away from zero', (value, decimals, expected) => {
    expect(formatBelgianNumber(value, 2, decimals)).toBe(expected);
  });

  const roundTrips = [0, 1, -1, 5, 99, 100, 101, 999, 1000, 123456, 242499674, 84561308, 11198108, -242499674, MAX_CENTS];
  it.each(roundTrips)('round-trips %i cents through format and parse at scale 2', (cents) => {
    expect(parseBelgianNumber(formatBelgianNumber(cents, 2), 2)).toEqual({ ok: true, value: cents });
  });
  it.each([0, 7, 1000, 197355, -42, 999_999_999_999_999])('round-trips %i at scale 0', (n) => {
    expect(parseBelgianNumber(formatBelgianNumber(n, 0), 0)).toEqual({ ok: true, value: n });
  });
  it('round-trips every cent amount of a range crossing thousand separators', () => {
    for (let cents = 99_900; cents <= 100_100; cents++) {
      expect(parseBelgianNumber(formatEuros(cents), 2)).toEqual({ ok: true, value: cents });
    }
  });
});

describe('formatEuros / formatPercent', () => {
  it.each([
    [242499674, '€ 2.424.996,74'],
    [0, '€ 0,00'],
    [1, '€ 0,01'],
  ])('formats %i cents as %j', (cents, text) => expect(formatEuros(cents)).toBe(text));

  it.each([
    [2190, '21,9\u00a0%'],
    [8350, '83,5\u00a0%'],
    [10000, '100,0\u00a0%'],
    [2500, '25,0\u00a0%'],
    [3883, '38,83\u00a0%'],
    [9999, '99,99\u00a0%'], // never rounded up to 100,0 %
    [25, '0,25\u00a0%'],
    [0, '0,0\u00a0%'],
  ])('formats %i hundredths of a percent as %j: one decimal, two when needed, a no-break space before %', (h, text) => expect(formatPercent(h)).toBe(text));

  it('prints a percentage as fr-BE does (Intl.NumberFormat), with the spreadsheet format saying the same', () => {
    const intl = new Intl.NumberFormat('fr-BE', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 2 });
    for (const h of [2500, 2190, 3883, 9999, 10000]) expect(formatPercent(h)).toBe(intl.format(h / 10000));
    expect(PERCENT_SPREADSHEET_FORMAT).toBe('0.0#"\u00a0"%');
  });

  it('reads back what it prints', () => {
    for (const h of [0, 25, 2190, 2500, 9999, 10000]) expect(parseBelgianNumber(formatPercent(h), 2)).toEqual({ ok: true, value: h });
  });

  it('may show a fixed number of decimals for a figure that is not a stored value (a progress share)', () => {
    expect(formatPercent(4500, 0)).toBe('45\u00a0%');
  });
});

describe('formatUnitValue', () => {
  it.each([
    [1200, 'count', '1.200'],
    [569000, 'money', '5.690'], // whole euros as the fiches print them
    [4064502, 'money', '40.645,02'],
    [2190, 'percent', '21,9\u00a0%'],
    [2525, 'percent', '25,25\u00a0%'],
    [700, 'average', '7,0'],
    [900, 'score', '9,0'],
    [66, 'etp', '0,66'],
    [400, 'etp', '4,00'],
  ] as const)('prints %i of unit %s as %j', (value, unit: Unit, text) => {
    expect(formatUnitValue(value, unit)).toBe(text);
  });
});

describe('roundDiv', () => {
  it.each([
    [4, 2, 2],
    [5, 2, 3],
    [-5, 2, -3],
    [5, -2, -3],
    [7, 3, 2],
    [8, 3, 3],
    [-7, 3, -2],
    [-8, 3, -3],
    [0, 7, 0],
    [50100, 6, 8350],
    [1000, 6, 167],
  ])('%i / %i rounds half away from zero to %i', (n, d, q) => expect(roundDiv(n, d)).toBe(q));
});

describe('ratioHundredthsOfPercent', () => {
  it.each([
    [64697798, 166603768, 3883], // Liège: part communale / subvention PCS = 38,83 %
    [1, 3, 3333],
    [2, 3, 6667],
    [1, 8, 1250],
    [1, 20000, 1], // 0,005 % rounds up to 0,01 %
    [1, 20001, 0],
    [0, 5, 0],
  ])('%i / %i is %i hundredths of a percent', (a, b, r) => expect(ratioHundredthsOfPercent(a, b)).toBe(r));

  it.each([
    [null, 5],
    [5, null],
    [5, 0],
  ])('is null for %j / %j', (a, b) => expect(ratioHundredthsOfPercent(a, b)).toBeNull());
});

describe('sumOrNull', () => {
  it('is null when every term is blank, because blank is not zero', () => {
    expect(sumOrNull([])).toBeNull();
    expect(sumOrNull([null, undefined, null])).toBeNull();
  });
  it('counts 0 as a value and skips blanks', () => {
    expect(sumOrNull([0, null])).toBe(0);
    expect(sumOrNull([1, null, 2])).toBe(3);
  });
});
