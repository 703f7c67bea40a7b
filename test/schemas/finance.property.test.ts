import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ActionInput } from '../../schemas/action.ts';
import { computeBudgetFigures, partCommunaleMinimumOf, type Budget } from '../../schemas/budget.ts';
import { attachJustifications, checkPlan } from '../../schemas/checks.ts';
import {
  IMPUTATION_NATURES,
  bookedTotals,
  budgetOfYear,
  checkFinance,
  diffBudgets,
  natureOf,
  reconcileYear,
  transferOfYear,
  versionsOfYear,
  type ImputationNature,
  type BudgetVersion,
  type ReconciliationLine,
  type ReconciliationLineId,
  type YearReconciliation,
} from '../../schemas/finance.ts';
import { MAX_CENTS, formatBelgianNumber, formatEuros, parseBelgianNumber, ratioHundredthsOfPercent, sumOrNull } from '../../schemas/numbers.ts';
import { PlanDocumentSchema, type PlanDocument, type PlanDocumentInput } from '../../schemas/plan.ts';
import { loadReferenceData } from '../../server/reference.ts';

/**
 * Property-based tests of the finance arithmetic (schemas/budget.ts, schemas/finance.ts): money is integer cents,
 * blank is null and never zero, percentages are hundredths. Every expected value is computed independently here,
 * in BigInt where a double could lose a cent.
 */

const { programmes, catalogues } = loadReferenceData();
const catalogue = catalogues['pcs-2020-2025']!;
const PROGRAMME = programmes[0]!;
const YEARS = PROGRAMME.years;
/** Years that carry generated data: the tested year often has some, sometimes none. */
const DATA_YEARS = YEARS.slice(0, 3);

const MANY = { numRuns: 2000 } as const;
const SOME = { numRuns: 1000 } as const;
const HALF = { numRuns: 500 } as const;
const FEW = { numRuns: 100 } as const;

// ——— References ————————————————————————————————————————————————————————————————————————————————————————————————

/** Exact Σ in BigInt of the non-blank values; null when every value is blank. */
function refSum(values: readonly (number | null | undefined)[]): number | null {
  const present = values.filter((v): v is number => v !== null && v !== undefined);
  if (present.length === 0) return null;
  const total = present.reduce((s, v) => s + BigInt(v), 0n);
  return Number(total);
}

const refMinus = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : Number(BigInt(a) - BigInt(b)));

/** ceil(25 % × s) in BigInt; null without a positive subvention. */
function refMinimum(s: number | null): number | null {
  if (s === null || s <= 0) return null;
  return Number((BigInt(s) * 25n + 99n) / 100n);
}

/** a / b in hundredths of a percent, rounded half away from zero, in BigInt: round(|a|·10⁴/|b|) with the sign. */
function refRatio(a: number | null, b: number | null): number | null {
  if (a === null || b === null || b === 0) return null;
  const num = BigInt(a) * 10_000n;
  const den = BigInt(b);
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const rounded = (2n * abs(num) + abs(den)) / (2n * abs(den));
  return Number(num < 0n !== den < 0n ? -rounded : rounded);
}

function refNature(line: { codeFonctionnel: string; articleEconomique: string; nature: ImputationNature | null }): ImputationNature {
  if (line.nature !== null) return line.nature;
  if (line.codeFonctionnel === '84011') return 'art20';
  return line.articleEconomique.replace('-', '').startsWith('46') ? 'subvention-pcs' : 'part-communale';
}

/** The latest version of the year by (date of decision, recording time), whatever the array order. */
function refLatest(versions: readonly BudgetVersion[], year: number): BudgetVersion | null {
  let best: BudgetVersion | null = null;
  for (const v of versions) {
    if (v.annee !== year) continue;
    const later =
      best === null ||
      v.dateDecision > best.dateDecision ||
      (v.dateDecision === best.dateDecision && Date.parse(v.enregistreLe) > Date.parse(best.enregistreLe));
    if (later) best = v;
  }
  return best;
}

function refTransferOfYear(t: PlanDocument['transferts'][number], year: number): number | null {
  const typed = t.parAnnee[String(year)];
  return typed ?? t.montant;
}

// ——— Arbitraries —————————————————————————————————————————————————————————————————————————————————————————————————

/** Cents from 0 to MAX_CENTS, biased to the bounds, to small amounts and to the 25 % boundary (multiples of 4). */
const centsArb: fc.Arbitrary<number> = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: MAX_CENTS }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: 10_000_000 }), weight: 3 },
  { arbitrary: fc.integer({ min: 0, max: MAX_CENTS / 4 }).map((n) => n * 4), weight: 1 },
  { arbitrary: fc.constantFrom(0, 1, 2, 3, 4, MAX_CENTS - 1, MAX_CENTS), weight: 1 },
);
const signedCentsArb: fc.Arbitrary<number> = fc.oneof({ arbitrary: centsArb, weight: 4 }, { arbitrary: centsArb.map((c) => -c), weight: 1 });
/** A blank (null) about one time in three. */
const optCentsArb: fc.Arbitrary<number | null> = fc.oneof({ arbitrary: centsArb, weight: 2 }, { arbitrary: fc.constant(null), weight: 1 });
const optBoolArb = fc.constantFrom(true, false, null);

function budgetArb(typedTotals: boolean): fc.Arbitrary<Budget> {
  const total = typedTotals ? fc.oneof(optCentsArb, fc.constant(null)) : fc.constant(null);
  return fc.record({
    recettes: fc.record({ total, subventionPcs: optCentsArb, partCommunale: optCentsArb, subventionsArt20: optCentsArb, autres: optCentsArb }),
    depenses: fc.record({ total, personnel: optCentsArb, fonctionnement: optCentsArb, investissement: optCentsArb, subventionsInstitutions: optCentsArb }),
  });
}

