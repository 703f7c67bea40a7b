import { describe, expect, it } from 'vitest';
import { IndicatorSchema, aggregateIndicator, aggregateValues, effectiveAggregation, type IndicatorInput } from '../../schemas/indicator.ts';
import type { Aggregation, Unit } from '../../schemas/numbers.ts';
import { PCS_2020_2025, FOUR_YEAR_PROGRAMME, indicator, targets } from './fixtures.ts';

const YEARS = PCS_2020_2025.years;
/** The six years the Liège form was written for, before the extension through 2026 (its 2026 column is blank). */
const FORM_YEARS = PCS_2020_2025.prolongation!.anneesInitiales;
const parse = (fields: Partial<IndicatorInput>) => IndicatorSchema.parse(indicator('i1', fields));

describe('effectiveAggregation', () => {
  it.each([
    ['count', 'sum'],
    ['money', 'sum'],
    ['percent', 'mean'],
    ['average', 'mean'],
    ['score', 'mean'],
    ['etp', 'mean'],
  ] as const)('aggregates a %s row by its unit rule: %s', (unit: Unit, rule: Aggregation) => {
    expect(effectiveAggregation({ unit, aggregation: null })).toBe(rule);
  });

  it('lets a row override its unit rule (a stock counted by its maximum)', () => {
    expect(effectiveAggregation({ unit: 'count', aggregation: 'max' })).toBe('max');
  });
});

describe('aggregateValues', () => {
  it.each([
    // values, rule, result
    [[12, 15, 20, 25, 35, 40], 'sum', 147],
    [[569000, 569000, 569000, 569000, 569000, 569000], 'sum', 3414000],
    [[500, 600, 700, 800, 800, 800], 'mean', 700],
    [[8100, 8200, 8300, 8400, 8500, 8600], 'mean', 8350],
    [[1, 2], 'mean', 2], // 1,5 rounds half away from zero
    [[1, 1, 2], 'mean', 1], // 1,33 rounds down
    [[1, 2, 2], 'mean', 2], // 1,67 rounds up
    [[66, 66, 66, 66, 66, 0], 'mean', 55],
    [[21, 25, 19], 'max', 25],
    [[5, 7, 6], 'last', 6],
  ] as const)('aggregates %j by %s into %i', (values, rule, expected) => {
    expect(aggregateValues(values, rule)).toBe(expected);
  });

  it.each(['sum', 'mean', 'max', 'last'] as const)('skips blank years (%s)', (rule) => {
    const withBlanks = aggregateValues([null, 10, null, 30, null], rule);
    expect(withBlanks).toBe(aggregateValues([10, 30], rule));
  });

  it('takes the last filled year, not the last year, for "last"', () => {
    expect(aggregateValues([4, 9, null], 'last')).toBe(9);
  });

  it.each(['sum', 'mean', 'max', 'last'] as const)('gives null when every year is blank (%s): blank is not zero', (rule) => {
    expect(aggregateValues([null, null, null], rule)).toBeNull();
    expect(aggregateValues([], rule)).toBeNull();
  });

  it.each([
    ['sum', 0],
    ['mean', 0],
    ['max', 0],
    ['last', 0],
  ] as const)('counts a 0 as a value (%s gives %i, not null)', (rule, expected) => {
    expect(aggregateValues([0, null], rule)).toBe(expected);
  });

  it('averages only the filled years: mean of 0 and 100 with a blank is 50', () => {
    expect(aggregateValues([0, null, 100], 'mean')).toBe(50);
  });
});

