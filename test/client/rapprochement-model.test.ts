import { describe, expect, it } from 'vitest';
import { ART20, PART_COMMUNALE, SUBVENTION, withBookedBudget, withSubventionOff } from '../liege-finance.ts';
import { readSampleDocument } from '../../samples/load-sample.ts';
import { attachJustifications, checkPlan, type Finding, type JustifiedFinding } from '../../schemas/checks.ts';
import type { BudgetVersion } from '../../schemas/finance.ts';
import { PlanDocumentSchema, type PlanDocument } from '../../schemas/plan.ts';
import { loadReferenceData } from '../../server/reference.ts';
import { FOUR_YEAR_PROGRAMME, templatesWithFourYearProgramme } from '../four-year-programme.ts';
import { createRapprochementModel, findingsOfYear } from '../../client/pages/finance/rapprochement-model.ts';
import { financeHref, sectionHref } from '../../client/router.ts';

/**
 * The model of "Rapprochement {année}", without a browser: the year's reconciliation on the plan as edited, what
 * the summary counts, where each budget figure is entered, and which findings the year shows. On the Liège sample
 * (PCS 2020-2025, seven years) and on a new plan of a four-year programme of the tests; years come from the programmes.
 */

const { programmes, catalogues } = loadReferenceData(templatesWithFourYearProgramme());
const LIEGE = PlanDocumentSchema.parse(readSampleDocument());
const programmeOf = (plan: PlanDocument) => programmes.find((p) => p.id === plan.programmeId)!;
const YEARS = programmeOf(LIEGE).years;
const NEXT = programmes.find((p) => p.id === FOUR_YEAR_PROGRAMME.id)!;
const PLAN_ID = 'plan-1';

/** The model over a plan, with the findings as the interface's store computes them (the server's rules). */
function modelOf(plan: PlanDocument, year: number) {
  const store = {
    plan,
    justifiedChecks: () => attachJustifications(checkPlan(plan, programmeOf(plan), catalogues[programmeOf(plan).catalogue]!), plan.justifications),
  };
  return createRapprochementModel({ store, planId: PLAN_ID, year });
}

const lineOf = (model: ReturnType<typeof modelOf>, id: string) => {
  const line = model.reconcile().rec.lines.find((l) => l.id === id);
  if (!line) throw new Error(`ligne ${id} absente`);
  return line;
};