const dataYearArb = fc.constantFrom(...DATA_YEARS);
/** The years reconciled by the properties (the balanced plans agree in these years). */
const TESTED_YEARS = DATA_YEARS.slice(0, 2);
const testedYearArb = fc.constantFrom(...TESTED_YEARS);

/** Few distinct dates so that versions often share their date of decision. */
const decisionDateArb = fc.constantFrom('2019-12-15', '2020-06-30', '2020-06-30', '2021-03-01', '2021-09-30', '2022-12-20');
const BASE_TIME = Date.UTC(2020, 0, 1);

/**
 * Budget versions with distinct recording times, all in the `toISOString()` form (UTC, milliseconds): versionsOfYear
 * compares them as strings, which misorders other forms the schema accepts (an offset, another precision).
 */
const versionsArb: fc.Arbitrary<BudgetVersion[]> = fc
  .array(
    fc.record({
      annee: dataYearArb,
      nature: fc.constantFrom('previsionnel' as const, 'actualisation' as const),
      dateDecision: decisionDateArb,
      budget: budgetArb(true),
    }),
    { maxLength: 5 },
  )
  .chain((vs) =>
    fc.uniqueArray(fc.integer({ min: 0, max: 10_000_000 }), { minLength: vs.length, maxLength: vs.length }).map((stamps) =>
      vs.map(
        (v, i): BudgetVersion => ({
          ...v,
          id: `v${i}`,
          libelle: `Version ${i}`,
          commentaire: null,
          auteur: 'Agent financier',
          enregistreLe: new Date(BASE_TIME + stamps[i]! * 1000).toISOString(),
        }),
      ),
    ),
  );

const transfersArb = fc
  .array(
    fc.record({
      art20: optBoolArb,
      montant: optCentsArb,
      parAnnee: fc.dictionary(dataYearArb.map(String), optCentsArb, { maxKeys: 3 }),
    }),
    { maxLength: 4 },
  )
  .map((ts) => ts.map((t, i) => ({ id: `t${i}`, partenaire: `Partenaire ${i}`, ...t })));

const ARTICLES = ['465-48', '46548', '464-01', '161-01', '380-01', '000-00', '46401'];
const imputationsArb = fc
  .array(
    fc.record({
      annee: dataYearArb,
      codeFonctionnel: fc.constantFrom('84010' as const, '84010' as const, '84011' as const),
      articleEconomique: fc.constantFrom(...ARTICLES),
      montant: signedCentsArb,
      nature: fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.constantFrom(...IMPUTATION_NATURES), weight: 1 }),
    }),
    { maxLength: 6 },
  )
  .map((ls) => ls.map((l, i) => ({ id: `b${i}`, ...l })));

const actionsArb = fc
  .array(
    fc.record({
      transferIndex: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
      convention: fc.dictionary(dataYearArb.map(String), fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: null }), { maxKeys: 2 }),
      partBudget: fc.dictionary(dataYearArb.map(String), fc.option(fc.integer({ min: 0, max: 100_00 }), { nil: null }), { maxKeys: 2 }),
    }),
    { maxLength: 3 },
  )
  .map((as) =>
    as.map((a, i) => ({
      id: `a${i}`,
      code: '1.1.05',
      fiche: { operateur: { organisme: `Opérateur ${i}`, transferId: a.transferIndex === null ? null : `t${a.transferIndex}` } },
      indicators: [
        {
          id: `a${i}-conv`,
          category: 'activite' as const,
          label: 'Montant du transfert financier dans le cadre d’une convention',
          unit: 'money' as const,
          standard: 'montant-convention' as const,
          values: Object.fromEntries(Object.entries(a.convention).map(([y, target]) => [y, { target }])),
        },
        {
          id: `a${i}-part`,
          category: 'activite' as const,
          label: 'Part du budget PCS affecté à l’action',
          unit: 'percent' as const,
          standard: 'part-budget' as const,
          values: Object.fromEntries(Object.entries(a.partBudget).map(([y, target]) => [y, { target }])),
        },
      ],
    })),
  );

const parsePlan = (parts: Omit<PlanDocumentInput, 'commune' | 'programmeId'>): PlanDocument =>
  PlanDocumentSchema.parse({ commune: 'Propriétéville', programmeId: PROGRAMME.id, ...parts } satisfies PlanDocumentInput);

/** A minimal plan document with random finance records, parsed by the real schema (defaults filled in). */
const randomPlanArb: fc.Arbitrary<PlanDocument> = fc
  .record({
    budget: budgetArb(true),
    budgetsAnnuels: versionsArb,
    transferts: transfersArb,
    imputations: imputationsArb,
    consommation: fc.dictionary(dataYearArb.map(String), optCentsArb, { maxKeys: 3 }),
    actions: fc.oneof({ arbitrary: fc.constant<ActionInput[]>([]), weight: 3 }, { arbitrary: actionsArb, weight: 1 }),
  })
  .map(parsePlan);

/** Amounts whose sums stay within MAX_CENTS (a typed total is itself bounded). */
const partCentsArb = fc.oneof(fc.integer({ min: 0, max: MAX_CENTS / 8 }), fc.integer({ min: 0, max: 10_000_000 }));

/**
 * A plan whose records agree to the cent in every tested year: a balanced budget (fiche plan or a version of the
 * year) with a subvention and a part communale that reaches its minimum, at least one art.20 partner, transfers summing to its subventions (art.20 included), and
 * imputations equal to its recettes lines (the subvention split in two imputations). Optionally one imputation is
 * then off by a few cents.
 */
