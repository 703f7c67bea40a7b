import { z } from 'zod';
import { describeAction, type Action } from './action.ts';
import {
  BudgetSchema,
  DEPENSES_LINES,
  PART_COMMUNALE_MINIMUM_TEXT,
  RECETTES_LINES,
  computeBudgetFigures,
  partCommunaleMinimumOf,
  type Budget,
  type BudgetFigures,
} from './budget.ts';
import { formatDate } from './dates.ts';
import { financeLinePath } from './plan-path-syntax.ts';
import { YearKey } from './indicator.ts';
import { MAX_CENTS, formatEuros, formatPercent, ratioHundredthsOfPercent, sumOrNull } from './numbers.ts';
import { RowId, Version, isoDate, mediumText, optCents, scaledNumber, shortText } from './primitives.ts';
import { type Programme, yearOutsideProgramme } from './reference.ts';
import type { Transfer } from './transfer.ts';
import type { OrganisationKind } from './porteur.ts';

/**
 * The finance officer's part of a plan (issue: reconciliation to the cent): the budget of each programme year kept
 * as dated versions, the amount transferred to each partner per year, the amounts booked in the municipal accounts
 * (E-compte imputations) and the justifications of findings. Every figure is integer cents (percentages in
 * hundredths); blank is null and never counts as zero. The reconciliation below is the one computation that the
 * page, the API, the checks, the workbook and the PDF all show.
 */

const programmeYear = z.number({ error: 'Année attendue' }).int('Année attendue').min(2000).max(2100);

// ——— Budget versions ———————————————————————————————————————————————————————————————————————————————————————————

export const BUDGET_VERSION_KINDS = ['previsionnel', 'actualisation'] as const;
export type BudgetVersionKind = (typeof BUDGET_VERSION_KINDS)[number];
export const BUDGET_VERSION_KIND_LABELS: Record<BudgetVersionKind, string> = {
  previsionnel: 'Prévisionnel',
  actualisation: 'Actualisation',
};

/** What the finance officer records: a whole budget of one year as decided on a date. */
export const BudgetVersionFieldsSchema = z
  .object({
    annee: programmeYear,
    nature: z.enum(BUDGET_VERSION_KINDS, { error: 'Nature attendue : prévisionnel ou actualisation' }),
    libelle: shortText.min(1, 'Le libellé est obligatoire (ex. « Budget initial », « Modification budgétaire n°1 »)'),
    /** Date of the decision (budget, modification budgétaire) the version records. */
    dateDecision: isoDate,
    budget: BudgetSchema,
    commentaire: mediumText.nullable().default(null),
    auteur: shortText.min(1, 'Indiquez qui enregistre cette version'),
  })
  .strict();
export type BudgetVersionFields = z.output<typeof BudgetVersionFieldsSchema>;

/** A stored version: never updated, never deleted (a correction is a new actualisation). */
export const BudgetVersionSchema = BudgetVersionFieldsSchema.extend({ id: RowId, enregistreLe: z.iso.datetime({ offset: true }) }).strict();
export type BudgetVersion = z.output<typeof BudgetVersionSchema>;