describe('rapprochementModel', () => {
  describe('the year’s figures, to the cent', () => {
    it.each(YEARS)('%s, fiche plan alone: € 2.424.996,74 budgeted, nothing imputed (blank, not zero), no disagreement', (year) => {
      const { rec, disagreements, incomplete } = modelOf(LIEGE, year).reconcile();
      expect(rec.year).toBe(year);
      expect(rec.figures.totalRecettes).toBe(242499674);
      expect(rec.booked.total).toBeNull();
      expect(disagreements).toBe(0);
      // Subvention, part communale and their sum have no imputed figure to compare.
      expect(incomplete).toBe(3);
    });

    it.each(YEARS)('%s, imputations equal to the budget: every control agrees', (year) => {
      const { rec, disagreements, incomplete } = modelOf(withBookedBudget(LIEGE, YEARS), year).reconcile();
      expect(rec.booked.total).toBe(SUBVENTION + PART_COMMUNALE + ART20);
      expect([disagreements, incomplete]).toEqual([0, 0]);
    });

    it.each([-1, 1])('finds one imputation off by %s cent: two lines in disagreement (the subvention and the sum it is part of)', (delta) => {
      const year = YEARS[1]!;
      const model = modelOf(withSubventionOff(withBookedBudget(LIEGE, YEARS), year, delta), year);
      expect(model.reconcile().disagreements).toBe(2);
      expect(lineOf(model, 'subvention-pcs').differences).toEqual([{ label: 'imputé − budget', value: delta }]);
      // The other years are untouched.
      expect(modelOf(withSubventionOff(withBookedBudget(LIEGE, YEARS), year, delta), YEARS[0]!).reconcile().disagreements).toBe(0);
    });

    it('reconciles a year of another programme: its own years, nothing recorded yet', () => {
      const plan = PlanDocumentSchema.parse({ commune: 'Namur', programmeId: NEXT.id, budget: LIEGE.budget });
      const year = NEXT.years[NEXT.years.length - 1]!;
      const { rec } = modelOf(plan, year).reconcile();
      expect(rec.year).toBe(year);
      expect(rec.figures.totalRecettes).toBe(242499674);
      expect(rec.booked).toMatchObject({ total: null, lines: 0 });
    });
  });

  describe('every figure leads to where it is entered', () => {
    const year = YEARS[2]!;

    it('leads a budget figure to its field of the fiche plan while no version of the year is recorded', () => {
      const model = modelOf(LIEGE, year);
      const { rec } = model.reconcile();
      const title = 'Budget annuel de la fiche plan (aucune version enregistrée pour cette année)';
      expect(model.budgetTarget(rec, null)).toEqual({ href: sectionHref(PLAN_ID, 'budget', 'budget.recettes.total'), title });
      expect(model.budgetTarget(rec, lineOf(model, 'subvention-pcs'))).toEqual({
        href: sectionHref(PLAN_ID, 'budget', 'budget.recettes.subventionPcs'),
        title,
      });
      expect(model.budgetTarget(rec, lineOf(model, 'transferts')).href).toBe(sectionHref(PLAN_ID, 'budget', 'budget.depenses.subventionsInstitutions'));
    });

    it('leads a budget figure to the year’s budget versions once one is recorded', () => {
      const version: BudgetVersion = {
        id: 'v1',
        annee: year,
        nature: 'previsionnel',
        libelle: 'Budget initial',
        dateDecision: `${year - 1}-12-15`,
        budget: LIEGE.budget,
        commentaire: null,
        auteur: 'Claire Dumont',
        enregistreLe: `${year - 1}-12-16T09:00:00+01:00`,
      };
      const model = modelOf({ ...LIEGE, budgetsAnnuels: [version] }, year);
      const { rec } = model.reconcile();
      for (const line of [null, lineOf(model, 'subvention-pcs')]) {
        expect(model.budgetTarget(rec, line)).toEqual({
          href: financeHref(PLAN_ID, 'budgets', year),
          title: `Budget ${year} : Prévisionnel — Budget initial (15/12/${year - 1})`,
        });
      }
    });

    it('leads imputed and transferred figures to the year’s imputations and transfers', () => {
      const model = modelOf(LIEGE, year);
      expect(model.bookedTarget).toEqual({ href: financeHref(PLAN_ID, 'imputations', year), title: `Imputations E-compte ${year}` });
      expect(model.transfersTarget).toEqual({ href: financeHref(PLAN_ID, 'transferts', year), title: `Transferts ${year}` });
    });
  });

  describe('the year’s findings', () => {
    const year = YEARS[1]!;
    const off = withSubventionOff(withBookedBudget(LIEGE, YEARS), year, -1);

    it('shows the finding of a line off by one cent, leading to its line of this page', () => {
      const model = modelOf(off, year);
      const { lines } = model.findings();
      expect(lines.map((f) => f.key)).toEqual([`rapprochement-subvention-pcs:finance.${year}.subvention-pcs`]);
      expect(model.findingHref(lines[0]!)).toBe(financeHref(PLAN_ID, 'rapprochement', year, `finance.${year}.subvention-pcs`));
      // Another year shows none of it.
      expect(modelOf(off, YEARS[0]!).findings().lines).toEqual([]);
    });

    it('counts a justification that still holds, not one written for other figures', () => {
      const key = `rapprochement-subvention-pcs:finance.${year}.subvention-pcs`;
      const finding = modelOf(off, year).findings().lines[0]!;
      const justify = (constat: string): PlanDocument => ({
        ...off,
        justifications: [{ cle: key, texte: 'Arrondi de la Région', auteur: 'Claire Dumont', justifieLe: `${year}-12-01T10:00:00+01:00`, constat, version: 1 }],
      });
      expect(modelOf(justify(finding.message), year).findings().justified).toBe(1);
      expect(modelOf(justify('un autre constat'), year).findings().justified).toBe(0);
    });

    it('leads a partner’s convention finding to the year’s transfers', () => {
      const convention: Finding = {
        rule: 'convention-transfert',
        level: 'warning',
        message: `Partenaire X : conventions ≠ transfert en ${year}`,
        path: 'transferts.0',
        key: 'k',
      };
      expect(modelOf(LIEGE, year).findingHref({ ...convention, justification: null })).toBe(financeHref(PLAN_ID, 'transferts', year));
    });
  });
});

describe('findingsOfYear', () => {
  const finding = (rule: string, path: string, message: string): JustifiedFinding => ({
    rule,
    level: 'warning',
    message,
    path,
    key: `${rule}:${path}`,
    justification: null,
  });

  it('keeps the reconciliation lines of the year and the convention findings of the year or of no year', () => {
    const [year, other] = [YEARS[0]!, YEARS[1]!];
    const all = [
      finding('rapprochement-subvention-pcs', `finance.${year}.subvention-pcs`, `Rapprochement ${year}`),
      finding('rapprochement-subvention-pcs', `finance.${other}.subvention-pcs`, `Rapprochement ${other}`),
      finding('convention-transfert', 'transferts.0', `Conventions ≠ transfert en ${year}`),
      finding('convention-transfert', 'transferts.1', `Conventions ≠ transfert en ${other}`),
      finding('convention-transfert', 'transferts.2', 'Conventions ≠ transfert annuel'),
      finding('budget-equilibre', 'budget.recettes.total', 'Budget en déséquilibre'),
    ];
    expect(findingsOfYear(all, year).map((f) => f.path)).toEqual([`finance.${year}.subvention-pcs`, 'transferts.0', 'transferts.2']);
  });
});
