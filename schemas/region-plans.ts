import { z } from 'zod';
import { PROVINCES } from './enums.ts';
import { ORGANISATION_KINDS, type OrganisationKind } from './porteur.ts';
import { OBLIGATION_STATUSES, openObligations, submissionTitle, type Obligation, type ObligationStatus } from './submission.ts';
import type { Programme } from './reference.ts';

/**
 * The DiCS's overview of a programme's plans (`GET /api/region/plans`) and its overdue list (`GET /api/region/overdue`):
 * one row per plan, one item per late obligation. Money is integer cents (blank is null, never 0), the part
 * communale is in hundredths of a percent (`formatPercent` prints it), dates are ISO.
 */

const Cents = z.number().int().nullable();
const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * What the overview keeps of a plan that would otherwise need the whole plan read and checked (table
 * `plan_summaries`, JSON column `data`): valid for the plan's content version it was computed at and for the
 * programme definition whose fingerprint it carries. A stored summary that does not parse is computed again.
 */
export const PlanSummaryDataSchema = z
  .object({
    /** SHA-256 of the programme's definition and catalogue the checks ran against. */
    programmeFingerprint: z.string().min(1),
    porteur: z.string(),
    porteurNature: z.enum(ORGANISATION_KINDS),
    commune: z.string(),
    province: z.enum(PROVINCES).nullable(),
    chefDeProjet: z.string().nullable(),
    erreurs: z.number().int().min(0),
    /** Errors without a justification: they block a submission. */
    erreursNonJustifiees: z.number().int().min(0),
    avertissements: z.number().int().min(0),
    subventionPcs: Cents,
    /** The budget's total of receipts that counts (typed, else the sum): `computeBudgetFigures().totalRecettes`. */
    budgetTotal: Cents,
    /** Part communale / subvention PCS in hundredths of a percent (`computeBudgetFigures().partCommunaleRatio`). */
    partCommunale: z.number().int().nullable(),
  })
  .strict();
export type PlanSummaryData = z.infer<typeof PlanSummaryDataSchema>;

/** Where one kind of submission stands for one year, in a row of the overview. */
export const RegionObligationSchema = z
  .object({
    kind: z.string(),
    annee: z.number().int(),
    statut: z.enum(OBLIGATION_STATUSES),
    echeance: IsoDate,
    /** The programme's due date when the DiCS granted a later one (`echeance`), else null. */
    echeanceProgramme: IsoDate.nullable(),
    enRetard: z.boolean(),
    /** Days since the due date when late, else 0. */
    joursDeRetard: z.number().int().min(0),
  })
  .strict();
export type RegionObligation = z.infer<typeof RegionObligationSchema>;

/** The next obligation to hand in (the soonest due among those neither under review nor approved). */
export const NextDueSchema = z.object({ kind: z.string(), kindLabel: z.string(), annee: z.number().int(), echeance: IsoDate, enRetard: z.boolean() }).strict();

/** One row of the overview: one plan of the programme. */
export const RegionPlanRowSchema = PlanSummaryDataSchema.omit({ programmeFingerprint: true })
  .extend({
    planId: z.string(),
    /** The organisation the plan belongs to (organisations table), null for a plan older than accounts. */
    organisation: z.string().nullable(),
    /** Every kind × year of the programme, in the programme's order (see `planObligations`). */
    obligations: z.array(RegionObligationSchema),
    prochaineEcheance: NextDueSchema.nullable(),
    /** Late obligations, and the days of the most overdue one (0 when none is late). */
    obligationsEnRetard: z.number().int().min(0),
    joursDeRetard: z.number().int().min(0),
    /** DiCS questions not resolved (open or answered). */
    questionsOuvertes: z.number().int().min(0),
    fiches: z.number().int().min(0),
    /** When the cached figures (checks, budget) were computed. */
    calculeLe: z.string(),
  })
  .strict();
export type RegionPlanRow = z.infer<typeof RegionPlanRowSchema>;

/** A kind of submission of the programme and the years it covers: the overview's status columns. */
export const RegionKindSchema = z.object({ id: z.string(), label: z.string(), years: z.array(z.number().int()) }).strict();
export type RegionKind = z.infer<typeof RegionKindSchema>;

const ProgrammeRef = z.object({ id: z.string(), label: z.string() }).strict();