/** The versions of one year in the order they apply: by date of decision, then by recording time. */
export function versionsOfYear(versions: readonly BudgetVersion[], year: number): BudgetVersion[] {
  return versions
    .filter((v) => v.annee === year)
    .sort(
      (a, b) =>
        a.dateDecision.localeCompare(b.dateDecision) ||
        // Instants, not texts: `…T10:00:00+02:00` is before `…T09:00:00Z`.
        Date.parse(a.enregistreLe) - Date.parse(b.enregistreLe) ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
}

/** "Prévisionnel — Budget initial (JJ/MM/AAAA)", "Actualisation 2 — MB n°2 (JJ/MM/AAAA)". */
export function describeBudgetVersion(versions: readonly BudgetVersion[], version: BudgetVersion): string {
  const ofYear = versionsOfYear(versions, version.annee);
  const updates = ofYear.filter((v) => v.nature === 'actualisation');
  const rank = version.nature === 'actualisation' ? ` ${updates.indexOf(version) + 1}` : '';
  return `${BUDGET_VERSION_KIND_LABELS[version.nature]}${rank} — ${version.libelle} (${formatDate(version.dateDecision)})`;
}

export type VersionIssue = { path: string; message: string };

/**
 * Why a new version cannot be recorded next to `existing`: a year outside the programme, a second prévisionnel,
 * an actualisation without prévisionnel or dated before it. Empty when it can.
 */
export function checkNewBudgetVersion(existing: readonly BudgetVersion[], fields: BudgetVersionFields, programme: Programme): VersionIssue[] {
  if (!programme.years.includes(fields.annee)) {
    return [{ path: 'annee', message: yearOutsideProgramme(programme, fields.annee) }];
  }
  const ofYear = versionsOfYear(existing, fields.annee);
  const previsionnel = ofYear.find((v) => v.nature === 'previsionnel');
  if (fields.nature === 'previsionnel' && previsionnel) {
    return [
      {
        path: 'nature',
        message: `Le prévisionnel ${fields.annee} est déjà enregistré (${formatDate(previsionnel.dateDecision)}) : enregistrez une actualisation`,
      },
    ];
  }
  if (fields.nature === 'actualisation' && !previsionnel) {
    return [{ path: 'nature', message: `Enregistrez d'abord le prévisionnel ${fields.annee} : une actualisation met à jour un prévisionnel` }];
  }
  if (fields.nature === 'actualisation' && previsionnel && fields.dateDecision < previsionnel.dateDecision) {
    return [
      { path: 'dateDecision', message: `Une actualisation ne peut pas précéder le prévisionnel ${fields.annee} (${formatDate(previsionnel.dateDecision)})` },
    ];
  }
  return [];
}

export type BudgetLineChange = {
  side: 'recettes' | 'depenses';
  key: string;
  label: string;
  before: number | null;
  after: number | null;
  /** after − before in cents; null when both are blank. A blank side counts as nothing, and is shown as blank. */
  delta: number | null;
};

/** Line by line, what a version changed from the previous one, totals included (the totals that count). */
export function diffBudgets(before: Budget, after: Budget): BudgetLineChange[] {
  const fb = computeBudgetFigures({ budget: before, transferts: [] });
  const fa = computeBudgetFigures({ budget: after, transferts: [] });
  const change = (side: BudgetLineChange['side'], key: string, label: string, b: number | null, a: number | null): BudgetLineChange => ({
    side,
    key,
    label,
    before: b,
    after: a,
    delta: b === null && a === null ? null : (a ?? 0) - (b ?? 0),
  });
  return [
    ...RECETTES_LINES.map((l) => change('recettes', l.key, l.label, before.recettes[l.key], after.recettes[l.key])),
    change('recettes', 'total', 'Total des recettes', fb.totalRecettes, fa.totalRecettes),
    ...DEPENSES_LINES.map((l) => change('depenses', l.key, l.label, before.depenses[l.key], after.depenses[l.key])),
    change('depenses', 'total', 'Total des dépenses', fb.totalDepenses, fa.totalDepenses),
  ];
}

/** The budget that applies to a year: its latest version, else the annual budget of the fiche plan (the form's prévisionnel). */
export type YearBudget = { budget: Budget; version: BudgetVersion | null; label: string };

export function budgetOfYear(plan: { budget: Budget; budgetsAnnuels: readonly BudgetVersion[] }, year: number): YearBudget {
  const ofYear = versionsOfYear(plan.budgetsAnnuels, year);
  const latest = ofYear[ofYear.length - 1];
  if (latest) return { budget: latest.budget, version: latest, label: describeBudgetVersion(plan.budgetsAnnuels, latest) };
  return { budget: plan.budget, version: null, label: 'Budget annuel de la fiche plan (aucune version enregistrée pour cette année)' };
}

// ——— Transfers per year ——————————————————————————————————————————————————————————————————————————————————————————

export type TransferOfYear = { amount: number | null; source: 'annee' | 'fiche-plan' | null };

/** "Saisi pour <année>" / "Montant annuel de la fiche plan": where a partner's amount of the year comes from. */
export function describeTransferSource(source: TransferOfYear['source'], year: number): string {
  if (source === 'annee') return `Saisi pour ${year}`;
  return source === 'fiche-plan' ? 'Montant annuel de la fiche plan' : 'Non renseigné';
}

/** What a partner receives in `year`: the amount typed for that year, else the fiche plan's annual amount. */
export function transferOfYear(t: Pick<Transfer, 'montant' | 'parAnnee'>, year: number): TransferOfYear {
  const typed = t.parAnnee[String(year)];
  if (typed !== undefined && typed !== null) return { amount: typed, source: 'annee' };
  if (t.montant !== null) return { amount: t.montant, source: 'fiche-plan' };
  return { amount: null, source: null };
}

/** Money per programme year, as booked in E-compte (the fiche plan's consumption grid). */
export const ConsommationSchema = z.record(YearKey, optCents);
export type Consommation = z.output<typeof ConsommationSchema>;

// ——— Booked amounts (E-compte imputations) ————————————————————————————————————————————————————————————————————

export const IMPUTATION_NATURES = ['subvention-pcs', 'part-communale', 'art20'] as const;
export type ImputationNature = (typeof IMPUTATION_NATURES)[number];
export const IMPUTATION_NATURE_LABELS: Record<ImputationNature, string> = {
  'subvention-pcs': 'Subvention PCS',
  'part-communale': 'Part communale',
  art20: 'Art.20',
};

/** Functional codes of the municipal (or CPAS) accounts that the reconciliation reads. */
export const FUNCTIONAL_CODES = {
  '84010': 'Plan de cohésion sociale',
  '84011': 'Subside aux associations (art.20)',
  '80111': 'Subside aux associations, plan délégué au CPAS (art.20)',
} as const;
export type FunctionalCode = keyof typeof FUNCTIONAL_CODES;
// In this order (object keys that look like numbers are listed in numeric order, the PCS function first here).
const FUNCTIONAL_CODE_LIST: [FunctionalCode, ...FunctionalCode[]] = ['84010', '84011', '80111'];

/** The functions art. 20 subsidies are booked on: 84011 in a commune's accounts, 80111 in a CPAS's. */
export const ART20_FUNCTIONS = ['84011', '80111'] as const satisfies readonly FunctionalCode[];

/** The function of art. 20 for a plan carried by this kind of porteur: 80111 when the plan is delegated to the CPAS. */
export function art20FunctionOf(kind: OrganisationKind): FunctionalCode {
  return kind === 'cpas' ? '80111' : '84011';
}

/** The functions a plan of this kind of porteur books on: 84010, and its art. 20 function. */
export function functionalCodesOf(kind: OrganisationKind): FunctionalCode[] {
  return ['84010', art20FunctionOf(kind)];
}

/**
 * Why a line's function does not belong to this porteur's accounts (an art. 20 line of a CPAS-delegated plan on
 * 84011, or of a commune on 80111); null when it does.
 */
export function functionalCodeIssue(code: FunctionalCode, kind: OrganisationKind): string | null {
  if (functionalCodesOf(kind).includes(code)) return null;
  const expected = art20FunctionOf(kind);
  return kind === 'cpas'
    ? `Plan délégué au CPAS : l’art.20 s’impute sur la fonction ${expected}, pas ${code}`
    : `L’art.20 d’un plan porté par une commune ou une association s’impute sur la fonction ${expected}, pas ${code} (fonction du CPAS)`;
}

/** « Fonction 84010 : articles 46x = subvention PCS, autres articles = part communale ; fonction 84011 = … (art.20) ». */
export function imputationRuleText(kind: OrganisationKind): string {
  const art20 = art20FunctionOf(kind);
  return `Fonction 84010 : articles 46x = subvention PCS, autres articles = part communale ; fonction ${art20} = subsides aux associations (art.20)${kind === 'cpas' ? ', plan délégué au CPAS' : ''}.`;
}

/** Signed cents: an imputation may be a correction (negative). */
const signedCents = scaledNumber(2, -MAX_CENTS, MAX_CENTS);

export const ImputationFieldsSchema = z
  .object({
    annee: programmeYear,
    codeFonctionnel: z.enum(FUNCTIONAL_CODE_LIST, {
      error: 'Code fonctionnel attendu : 84010 (PCS), 84011 (subside aux associations, art.20) ou 80111 (art.20 d’un plan délégué au CPAS)',
    }),
    /** Economic article of the municipal accounts, `465-48`; `46548` is accepted and written `465-48`. */
    articleEconomique: z
      .string()
      .trim()
      .regex(/^\d{3}-?\d{2}$/, 'Article économique attendu sous la forme 465-48')
      .transform((a) => (a.includes('-') ? a : `${a.slice(0, 3)}-${a.slice(3)}`)),
    libelle: shortText.nullable().default(null),
    montant: signedCents,
    /** Null = classified by the documented rule (`classifyImputation`); set when the officer decides otherwise. */
    nature: z.enum(IMPUTATION_NATURES, { error: 'Nature attendue : Subvention PCS, Part communale ou Art.20' }).nullable().default(null),
  })
  .strict();
export type ImputationFields = z.output<typeof ImputationFieldsSchema>;
export const ImputationSchema = ImputationFieldsSchema.extend({ id: RowId, version: Version.default(0) }).strict();
export type Imputation = z.output<typeof ImputationSchema>;

/**
 * The documented rule (README, "Imputations E-compte"): function 84011 (80111 in a CPAS's accounts, for a plan
 * delegated to the CPAS) is the associations' subsidy (art.20); on function 84010, economic articles of group 46
 * (transfers received from public authorities) are the subvention PCS, every other article is the part communale.
 */
export function classifyImputation(line: Pick<ImputationFields, 'codeFonctionnel' | 'articleEconomique'>): ImputationNature {
  if ((ART20_FUNCTIONS as readonly string[]).includes(line.codeFonctionnel)) return 'art20';
  return line.articleEconomique.startsWith('46') ? 'subvention-pcs' : 'part-communale';
}

export const natureOf = (line: Pick<ImputationFields, 'codeFonctionnel' | 'articleEconomique' | 'nature'>): ImputationNature =>
  line.nature ?? classifyImputation(line);

export type ImputationTotals = Record<ImputationNature, number | null> & { total: number | null; lines: number };

/** Σ of the year's imputations by nature and in all; a nature without imputation is blank, not zero. */
export function bookedTotals(lines: readonly ImputationFields[], year: number): ImputationTotals {
  const ofYear = lines.filter((l) => l.annee === year);
  const sumOf = (nature: ImputationNature) => sumOrNull(ofYear.filter((l) => natureOf(l) === nature).map((l) => l.montant));
  return {
    'subvention-pcs': sumOf('subvention-pcs'),
    'part-communale': sumOf('part-communale'),
    art20: sumOf('art20'),
    total: sumOrNull(ofYear.map((l) => l.montant)),
    lines: ofYear.length,
  };
}

// ——— Justifications ———————————————————————————————————————————————————————————————————————————————————————————

export const JustificationFieldsSchema = z
  .object({
    /** The finding's stable key (`Finding.key`). */
    cle: z.string().min(1).max(400),
    texte: mediumText.min(1, 'La justification est vide'),
    auteur: shortText.min(1, "Indiquez l'auteur de la justification"),
  })
  .strict();
export const JustificationSchema = JustificationFieldsSchema.extend({
  justifieLe: z.iso.datetime({ offset: true }),
  /** The finding's message when it was justified: a later change of the figures shows the justification as outdated. */
  constat: z.string().max(4000),
  version: Version.default(0),
}).strict();
export type Justification = z.output<typeof JustificationSchema>;

// ——— Reconciliation ————————————————————————————————————————————————————————————————————————————————————————————

/** Fiches print convention amounts in whole euros while the plan has cents: tolerate < 1 € per action. */
export const CONVENTION_TOLERANCE_CENTS = 100;

export type LineStatus = 'ok' | 'ecart' | 'incomplet';

/** How the page, the workbook and the PDF name a status of the reconciliation. */
export const RECONCILIATION_STATUS_LABELS: Record<LineStatus | 'arrondi', string> = {
  ok: 'Conforme',
  ecart: 'Écart',
  incomplet: 'Incomplet',
  arrondi: 'Arrondi (< 1 € par fiche)',
};
/**
 * A difference in cents, named by what it compares. `derived`: the sum of differences that other lines show and
 * report (the combined subvention + part communale against the budget), shown but not reported a second time.
 */
export type Difference = { label: string; value: number; derived?: true };

export type ReconciliationLineId = 'subvention-pcs' | 'part-communale' | 'pcs-et-communale' | 'part-communale-minimum' | 'art20' | 'transferts' | 'equilibre';

export type ReconciliationLine = {
  id: ReconciliationLineId;
  label: string;
  budget: number | null;
  booked: number | null;
  transferred: number | null;
  /** Every computable difference, in cents, named by what it compares ("imputé − budget"). */
  differences: Difference[];
  status: LineStatus;
  /** Where each figure comes from, in French. */
  origin: string;
  /** `finance.<year>.<line>`: where the page shows it, and the stable part of its finding's key. */
  path: string;
  /** False when every figure is the fiche plan's own (its identities are checked there): no finding is raised. */
  usesYearData: boolean;
};

export type PartnerActionFigures = {
  actionId: string;
  label: string;
  /** The fiche's "Montant du transfert financier dans le cadre d'une convention" for the year, and its row. */
  convention: number | null;
  conventionIndicatorId: string | null;
  /** The fiche's "Part du budget PCS affecté à l'action" for the year (hundredths of a percent), and its row. */
  partBudget: number | null;
  partBudgetIndicatorId: string | null;
};

export type PartnerReconciliation = {
  transferId: string;
  partenaire: string;
  art20: boolean | null;
  transfer: TransferOfYear;
  actions: PartnerActionFigures[];
  conventionsSum: number | null;
  /** Σ conventions − transfer, in cents; null when either is blank. */
  difference: number | null;
  /** 'arrondi': the fiches' whole euros explain it (< 1 € per action). */
  status: LineStatus | 'arrondi';
};

export type ActionShares = {
  items: { actionId: string; label: string; value: number; indicatorId: string }[];
  total: number | null;
  status: LineStatus;
};

export type YearReconciliation = {
  year: number;
  budget: YearBudget;
  figures: BudgetFigures;
  booked: ImputationTotals;
  transferred: { total: number | null; art20: number | null; typed: number; fromFichePlan: number };
  partCommunale: { budgetRatio: number | null; bookedRatio: number | null };
  lines: ReconciliationLine[];
  partners: PartnerReconciliation[];
  actionShares: ActionShares;
};

/** The parts of a plan document (schemas/plan.ts) the reconciliation reads, named here so that finance does not import the plan. */
type ReconcilablePlan = {
  budget: Budget;
  budgetsAnnuels: readonly BudgetVersion[];
  transferts: readonly Transfer[];
  imputations: readonly Imputation[];
  consommation: Consommation;
  actions: readonly Action[];
};

const minus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a - b);

