import { z } from 'zod';
import { DEPENSES_LINES, RECETTES_LINES, computeBudgetFigures, type Budget } from './budget.ts';
import { INDICATOR_CATEGORIES, type IndicatorCategory } from './enums.ts';
import { budgetOfYear, transferOfYear, type BudgetVersion } from './finance.ts';
import { aggregateIndicator, aggregateValues, type IndicatorCell } from './indicator.ts';
import { ratioHundredthsOfPercent, sumOrNull, type Aggregation, type Unit } from './numbers.ts';
import { axeOfCode, resolveCatalogueEntry, type Catalogue, type Programme } from './reference.ts';
import type { Transfer } from './transfer.ts';

/**
 * Consolidation of a programme's plans for the DiCS (issue 19 item 4): the indicators of every fiche pivoted by the
 * dimensions the reader chooses, the budgets by line and year, the partner transfers (art. 20 apart) per year, and
 * the figures behind the charts. Pure: the server gathers the facts set-wise, the same rules add them up here, the
 * page shows them.
 *
 * Only what adds up is added up:
 * - the indicator's unit is always part of a line's key, so a count is never added to an amount;
 * - counts, amounts (cents) and ETP are summed across plans (`somme`); percentages, averages and scores are not —
 *   the line shows the mean of the plans' values (`moyenne`, labelled « Moyenne des plans »);
 * - a blank is not zero: a plan without a value adds nothing, and the number of plans counts the plans with a value;
 * - « % atteint » compares actuals and targets of the same plans only: the (plan, indicator) pairs where both are
 *   filled (Σ réalisé ÷ Σ cible on those pairs), so a plan that has not reported does not lower it.
 * Without the year among the dimensions, each plan's indicator first gets its Ex-ante and Résultats over the
 * programme's years (`aggregateIndicator`, the form's own rule), and those are consolidated.
 */

/** The dimensions a pivot line may be keyed by (closed list), in the order the page offers them. */
export const CONSOLIDATION_DIMENSIONS = ['axe', 'thematique', 'objectif', 'code', 'indicateur', 'categorie', 'province', 'annee'] as const;
export type ConsolidationDimension = (typeof CONSOLIDATION_DIMENSIONS)[number];

export const CONSOLIDATION_DIMENSION_LABELS: Record<ConsolidationDimension, string> = {
  axe: 'Axe',
  thematique: 'Thématique',
  objectif: 'Objectif',
  code: 'Code action',
  indicateur: 'Indicateur',
  categorie: 'Catégorie d’indicateur',
  province: 'Province',
  annee: 'Année',
};

/** The lines of the pivot when the reader chooses none: per action code, indicator and year. */
export const DEFAULT_CONSOLIDATION_DIMENSIONS: readonly ConsolidationDimension[] = ['code', 'indicateur', 'annee'];

/** Units whose values add up across plans; the others are averaged (never summed). */
export const ADDITIVE_UNITS: readonly Unit[] = ['count', 'money', 'etp'];
export const isAdditiveUnit = (unit: Unit): boolean => ADDITIVE_UNITS.includes(unit);

export const CONSOLIDATION_MODES = ['somme', 'moyenne'] as const;
export type ConsolidationMode = (typeof CONSOLIDATION_MODES)[number];
export const CONSOLIDATION_MODE_LABELS: Record<ConsolidationMode, string> = {
  somme: 'Somme des plans',
  moyenne: 'Moyenne des plans (non additionnable)',
};

/** What a blank dimension value reads as (a plan without province, a code outside the catalogue). */
export const BLANK_DIMENSION = '(non renseigné)';

/**
 * One indicator value of one plan: a (plan, fiche, indicator) for one programme year (`annee`), or over the whole
 * programme (`annee: null`: the Ex-ante and Résultats of the form). Values in the unit's minor unit; blank = null.
 */
export type IndicatorFact = {
  planId: string;
  /** The indicator row (several facts of one row: one per year). */
  indicatorId: string;
  dims: Record<Exclude<ConsolidationDimension, 'annee'>, string>;
  annee: number | null;
  unit: Unit;
  target: number | null;
  actual: number | null;
};

