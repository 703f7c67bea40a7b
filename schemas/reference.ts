import { z } from 'zod';
import { INDICATOR_CATEGORY_CODES, STANDARD_INDICATOR_CODES } from './enums.ts';
import { AGGREGATION_CODES, UNIT_CODES } from './numbers.ts';

/**
 * Reference data shipped in `templates/`: programme definitions and the DiCS catalogue of actions.
 * Both are data, validated at start-up: a new programme or catalogue entry needs no code change.
 */

export const ProgrammeSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    label: z.string().min(1),
    /** Short name used by the form, e.g. "PCS 3". */
    shortName: z.string().min(1),
    years: z.array(z.number().int().min(2000).max(2100)).min(1),
    /** Date the programme starts and ends (inclusive), ISO. */
    start: z.iso.date(),
    end: z.iso.date(),
    /** Reference year of the population figure asked in the fiche plan. */
    populationReferenceDate: z.iso.date(),
  })
  .strict()
  .refine((p) => p.years.every((y, i) => i === 0 || y === p.years[i - 1]! + 1), {
    message: 'Les années du programme doivent se suivre',
    path: ['years'],
  });
export type Programme = z.infer<typeof ProgrammeSchema>;
/** True when `year` ("<année>") is one of the programme's years. */
export function isProgrammeYear(programme: Programme, year: string): boolean {
  return programme.years.some((y) => String(y) === year);
}

/** "<années>": how messages name the programme's years. */
export function programmeSpan(programme: Programme): string {
  return `${programme.years[0]}-${programme.years[programme.years.length - 1]}`;
}

export const ProgrammesSchema = z.array(ProgrammeSchema).min(1);

export const CatalogueIndicatorSchema = z
  .object({
    category: z.enum(INDICATOR_CATEGORY_CODES),
    label: z.string().min(1),
    unit: z.enum(UNIT_CODES),
    aggregation: z.enum(AGGREGATION_CODES).optional(),
    standard: z.enum(STANDARD_INDICATOR_CODES).optional(),
  })
  .strict();

export const AxeSchema = z.object({ number: z.number().int().min(1).max(9), title: z.string().min(1), objective: z.string().min(1) }).strict();
export const ThematiqueSchema = z
  .object({
    code: z.string().regex(/^[1-9]\.[0-9]$/),
    title: z.string().nullable(),
    objective: z.string().nullable(),
  })
  .strict();
export const CatalogueActionSchema = z
  .object({
    code: z.string().regex(/^[1-9]\.[0-9]\.[0-9]{2}$/),
    intitule: z.string().min(1),
    objectif: z.string().nullable(),
    /** Default rows proposed when the action is added to a plan, besides the form's standard activity rows. */
    indicators: z.array(CatalogueIndicatorSchema).default([]),
  })
  .strict();
export const CatalogueSchema = z
  .object({
    axes: z.array(AxeSchema),
    thematiques: z.array(ThematiqueSchema),
    actions: z.array(CatalogueActionSchema),
  })
  .strict();
export type Catalogue = z.infer<typeof CatalogueSchema>;
export type CatalogueAction = z.infer<typeof CatalogueActionSchema>;

/** Catalogue entry with its thématique and axe resolved, as the fiche header prints it. */
export type CatalogueEntry = CatalogueAction & {
  axe: z.infer<typeof AxeSchema> | null;
  thematique: z.infer<typeof ThematiqueSchema> | null;
};

export const ACTION_CODE_PATTERN = /^[1-9]\.[0-9]\.[0-9]{2}$/;

export function resolveCatalogueEntry(catalogue: Catalogue, code: string): CatalogueEntry | null {
  const action = catalogue.actions.find((a) => a.code === code);
  if (!action) return null;
  const [axe, them] = code.split('.');
  return {
    ...action,
    axe: catalogue.axes.find((a) => String(a.number) === axe) ?? null,
    thematique: catalogue.thematiques.find((t) => t.code === `${axe}.${them}`) ?? null,
  };
}

/** Axis number of an action code (`3.3.02` → 3), or null for a malformed code. */
export function axeOfCode(code: string): number | null {
  return ACTION_CODE_PATTERN.test(code) ? Number(code[0]) : null;
}
