import { describe, expect, it } from 'vitest';
import { daysBetween } from '../../schemas/dates.ts';
import {
  columnTitle,
  filterOverdue,
  filterPlans,
  nextSort,
  NO_FILTERS,
  overdueCountLabel,
  overdueSortValue,
  planCountLabel,
  planSortValue,
  provincesOf,
  sortRows,
  statusColumnsOf,
} from '../../client/pages/region-plans-model.ts';
import {
  currentProgramme,
  regionColumns,
  statusColumnKey,
  type OverdueItem,
  type RegionKind,
  type RegionObligation,
  type RegionPlanRow,
} from '../../schemas/region-plans.ts';
import { loadReferenceData } from '../../server/reference.ts';
import { parseRoute, regionHref } from '../../client/router.ts';

/** « Plans de la région »'s model: filters, search, stable sort by any column, counts — without a DOM. */

const KINDS: RegionKind[] = [{ id: 'rapport-annuel', label: 'Rapport annuel', years: [2020, 2021] }];

function obligation(annee: number, statut: RegionObligation['statut'], enRetard: boolean): RegionObligation {
  return { kind: 'rapport-annuel', annee, statut, echeance: `${annee + 1}-03-31`, echeanceProgramme: null, enRetard, joursDeRetard: enRetard ? 10 : 0 };
}

function row(planId: string, fields: Partial<RegionPlanRow> = {}): RegionPlanRow {
  return {
    planId,
    porteur: planId,
    porteurNature: 'commune',
    commune: planId,
    province: 'Liège',
    chefDeProjet: null,
    organisation: planId,
    erreurs: 0,
    erreursNonJustifiees: 0,
    avertissements: 0,
    subventionPcs: null,
    budgetTotal: null,
    partCommunale: null,
    obligations: [obligation(2020, 'approuve', false), obligation(2021, 'brouillon', false)],
    prochaineEcheance: null,
    obligationsEnRetard: 0,
    joursDeRetard: 0,
    questionsOuvertes: 0,
    fiches: 0,
    calculeLe: '2026-12-06T10:00:00.000Z',
    ...fields,
  };
}

const ROWS: RegionPlanRow[] = [
  row('Liège', { chefDeProjet: 'Marie Lambert', subventionPcs: 300_000_00, fiches: 30 }),
  row('Namur', { province: 'Namur', chefDeProjet: 'Émile Dupont', subventionPcs: 100_000_00, fiches: 12, obligationsEnRetard: 1, joursDeRetard: 40 }),
  row('CPAS de Dinant', {
    porteurNature: 'cpas',
    commune: 'Dinant',
    province: 'Namur',
    subventionPcs: null,
    fiches: 12,
    obligations: [obligation(2020, 'soumis', false), obligation(2021, 'brouillon', true)],
    obligationsEnRetard: 1,
    joursDeRetard: 10,
  }),
  row('Arlon', { province: null, subventionPcs: 50_000_00, fiches: 5 }),
];

describe('filterPlans', () => {
  it('keeps every plan without filters', () => {
    expect(filterPlans(ROWS, NO_FILTERS)).toEqual(ROWS);
  });

  it.each([
    ['one province', { province: 'Namur' }, ['Namur', 'CPAS de Dinant']],
    ['one porteur kind', { nature: 'cpas' as const }, ['CPAS de Dinant']],
    ['late plans only', { enRetard: true }, ['Namur', 'CPAS de Dinant']],
    ['one province, late only', { province: 'Namur', enRetard: true }, ['Namur', 'CPAS de Dinant']],
    ['the status of one kind and year', { statusColumn: statusColumnKey('rapport-annuel', 2020), status: 'soumis' as const }, ['CPAS de Dinant']],
    ['a status column without a status (no filter)', { statusColumn: statusColumnKey('rapport-annuel', 2020) }, ['Liège', 'Namur', 'CPAS de Dinant', 'Arlon']],
  ])('filters by %s', (_, filters, expected) => {
    expect(filterPlans(ROWS, { ...NO_FILTERS, ...filters }).map((r) => r.planId)).toEqual(expected);
  });

  it.each([
    ['the porteur, without case', 'cpas', ['CPAS de Dinant']],
    ['the commune', 'dinant', ['CPAS de Dinant']],
    ['the chef de projet, without accents', 'emile', ['Namur']],
    ['every word typed', 'marie lambert', ['Liège']],
    ['nothing that matches', 'bruxelles', []],
  ])('searches %s', (_, search, expected) => {
    expect(filterPlans(ROWS, { ...NO_FILTERS, search }).map((r) => r.planId)).toEqual(expected);
  });
});