export type PivotLine = {
  /** The line's value of each chosen dimension (a year as text). */
  keys: Partial<Record<ConsolidationDimension, string>>;
  unit: Unit;
  mode: ConsolidationMode;
  /** Σ of the plans' targets (`somme`) or their mean (`moyenne`); null when no plan has one. */
  cibles: number | null;
  realises: number | null;
  /** Σ réalisé ÷ Σ cible over the pairs where both are filled, in hundredths of a percent; null without such a pair. */
  atteint: number | null;
  /** Number of plans with a target / with an actual on this line. */
  plansCible: number;
  plansRealise: number;
  /** Facts (indicator rows × years) taken together. */
  valeurs: number;
};

function keyOf(fact: IndicatorFact, dims: readonly ConsolidationDimension[]): string {
  let key = fact.unit;
  for (const d of dims) key += `\u0001${d === 'annee' ? String(fact.annee ?? '') : fact.dims[d]}`;
  return key;
}

/** Adds up the values of one line by the unit's rule: Σ for an additive unit, else the mean of the plans' values. */
function combine(values: readonly number[], mode: ConsolidationMode): number | null {
  return mode === 'somme' ? sumOrNull(values) : aggregateValues(values, 'mean');
}

type Group = {
  keys: PivotLine['keys'];
  unit: Unit;
  targets: number[];
  actuals: number[];
  pairedTargets: number[];
  pairedActuals: number[];
  plansCible: Set<string>;
  plansRealise: Set<string>;
  valeurs: number;
};

/**
 * The pivot of `facts` by `dims` (in that order), the unit always part of the key. Lines sorted by their keys (years
 * numerically), then by unit. Facts of a year-less consolidation have `annee: null` and must not be keyed by year.
 * Facts are read once, as they come (a generator is fine): only each line's values are kept.
 */
export function pivotIndicators(facts: Iterable<IndicatorFact>, dims: readonly ConsolidationDimension[]): PivotLine[] {
  const groups = new Map<string, Group>();
  for (const f of facts) {
    const k = keyOf(f, dims);
    let g = groups.get(k);
    if (!g) {
      const keys: PivotLine['keys'] = {};
      for (const d of dims) keys[d] = d === 'annee' ? String(f.annee ?? '') : f.dims[d];
      g = { keys, unit: f.unit, targets: [], actuals: [], pairedTargets: [], pairedActuals: [], plansCible: new Set(), plansRealise: new Set(), valeurs: 0 };
      groups.set(k, g);
    }
    g.valeurs++;
    if (f.target !== null) {
      g.targets.push(f.target);
      g.plansCible.add(f.planId);
    }
    if (f.actual !== null) {
      g.actuals.push(f.actual);
      g.plansRealise.add(f.planId);
    }
    if (f.target !== null && f.actual !== null) {
      g.pairedTargets.push(f.target);
      g.pairedActuals.push(f.actual);
    }
  }
  const lines: PivotLine[] = [...groups.values()].map((g) => {
    const mode: ConsolidationMode = isAdditiveUnit(g.unit) ? 'somme' : 'moyenne';
    return {
      keys: g.keys,
      unit: g.unit,
      mode,
      cibles: combine(g.targets, mode),
      realises: combine(g.actuals, mode),
      atteint: ratioHundredthsOfPercent(sumOrNull(g.pairedActuals), sumOrNull(g.pairedTargets)),
      plansCible: g.plansCible.size,
      plansRealise: g.plansRealise.size,
      valeurs: g.valeurs,
    };
  });
  const collator = new Intl.Collator('fr-BE', { numeric: true, sensitivity: 'base' });
  return lines.sort((a, b) => {
    for (const d of dims) {
      const c = collator.compare(a.keys[d] ?? '', b.keys[d] ?? '');
      if (c !== 0) return c;
    }
    return collator.compare(a.unit, b.unit);
  });
}

export type ObjectiveAttainment = {
  objectif: string;
  /** Mean of the indicators' attainment (Résultats ÷ Ex-ante), hundredths of a percent; null without any. */
  atteint: number | null;
  /** Indicator rows (of all plans) with both an Ex-ante above zero and Résultats. */
  indicateurs: number;
};

/**
 * « % atteint par objectif » for the bar chart: a unit-free figure, the mean over the indicator rows of the objective
 * of each row's Résultats ÷ Ex-ante (rows with an Ex-ante above zero and Résultats only). Whole-programme facts in.
 */
