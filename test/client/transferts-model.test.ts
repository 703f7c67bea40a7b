import { describe, expect, it } from 'vitest';
import { createTransfertsModel, type YearRow } from '../../client/pages/finance/transferts-model.ts';
import { PlanStore } from '../../client/state/plan-store.ts';
import { readSampleDocument } from '../../samples/load-sample.ts';
import { MAX_CENTS } from '../../schemas/numbers.ts';
import { PlanDocumentSchema, type Plan, type PlanDocument } from '../../schemas/plan.ts';
import { loadReferenceData } from '../../server/reference.ts';

/**
 * The model of "Transferts par année", without a browser, on the Liège sample: a blank year is the fiche plan's
 * annual amount (not zero), a typed amount replaces it for that year only, the year's sums are compared to the cent
 * with the budget lines they must equal, and an edit answers the cells to save. Years come from the programme.
 */

const { programmes, catalogues } = loadReferenceData();
const catalogue = catalogues['pcs-2020-2025']!;
const LIEGE = PlanDocumentSchema.parse(readSampleDocument());
const PROGRAMME = programmes.find((p) => p.id === LIEGE.programmeId)!;
const [YEAR, OTHER] = [PROGRAMME.years[1]!, PROGRAMME.years[2]!];
/** Σ of the Liège transfers (€ 845.613,08), equal to its budget line "subventions aux institutions et associations". */
const TRANSFERS = 84561308;

/** The open plan as the interface's store holds it. */
function storeOf(doc: PlanDocument): PlanStore {
  const versions = { header: 1 } as Plan['versions'];
  const plan: Plan = {
    ...structuredClone(doc),
    id: 'plan-1',
    createdAt: '',
    updatedAt: '',
    versions,
    cellVersions: { time: {}, consumption: {}, transfer: {} },
  };
  return new PlanStore(plan, PROGRAMME, catalogue);
}

function modelOf(year = YEAR) {
  const store = storeOf(LIEGE);
  return { store, model: createTransfertsModel({ store, year }) };
}

const sumRow = (rows: YearRow[], art20Only: boolean) => rows.find((r): r is YearRow & { kind: 'sum' } => r.kind === 'sum' && r.art20Only === art20Only)!;
const partnerRows = (rows: YearRow[]) => rows.filter((r): r is YearRow & { kind: 'partner' } => r.kind === 'partner');

describe('transfertsModel', () => {
  it('has one column per programme year', () => {
    expect(modelOf().model.years).toEqual(PROGRAMME.years);
  });

  it('lists the partners, then the year sums and the budget lines they must equal', () => {
    const rows = modelOf().model.yearRows();
    expect(partnerRows(rows)).toHaveLength(LIEGE.transferts.length);
    expect(rows.slice(-4).map((r) => (r.kind === 'partner' ? r.kind : r.label))).toEqual([
      'Σ transferts',
      'Σ transferts art.20',
      'Budget : subventions aux institutions et associations',
      'Budget : subvention(s) art.20',
    ]);
  });

  it('leaves a year blank, not zero, while no amount is typed for it: the fiche plan’s annual amount applies', () => {
    const { model } = modelOf();
    const rows = model.yearRows();
    const partner = partnerRows(rows).find((r) => r.transfer.montant !== null)!;
    expect(model.yearValue(partner, YEAR)).toBeNull();
    expect(model.yearNote(partner, YEAR)).toMatch(/^Vide : montant annuel de la fiche plan \(€ /);
    expect(model.annualValue(partner)).toBe(partner.transfer.montant);
    // The sum of the year counts the annual amounts, to the cent, and agrees with the budget.
    expect(model.yearValue(sumRow(rows, false), YEAR)).toBe(TRANSFERS);
    expect(model.sumAgreement(sumRow(rows, false), YEAR)).toBe('total-ok');
    expect(model.sumAgreement(sumRow(rows, true), YEAR)).toBe('total-ok');
  });

  it('takes an amount typed for one year in place of the annual amount, for that year only, and answers the cell to save', () => {
    const { model, store } = modelOf();
    const rows = model.yearRows();
    const partner = partnerRows(rows).find((r) => r.transfer.montant !== null)!;
    const typed = partner.transfer.montant! + 16000;
    const ops = model.editTransfers([
      { row: partner, key: String(YEAR), value: typed },
      // Sums and budget lines are computed, never saved.
      { row: sumRow(rows, false), key: String(YEAR), value: 1 },
    ]);
    expect(ops).toEqual([{ grid: 'transfer', row: partner.transfer.id, period: String(YEAR), value: typed, version: 0 }]);
    expect(store.cellValue('transfer', partner.transfer.id, String(YEAR))).toBe(typed);
    expect(model.yearNote(partner, YEAR)).toBe(`Montant saisi pour ${YEAR}`);
    expect(model.yearValue(sumRow(rows, false), YEAR)).toBe(TRANSFERS + 16000);
    expect(model.sumAgreement(sumRow(rows, false), YEAR)).toBe('total-wrong');
    expect(model.yearValue(sumRow(rows, false), OTHER)).toBe(TRANSFERS);
    expect(model.sumAgreement(sumRow(rows, false), OTHER)).toBe('total-ok');
  });

  it('refuses a negative amount and one past the largest amount', () => {
    const { model } = modelOf();
    expect(model.checkAmount(-1)).toBe('Le montant ne peut pas être négatif');
    expect(model.checkAmount(MAX_CENTS + 1)).toBe('Montant trop grand');
    expect(model.checkAmount(0)).toBeNull();
    expect(model.checkAmount(null)).toBeNull();
  });

  describe('conventions of the chosen year', () => {
    it('has one row per fiche a partner operates, the partner’s figures on its first fiche only', () => {
      const { model } = modelOf();
      const rows = model.conventionRows();
      expect(rows.length).toBeGreaterThan(0);
      const firsts = rows.filter((r) => r.first);
      expect(new Set(firsts.map((r) => r.transferId)).size).toBe(firsts.length);
      for (const r of rows) {
        expect(model.partnerStatus(r) === null).toBe(!r.first);
        if (!r.first) expect(model.partnerFigure(r, (p) => p.transfer.amount)).toBeNull();
      }
    });

    it('edits the fiche’s target of the year for the column’s indicator, and nothing for a fiche without that line', () => {
      const { model, store } = modelOf();
      const rows = model.conventionRows();
      const withLine = rows.find((r) => r.action.conventionIndicatorId !== null);
      if (!withLine) throw new Error('aucune fiche avec une ligne de convention dans l’échantillon');
      const id = withLine.action.conventionIndicatorId!;
      const ops = model.editConventions([
        { row: withLine, key: 'convention', value: 123456 },
        { row: withLine, key: 'fiche', value: 1 },
      ]);
      expect(ops).toEqual([
        { grid: 'indicator-target', row: id, period: String(YEAR), value: 123456, version: store.cellVersion('indicator-target', id, String(YEAR)) },
      ]);
      expect(model.targetValue(withLine, 'convention')).toBe(123456);
      expect(store.cellValue('indicator-target', id, String(OTHER))).not.toBe(123456);
      const without = rows.find((r) => r.action.partBudgetIndicatorId === null);
      if (without) expect(model.editConventions([{ row: without, key: 'partBudget', value: 100 }])).toEqual([]);
    });
  });
});
