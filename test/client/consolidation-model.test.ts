import { describe, expect, it } from 'vitest';
import { budgetRows, dimensionsQuery, orderedDimensions, pivotColumns } from '../../client/pages/consolidation-model.ts';
import { toCellText } from '../../client/grid/columns.ts';
import type { ConsolidationResponse, PivotLine } from '../../schemas/consolidation.ts';

/** The « Consolidation » page's model: the dimensions' query and the read-only grid's texts. */

describe('consolidation page model', () => {
  it('orders the chosen dimensions as the page offers them, and falls back to the default', () => {
    expect(orderedDimensions(['annee', 'code'])).toEqual(['code', 'annee']);
    expect(dimensionsQuery(['province', 'axe'])).toBe('axe,province');
    expect(dimensionsQuery([])).toBe('code,indicateur,annee');
  });

  it('prints figures in their unit, a blank as blank and the way plans are added', () => {
    const line: PivotLine = {
      keys: { code: '1.1.05', annee: '2021' },
      unit: 'percent',
      mode: 'moyenne',
      cibles: 70_00,
      realises: null,
      atteint: null,
      plansCible: 2,
      plansRealise: 0,
      valeurs: 2,
    };
    const columns = pivotColumns(['code', 'annee']);
    const text = (key: string) => toCellText(columns.find((c) => c.key === key)!, { line });
    expect([text('dim-code'), text('dim-annee'), text('unite'), text('mode')]).toEqual([
      '1.1.05',
      '2021',
      'Pourcentage',
      'Moyenne des plans (non additionnable)',
    ]);
    expect([text('cibles'), text('realises'), text('atteint'), text('plansCible')]).toEqual(['70,0\u00a0%', '', '', '2']);
  });

  it('lays the budgets out one row per article with the years side by side', () => {
    const budgets = [2020, 2021].flatMap((annee) => [
      {
        annee,
        cote: 'recettes' as const,
        ligne: 'subventionPcs',
        libelle: 'Subvention PCS',
        montant: annee === 2020 ? 100 : null,
        plans: annee === 2020 ? 1 : 0,
      },
    ]);
    const rows = budgetRows({ budgets } as ConsolidationResponse);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.byYear['2020']!.montant).toBe(100);
    expect(rows[0]!.byYear['2021']!.montant).toBeNull();
  });
});