const balancedPlanArb: fc.Arbitrary<PlanDocument> = fc
  .record({
    s: partCentsArb.map((v) => Math.max(1, v)),
    extraPart: fc.integer({ min: 0, max: 1_000_000 }),
    art20: fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 2 }),
    others: fc.array(fc.record({ montant: fc.integer({ min: 0, max: 10_000_000 }), art20: fc.constantFrom(false, null) }), { maxLength: 3 }),
    split: fc.integer({ min: 0, max: 100 }),
    typedTotals: fc.boolean(),
    asVersion: fc.boolean(),
    typedTransfers: fc.boolean(),
    declared: fc.boolean(),
    offBy: fc.option(fc.record({ index: fc.nat(), delta: fc.constantFrom(-2, -1, 1, 2) }), { nil: null }),
  })
  .map(({ s, extraPart, art20, others, split, typedTotals, asVersion, typedTransfers, declared, offBy }) => {
    const p = (refMinimum(s) ?? 0) + extraPart;
    const a = art20.reduce((x, y) => x + y, 0);
    const o = others.reduce((x, y) => x + y.montant, 0);
    const total = s + p + a + o;
    const budget: Budget = {
      recettes: { total: typedTotals ? total : null, subventionPcs: s, partCommunale: p, subventionsArt20: a, autres: o },
      depenses: { total: typedTotals ? total : null, personnel: s + p, fonctionnement: 0, investissement: null, subventionsInstitutions: a + o },
    };
    const amounts = [...art20.map((montant) => ({ montant, art20: true as boolean | null })), ...others];
    const transferts = amounts.map((t, i) => ({
      id: `t${i}`,
      partenaire: `Partenaire ${i}`,
      art20: t.art20,
      montant: typedTransfers ? null : t.montant,
      parAnnee: typedTransfers ? Object.fromEntries(TESTED_YEARS.map((y) => [String(y), t.montant])) : {},
    }));
    const s1 = Math.floor((s * split) / 100);
    const imputations = TESTED_YEARS.flatMap((annee) => [
      { id: `s1-${annee}`, annee, codeFonctionnel: '84010' as const, articleEconomique: '465-48', montant: s1 },
      { id: `s2-${annee}`, annee, codeFonctionnel: '84010' as const, articleEconomique: '46548', montant: s - s1 },
      { id: `p-${annee}`, annee, codeFonctionnel: '84010' as const, articleEconomique: '161-01', montant: p },
      { id: `a-${annee}`, annee, codeFonctionnel: '84011' as const, articleEconomique: '435-01', montant: a },
    ]);
    if (offBy) {
      const i = offBy.index % imputations.length;
      imputations[i] = { ...imputations[i]!, montant: imputations[i]!.montant + offBy.delta };
    }
    const budgetsAnnuels = asVersion
      ? TESTED_YEARS.map((annee, i) => ({
          id: `v${i}`,
          annee,
          nature: 'previsionnel' as const,
          libelle: 'Budget initial',
          dateDecision: `${annee - 1}-12-15`,
          budget,
          auteur: 'Agent financier',
          enregistreLe: new Date(BASE_TIME + i * 1000).toISOString(),
        }))
      : [];
    return parsePlan({
      budget: asVersion ? { recettes: { total: 1 }, depenses: { total: 2 } } : budget,
      budgetsAnnuels,
      transferts,
      imputations,
      consommation: declared ? Object.fromEntries(TESTED_YEARS.map((y) => [String(y), s + p])) : {},
    });
  });

/** Random records (mostly disagreeing or incomplete) or records that agree to the cent, perhaps but for a few cents. */
const planArb: fc.Arbitrary<PlanDocument> = fc.oneof({ arbitrary: randomPlanArb, weight: 2 }, { arbitrary: balancedPlanArb, weight: 1 });

// ——— Helpers on a reconciliation ————————————————————————————————————————————————————————————————————————————————

const lineOf = (rec: YearReconciliation, id: ReconciliationLineId): ReconciliationLine => {
  const line = rec.lines.find((l) => l.id === id);
  if (!line) throw new Error(`ligne ${id} absente`);
  return line;
};
const diffOf = (line: ReconciliationLine, labelStart: string): number | null => line.differences.find((d) => d.label.startsWith(labelStart))?.value ?? null;

/** For each line, each difference it may show with the two figures it compares, as the line and the year show them. */
function operands(plan: PlanDocument, rec: YearReconciliation, line: ReconciliationLine): { label: string; a: number | null; b: number | null }[] {
  const declared = plan.consommation[String(rec.year)] ?? null;
  switch (line.id) {
    case 'equilibre':
      return [{ label: 'recettes − dépenses', a: rec.figures.totalRecettes, b: rec.figures.totalDepenses }];
    case 'subvention-pcs':
    case 'part-communale':
      return [{ label: 'imputé − budget', a: line.booked, b: line.budget }];
    case 'pcs-et-communale':
      return [
        { label: 'imputé − budget', a: line.booked, b: line.budget },
        { label: 'imputé − consommation déclarée (fiche plan)', a: line.booked, b: declared },
      ];
    case 'part-communale-minimum':
      return [
        { label: 'marge du budget (part − minimum)', a: rec.budget.budget.recettes.partCommunale, b: line.budget },
        { label: 'marge imputée (part − minimum)', a: rec.booked['part-communale'], b: line.booked },
      ];
    case 'art20':
      return rec.booked.lines > 0
        ? [
            { label: 'imputé − budget', a: line.booked, b: line.budget },
            { label: 'transféré − imputé', a: line.transferred, b: line.booked },
          ]
        : [{ label: 'transféré − budget', a: line.transferred, b: line.budget }];
    case 'transferts':
      return [{ label: 'transféré − budget', a: line.transferred, b: line.budget }];
  }
}