function statusOf(differences: readonly Difference[], expected: number): LineStatus {
  if (differences.length < expected) return differences.some((d) => d.value !== 0) ? 'ecart' : 'incomplet';
  return differences.every((d) => d.value === 0) ? 'ok' : 'ecart';
}

function difference(label: string, value: number | null): Difference[] {
  return value === null ? [] : [{ label, value }];
}

function standardRowOf(action: Action, code: 'montant-convention' | 'part-budget') {
  return action.indicators.find((i) => i.standard === code) ?? null;
}

/**
 * The reconciliation of one programme year: the budget that applies (latest version, else the fiche plan), the
 * E-compte imputations and the partner transfers of the year, compared line by line to the cent, with each
 * partner's transfer against the convention amounts of the actions it operates and the actions' budget shares.
 */
export function reconcileYear(plan: ReconcilablePlan, year: number): YearReconciliation {
  const yearBudget = budgetOfYear(plan, year);
  const { recettes: r, depenses: d } = yearBudget.budget;
  const transfers = plan.transferts.map((t) => ({ t, ofYear: transferOfYear(t, year) }));
  const figures = computeBudgetFigures({
    budget: yearBudget.budget,
    transferts: transfers.map(({ t, ofYear }) => ({ montant: ofYear.amount, art20: t.art20 })),
  });
  const booked = bookedTotals(plan.imputations, year);
  const typed = transfers.filter((x) => x.ofYear.source === 'annee').length;
  const fromFichePlan = transfers.filter((x) => x.ofYear.source === 'fiche-plan').length;
  const hasVersion = yearBudget.version !== null;
  const hasBooked = booked.lines > 0;
  const hasTypedTransfers = typed > 0;

  const budgetOrigin = `budget : ${yearBudget.label}`;
  const bookedOrigin = (nature: string) =>
    hasBooked ? `imputé : ${nature} des ${booked.lines} imputation${booked.lines > 1 ? 's' : ''} E-compte ${year}` : `imputé : aucune imputation ${year}`;
  const transferOrigin = (what: string) =>
    `transféré : ${what} (${typed} montant${typed > 1 ? 's' : ''} ${year} saisi${typed > 1 ? 's' : ''}, ${fromFichePlan} montant${fromFichePlan > 1 ? 's' : ''} annuel${fromFichePlan > 1 ? 's' : ''} de la fiche plan)`;
  const path = (id: ReconciliationLineId) => financeLinePath(year, id);

  const lines: ReconciliationLine[] = [];
  const add = (line: Omit<ReconciliationLine, 'path'>) => lines.push({ ...line, path: path(line.id) });

  const balance = minus(figures.totalRecettes, figures.totalDepenses);
  add({
    id: 'equilibre',
    label: 'Équilibre du budget (recettes − dépenses)',
    budget: figures.totalRecettes,
    booked: null,
    transferred: null,
    differences: difference('recettes − dépenses', balance),
    status: balance === null ? 'incomplet' : balance === 0 ? 'ok' : 'ecart',
    origin: `${budgetOrigin} ; dépenses ${figures.totalDepenses === null ? 'non renseignées' : formatEuros(figures.totalDepenses)}`,
    usesYearData: hasVersion,
  });

  const subDiff = difference('imputé − budget', minus(booked['subvention-pcs'], r.subventionPcs));
  add({
    id: 'subvention-pcs',
    label: 'Subvention PCS',
    budget: r.subventionPcs,
    booked: booked['subvention-pcs'],
    transferred: null,
    differences: subDiff,
    status: statusOf(subDiff, 1),
    origin: `${budgetOrigin} ; ${bookedOrigin('articles 46x de la fonction 84010')}`,
    usesYearData: hasBooked,
  });

  const partDiff = difference('imputé − budget', minus(booked['part-communale'], r.partCommunale));
  add({
    id: 'part-communale',
    label: 'Part communale',
    budget: r.partCommunale,
    booked: booked['part-communale'],
    transferred: null,
    differences: partDiff,
    status: statusOf(partDiff, 1),
    origin: `${budgetOrigin} ; ${bookedOrigin('autres articles de la fonction 84010')}`,
    usesYearData: hasBooked,
  });

  const budgetPcsCommunale = sumOrNull([r.subventionPcs, r.partCommunale]);
  const bookedPcsCommunale = hasBooked ? sumOrNull([booked['subvention-pcs'], booked['part-communale']]) : null;
  const declared = plan.consommation[String(year)] ?? null;
  const consDiff = [
    ...difference('imputé − budget', minus(bookedPcsCommunale, budgetPcsCommunale)).map((d) => ({ ...d, derived: true as const })),
    ...difference('imputé − consommation déclarée (fiche plan)', minus(bookedPcsCommunale, declared)),
  ];
  add({
    id: 'pcs-et-communale',
    label: 'Subvention PCS + part communale (consommation E-compte)',
    budget: budgetPcsCommunale,
    booked: bookedPcsCommunale,
    transferred: null,
    differences: consDiff,
    status: statusOf(consDiff, declared === null ? 1 : 2),
    origin: `${budgetOrigin} ; ${bookedOrigin('fonction 84010')} ; consommation déclarée dans la fiche plan : ${declared === null ? 'non renseignée' : formatEuros(declared)}`,
    usesYearData: hasBooked,
  });

  const budgetMinimum = partCommunaleMinimumOf(r.subventionPcs);
  const bookedMinimum = partCommunaleMinimumOf(booked['subvention-pcs']);
  const margins = [
    ...difference('marge du budget (part − minimum)', minus(r.partCommunale, budgetMinimum)),
    ...difference('marge imputée (part − minimum)', minus(booked['part-communale'], bookedMinimum)),
  ];
  const budgetRatio = ratioHundredthsOfPercent(r.partCommunale, r.subventionPcs);
  const bookedRatio = ratioHundredthsOfPercent(booked['part-communale'], booked['subvention-pcs']);
  const ratioText = (ratio: number | null) => (ratio === null ? 'non calculable' : formatPercent(ratio));
  add({
    id: 'part-communale-minimum',
    label: `Part communale ≥ ${PART_COMMUNALE_MINIMUM_TEXT} de la subvention PCS`,
    budget: budgetMinimum,
    booked: bookedMinimum,
    transferred: null,
    differences: margins,
    status: margins.length === 0 ? 'incomplet' : margins.some((m) => m.value < 0) ? 'ecart' : 'ok',
    origin: `minimum = ${PART_COMMUNALE_MINIMUM_TEXT} de la subvention PCS ; part communale du budget : ${ratioText(budgetRatio)}, imputée : ${ratioText(bookedRatio)}`,
    usesYearData: hasVersion || hasBooked,
  });

  const art20Diff = hasBooked
    ? [...difference('imputé − budget', minus(booked.art20, r.subventionsArt20)), ...difference('transféré − imputé', minus(figures.art20Sum, booked.art20))]
    : difference('transféré − budget', minus(figures.art20Sum, r.subventionsArt20));
  add({
    id: 'art20',
    label: 'Art.20 : reçu et reversé à 100 %',
    budget: r.subventionsArt20,
    booked: booked.art20,
    transferred: figures.art20Sum,
    differences: art20Diff,
    status: statusOf(art20Diff, hasBooked ? 2 : 1),
    origin: `${budgetOrigin} ; ${bookedOrigin('fonction 84011')} ; ${transferOrigin('partenaires art.20')}`,
    usesYearData: hasVersion || hasBooked || hasTypedTransfers,
  });

  const transferDiff = difference('transféré − budget', minus(figures.transfersSum, d.subventionsInstitutions));
  add({
    id: 'transferts',
    label: 'Subventions aux institutions et associations (transferts aux partenaires)',
    budget: d.subventionsInstitutions,
    booked: null,
    transferred: figures.transfersSum,
    differences: transferDiff,
    status: statusOf(transferDiff, 1),
    origin: `${budgetOrigin} ; ${transferOrigin(`${transfers.length} partenaire${transfers.length > 1 ? 's' : ''}`)}`,
    usesYearData: hasVersion || hasTypedTransfers,
  });

  const partners: PartnerReconciliation[] = transfers.map(({ t, ofYear }) => {
    const linked = plan.actions.filter((a) => a.fiche.operateur.transferId === t.id);
    const actions = linked.map((a): PartnerActionFigures => {
      const convention = standardRowOf(a, 'montant-convention');
      const part = standardRowOf(a, 'part-budget');
      return {
        actionId: a.id,
        label: describeAction(a),
        convention: convention?.values[String(year)]?.target ?? null,
        conventionIndicatorId: convention?.id ?? null,
        partBudget: part?.values[String(year)]?.target ?? null,
        partBudgetIndicatorId: part?.id ?? null,
      };
    });
    const amounts = actions.map((a) => a.convention).filter((v): v is number => v !== null);
    const conventionsSum = sumOrNull(amounts);
    const diff = minus(conventionsSum, ofYear.amount);
    const status: PartnerReconciliation['status'] =
      diff === null ? 'incomplet' : diff === 0 ? 'ok' : Math.abs(diff) < CONVENTION_TOLERANCE_CENTS * amounts.length ? 'arrondi' : 'ecart';
    return { transferId: t.id, partenaire: t.partenaire, art20: t.art20, transfer: ofYear, actions, conventionsSum, difference: diff, status };
  });

  const items = plan.actions.flatMap((a) => {
    const row = standardRowOf(a, 'part-budget');
    const value = row?.values[String(year)]?.target ?? null;
    return row && value !== null ? [{ actionId: a.id, label: describeAction(a), value, indicatorId: row.id }] : [];
  });
  const shareTotal = sumOrNull(items.map((i) => i.value));
  const actionShares: ActionShares = {
    items,
    total: shareTotal,
    status: shareTotal === null ? 'incomplet' : shareTotal > 100_00 ? 'ecart' : 'ok',
  };

  return {
    year,
    budget: yearBudget,
    figures,
    booked,
    transferred: { total: figures.transfersSum, art20: figures.art20Sum, typed, fromFichePlan },
    partCommunale: { budgetRatio, bookedRatio },
    lines,
    partners,
    actionShares,
  };
}