export function attainmentByObjective(facts: Iterable<IndicatorFact>): ObjectiveAttainment[] {
  const by = new Map<string, number[]>();
  for (const f of facts) {
    const list = by.get(f.dims.objectif) ?? [];
    if (f.target !== null && f.target > 0 && f.actual !== null) list.push(ratioHundredthsOfPercent(f.actual, f.target)!);
    by.set(f.dims.objectif, list);
  }
  return [...by.entries()]
    .map(([objectif, ratios]) => ({ objectif, atteint: aggregateValues(ratios, 'mean'), indicateurs: ratios.length }))
    .sort((a, b) => a.objectif.localeCompare(b.objectif, 'fr-BE', { numeric: true }));
}

// ——— API shapes ————————————————————————————————————————————————————————————————————————————————————————————————

const programmeId = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Programme attendu (ex. pcs-2020-2025)');

/** `lignes=code,annee`: the pivot's dimensions, comma-separated, from the closed list, each once. */
export const ConsolidationDimensionsSchema = z
  .string()
  .max(200)
  .transform((s) =>
    s
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== ''),
  )
  .pipe(
    z
      .array(z.enum(CONSOLIDATION_DIMENSIONS, { message: `Dimension inconnue : choisissez parmi ${CONSOLIDATION_DIMENSIONS.join(', ')}` }))
      .min(1, 'Choisissez au moins une dimension')
      .refine((l) => new Set(l).size === l.length, 'Une dimension est donnée deux fois'),
  );

/** `GET /api/region/consolidation?programme=…&lignes=code,annee`. */
export const ConsolidationQuerySchema = z
  .object({
    programme: programmeId,
    lignes: ConsolidationDimensionsSchema.optional(),
  })
  .strict();
export type ConsolidationQuery = z.infer<typeof ConsolidationQuerySchema>;

export const BudgetConsolidationLineSchema = z.object({
  annee: z.number().int(),
  cote: z.enum(['recettes', 'depenses']),
  /** A line of the budget (`subventionPcs`…) or `total`. */
  ligne: z.string(),
  libelle: z.string(),
  /** Σ cents over the plans with a value; null when none has one. */
  montant: z.number().int().nullable(),
  plans: z.number().int(),
});
export type BudgetConsolidationLine = z.infer<typeof BudgetConsolidationLineSchema>;

export const TransferConsolidationLineSchema = z.object({
  annee: z.number().int(),
  /** Σ cents of the art. 20 transfers of the year / of the other partner transfers; null when none. */
  art20: z.number().int().nullable(),
  autres: z.number().int().nullable(),
  /** Plans with an art. 20 amount that year. */
  plansArt20: z.number().int(),
  plans: z.number().int(),
});
export type TransferConsolidationLine = z.infer<typeof TransferConsolidationLineSchema>;

export const CommunePointSchema = z.object({
  planId: z.string(),
  porteur: z.string(),
  province: z.string().nullable(),
  /** ISADF in thousandths; subvention PCS of the fiche plan in cents. */
  isadf: z.number().int().nullable(),
  subvention: z.number().int().nullable(),
});
export type CommunePoint = z.infer<typeof CommunePointSchema>;

export type ConsolidationResponse = {
  programme: { id: string; label: string; years: number[] };
  dimensions: ConsolidationDimension[];
  /** Plans of the programme. */
  plans: number;
  indicateurs: PivotLine[];
  budgets: BudgetConsolidationLine[];
  transferts: TransferConsolidationLine[];
  communes: CommunePoint[];
  objectifs: ObjectiveAttainment[];
};

// ——— Exports ————————————————————————————————————————————————————————————————————————————————————————————————————

export const REGION_EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export type RegionExportFormat = (typeof REGION_EXPORT_FORMATS)[number];

/** `GET /api/region/export.xlsx?programme=…` (and `.csv`). */
export const RegionExportQuerySchema = z.object({ programme: programmeId }).strict();
/** `POST /api/region/exports { programme, format }`. */
export const StartRegionExportBodySchema = z.object({ programme: programmeId, format: z.enum(REGION_EXPORT_FORMATS) }).strict();
export type StartRegionExportBody = z.infer<typeof StartRegionExportBodySchema>;
export const RegionExportJobParamSchema = z.object({ jobId: z.uuid() });