/**
 * How many differences a line must show to be complete: every comparison it makes, except the declared consumption
 * of the fiche plan, which is compared only when declared (the minimum line is a margin, tested on its own).
 */
function expectedDifferences(plan: PlanDocument, rec: YearReconciliation, id: ReconciliationLineId): number {
  const declared = plan.consommation[String(rec.year)] ?? null;
  return operands(plan, rec, lineOf(rec, id)).filter((o) => !o.label.includes('consommation') || declared !== null).length;
}

const withImputation = (plan: PlanDocument, index: number, delta: number): PlanDocument => ({
  ...plan,
  imputations: plan.imputations.map((l, i) => (i === index ? { ...l, montant: l.montant + delta } : l)),
});

// ——— computeBudgetFigures ——————————————————————————————————————————————————————————————————————————————————————————

describe('computeBudgetFigures', () => {
  const transfersOnlyArb = fc.array(fc.record({ montant: optCentsArb, art20: optBoolArb }), { maxLength: 8 });

  it('sums the recettes and the dépenses exactly over the non-blank lines, blank only when every line is blank', () => {
    fc.assert(
      fc.property(budgetArb(true), (budget) => {
        const f = computeBudgetFigures({ budget, transferts: [] });
        const { recettes: r, depenses: d } = budget;
        const rLines = [r.subventionPcs, r.partCommunale, r.subventionsArt20, r.autres];
        const dLines = [d.personnel, d.fonctionnement, d.investissement, d.subventionsInstitutions];
        expect(f.recettesSum).toBe(refSum(rLines));
        expect(f.depensesSum).toBe(refSum(dLines));
        expect(f.recettesSum === null).toBe(rLines.every((v) => v === null));
        expect(f.depensesSum === null).toBe(dLines.every((v) => v === null));
        if (f.recettesSum !== null) expect(Number.isSafeInteger(f.recettesSum)).toBe(true);
      }),
      MANY,
    );
  });

  it('takes the typed total over the sum of the lines, and the sum only when no total is typed', () => {
    fc.assert(
      fc.property(budgetArb(true), (budget) => {
        const f = computeBudgetFigures({ budget, transferts: [] });
        expect(f.totalRecettes).toBe(budget.recettes.total !== null ? budget.recettes.total : f.recettesSum);
        expect(f.totalDepenses).toBe(budget.depenses.total !== null ? budget.depenses.total : f.depensesSum);
      }),
      MANY,
    );
  });

  it('sums the transfers and the art.20 transfers exactly (art.20 = true only), blank when none is filled in', () => {
    fc.assert(
      fc.property(budgetArb(false), transfersOnlyArb, (budget, transferts) => {
        const f = computeBudgetFigures({ budget, transferts });
        expect(f.transfersSum).toBe(refSum(transferts.map((t) => t.montant)));
        expect(f.art20Sum).toBe(refSum(transferts.filter((t) => t.art20 === true).map((t) => t.montant)));
      }),
      MANY,
    );
  });

  it('computes the part communale ratio and minimum like the BigInt references', () => {
    fc.assert(
      fc.property(budgetArb(false), (budget) => {
        const f = computeBudgetFigures({ budget, transferts: [] });
        expect(f.partCommunaleRatio).toBe(refRatio(budget.recettes.partCommunale, budget.recettes.subventionPcs));
        expect(f.partCommunaleMinimum).toBe(refMinimum(budget.recettes.subventionPcs));
      }),
      MANY,
    );
  });
});

// ——— sumOrNull, formatEuros, ratio, minimum ———————————————————————————————————————————————————————————————————————

describe('numbers: exact sums, Belgian format round trip, ratio and minimum', () => {
  it('sumOrNull is the exact integer sum of the non-blank terms, null only when every term is blank (0 is not blank)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(signedCentsArb, fc.constant(null), fc.constant(undefined)), { maxLength: 12 }), (values) => {
        expect(sumOrNull(values)).toBe(refSum(values));
        expect(sumOrNull(values) === null).toBe(values.every((v) => v === null || v === undefined));
      }),
      MANY,
    );
  });

  it('parseBelgianNumber(formatBelgianNumber(x, 2), 2) gives back x for every integer in ±MAX_CENTS, with or without €', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -MAX_CENTS, max: MAX_CENTS }), fc.integer({ min: -1000, max: 1000 })), (x) => {
        expect(parseBelgianNumber(formatBelgianNumber(x, 2), 2)).toEqual({ ok: true, value: x });
        expect(formatEuros(x)).toBe(`€ ${formatBelgianNumber(x, 2)}`);
        expect(parseBelgianNumber(formatEuros(x), 2)).toEqual({ ok: true, value: x });
      }),
      { numRuns: 5000 },
    );
  });

  it('ratioHundredthsOfPercent rounds half away from zero like the BigInt reference, up to MAX_CENTS', () => {
    const nearMax = fc.integer({ min: MAX_CENTS - 100_000, max: MAX_CENTS });
    const amount = fc.oneof(
      signedCentsArb,
      nearMax,
      nearMax.map((v) => -v),
    );
    // Exact halves: a·10⁴ / (2·10⁴·m) = (2j + 1) / 2 when a = m·(2j + 1).
    const halves = fc
      .record({ m: fc.integer({ min: 1, max: 500_000_000 }), j: fc.integer({ min: 0, max: 9_999 }), sa: fc.boolean(), sb: fc.boolean() })
      .map(({ m, j, sa, sb }) => ({ a: (sa ? -1 : 1) * m * (2 * j + 1), b: (sb ? -1 : 1) * 20_000 * m }));
    fc.assert(
      fc.property(fc.oneof(fc.record({ a: amount, b: amount }), halves), ({ a, b }) => {
        expect(ratioHundredthsOfPercent(a, b)).toBe(refRatio(a, b));
      }),
      { numRuns: 5000 },
    );
    expect(ratioHundredthsOfPercent(1, 20_000)).toBe(1); // 0,005 % → 0,01 %
    expect(ratioHundredthsOfPercent(-1, 20_000)).toBe(-1);
    expect(ratioHundredthsOfPercent(MAX_CENTS, 1)).toBe(MAX_CENTS * 10_000); // beyond 2⁵³ yet exact to the double
    expect(ratioHundredthsOfPercent(5, 0)).toBeNull();
    expect(ratioHundredthsOfPercent(null, 5)).toBeNull();
  });

  it('partCommunaleMinimumOf is ceil(25 % × subvention) exactly, null without a positive subvention', () => {
    fc.assert(
      fc.property(fc.oneof(signedCentsArb, fc.constant(null), fc.integer({ min: MAX_CENTS - 1000, max: MAX_CENTS })), (s) => {
        expect(partCommunaleMinimumOf(s)).toBe(refMinimum(s));
      }),
      { numRuns: 5000 },
    );
  });
});