describe('sortRows', () => {
  const columns = regionColumns(KINDS);
  const value = planSortValue(KINDS, columns);
  const ids = (rows: RegionPlanRow[]) => rows.map((r) => r.planId);

  it('sorts texts alphabetically the French way, ascending then descending', () => {
    expect(ids(sortRows(ROWS, { key: 'porteur', direction: 'asc' }, value))).toEqual(['Arlon', 'CPAS de Dinant', 'Liège', 'Namur']);
    expect(ids(sortRows(ROWS, { key: 'porteur', direction: 'desc' }, value))).toEqual(['Namur', 'Liège', 'CPAS de Dinant', 'Arlon']);
  });

  it('sorts amounts as numbers, blanks last in both directions', () => {
    expect(ids(sortRows(ROWS, { key: 'subventionPcs', direction: 'asc' }, value))).toEqual(['Arlon', 'Namur', 'Liège', 'CPAS de Dinant']);
    expect(ids(sortRows(ROWS, { key: 'subventionPcs', direction: 'desc' }, value))).toEqual(['Liège', 'Namur', 'Arlon', 'CPAS de Dinant']);
  });

  it('is stable: equal values keep their order', () => {
    expect(ids(sortRows(ROWS, { key: 'fiches', direction: 'asc' }, value))).toEqual(['Arlon', 'Namur', 'CPAS de Dinant', 'Liège']);
    const reversed = [...ROWS].reverse();
    expect(ids(sortRows(reversed, { key: 'fiches', direction: 'asc' }, value))).toEqual(['Arlon', 'CPAS de Dinant', 'Namur', 'Liège']);
  });

  it('sorts a status column in the status’s life order, late ones last', () => {
    const key = statusColumnKey('rapport-annuel', 2021);
    expect(ids(sortRows(ROWS, { key, direction: 'asc' }, value))).toEqual(['Liège', 'Namur', 'Arlon', 'CPAS de Dinant']);
    const first = statusColumnKey('rapport-annuel', 2020);
    expect(ids(sortRows(ROWS, { key: first, direction: 'asc' }, value))).toEqual(['CPAS de Dinant', 'Liège', 'Namur', 'Arlon']);
  });

  it('leaves the rows as they are without a sort', () => {
    expect(sortRows(ROWS, null, value)).toEqual(ROWS);
  });
});

describe('the header and the counts', () => {
  it('sorts ascending at the first click, descending at the second, and marks the column', () => {
    const first = nextSort(null, 'porteur');
    expect(first).toEqual({ key: 'porteur', direction: 'asc' });
    const second = nextSort(first, 'porteur');
    expect(second).toEqual({ key: 'porteur', direction: 'desc' });
    expect(nextSort(second, 'porteur')).toEqual({ key: 'porteur', direction: 'asc' });
    expect(nextSort(second, 'fiches')).toEqual({ key: 'fiches', direction: 'asc' });
    expect(columnTitle({ key: 'porteur', title: 'Porteur' }, second)).toBe('Porteur ▼');
    expect(columnTitle({ key: 'fiches', title: 'Fiches' }, second)).toBe('Fiches');
  });

  it('counts as people read it', () => {
    expect(planCountLabel(12, 195)).toBe('12 plans sur 195');
    expect(planCountLabel(1, 195)).toBe('1 plan sur 195');
    expect(planCountLabel(0, 195)).toBe('0 plan sur 195');
    expect(overdueCountLabel(40)).toBe('40 obligations en retard');
    expect(overdueCountLabel(1)).toBe('1 obligation en retard');
  });

  it('offers the provinces of the plans and one status column per kind and year', () => {
    expect(provincesOf(ROWS)).toEqual(['Liège', 'Namur']);
    expect(statusColumnsOf(KINDS).map((c) => c.title)).toEqual(['Rapport 2020', 'Rapport 2021']);
  });
});

