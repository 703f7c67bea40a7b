import { describe, expect, it } from 'vitest';
import { ConsolidationDimensionsSchema, attainmentByObjective, isAdditiveUnit, pivotIndicators, type IndicatorFact } from '../../schemas/consolidation.ts';
import { niceMax, renderAttainmentBars, renderSubsidyScatter } from '../../schemas/charts/region-charts.ts';
import type { Unit } from '../../schemas/numbers.ts';

/** The pure rules of the consolidation across plans, and its two charts. */

const dims = { axe: 'A', thematique: 'T', objectif: 'O', code: '1.1.05', indicateur: 'Participants', categorie: 'C', province: 'Namur' };
function fact(planId: string, unit: Unit, target: number | null, actual: number | null, extra: Partial<IndicatorFact> = {}): IndicatorFact {
  return { planId, indicatorId: `${planId}-i`, dims, annee: 2021, unit, target, actual, ...extra };
}

describe('pivotIndicators', () => {
  it('sums counts and amounts across plans; a blank adds nothing and is not counted as a plan', () => {
    const [line] = pivotIndicators([fact('a', 'count', 10, 8), fact('b', 'count', 20, null), fact('c', 'count', 5, 0)], ['code', 'annee']);
    expect(line).toMatchObject({ keys: { code: '1.1.05', annee: '2021' }, mode: 'somme', cibles: 35, realises: 8, plansCible: 3, plansRealise: 2, valeurs: 3 });
    // % atteint on the plans with both values: (8 + 0) / (10 + 5).
    expect(line!.atteint).toBe(53_33);
  });

  it('gives a line of blanks, not zeros, when nobody filled it', () => {
    const [line] = pivotIndicators([fact('a', 'money', null, null)], ['code']);
    expect(line).toMatchObject({ cibles: null, realises: null, atteint: null, plansCible: 0, plansRealise: 0 });
  });

  it.each<[Unit]>([['percent'], ['average'], ['score']])('averages %s across plans, never sums them', (unit) => {
    const [line] = pivotIndicators([fact('a', unit, 80_00, 70_00), fact('b', unit, 60_00, 90_00), fact('c', unit, 50_00, null)], ['code']);
    expect(isAdditiveUnit(unit)).toBe(false);
    expect(line).toMatchObject({ mode: 'moyenne', cibles: 63_33, realises: 80_00, plansCible: 3, plansRealise: 2 });
  });

  it('never puts two units in one line', () => {
    const lines = pivotIndicators([fact('a', 'count', 1, 1), fact('a', 'money', 100, 50), fact('b', 'count', 2, 2)], ['code']);
    expect(lines.map((l) => [l.unit, l.cibles])).toEqual([
      ['count', 3],
      ['money', 100],
    ]);
  });

  it('counts a plan once on a line even when two of its fiches share the code', () => {
    const [line] = pivotIndicators([fact('a', 'count', 1, 1), fact('a', 'count', 2, 2, { indicatorId: 'other' })], ['code']);
    expect(line).toMatchObject({ cibles: 3, plansCible: 1, valeurs: 2 });
  });

  it('sorts years as numbers and keys in French order', () => {
    const lines = pivotIndicators(
      [fact('a', 'count', 1, 1, { annee: 2026 }), fact('a', 'count', 1, 1, { annee: 2020 }), fact('a', 'count', 1, 1, { annee: 2021 })],
      ['annee'],
    );
    expect(lines.map((l) => l.keys.annee)).toEqual(['2020', '2021', '2026']);
  });
});

describe('attainmentByObjective', () => {
  it('averages each indicator’s Résultats ÷ Ex-ante, whatever its unit, over the rows with both and an ex-ante above zero', () => {
    const [o] = attainmentByObjective([
      fact('a', 'count', 20, 8, { annee: null }),
      fact('a', 'percent', 80_00, 70_00, { annee: null }),
      fact('b', 'count', 0, 3, { annee: null }),
      fact('c', 'count', 5, null, { annee: null }),
    ]);
    // (40 % + 87,5 %) / 2
    expect(o).toEqual({ objectif: 'O', atteint: 63_75, indicateurs: 2 });
  });
});

describe('ConsolidationDimensionsSchema', () => {
  it('reads a comma-separated list of known dimensions, each once', () => {
    expect(ConsolidationDimensionsSchema.parse('code, annee')).toEqual(['code', 'annee']);
    expect(ConsolidationDimensionsSchema.safeParse('code,commune').success).toBe(false);
    expect(ConsolidationDimensionsSchema.safeParse('annee,annee').success).toBe(false);
    expect(ConsolidationDimensionsSchema.safeParse('').success).toBe(false);
  });
});

describe('region charts', () => {
  it('rounds an axis up to 1, 2, 2,5 or 5 × 10^k', () => {
    expect([niceMax(180), niceMax(1_000), niceMax(2_100), niceMax(0)]).toEqual([200, 1_000, 2_500, 1]);
  });

  it('draws one point per porteur with both ISADF and subvention, names the others in a note, escapes names', () => {
    const svg = renderSubsidyScatter([
      { label: 'Andenne <script>', isadf: 200, subvention: 10_000_000 },
      { label: 'Binche', isadf: 350, subvention: 5_000_000 },
      { label: 'Ciney', isadf: null, subvention: 1_000 },
    ]);
    expect(svg.match(/<circle/g)).toHaveLength(2);
    expect(svg).toContain('Andenne &lt;script&gt;');
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('1 porteur sans ISADF ou sans subvention');
    expect(renderSubsidyScatter([])).toContain('Aucun porteur avec ISADF et subvention');
  });

  it('draws a bar per objective with a value and « – » for one without, with the 100 % line', () => {
    const svg = renderAttainmentBars([
      { label: 'Favoriser l’accès à la santé', atteint: 87_50, count: 4 },
      { label: 'Sans valeur', atteint: null, count: 0 },
    ]);
    expect(svg.match(/<rect/g)!.length).toBe(2); // the background and one bar
    expect(svg).toContain('88\u00a0%');
    expect(svg).toContain('>–<');
    expect(svg).toContain('stroke-dasharray');
  });
});