// ——— versions of a year, diffBudgets ——————————————————————————————————————————————————————————————————————————————

describe('budget versions', () => {
  const shuffledVersions = versionsArb.chain((vs) => fc.tuple(fc.constant(vs), fc.shuffledSubarray(vs, { minLength: vs.length, maxLength: vs.length })));

  it('the latest version by (date of decision, recording time) is the budget of the year, whatever the array order', () => {
    fc.assert(
      fc.property(shuffledVersions, budgetArb(true), fc.constantFrom(...YEARS), ([versions, shuffled], fichePlan, year) => {
        const latest = refLatest(versions, year);
        for (const list of [versions, shuffled]) {
          const yb = budgetOfYear({ budget: fichePlan, budgetsAnnuels: list }, year);
          expect(yb.version?.id ?? null).toBe(latest?.id ?? null);
          expect(yb.budget).toBe(latest ? latest.budget : fichePlan);
        }
        expect(versionsOfYear(shuffled, year).map((v) => v.id)).toEqual(versionsOfYear(versions, year).map((v) => v.id));
      }),
      MANY,
    );
  });

  it('diffBudgets: Σ of the recettes line deltas (and of the dépenses) is the delta of the total when totals are not typed', () => {
    fc.assert(
      fc.property(budgetArb(false), budgetArb(false), (before, after) => {
        const changes = diffBudgets(before, after);
        for (const side of ['recettes', 'depenses'] as const) {
          const ofSide = changes.filter((c) => c.side === side);
          const total = ofSide.find((c) => c.key === 'total')!;
          const lines = ofSide.filter((c) => c.key !== 'total');
          expect(lines).toHaveLength(4);
          expect(sumOrNull(lines.map((c) => c.delta))).toBe(total.delta);
          for (const c of ofSide) {
            expect(c.delta).toBe(c.before === null && c.after === null ? null : refMinus(c.after ?? 0, c.before ?? 0));
          }
        }
      }),
      MANY,
    );
  });
});

// ——— transferOfYear, bookedTotals ——————————————————————————————————————————————————————————————————————————————————

describe('transfers and imputations of a year', () => {
  it('transferOfYear takes the amount typed for the year, and falls back to the annual amount only when the year is blank', () => {
    fc.assert(
      fc.property(transfersArb, fc.constantFrom(...YEARS), (transfers, year) => {
        for (const t of transfers) {
          const typed = t.parAnnee[String(year)];
          const got = transferOfYear(t, year);
          if (typed !== undefined && typed !== null) expect(got).toEqual({ amount: typed, source: 'annee' });
          else if (t.montant !== null) expect(got).toEqual({ amount: t.montant, source: 'fiche-plan' });
          else expect(got).toEqual({ amount: null, source: null });
        }
      }),
      MANY,
    );
  });

  it('bookedTotals are Σ of the year’s imputations per nature (the documented rule unless a nature is set), blank when none', () => {
    fc.assert(
      fc.property(planArb, fc.constantFrom(...YEARS), (plan, year) => {
        const totals = bookedTotals(plan.imputations, year);
        const ofYear = plan.imputations.filter((l) => l.annee === year);
        expect(totals.lines).toBe(ofYear.length);
        for (const nature of IMPUTATION_NATURES) {
          expect(totals[nature]).toBe(refSum(ofYear.filter((l) => refNature(l) === nature).map((l) => l.montant)));
        }
        expect(totals.total).toBe(refSum(ofYear.map((l) => l.montant)));
        for (const l of plan.imputations) expect(natureOf(l)).toBe(refNature(l));
      }),
      HALF,
    );
  });
});

// ——— reconcileYear ———————————————————————————————————————————————————————————————————————————————————————————————