export const REGION_EXPORT_STATES = ['queued', 'running', 'done', 'failed'] as const;
export const RegionExportJobSchema = z.object({
  id: z.string(),
  programme: z.string(),
  format: z.enum(REGION_EXPORT_FORMATS),
  state: z.enum(REGION_EXPORT_STATES),
  /** 0..1 for a progress bar. */
  progress: z.number().min(0).max(1),
  /** French, for people. */
  message: z.string(),
  /** Rows written so far, of `total`. */
  rows: z.number().int().min(0),
  total: z.number().int().min(0),
  elapsedMs: z.number().int().min(0),
  fileUrl: z.string().nullable(),
  filename: z.string(),
  error: z.string().nullable(),
});
export type RegionExportJob = z.infer<typeof RegionExportJobSchema>;

/** The columns of the flat export, in order: one row per plan × fiche × indicator × year. */
export const REGION_EXPORT_COLUMNS = [
  'Porteur',
  'Province',
  'Commune',
  'Code action',
  'Axe',
  'Thématique',
  'Objectif',
  'Intitulé',
  'Fiche n°',
  'Opérateur',
  'Catégorie',
  'Indicateur',
  'Unité',
  'Agrégation entre plans',
  'Année',
  'Cible',
  'Réalisé',
] as const;

// ——— Facts from the plans ————————————————————————————————————————————————————————————————————————————————————————

/** What the consolidation reads of one indicator row. */
export type RegionIndicator = {
  id: string;
  category: IndicatorCategory;
  label: string;
  unit: Unit;
  aggregation: Aggregation | null;
  exAnte: number | null;
  values: Record<string, { target: number | null; actual: number | null }>;
};
export type RegionAction = { id: string; position: number; code: string; operateur: string | null; indicators: RegionIndicator[] };
/** What the consolidation reads of one plan (gathered set-wise for the whole programme by the server). */
export type RegionPlan = {
  id: string;
  commune: string;
  /** How the porteur is named in lists (`porteurTitle`: the commune, « Association de communes … », « CPAS de … »). */
  porteur: string;
  province: string | null;
  /** ISADF in thousandths. */
  isadf: number | null;
  budget: Budget;
  budgetsAnnuels: BudgetVersion[];
  transferts: Pick<Transfer, 'id' | 'partenaire' | 'art20' | 'montant' | 'parAnnee'>[];
  actions: RegionAction[];
};
export type RegionData = { programme: Programme; catalogue: Catalogue; plans: RegionPlan[] };

/** The catalogue's words for a code: axe, thématique, objectif (the action's, else its thématique's) and intitulé. */
export type CodeDimensions = { axe: string; thematique: string; objectif: string; intitule: string };

export function codeDimensions(catalogue: Catalogue, code: string): CodeDimensions {
  const entry = resolveCatalogueEntry(catalogue, code);
  const axeNumber = axeOfCode(code);
  const axe = entry?.axe ?? catalogue.axes.find((a) => a.number === axeNumber) ?? null;
  const them = entry?.thematique ?? catalogue.thematiques.find((t) => t.code === code.slice(0, 3)) ?? null;
  return {
    axe: axe ? `${axe.number}. ${axe.title}` : BLANK_DIMENSION,
    thematique: them ? `${them.code} ${them.title ?? ''}`.trim() : BLANK_DIMENSION,
    objectif: entry?.objectif ?? them?.objective ?? BLANK_DIMENSION,
    intitule: entry?.intitule ?? BLANK_DIMENSION,
  };
}

/**
 * The indicator facts of the plans: per indicator row, one fact per programme year (`byYear`), or one fact with its
 * Ex-ante and Résultats over the programme's years (`aggregateIndicator`, the form's rule: a typed ex-ante wins).
 */
export function* indicatorFacts(data: RegionData, byYear: boolean): Generator<IndicatorFact> {
  const years = data.programme.years;
  const yearKeys = years.map(String);
  const codes = new Map<string, CodeDimensions>();
  for (const plan of data.plans) {
    for (const action of plan.actions) {
      let cd = codes.get(action.code);
      if (!cd) {
        cd = codeDimensions(data.catalogue, action.code);
        codes.set(action.code, cd);
      }
      for (const ind of action.indicators) {
        const dims = {
          axe: cd.axe,
          thematique: cd.thematique,
          objectif: cd.objectif,
          code: action.code,
          indicateur: ind.label.trim().replace(/\s+/g, ' '),
          categorie: INDICATOR_CATEGORIES.find((c) => c.code === ind.category)?.label ?? ind.category,
          province: plan.province ?? BLANK_DIMENSION,
        };
        // Object literals of one shape (no spread): hundreds of thousands of facts for a region.
        if (byYear) {
          for (let i = 0; i < years.length; i++) {
            const v = ind.values[yearKeys[i]!];
            yield { planId: plan.id, indicatorId: ind.id, dims, unit: ind.unit, annee: years[i]!, target: v?.target ?? null, actual: v?.actual ?? null };
          }
        } else {
          const agg = aggregateIndicator({ unit: ind.unit, aggregation: ind.aggregation, exAnte: ind.exAnte, values: withVersions(ind.values) }, years);
          yield { planId: plan.id, indicatorId: ind.id, dims, unit: ind.unit, annee: null, target: agg.exAnte, actual: agg.resultats };
        }
      }
    }
  }
}