/** "écart imputé − budget : € -0,01 ; transféré − imputé : € 12,00" — the non-zero differences of a line. */
export function describeDifferences(differences: readonly Difference[]): string {
  return differences
    .filter((d) => d.value !== 0)
    .map((d) => `${d.label} : ${formatEuros(d.value)}`)
    .join(' ; ');
}

export type FinanceFinding = { rule: string; level: 'error' | 'warning'; path: string; message: string };

/**
 * Findings of the reconciliation, one per line in disagreement and per year. A line that compares only the fiche
 * plan's own figures raises nothing here (the fiche plan's checks report it once). A recorded budget version that
 * is unbalanced or under the part communale minimum is an error; a disagreement with the accounts or the
 * transfers is a warning, since timing (a transfer paid in January) can explain it — the officer justifies it.
 */
export function checkFinance(plan: ReconcilablePlan, programme: Programme): FinanceFinding[] {
  const out: FinanceFinding[] = [];
  for (const year of programme.years) {
    const rec = reconcileYear(plan, year);
    for (const line of rec.lines) {
      const own = line.differences.filter((d) => !d.derived);
      if (!line.usesYearData || line.status !== 'ecart' || own.every((d) => d.value === 0)) continue;
      // A recorded version must balance and reach the minimum by itself: that is blocking. The rest is a warning.
      const budgetShort = line.differences.some((d) => d.label.startsWith('marge du budget') && d.value < 0);
      const blocking = rec.budget.version !== null && (line.id === 'equilibre' || (line.id === 'part-communale-minimum' && budgetShort));
      out.push({
        rule: `rapprochement-${line.id}`,
        level: blocking ? 'error' : 'warning',
        path: line.path,
        message: `Rapprochement ${year}, ${line.label} : ${describeDifferences(own)} (${line.origin})`,
      });
    }
  }
  return out;
}