describe('reconcileYear', () => {
  it('shows the budget of the year, the booked totals and the transfers of the year as computed independently', () => {
    fc.assert(
      fc.property(planArb, testedYearArb, (plan, year) => {
        const rec = reconcileYear(plan, year);
        const latest = refLatest(plan.budgetsAnnuels, year);
        const budget = latest ? latest.budget : plan.budget;
        expect(rec.budget.version?.id ?? null).toBe(latest?.id ?? null);
        const amounts = plan.transferts.map((t) => refTransferOfYear(t, year));
        expect(rec.transferred.total).toBe(refSum(amounts));
        expect(rec.transferred.art20).toBe(refSum(plan.transferts.filter((t) => t.art20 === true).map((t) => refTransferOfYear(t, year))));
        expect(lineOf(rec, 'subvention-pcs').budget).toBe(budget.recettes.subventionPcs);
        expect(lineOf(rec, 'part-communale').budget).toBe(budget.recettes.partCommunale);
        expect(lineOf(rec, 'art20').budget).toBe(budget.recettes.subventionsArt20);
        expect(lineOf(rec, 'transferts').budget).toBe(budget.depenses.subventionsInstitutions);
        expect(lineOf(rec, 'pcs-et-communale').budget).toBe(refSum([budget.recettes.subventionPcs, budget.recettes.partCommunale]));
        expect(lineOf(rec, 'part-communale-minimum').budget).toBe(refMinimum(budget.recettes.subventionPcs));
        expect(lineOf(rec, 'part-communale-minimum').booked).toBe(refMinimum(rec.booked['subvention-pcs']));
        expect(rec.partCommunale.budgetRatio).toBe(refRatio(budget.recettes.partCommunale, budget.recettes.subventionPcs));
        expect(rec.partCommunale.bookedRatio).toBe(refRatio(rec.booked['part-communale'], rec.booked['subvention-pcs']));
        expect(rec.lines.map((l) => l.path)).toEqual(rec.lines.map((l) => `finance.${year}.${l.id}`));
      }),
      HALF,
    );
  });

  it('records that agree to the cent show every line ok, and no finding', () => {
    fc.assert(
      fc.property(balancedPlanArb, testedYearArb, (plan, year) => {
        const rec = reconcileYear(plan, year);
        const r = rec.budget.budget.recettes;
        const agrees =
          rec.booked['subvention-pcs'] === r.subventionPcs && rec.booked['part-communale'] === r.partCommunale && rec.booked.art20 === r.subventionsArt20;
        if (agrees) {
          expect(rec.lines.map((l) => [l.id, l.status])).toEqual(rec.lines.map((l) => [l.id, 'ok']));
          expect(checkFinance(plan, PROGRAMME).filter((f) => f.path.startsWith(`finance.${year}.`))).toEqual([]);
        } else {
          expect(rec.lines.some((l) => l.status === 'ecart')).toBe(true);
        }
      }),
      HALF,
    );
  });

  it('every difference is exactly the difference of the figures it compares, shown whenever both figures are present', () => {
    fc.assert(
      fc.property(planArb, testedYearArb, (plan, year) => {
        const rec = reconcileYear(plan, year);
        for (const line of rec.lines) {
          const expected = operands(plan, rec, line)
            .map(({ label, a, b }) => ({ label, value: refMinus(a, b) }))
            .filter((d): d is { label: string; value: number } => d.value !== null);
          // The combined line's difference against the budget is the sum of the two lines above: marked derived.
          expect(
            line.differences.map(({ label, value }) => ({ label, value })),
            line.id,
          ).toEqual(expected);
          for (const d of line.differences)
            expect(d.derived === true, `${line.id}: ${d.label}`).toBe(line.id === 'pcs-et-communale' && d.label === 'imputé − budget');
        }
      }),
      SOME,
    );
  });

  it("a line is 'ok' iff all its differences are 0 and every expected figure is present ('ecart' iff one is not 0)", () => {
    fc.assert(
      fc.property(planArb, testedYearArb, (plan, year) => {
        const rec = reconcileYear(plan, year);
        for (const line of rec.lines) {
          if (line.id === 'part-communale-minimum') continue; // a margin: see the minimum property below
          const complete = line.differences.length === expectedDifferences(plan, rec, line.id);
          const allZero = line.differences.every((d) => d.value === 0);
          expect(line.status === 'ok', line.id).toBe(complete && allZero);
          expect(line.status === 'ecart', line.id).toBe(!allZero);
          expect(line.status === 'incomplet', line.id).toBe(allZero && !complete);
        }
      }),
      SOME,
    );
  });

  it('part communale minimum: ok iff each part present reaches ceil(25 % × subvention) (BigInt reference), on budget and booked', () => {
    // Subventions and parts around the exact minimum, fiche plan budget and/or imputations.
    const nearMinimum = fc
      .record({ s: fc.oneof(centsArb, fc.integer({ min: 1, max: 1000 })), delta: fc.integer({ min: -3, max: 3 }) })
      .map(({ s, delta }) => ({ s, p: Math.max(0, (refMinimum(s) ?? 0) + delta) }));
    const side = fc.option(nearMinimum, { nil: null, freq: 4 });
    fc.assert(
      fc.property(side, side, testedYearArb, (budgetSide, bookedSide, year) => {
        const plan = PlanDocumentSchema.parse({
          commune: 'Propriétéville',
          programmeId: PROGRAMME.id,
          budget: { recettes: { subventionPcs: budgetSide?.s ?? null, partCommunale: budgetSide?.p ?? null } },
          imputations: bookedSide
            ? [
                { id: 's', annee: year, codeFonctionnel: '84010', articleEconomique: '465-48', montant: bookedSide.s },
                { id: 'p', annee: year, codeFonctionnel: '84010', articleEconomique: '161-01', montant: bookedSide.p },
              ]
            : [],
        } satisfies PlanDocumentInput);
        const line = lineOf(reconcileYear(plan, year), 'part-communale-minimum');
        const verdicts = [budgetSide, bookedSide]
          .filter((x): x is { s: number; p: number } => x !== null && x.s > 0)
          .map(({ s, p }) => BigInt(p) * 100n >= BigInt(s) * 25n);
        expect(line.status).toBe(verdicts.length === 0 ? 'incomplet' : verdicts.every(Boolean) ? 'ok' : 'ecart');
        expect(line.differences.map((d) => d.value >= 0)).toEqual(verdicts);
      }),
      MANY,
    );
  });

  it('adding 1 cent to one booked line of the year moves its nature’s “imputé − budget” and the PCS + communale line by 1, nothing else', () => {
    fc.assert(
      fc.property(planArb, fc.nat(), (plan, pick) => {
        fc.pre(plan.imputations.length > 0);
        // The year of a booked line picked at random: its year is the one reconciled.
        const index = pick % plan.imputations.length;
        const year = plan.imputations[index]!.annee;
        const nature = natureOf(plan.imputations[index]!);
        const before = reconcileYear(plan, year);
        const after = reconcileYear(withImputation(plan, index, 1), year);
        const moved: ReconciliationLineId[] = nature === 'art20' ? ['art20'] : [nature, 'pcs-et-communale', 'part-communale-minimum'];
        for (const l0 of before.lines) {
          const l1 = lineOf(after, l0.id);
          if (moved.includes(l0.id)) continue;
          expect({ differences: l1.differences, status: l1.status, booked: l1.booked }, l0.id).toEqual({
            differences: l0.differences,
            status: l0.status,
            booked: l0.booked,
          });
        }
        const shift = (id: ReconciliationLineId, label: string) => {
          const d0 = diffOf(lineOf(before, id), label);
          const d1 = diffOf(lineOf(after, id), label);
          if (d0 === null || d1 === null) {
            expect(d1).toBe(d0);
            return null;
          }
          return d1 - d0;
        };
        if (nature === 'art20') {
          const line = lineOf(before, 'art20');
          expect(shift('art20', 'imputé − budget')).toBe(line.budget === null ? null : 1);
          expect(shift('art20', 'transféré − imputé')).toBe(line.transferred === null ? null : -1);
          return;
        }
        // The other nature's line is among the unchanged lines above.
        expect(shift(nature, 'imputé − budget')).toBe(lineOf(before, nature).budget === null ? null : 1);
        const pcs = lineOf(before, 'pcs-et-communale');
        expect(lineOf(after, 'pcs-et-communale').booked).toBe(pcs.booked! + 1);
        expect(lineOf(after, 'pcs-et-communale').differences.map((d) => d.value)).toEqual(pcs.differences.map((d) => d.value + 1));
        // The minimum moves only by its booked margin, which is still part − ceil(25 % × subvention).
        const min1 = lineOf(after, 'part-communale-minimum');
        expect(diffOf(min1, 'marge du budget')).toBe(diffOf(lineOf(before, 'part-communale-minimum'), 'marge du budget'));
        expect(diffOf(min1, 'marge imputée')).toBe(refMinus(after.booked['part-communale'], refMinimum(after.booked['subvention-pcs'])));
        if (nature === 'part-communale') expect(shift('part-communale-minimum', 'marge imputée')).toBe(diffOf(min1, 'marge imputée') === null ? null : 1);
      }),
      SOME,
    );
  });

  it('adding 1 cent to one partner’s transfer of the year moves “transferts” by 1, and the art.20 line by 1 iff the partner is art.20', () => {
    fc.assert(
      fc.property(planArb, testedYearArb, fc.nat(), (plan, year, pick) => {
        const indices = plan.transferts.flatMap((t, i) => (transferOfYear(t, year).amount !== null ? [i] : []));
        fc.pre(indices.length > 0);
        const index = indices[pick % indices.length]!;
        const t = plan.transferts[index]!;
        const source = transferOfYear(t, year).source;
        const changed = {
          ...t,
          ...(source === 'annee' ? { parAnnee: { ...t.parAnnee, [String(year)]: t.parAnnee[String(year)]! + 1 } } : { montant: t.montant! + 1 }),
        };
        const before = reconcileYear(plan, year);
        const after = reconcileYear({ ...plan, transferts: plan.transferts.map((x, i) => (i === index ? changed : x)) }, year);
        expect(after.transferred.total).toBe(before.transferred.total! + 1);
        const moved: ReconciliationLineId[] = t.art20 === true ? ['transferts', 'art20'] : ['transferts'];
        for (const l0 of before.lines) {
          const l1 = lineOf(after, l0.id);
          if (moved.includes(l0.id)) {
            expect(l1.transferred).toBe(l0.transferred! + 1);
            // Only the differences that read the transfers move, by +1; the others stay.
            expect(l1.differences.map((d) => d.label)).toEqual(l0.differences.map((d) => d.label));
            l1.differences.forEach((d, i) => expect(d.value - l0.differences[i]!.value).toBe(d.label.startsWith('transféré') ? 1 : 0));
          } else {
            expect({ differences: l1.differences, status: l1.status, transferred: l1.transferred }, l0.id).toEqual({
              differences: l0.differences,
              status: l0.status,
              transferred: l0.transferred,
            });
          }
        }
      }),
      SOME,
    );
  });
});