function withVersions(values: RegionIndicator['values']): Record<string, IndicatorCell> {
  const out: Record<string, IndicatorCell> = {};
  for (const [y, v] of Object.entries(values)) out[y] = { target: v.target, actual: v.actual, targetVersion: 0, actualVersion: 0 };
  return out;
}

/**
 * The budgets by line and year: for each plan the budget that applies to the year (`budgetOfYear`: its latest
 * version, else the fiche plan's), summed line by line over the plans with a value; totals as the form counts them
 * (`computeBudgetFigures`: typed total, else Σ of the lines).
 */
export function consolidateBudgets(data: RegionData): BudgetConsolidationLine[] {
  const out: BudgetConsolidationLine[] = [];
  for (const annee of data.programme.years) {
    const budgets = data.plans.map((p) => budgetOfYear(p, annee).budget);
    const figures = budgets.map((b) => computeBudgetFigures({ budget: b, transferts: [] }));
    const line = (cote: 'recettes' | 'depenses', ligne: string, libelle: string, values: (number | null)[]) => {
      out.push({ annee, cote, ligne, libelle, montant: sumOrNull(values), plans: values.filter((v) => v !== null).length });
    };
    for (const l of RECETTES_LINES)
      line(
        'recettes',
        l.key,
        l.label,
        budgets.map((b) => b.recettes[l.key]),
      );
    line(
      'recettes',
      'total',
      'Total des recettes',
      figures.map((f) => f.totalRecettes),
    );
    for (const l of DEPENSES_LINES)
      line(
        'depenses',
        l.key,
        l.label,
        budgets.map((b) => b.depenses[l.key]),
      );
    line(
      'depenses',
      'total',
      'Total des dépenses',
      figures.map((f) => f.totalDepenses),
    );
  }
  return out;
}

/**
 * The partner transfers per year (`transferOfYear`: the amount typed for the year, else the fiche plan's annual
 * amount), art. 20 apart. The transfers carry no kind of partner beyond art. 20, so that is the only split.
 */
export function consolidateTransfers(data: RegionData): TransferConsolidationLine[] {
  return data.programme.years.map((annee) => {
    const art20: (number | null)[] = [];
    const autres: (number | null)[] = [];
    let plansArt20 = 0;
    let plans = 0;
    for (const p of data.plans) {
      const a = p.transferts.filter((t) => t.art20 === true).map((t) => transferOfYear(t, annee).amount);
      const o = p.transferts.filter((t) => t.art20 !== true).map((t) => transferOfYear(t, annee).amount);
      if (a.some((v) => v !== null)) plansArt20++;
      if ([...a, ...o].some((v) => v !== null)) plans++;
      art20.push(...a);
      autres.push(...o);
    }
    return { annee, art20: sumOrNull(art20), autres: sumOrNull(autres), plansArt20, plans };
  });
}

/** ISADF and subvention PCS (fiche plan) of each plan, for the scatter chart. */
export function communePoints(data: RegionData): CommunePoint[] {
  return data.plans.map((p) => ({ planId: p.id, porteur: p.porteur, province: p.province, isadf: p.isadf, subvention: p.budget.recettes.subventionPcs }));
}

/** The whole consolidation the page shows. */
export function consolidate(data: RegionData, dims: readonly ConsolidationDimension[]): ConsolidationResponse {
  return {
    programme: { id: data.programme.id, label: data.programme.label, years: [...data.programme.years] },
    dimensions: [...dims],
    plans: data.plans.length,
    indicateurs: pivotIndicators(indicatorFacts(data, dims.includes('annee')), dims),
    budgets: consolidateBudgets(data),
    transferts: consolidateTransfers(data),
    communes: communePoints(data),
    objectifs: attainmentByObjective(indicatorFacts(data, false)),
  };
}
