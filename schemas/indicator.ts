import { z } from 'zod';
import { INDICATOR_CATEGORY_CODES, STANDARD_INDICATOR_CODES } from './enums.ts';
import { AGGREGATION_CODES, UNITS, UNIT_CODES, roundDiv, sumOrNull, unitBounds, unitScale, type Aggregation, type Unit } from './numbers.ts';
import { RowId, Version, scaledNumber, shortText } from './primitives.ts';

/**
 * An indicator row of a fiche action: for each programme year a target (projection) and an actual (réalisé).
 * Ex-ante and Résultats are not stored: they are the aggregate of the targets and of the actuals, computed by
 * `aggregateIndicator`. An ex-ante typed explicitly (`exAnte`) is kept and wins, with a warning when it differs.
 * Values are integers in the unit's minor unit; blank is `null`, never 0.
 */

export const YearKey = z.string().regex(/^\d{4}$/, 'Année attendue (AAAA)');

/** A value for an indicator of the given unit; accepts integers in minor units or Belgian strings. */
export function indicatorValue(unit: Unit) {
  const { min, max } = unitBounds(unit);
  return scaledNumber(unitScale(unit), min, max);
}
const anyIndicatorValue = z
  .union([z.number(), z.string().max(40)])
  .nullable()
  .default(null);

export const IndicatorCellSchema = z
  .object({
    target: anyIndicatorValue,
    actual: anyIndicatorValue,
    targetVersion: Version.default(0),
    actualVersion: Version.default(0),
  })
  .strict();

export const IndicatorFieldsSchema = z
  .object({
    category: z.enum(INDICATOR_CATEGORY_CODES),
    label: shortText.min(1, 'Le libellé de l’indicateur est obligatoire'),
    unit: z.enum(UNIT_CODES),
    /** Overrides the unit's aggregation rule; null = the unit's rule. */
    aggregation: z.enum(AGGREGATION_CODES).nullable().default(null),
    /** Standard row of the form that the checks know (e.g. "montant-convention"); null for other rows. */
    standard: z.enum(STANDARD_INDICATOR_CODES).nullable().default(null),
    /** Ex-ante typed explicitly; null = computed from the targets. */
    exAnte: z
      .union([z.number(), z.string().max(40)])
      .nullable()
      .default(null),
  })
  .strict();

export const IndicatorSchema = IndicatorFieldsSchema.extend({
  id: RowId,
  version: Version.default(0),
  values: z.record(YearKey, IndicatorCellSchema).default({}),
})
  .strict()
  .transform((ind, ctx) => {
    // Values are validated against the row's unit once the unit is known.
    const valueSchema = indicatorValue(ind.unit).nullable();
    const check = (v: unknown, path: (string | number)[]): number | null => {
      const r = valueSchema.safeParse(v);
      if (!r.success) {
        for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path });
        return null;
      }
      return r.data;
    };
    const values: Record<string, IndicatorCell> = {};
    for (const [year, cell] of Object.entries(ind.values)) {
      values[year] = {
        target: check(cell.target, ['values', year, 'target']),
        actual: check(cell.actual, ['values', year, 'actual']),
        targetVersion: cell.targetVersion,
        actualVersion: cell.actualVersion,
      };
    }
    return { ...ind, exAnte: check(ind.exAnte, ['exAnte']), values };
  });
export type IndicatorCell = { target: number | null; actual: number | null; targetVersion: number; actualVersion: number };
export type Indicator = z.output<typeof IndicatorSchema>;
export type IndicatorInput = z.input<typeof IndicatorSchema>;

export function effectiveAggregation(ind: { unit: Unit; aggregation: Aggregation | null }): Aggregation {
  return ind.aggregation ?? UNITS.find((u) => u.code === ind.unit)!.aggregation;
}

/**
 * Aggregates yearly values in programme order: sum, mean (rounded half away from zero to the unit's minor unit),
 * max, or last filled year. Blank years are skipped; all blank gives `null`.
 */
export function aggregateValues(values: readonly (number | null)[], aggregation: Aggregation): number | null {
  const filled = values.filter((v): v is number => v !== null);
  if (filled.length === 0) return null;
  switch (aggregation) {
    case 'sum':
      return sumOrNull(filled);
    case 'mean':
      return roundDiv(sumOrNull(filled)!, filled.length);
    case 'max':
      return Math.max(...filled);
    case 'last':
      return filled[filled.length - 1]!;
  }
}

export type IndicatorAggregate = {
  /** Ex-ante as shown: the typed value when there is one, else the aggregate of the targets. */
  exAnte: number | null;
  /** Aggregate of the yearly targets. */
  computedExAnte: number | null;
  /** True when an ex-ante is typed and differs from the aggregate of the targets. */
  exAnteDiffers: boolean;
  /** Résultats: aggregate of the yearly actuals. */
  resultats: number | null;
};

/** The one function that computes Ex-ante and Résultats of an indicator row over the programme's years. */
export function aggregateIndicator(ind: Pick<Indicator, 'unit' | 'aggregation' | 'exAnte' | 'values'>, years: readonly number[]): IndicatorAggregate {
  const rule = effectiveAggregation(ind);
  const targets = years.map((y) => ind.values[String(y)]?.target ?? null);
  const actuals = years.map((y) => ind.values[String(y)]?.actual ?? null);
  const computedExAnte = aggregateValues(targets, rule);
  const exAnte = ind.exAnte ?? computedExAnte;
  return {
    exAnte,
    computedExAnte,
    exAnteDiffers: ind.exAnte !== null && computedExAnte !== null && ind.exAnte !== computedExAnte,
    resultats: aggregateValues(actuals, rule),
  };
}