// ——— checkFinance, checkPlan ——————————————————————————————————————————————————————————————————————————————————————

const LINE_IDS: readonly ReconciliationLineId[] = [
  'subvention-pcs',
  'part-communale',
  'pcs-et-communale',
  'part-communale-minimum',
  'art20',
  'transferts',
  'equilibre',
];

describe('checkFinance', () => {
  it('a year with no budget version, no imputation and no typed transfer raises no finding', () => {
    fc.assert(
      fc.property(planArb, fc.constantFrom(...YEARS), (plan, year) => {
        const bare: PlanDocument = {
          ...plan,
          budgetsAnnuels: plan.budgetsAnnuels.filter((v) => v.annee !== year),
          imputations: plan.imputations.filter((l) => l.annee !== year),
          transferts: plan.transferts.map((t) => ({ ...t, parAnnee: { ...t.parAnnee, [String(year)]: null } })),
        };
        expect(checkFinance(bare, PROGRAMME).filter((f) => f.path.startsWith(`finance.${year}.`))).toEqual([]);
      }),
      HALF,
    );
  });

  it('findings are exactly the lines in disagreement that use the year’s data, at finance.<year>.<line>', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const findings = checkFinance(plan, PROGRAMME);
        for (const f of findings) {
          const m = /^finance\.(\d{4})\.([a-z0-9-]+)$/.exec(f.path);
          expect(m, f.path).not.toBeNull();
          expect(YEARS).toContain(Number(m![1]));
          expect(LINE_IDS).toContain(m![2]);
          expect(f.rule).toBe(`rapprochement-${m![2]}`);
          expect(f.message.startsWith(`Rapprochement ${m![1]}, `)).toBe(true);
        }
        expect(new Set(findings.map((f) => f.path)).size).toBe(findings.length);
        const recs = new Map(YEARS.map((year) => [String(year), reconcileYear(plan, year)]));
        // A line in disagreement is reported when a difference of its own (not derived from other lines) is not zero.
        const expected = [...recs.values()].flatMap((rec) =>
          rec.lines.filter((l) => l.usesYearData && l.status === 'ecart' && l.differences.some((d) => !d.derived && d.value !== 0)).map((l) => l.path),
        );
        expect(findings.map((f) => f.path)).toEqual(expected);
        for (const f of findings) {
          const [, year, id] = f.path.split('.');
          const rec = recs.get(year!)!;
          const line = lineOf(rec, id as ReconciliationLineId);
          const blocking =
            rec.budget.version !== null && (id === 'equilibre' || (id === 'part-communale-minimum' && (diffOf(line, 'marge du budget') ?? 0) < 0));
          expect(rec.budget.version?.id ?? null).toBe(refLatest(plan.budgetsAnnuels, Number(year))?.id ?? null);
          expect(f.level).toBe(blocking ? 'error' : 'warning');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('checkPlan keys', () => {
  const CODES = ['1.1.05', '1.1.05', '9.9.99', '9.9.98'];
  const DATES = [null, '2019-06-01', '2021-01-01', '2023-12-31', '2027-01-01'];
  const fullPlanArb = fc
    .record({
      plan: planArb,
      extra: fc.array(
        fc.record({
          code: fc.constantFrom(...CODES),
          transferIndex: fc.option(fc.integer({ min: 0, max: 3 }), { nil: null }),
          art20: optBoolArb,
          conventionPartenariat: optBoolArb,
          debut: fc.constantFrom(...DATES),
          fin: fc.constantFrom(...DATES),
          convention: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: null }),
          part: fc.option(fc.integer({ min: 0, max: 100_00 }), { nil: null }),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    })
    .map(({ plan, extra }) =>
      PlanDocumentSchema.parse({
        ...plan,
        actions: extra.map((a, i) => ({
          id: `x${i}`,
          code: a.code,
          fiche: {
            art20: a.art20,
            conventionPartenariat: a.conventionPartenariat,
            calendrier: { debut: a.debut, fin: a.fin },
            operateur: { organisme: `Opérateur ${i}`, transferId: a.transferIndex === null ? null : `t${a.transferIndex}` },
          },
          indicators: [
            {
              id: `x${i}-conv`,
              category: 'activite',
              label: 'Montant de convention',
              unit: 'money',
              standard: 'montant-convention',
              values: Object.fromEntries(YEARS.map((y) => [String(y), { target: a.convention }])),
            },
            {
              id: `x${i}-part`,
              category: 'activite',
              label: 'Part du budget',
              unit: 'percent',
              standard: 'part-budget',
              exAnte: a.part === null ? null : (a.part + 1) % 100_01,
              values: Object.fromEntries(YEARS.map((y) => [String(y), { target: a.part }])),
            },
          ],
        })),
      } satisfies PlanDocumentInput),
    );
  const shuffledPlanArb = fullPlanArb.chain((plan) =>
    fc
      .shuffledSubarray(plan.actions, { minLength: plan.actions.length, maxLength: plan.actions.length })
      .map((actions) => [plan, { ...plan, actions }] as const),
  );

  it('keys are unique, and the same keys (rule, level, stable path) come out when the actions are shuffled', () => {
    fc.assert(
      fc.property(shuffledPlanArb, ([plan, shuffled]) => {
        const a = checkPlan(plan, PROGRAMME, catalogue);
        const b = checkPlan(shuffled, PROGRAMME, catalogue);
        expect(new Set(a.map((f) => f.key)).size).toBe(a.length);
        expect(new Set(b.map((f) => f.key)).size).toBe(b.length);
        const identity = (fs: typeof a) => fs.map((f) => `${f.key}|${f.rule}|${f.level}`).sort();
        expect(identity(b)).toEqual(identity(a));
        for (const f of a) {
          expect(f.key.startsWith(`${f.rule}:`)).toBe(true);
          expect(f.key).not.toMatch(/actions\.\d/); // positions of actions never enter a key
        }
      }),
      FEW,
    );
  });

  it('a justification recorded for each finding still attaches to the same finding after the actions are shuffled', () => {
    fc.assert(
      fc.property(shuffledPlanArb, ([plan, shuffled]) => {
        const original = checkPlan(plan, PROGRAMME, catalogue);
        const justifications = original.map((f) => ({
          cle: f.key,
          texte: 'Justifié',
          auteur: 'Agent financier',
          justifieLe: '2024-01-01T00:00:00.000Z',
          constat: f.message,
          version: 0,
        }));
        const attached = attachJustifications(checkPlan(shuffled, PROGRAMME, catalogue), justifications);
        for (const f of attached) expect(f.justification, f.key).not.toBeNull();
        // The reconciliation's findings do not depend on the actions' order: never outdated by a reordering.
        for (const f of attached.filter((x) => x.rule.startsWith('rapprochement-'))) expect(f.justification?.outdated ?? false).toBe(false);
      }),
      FEW,
    );
  });
});