describe('filterOverdue', () => {
  const item = (planId: string, annee: number, fields: Partial<OverdueItem> = {}): OverdueItem => ({
    planId,
    porteur: planId,
    porteurNature: 'commune',
    commune: planId,
    province: 'Namur',
    kind: 'rapport-annuel',
    kindLabel: 'Rapport annuel',
    annee,
    echeance: `${annee + 1}-03-31`,
    echeanceProgramme: null,
    joursDeRetard: 100 - annee + 2000,
    statut: 'brouillon',
    ...fields,
  });
  const ITEMS = [
    item('Namur', 2020),
    item('Namur', 2021),
    item('CPAS de Dinant', 2021, { porteurNature: 'cpas', commune: 'Dinant' }),
    item('Liège', 2020, { province: 'Liège' }),
  ];

  it('keeps the late obligations of the plans the filters keep, a chosen kind and year only', () => {
    expect(filterOverdue(ITEMS, ROWS, { ...NO_FILTERS, province: 'Namur' })).toHaveLength(3);
    expect(filterOverdue(ITEMS, ROWS, { ...NO_FILTERS, nature: 'cpas' }).map((i) => i.planId)).toEqual(['CPAS de Dinant']);
    expect(filterOverdue(ITEMS, ROWS, { ...NO_FILTERS, statusColumn: statusColumnKey('rapport-annuel', 2021) }).map((i) => i.planId)).toEqual([
      'Namur',
      'CPAS de Dinant',
    ]);
    // The chef de projet comes from the plan's row.
    expect(filterOverdue(ITEMS, ROWS, { ...NO_FILTERS, search: 'Dupont' }).map((i) => i.annee)).toEqual([2020, 2021]);
  });

  it('sorts by days overdue or by due date', () => {
    const sorted = sortRows(ITEMS, { key: 'joursDeRetard', direction: 'desc' }, overdueSortValue);
    expect(sorted.map((i) => i.joursDeRetard)).toEqual([80, 80, 79, 79]);
    expect(sortRows(ITEMS, { key: 'echeance', direction: 'asc' }, overdueSortValue).map((i) => i.echeance)).toEqual([
      '2021-03-31',
      '2021-03-31',
      '2022-03-31',
      '2022-03-31',
    ]);
  });
});

describe('the shared rules of the overview', () => {
  it('counts whole days between two dates', () => {
    expect(daysBetween('2026-03-31', '2026-04-01')).toBe(1);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    // Across the change to summer time, still whole days.
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-12-06', '2026-12-06')).toBe(0);
  });

  it('opens on the published programme of the current year', () => {
    const { programmes } = loadReferenceData();
    expect(currentProgramme(programmes, '2026-12-06')?.id).toBe('pcs-2020-2025');
    // The draft from 2027 is not published: the last published programme already begun.
    expect(currentProgramme(programmes, '2028-01-01')?.id).toBe('pcs-2020-2025');
  });
});

describe('the page’s address', () => {
  it('reads #/region with or without a programme', () => {
    expect(parseRoute(regionHref())).toEqual({ page: 'region', programmeId: null });
    expect(parseRoute(regionHref('pcs-2027'))).toEqual({ page: 'region', programmeId: 'pcs-2027' });
  });
});
