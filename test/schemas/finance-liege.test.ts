import { describe, expect, it } from 'vitest';
import { ART20, PART_COMMUNALE, SUBVENTION, withBookedBudget, withSubventionOff } from '../liege-finance.ts';
import { readSampleDocument } from '../../samples/load-sample.ts';
import { checkPlan } from '../../schemas/checks.ts';
import { checkFinance, reconcileYear, type ReconciliationLineId, type YearReconciliation } from '../../schemas/finance.ts';
import { formatEuros, formatPercent } from '../../schemas/numbers.ts';
import { PlanDocumentSchema } from '../../schemas/plan.ts';
import { loadReferenceData } from '../../server/reference.ts';

/**
 * The reconciliation on the Liège PCS 2020-2025 (samples/liege-2020-2025): the fiche plan alone, then with E-compte
 * imputations equal to its budget, then with one imputation off by one cent. Years come from the programme.
 */

const LIEGE = PlanDocumentSchema.parse(readSampleDocument());
const { programmes, catalogues } = loadReferenceData();
const catalogue = catalogues['pcs-2020-2025']!;
const PROGRAMME = programmes.find((p) => p.id === LIEGE.programmeId)!;

const lineOf = (rec: YearReconciliation, id: ReconciliationLineId) => {
  const line = rec.lines.find((l) => l.id === id);
  if (!line) throw new Error(`ligne ${id} absente`);
  return line;
};
const statuses = (rec: YearReconciliation) => Object.fromEntries(rec.lines.map((l) => [l.id, l.status]));

describe('Liège sample: reconciliation of the fiche plan alone', () => {
  it('has programme years to reconcile', () => {
    expect(PROGRAMME).toBeDefined();
    expect(PROGRAMME.years.length).toBeGreaterThan(0);
  });

  for (const year of PROGRAMME.years)
    it(`${year}: budget € 2.424.996,74 balanced, transfers € 845.613,08 (art.20 € 111.981,08), part communale 38,83 %`, () => {
      const rec = reconcileYear(LIEGE, year);
      expect(rec.budget.version).toBeNull();
      expect(rec.figures.totalRecettes).toBe(242499674);
      expect(formatEuros(rec.figures.totalRecettes!)).toBe('€ 2.424.996,74');
      expect(rec.transferred.total).toBe(84561308);
      expect(rec.transferred.art20).toBe(ART20);
      expect(rec.transferred.typed).toBe(0);
      expect(rec.partCommunale.budgetRatio).toBe(3883);
      expect(formatPercent(rec.partCommunale.budgetRatio!)).toBe('38,83\u00a0%');
      expect(rec.partCommunale.bookedRatio).toBeNull();

      const s = statuses(rec);
      expect(s.equilibre).toBe('ok');
      expect(s.transferts).toBe('ok');
      expect(s.art20).toBe('ok');
      expect(s['part-communale-minimum']).toBe('ok');
      // No imputation: nothing booked, the booked lines are incomplete (blank is not zero).
      expect(rec.booked).toEqual({ 'subvention-pcs': null, 'part-communale': null, art20: null, total: null, lines: 0 });
      for (const id of ['subvention-pcs', 'part-communale', 'pcs-et-communale'] as const) {
        expect(lineOf(rec, id).booked).toBeNull();
        expect(lineOf(rec, id).differences).toEqual([]);
        expect(s[id]).toBe('incomplet');
      }
      expect(lineOf(rec, 'subvention-pcs').budget).toBe(SUBVENTION);
      expect(lineOf(rec, 'part-communale').budget).toBe(PART_COMMUNALE);
      expect(lineOf(rec, 'art20').budget).toBe(ART20);
    });

  it('raises no reconciliation finding: the fiche plan figures alone are checked by the fiche plan rules', () => {
    expect(checkFinance(LIEGE, PROGRAMME)).toEqual([]);
    expect(checkPlan(LIEGE, PROGRAMME, catalogue).filter((f) => f.rule.startsWith('rapprochement-'))).toEqual([]);
  });
});

describe('Liège sample: imputations equal to the budget', () => {
  const booked = withBookedBudget(LIEGE, PROGRAMME.years);

  for (const year of PROGRAMME.years)
    it(`${year}: every line is ok, the booked part communale is 38,83 % too`, () => {
      const rec = reconcileYear(booked, year);
      expect(rec.booked).toEqual({
        'subvention-pcs': SUBVENTION,
        'part-communale': PART_COMMUNALE,
        art20: ART20,
        total: SUBVENTION + PART_COMMUNALE + ART20,
        lines: 3,
      });
      expect(rec.lines.map((l) => [l.id, l.status])).toEqual(rec.lines.map((l) => [l.id, 'ok']));
      for (const line of rec.lines) {
        if (line.id === 'part-communale-minimum') continue; // margins, positive here
        for (const d of line.differences) expect(d.value, `${line.id} ${d.label}`).toBe(0);
      }
      expect(rec.partCommunale.bookedRatio).toBe(3883);
    });

  it('raises no finding of the reconciliation', () => {
    expect(checkFinance(booked, PROGRAMME)).toEqual([]);
    expect(checkPlan(booked, PROGRAMME, catalogue).filter((f) => f.rule.startsWith('rapprochement-'))).toEqual([]);
  });
});

describe('Liège sample: one imputation off by one cent', () => {
  const booked = withBookedBudget(LIEGE, PROGRAMME.years);
  const baseKeys = new Set(checkPlan(booked, PROGRAMME, catalogue).map((f) => f.key));
  const cases = PROGRAMME.years.flatMap((year) => [-1, 1].map((delta) => ({ year, delta })));

  it.each(cases)('$year, subvention PCS $delta cent: one cent on “subvention-pcs” (and in the combined line’s sum), one finding', ({ year, delta }) => {
    const off = withSubventionOff(booked, year, delta);
    const rec = reconcileYear(off, year);
    expect(lineOf(rec, 'subvention-pcs').differences).toEqual([{ label: 'imputé − budget', value: delta }]);
    // The combined line shows the cent in its sum, marked as derived: it is reported once, on the subvention line.
    expect(lineOf(rec, 'pcs-et-communale').differences).toEqual([{ label: 'imputé − budget', value: delta, derived: true }]);
    const s = statuses(rec);
    expect(s).toEqual({
      equilibre: 'ok',
      'subvention-pcs': 'ecart',
      'part-communale': 'ok',
      'pcs-et-communale': 'ecart',
      'part-communale-minimum': 'ok',
      art20: 'ok',
      transferts: 'ok',
    });
    // The other years are untouched.
    for (const other of PROGRAMME.years.filter((y) => y !== year)) {
      expect(reconcileYear(off, other).lines.every((l) => l.status === 'ok')).toBe(true);
    }

    const findings = checkPlan(off, PROGRAMME, catalogue);
    const added = findings.filter((f) => !baseKeys.has(f.key));
    expect(added.map((f) => ({ rule: f.rule, level: f.level, key: f.key }))).toEqual([
      { rule: 'rapprochement-subvention-pcs', level: 'warning', key: `rapprochement-subvention-pcs:finance.${year}.subvention-pcs` },
    ]);
    const cent = delta < 0 ? '€ -0,01' : '€ 0,01';
    expect(added[0]!.message).toContain(`imputé − budget : ${cent}`);
    expect(added[0]!.message.startsWith(`Rapprochement ${year}, Subvention PCS`)).toBe(true);
    // Nothing disappeared either.
    const keys = new Set(findings.map((f) => f.key));
    expect([...baseKeys].filter((k) => !keys.has(k))).toEqual([]);
  });
});
