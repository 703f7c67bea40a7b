import { describe, expect, it } from 'vitest';
import { findIntegrityIssues } from '../../schemas/integrity.ts';
import { PCS_2020_2025, FOUR_YEAR_PROGRAMME, action, indicator, makePlan } from './fixtures.ts';

/** The programme in force spans 2020-2026 since its extension: a value of 2026 belongs to it, one of 2027 does not. */
const OUTSIDE_2020_2026 = (year: number) =>
  `L'année ${year} n'appartient pas au programme Plan de Cohésion sociale 2020-2025, prolongé jusqu'au 31 décembre 2026 (2020-2026)`;

describe('findIntegrityIssues', () => {
  it('finds nothing in a minimal plan', () => {
    expect(findIntegrityIssues(makePlan(), PCS_2020_2025)).toEqual([]);
  });

  describe('years belong to the programme', () => {
    it.each([
      [2019, false],
      [2020, true],
      [2025, true],
      [2026, true],
      [2027, false],
    ])('checks an indicator value of %i (inside 2020-2026: %s)', (year, isInside) => {
      const plan = makePlan({ actions: [action('a1', { indicators: [indicator('i1', { values: { [year]: { target: 1 } } })] })] });
      const expected = isInside ? [] : [{ path: `actions.0.indicators.0.values.${year}`, message: OUTSIDE_2020_2026(year) }];
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual(expected);
    });

    it('flags a year of the chef de projet time grid, but not its ex-ante and ex-post columns', () => {
      const plan = makePlan({
        repartitionTemps: { 'tableau-de-bord': { 'ex-ante': 100, '2020': 100, '2026': 100, '2027': 100, 'ex-post': 0 } },
      });
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual([{ path: 'repartitionTemps.tableau-de-bord.2027', message: OUTSIDE_2020_2026(2027) }]);
    });

    it('flags a year of the E-compte consumption', () => {
      const plan = makePlan({ consommation: { '2019': '1.000,00', '2020': '1.000,00' } });
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual([{ path: 'consommation.2019', message: OUTSIDE_2020_2026(2019) }]);
    });

    it('flags a year of the commission dates', () => {
      const plan = makePlan({ commissions: { dates: { '2026': ['2026-03-12'], '2027': ['2027-03-11'] } } });
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual([{ path: 'commissions.dates.2027', message: OUTSIDE_2020_2026(2027) }]);
    });

    it('takes the years from the programme: 2026 is outside a four-year programme 2030-2033, 2033 inside', () => {
      const plan = makePlan({
        programmeId: FOUR_YEAR_PROGRAMME.id,
        consommation: { '2026': 100, '2033': 100 },
        actions: [action('a1', { indicators: [indicator('i1', { values: { '2026': { target: 1 }, '2030': { target: 1 }, '2034': { target: 1 } } })] })],
      });
      const outside = (year: number) => `L'année ${year} n'appartient pas au programme Programme d'essai de quatre ans (2030-2033)`;
      expect(findIntegrityIssues(plan, FOUR_YEAR_PROGRAMME)).toEqual([
        { path: 'actions.0.indicators.0.values.2026', message: outside(2026) },
        { path: 'actions.0.indicators.0.values.2034', message: outside(2034) },
        { path: 'consommation.2026', message: outside(2026) },
      ]);
    });
  });

  describe('ids are unique within the plan', () => {
    it('flags the second of two transfers with the same id, naming the first', () => {
      const plan = makePlan({
        transferts: [
          { id: 't1', partenaire: 'CASA' },
          { id: 't1', partenaire: 'Sidasol' },
        ],
      });
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual([{ path: 'transferts.1.id', message: 'Identifiant « t1 » déjà utilisé (transferts.0.id)' }]);
    });

    it('flags an indicator id used in two actions', () => {
      const plan = makePlan({
        actions: [action('a1', { indicators: [indicator('i1')] }), action('a2', { indicators: [indicator('i1')] })],
      });
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual([
        { path: 'actions.1.indicators.0.id', message: 'Identifiant « i1 » déjà utilisé (actions.0.indicators.0.id)' },
      ]);
    });

    it('flags an id shared by rows of different kinds (an action and a transfer)', () => {
      const plan = makePlan({ transferts: [{ id: 'x1', partenaire: 'CASA' }], actions: [action('x1')] });
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual([{ path: 'actions.0.id', message: 'Identifiant « x1 » déjà utilisé (transferts.0.id)' }]);
    });

    it('flags duplicate rows of a list (team members)', () => {
      const plan = makePlan({
        equipeMembres: [
          { id: 'm1', nomPrenom: 'Borguet Stéphanie' },
          { id: 'm1', nomPrenom: 'Dupont Jean' },
        ],
      });
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual([
        { path: 'equipeMembres.1.id', message: 'Identifiant « m1 » déjà utilisé (equipeMembres.0.id)' },
      ]);
    });
  });

  describe('references point at rows of the same plan', () => {
    it("flags an action's transfer that does not exist", () => {
      const plan = makePlan({
        transferts: [{ id: 't1', partenaire: 'CASA' }],
        actions: [action('a1', { fiche: { operateur: { transferId: 't1' } } }), action('a2', { fiche: { operateur: { transferId: 't9' } } })],
      });
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual([
        { path: 'actions.1.fiche.operateur.transferId', message: "Le transfert « t9 » n'existe pas dans ce plan" },
      ]);
    });

    it("flags a partner card's action that does not exist", () => {
      const plan = makePlan({
        actions: [action('a1')],
        partenaires: [{ id: 'p1', liste: 'portent', nom: 'CALIF', actionIds: ['a1', 'a9'] }],
      });
      expect(findIntegrityIssues(plan, PCS_2020_2025)).toEqual([{ path: 'partenaires.0.actionIds.1', message: "L'action « a9 » n'existe pas dans ce plan" }]);
    });
  });
});
