import { z } from 'zod';
import { INDICATOR_CATEGORY_CODES, STANDARD_INDICATOR_CODES } from './enums.ts';
import { AGGREGATION_CODES, UNIT_CODES } from './numbers.ts';
import { ProgrammeListsSchema } from './programme-lists.ts';

/**
 * Reference data shipped in `templates/`: programme definitions and the DiCS catalogue of actions.
 * Both are data, validated at start-up: a new programme or catalogue entry needs no code change.
 */

/** A programme is published (plans are made on it, its definition no longer changes) or a draft an administrator edits. */
export const PROGRAMME_STATUSES = ['publie', 'brouillon'] as const;
export type ProgrammeStatus = (typeof PROGRAMME_STATUSES)[number];
export const PROGRAMME_STATUS_LABELS: Record<ProgrammeStatus, string> = { publie: 'Publié', brouillon: 'Projet (modifiable)' };

/** The items of the completeness checklist a kind of submission may require (see schemas/submission.ts). */
export const CHECKLIST_ITEM_IDS = ['fiche-plan', 'actions', 'fiches', 'realises', 'budget', 'constats'] as const;
export type ChecklistItemId = (typeof CHECKLIST_ITEM_IDS)[number];

/** How often a kind of submission is due: once per programme year, or once for the whole programme. */
export const SUBMISSION_PERIODICITIES = ['annuelle', 'unique'] as const;
export type SubmissionPeriodicity = (typeof SUBMISSION_PERIODICITIES)[number];

const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Identifiant en minuscules, chiffres et tirets (ex. rapport-annuel)');

/**
 * A kind of submission the programme asks of every plan (initial plan, yearly report, yearly financial
 * justification, evaluation…), with its due date and the checklist items it requires. An annual kind covers one
 * programme year and is due on `mois`/`jour` of the year after it (`decalage` years later); a unique kind covers the
 * programme year `annee` and is due on `date`.
 */
export const SubmissionKindSchema = z
  .object({
    id: slug,
    label: z.string().trim().min(1).max(120),
    periodicite: z.enum(SUBMISSION_PERIODICITIES),
    echeance: z.union([
      z.object({ mois: z.number().int().min(1).max(12), jour: z.number().int().min(1).max(31), decalage: z.number().int().min(0).max(3) }).strict(),
      z.object({ annee: z.number().int().min(2000).max(2100), date: z.iso.date() }).strict(),
    ]),
    checklist: z.array(z.enum(CHECKLIST_ITEM_IDS)).min(1),
  })
  .strict()
  .refine((k) => (k.periodicite === 'annuelle') === 'mois' in k.echeance, {
    message: 'Une soumission annuelle a une échéance « mois, jour, décalage » ; une soumission unique une année et une date',
    path: ['echeance'],
  });
export type SubmissionKind = z.infer<typeof SubmissionKindSchema>;

/** The yearly report every programme had before programmes declared their kinds. */
export const ANNUAL_REPORT_KIND = 'rapport-annuel';

export const ProgrammeSchema = z
  .object({
    id: slug,
    label: z.string().trim().min(1).max(200),
    /** Short name used by the form, e.g. "PCS 3". */
    shortName: z.string().trim().min(1).max(40),
    statut: z.enum(PROGRAMME_STATUSES).default('publie'),
    /** Consecutive years, any number of them. */
    years: z.array(z.number().int().min(2000).max(2100)).min(1).max(20),
    /** Date the programme starts and ends (inclusive), ISO. */
    start: z.iso.date(),
    end: z.iso.date(),
    /** Reference year of the population figure asked in the fiche plan. */
    populationReferenceDate: z.iso.date(),
    /** When the programme was extended beyond its first end: the years it first had and the decision that extended it. */
    prolongation: z
      .object({ anneesInitiales: z.array(z.number().int()).min(1), decision: z.string().trim().min(1).max(500) })
      .strict()
      .optional(),
    /** The catalogue of eligible actions its plans choose from (templates/catalogues/<id>.json or an administrator's draft). */
    catalogue: slug,
    /** The programme before it, whose plans prepare their successor on this one. */
    predecesseur: slug.nullable().default(null),
    soumissions: z.array(SubmissionKindSchema).min(1).max(12),
    /** The closed lists of the form it words its own way (schemas/programme-lists.ts); the others keep the form's values. */
    listes: ProgrammeListsSchema.optional(),
  })
  .strict()
  .refine((p) => p.years.every((y, i) => i === 0 || y === p.years[i - 1]! + 1), {
    message: 'Les années du programme doivent se suivre',
    path: ['years'],
  })
  .refine((p) => p.start.startsWith(String(p.years[0])) && p.end.startsWith(String(p.years[p.years.length - 1])), {
    message: 'Le début et la fin du programme doivent tomber dans sa première et sa dernière année',
    path: ['end'],
  })
  .refine((p) => new Set(p.soumissions.map((k) => k.id)).size === p.soumissions.length, {
    message: 'Deux soumissions portent le même identifiant',
    path: ['soumissions'],
  })
  .refine((p) => p.soumissions.every((k) => !('annee' in k.echeance) || p.years.includes(k.echeance.annee)), {
    message: 'Une soumission unique doit porter sur une année du programme',
    path: ['soumissions'],
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

/** The French message for a year that is not one of the programme's years. */
export function yearOutsideProgramme(programme: Programme, year: number | string): string {
  return `L'année ${year} n'appartient pas au programme (${programmeSpan(programme)})`;
}

/** The kind of submission `id` of the programme, or null. */
export function submissionKindOf(programme: Programme, id: string): SubmissionKind | null {
  return programme.soumissions.find((k) => k.id === id) ?? null;
}

/** The years a kind of submission covers: every programme year for an annual kind, its one year for a unique kind. */
export function submissionYears(programme: Programme, kind: SubmissionKind): number[] {
  return 'annee' in kind.echeance ? [kind.echeance.annee] : [...programme.years];
}

/** When the submission of `kind` covering `year` is due (ISO date), or null when the kind does not cover that year. */
export function submissionDueDate(programme: Programme, kind: SubmissionKind, year: number): string | null {
  if (!submissionYears(programme, kind).includes(year)) return null;
  const e = kind.echeance;
  if ('date' in e) return e.date;
  const y = year + e.decalage;
  const lastDay = new Date(Date.UTC(y, e.mois, 0)).getUTCDate();
  return `${y}-${String(e.mois).padStart(2, '0')}-${String(Math.min(e.jour, lastDay)).padStart(2, '0')}`;
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
    code: z.string().regex(/^[1-9]\.[0-9]\.[0-9]{2}$/, 'Code d’action attendu : axe.thématique.numéro (ex. 1.3.03)'),
    intitule: z.string().trim().min(1, 'Intitulé obligatoire'),
    objectif: z.string().nullable(),
    /** Default rows proposed when the action is added to a plan, besides the form's standard activity rows. */
    indicators: z.array(CatalogueIndicatorSchema).default([]),
  })
  .strict();
export const CatalogueSchema = z
  .object({
    /** What the catalogue is, as the programme page names it. */
    libelle: z.string().trim().min(1).max(300).optional(),
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