describe('aggregateIndicator', () => {
  it('sums yearly targets of a count indicator (1.1.05 personnes 12…40 → 147)', () => {
    const ind = parse({ values: targets(YEARS, [12, 15, 20, 25, 35, 40]) });
    expect(aggregateIndicator(ind, YEARS)).toEqual({ exAnte: 147, computedExAnte: 147, exAnteDiffers: false, resultats: null });
  });

  it('averages an average row: "Durée moyenne d\'un coaching" 5,6,7,8,8,8 → 7,00', () => {
    const ind = parse({ unit: 'average', values: targets(YEARS, ['5', '6', '7', '8', '8', '8']) });
    expect(aggregateIndicator(ind, YEARS).exAnte).toBe(700);
  });

  it('averages a percent row: "Taux d\'occupation" 81 … 86 % → 83,50 %', () => {
    const ind = parse({ unit: 'percent', values: targets(YEARS, ['81', '82', '83', '84', '85', '86']) });
    expect(aggregateIndicator(ind, YEARS).exAnte).toBe(8350);
  });

  it('averages a score and an ETP row, rounding to hundredths (4.1.01: 0,66 ×5 and 0 → 0,55)', () => {
    expect(aggregateIndicator(parse({ unit: 'score', values: targets(YEARS, '9') }), YEARS).exAnte).toBe(900);
    const etp = parse({ unit: 'etp', values: targets(YEARS, ['0,66', '0,66', '0,66', '0,66', '0,66', '0']) });
    expect(aggregateIndicator(etp, YEARS).exAnte).toBe(55);
  });

  it('sums a money row (Capfly convention 40.645 × 6 = 243.870), and a filled 2026 of the extension with it', () => {
    const ind = parse({ unit: 'money', values: targets(FORM_YEARS, '40.645') });
    expect(aggregateIndicator(ind, YEARS).exAnte).toBe(24387000);
    const extended = parse({ unit: 'money', values: targets(YEARS, '40.645') });
    expect(YEARS).toHaveLength(7);
    expect(aggregateIndicator(extended, YEARS).exAnte).toBe(28451500);
  });

  it('skips blank years: Thermos sums the five filled years (800 × 5 = 4.000)', () => {
    const ind = parse({ values: targets(YEARS, [800, 800, 800, 800, 800, null]) });
    expect(aggregateIndicator(ind, YEARS).computedExAnte).toBe(4000);
  });

  it('gives a null ex-ante when every target is blank, and 0 when the targets are 0', () => {
    expect(aggregateIndicator(parse({ values: targets(YEARS, null) }), YEARS).exAnte).toBeNull();
    expect(aggregateIndicator(parse({ values: {} }), YEARS).exAnte).toBeNull();
    expect(aggregateIndicator(parse({ values: targets(YEARS, 0) }), YEARS).exAnte).toBe(0);
  });

  it('keeps a typed ex-ante and flags it when it differs from the computed one (Abri de nuit 1.100 vs 6.600)', () => {
    const ind = parse({ exAnte: '1.100', values: targets(FORM_YEARS, '1.100') });
    expect(aggregateIndicator(ind, YEARS)).toEqual({ exAnte: 1100, computedExAnte: 6600, exAnteDiffers: true, resultats: null });
  });

  it('does not flag a typed ex-ante equal to the computed one', () => {
    const ind = parse({ exAnte: 147, values: targets(YEARS, [12, 15, 20, 25, 35, 40]) });
    expect(aggregateIndicator(ind, YEARS)).toMatchObject({ exAnte: 147, exAnteDiffers: false });
  });

  it('does not flag a typed ex-ante when no yearly target is filled (CASA convention 210.492)', () => {
    const ind = parse({ unit: 'money', exAnte: '210.492', values: {} });
    expect(aggregateIndicator(ind, YEARS)).toEqual({ exAnte: 21049200, computedExAnte: null, exAnteDiffers: false, resultats: null });
  });

  it('computes Résultats from the yearly actuals with the same rule', () => {
    const ind = parse({
      unit: 'percent',
      values: { '2020': { target: '80', actual: '70' }, '2021': { target: '80', actual: '75,5' }, '2022': { actual: null } },
    });
    expect(aggregateIndicator(ind, YEARS)).toMatchObject({ exAnte: 8000, resultats: 7275 });
  });

  it('keeps a Résultats of 0 distinct from "not yet reported"', () => {
    const reported = parse({ values: { '2020': { target: 5, actual: 0 } } });
    const notReported = parse({ values: { '2020': { target: 5 } } });
    expect(aggregateIndicator(reported, YEARS).resultats).toBe(0);
    expect(aggregateIndicator(notReported, YEARS).resultats).toBeNull();
  });

  it('takes its years from the programme: a four-year programme sums its own four years and ignores 2020 values', () => {
    const ind = parse({ values: { ...targets(FOUR_YEAR_PROGRAMME.years, 10), '2020': { target: 1000, actual: 1000 } } });
    expect(aggregateIndicator(ind, FOUR_YEAR_PROGRAMME.years)).toEqual({ exAnte: 40, computedExAnte: 40, exAnteDiffers: false, resultats: null });
    expect(aggregateIndicator(ind, YEARS).exAnte).toBe(1000);
  });

  it('applies an overridden rule (max of a stock)', () => {
    const ind = parse({ aggregation: 'max', values: targets(YEARS, [19, 21, 21, 20, 18, 17]) });
    expect(aggregateIndicator(ind, YEARS).exAnte).toBe(21);
  });
});