/** `GET /api/region/plans`: the programme, its kinds of submission, the day the statuses are computed for, the rows. */
export const RegionOverviewSchema = z
  .object({ programme: ProgrammeRef, kinds: z.array(RegionKindSchema), aujourdhui: IsoDate, plans: z.array(RegionPlanRowSchema) })
  .strict();
export type RegionOverview = z.infer<typeof RegionOverviewSchema>;

/** One late obligation of the overdue list. */
export const OverdueItemSchema = z
  .object({
    planId: z.string(),
    porteur: z.string(),
    porteurNature: z.enum(ORGANISATION_KINDS),
    commune: z.string(),
    province: z.enum(PROVINCES).nullable(),
    kind: z.string(),
    kindLabel: z.string(),
    annee: z.number().int(),
    /** The due date that applies: the extended one when the DiCS granted it. */
    echeance: IsoDate,
    echeanceProgramme: IsoDate.nullable(),
    joursDeRetard: z.number().int().min(1),
    statut: z.enum(OBLIGATION_STATUSES),
  })
  .strict();
export type OverdueItem = z.infer<typeof OverdueItemSchema>;

/** `GET /api/region/overdue`: every late obligation of the programme's plans, most overdue first. */
export const OverdueListSchema = z.object({ programme: ProgrammeRef, aujourdhui: IsoDate, items: z.array(OverdueItemSchema) }).strict();
export type OverdueList = z.infer<typeof OverdueListSchema>;

// ——— Pure rules shared by the server, the workbook and the page ——————————————————————————————————————————————

/**
 * The programme the overview opens on: the published one whose years include `today`'s year, else the latest
 * published one already begun, else the first published one, else the first of all. Null without programmes.
 */
export function currentProgramme(programmes: readonly Programme[], today: string): Programme | null {
  const year = Number(today.slice(0, 4));
  const published = programmes.filter((p) => p.statut === 'publie');
  const begun = published.filter((p) => p.years[0]! <= year).sort((a, b) => b.years[0]! - a.years[0]!);
  return published.find((p) => p.years.includes(year)) ?? begun[0] ?? published[0] ?? programmes[0] ?? null;
}

/**
 * The next obligation to hand in on `today`: the first of `openObligations` (the report page's « À remettre »), late
 * ones first since they are due earliest; null when nothing is to hand in.
 */
export function nextDue(obligations: readonly Obligation[], today: string): z.infer<typeof NextDueSchema> | null {
  const first = openObligations(obligations, today)[0];
  return first ? { kind: first.kind, kindLabel: first.kindLabel, annee: first.annee, echeance: first.echeance, enRetard: first.enRetard } : null;
}

/** The status column of a kind and year: `rapport-annuel|2021` (the key of obligations, see `obligationKey`). */
export function statusColumnKey(kind: string, annee: number): string {
  return `${kind}|${annee}`;
}

/** How a status reads in a cell of the overview (the report page's long labels say the same at length). */
export const OBLIGATION_STATUS_SHORT_LABELS: Record<ObligationStatus, string> = {
  'non-commence': 'Pas commencé',
  brouillon: 'Brouillon',
  soumis: 'Soumis',
  retourne: 'Retourné',
  approuve: 'Approuvé',
  rouvert: 'Rouvert',
};

/** « Soumis », « Brouillon (retard) ». */
export function obligationCellText(o: Pick<RegionObligation, 'statut' | 'enRetard'>): string {
  return `${OBLIGATION_STATUS_SHORT_LABELS[o.statut]}${o.enRetard ? ' (retard)' : ''}`;
}

/** How the overview names a porteur's kind. */
export const PORTEUR_NATURE_LABELS: Record<OrganisationKind, string> = { commune: 'Commune', association: 'Association de communes', cpas: 'CPAS' };

/** What a column of the overview holds: text, cents, hundredths of a percent, a count, a year, an ISO date, an obligation. */
export type RegionColumnType = 'text' | 'euro' | 'percent' | 'count' | 'year' | 'date' | 'status';
export type RegionColumn = { key: string; title: string; type: RegionColumnType; width: number };
export type RegionCellValue = string | number | null;

const FIXED_BEFORE: readonly RegionColumn[] = [
  { key: 'porteur', title: 'Porteur', type: 'text', width: 30 },
  { key: 'porteurNature', title: 'Nature', type: 'text', width: 14 },
  { key: 'commune', title: 'Commune', type: 'text', width: 18 },
  { key: 'province', title: 'Province', type: 'text', width: 14 },
  { key: 'chefDeProjet', title: 'Chef de projet', type: 'text', width: 22 },
];
const FIXED_AFTER: readonly RegionColumn[] = [
  { key: 'aRemettre', title: 'À remettre', type: 'text', width: 16 },
  { key: 'prochaineEcheance', title: 'Échéance', type: 'date', width: 14 },
  { key: 'joursDeRetard', title: 'Jours de retard', type: 'count', width: 10 },
  { key: 'questionsOuvertes', title: 'Questions ouvertes', type: 'count', width: 10 },
  { key: 'erreurs', title: 'Erreurs', type: 'count', width: 9 },
  { key: 'avertissements', title: 'Avertissements', type: 'count', width: 9 },
  { key: 'subventionPcs', title: 'Subvention PCS', type: 'euro', width: 16 },
  { key: 'budgetTotal', title: 'Budget total', type: 'euro', width: 16 },
  { key: 'partCommunale', title: 'Part communale', type: 'percent', width: 11 },
  { key: 'fiches', title: 'Fiches', type: 'count', width: 8 },
];

/**
 * The overview's columns, the same in the page's grid and in the workbook: who, one status column per kind and year
 * of the programme (« Rapport 2021 », « Plan initial 2027 »), then the due date and the figures.
 */
export function regionColumns(kinds: readonly RegionKind[]): RegionColumn[] {
  const statuses = kinds.flatMap((k) =>
    k.years.map((annee) => ({
      key: statusColumnKey(k.id, annee),
      title: submissionTitle({ kind: k.id, kindLabel: k.label, annee }),
      type: 'status' as const,
      width: 18,
    })),
  );
  return [...FIXED_BEFORE, ...statuses, ...FIXED_AFTER];
}

/** The value of a row in a column: text or null, cents, hundredths of a percent, a count, an ISO date, a status text. */
export function regionCellValue(row: RegionPlanRow, column: Pick<RegionColumn, 'key' | 'type'>, kinds: readonly RegionKind[]): RegionCellValue {
  if (column.type === 'status') {
    const o = row.obligations.find((x) => statusColumnKey(x.kind, x.annee) === column.key);
    return o ? obligationCellText(o) : null;
  }
  switch (column.key) {
    case 'porteurNature':
      return PORTEUR_NATURE_LABELS[row.porteurNature];
    case 'aRemettre': {
      const next = row.prochaineEcheance;
      const kind = next ? kinds.find((k) => k.id === next.kind) : undefined;
      return next ? submissionTitle({ kind: next.kind, kindLabel: kind?.label ?? next.kindLabel, annee: next.annee }) : null;
    }
    case 'prochaineEcheance':
      return row.prochaineEcheance?.echeance ?? null;
    default: {
      const v = (row as Record<string, unknown>)[column.key];
      return typeof v === 'string' || typeof v === 'number' ? v : null;
    }
  }
}

/** The overdue list's columns, the same in the page's grid and in the workbook's « En retard » sheet. */
export const OVERDUE_COLUMNS: readonly RegionColumn[] = [
  { key: 'porteur', title: 'Porteur', type: 'text', width: 30 },
  { key: 'porteurNature', title: 'Nature', type: 'text', width: 14 },
  { key: 'commune', title: 'Commune', type: 'text', width: 18 },
  { key: 'province', title: 'Province', type: 'text', width: 14 },
  { key: 'kindLabel', title: 'Soumission', type: 'text', width: 30 },
  { key: 'annee', title: 'Année', type: 'year', width: 8 },
  { key: 'echeance', title: 'Échéance', type: 'date', width: 14 },
  { key: 'echeanceProgramme', title: 'Échéance du programme', type: 'date', width: 14 },
  { key: 'joursDeRetard', title: 'Jours de retard', type: 'count', width: 10 },
  { key: 'statut', title: 'Statut', type: 'text', width: 16 },
];

/** The value of a late obligation in a column of the overdue list. */
export function overdueCellValue(item: OverdueItem, column: Pick<RegionColumn, 'key'>): RegionCellValue {
  switch (column.key) {
    case 'porteurNature':
      return PORTEUR_NATURE_LABELS[item.porteurNature];
    case 'statut':
      return OBLIGATION_STATUS_SHORT_LABELS[item.statut];
    default: {
      const v = (item as Record<string, unknown>)[column.key];
      return typeof v === 'string' || typeof v === 'number' ? v : null;
    }
  }
}
