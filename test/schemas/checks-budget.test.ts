import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../schemas/checks.ts';
import type { PlanDocumentInput } from '../../schemas/plan.ts';
import { CATALOGUE, PCS_2020_2025, action, brief, makePlan } from './fixtures.ts';

const check = (doc: Partial<PlanDocumentInput>) => checkPlan(makePlan(doc), PCS_2020_2025, CATALOGUE);

/** The Liège budget (spec §1.9), with its partner transfers reduced to one ordinary and one art.20 line. */
const RECETTES = {
  total: '2.424.996,74',
  subventionPcs: '1.666.037,68',
  partCommunale: '646.977,98',
  subventionsArt20: '111.981,08',
  autres: '0,00',
};
const DEPENSES = {
  total: '2.424.996,74',
  personnel: '1.557.479,66',
  fonctionnement: '21.904,00',
  investissement: '0,00',
  subventionsInstitutions: '845.613,08',
};
const TRANSFERTS = [
  { id: 't1', partenaire: 'CPAS Abri de nuit', art20: false, montant: '733.632,00' },
  { id: 't2', partenaire: 'Capfly', art20: true, montant: '111.981,08' },
];
type Lines<T> = Partial<Record<keyof T, string | null>>;
const budgetPlan = (recettes: Lines<typeof RECETTES> = {}, depenses: Lines<typeof DEPENSES> = {}, transferts: typeof TRANSFERTS = TRANSFERTS) =>
  check({ budget: { recettes: { ...RECETTES, ...recettes }, depenses: { ...DEPENSES, ...depenses } }, transferts });
const PART_COMMUNALE_INFO = { rule: 'part-communale-ratio', level: 'info', path: 'budget.recettes.partCommunale' };

describe('checkPlan: budget identities (spec §4 I1-I6)', () => {
  it('finds no error when every identity holds to the cent, only the part communale ratio', () => {
    const findings = budgetPlan();
    expect(brief(findings)).toEqual([PART_COMMUNALE_INFO]);
    expect(findings[0]?.message).toBe('Part communale : 38,83\u00a0% de la subvention PCS (minimum 25,0\u00a0%)');
  });

  it.each([
    ['recettes total one cent too high', { total: '2.424.996,75' }, {}, ['budget-recettes-total', 'budget-equilibre']],
    ['a recettes line one cent more', { autres: '0,01' }, {}, ['budget-recettes-total']],
    ['dépenses total one cent too low', {}, { total: '2.424.996,73' }, ['budget-depenses-total', 'budget-equilibre']],
    ['a dépenses line one cent more', {}, { personnel: '1.557.479,67' }, ['budget-depenses-total']],
  ])('reports %s as an error naming the one-cent gap', (_case, recettes, depenses, rules) => {
    const errors = budgetPlan(recettes, depenses).filter((f) => f.level === 'error');
    expect(errors.map((f) => f.rule)).toEqual(rules);
    for (const f of errors) expect(f.message).toContain('écart € 0,01');
  });

  it('words the recettes total error with both amounts', () => {
    const [first] = budgetPlan({ total: '2.424.996,75' });
    expect(first).toEqual({
      rule: 'budget-recettes-total',
      level: 'error',
      path: 'budget.recettes.total',
      key: 'budget-recettes-total:budget.recettes.total',
      message: "Budget, recettes : le total (€ 2.424.996,75) n'est pas la somme des recettes (€ 2.424.996,74), écart € 0,01",
    });
  });

  it('balances the sums of the lines when no total is typed', () => {
    expect(brief(budgetPlan({ total: null }, { total: null }))).toEqual([PART_COMMUNALE_INFO]);
    const unbalanced = budgetPlan({ total: null }, { total: null, fonctionnement: '21.904,01' });
    expect(brief(unbalanced.filter((f) => f.level === 'error'))).toEqual([{ rule: 'budget-equilibre', level: 'error', path: 'budget.depenses.total' }]);
    expect(unbalanced[0]?.message).toContain('écart € 0,01');
  });

  it('finds no budget error in an empty budget', () => {
    expect(check({})).toEqual([]);
    expect(check({ budget: { depenses: { subventionsInstitutions: 0 } } })).toEqual([]);
  });

  it('reports subventions aux institutions that differ from Σ transfers by one cent', () => {
    const transferts = [{ ...TRANSFERTS[0]!, montant: '733.632,01' }, TRANSFERTS[1]!];
    const errors = budgetPlan({}, {}, transferts).filter((f) => f.level === 'error');
    expect(brief(errors)).toEqual([{ rule: 'budget-transferts', level: 'error', path: 'budget.depenses.subventionsInstitutions' }]);
    expect(errors[0]?.message).toContain('écart € 0,01');
  });

  it('reports transfers without any subventions aux institutions', () => {
    const findings = check({ transferts: [{ id: 't1', partenaire: 'CASA', montant: '35.082,00' }] });
    expect(brief(findings)).toEqual([{ rule: 'budget-transferts', level: 'error', path: 'budget.depenses.subventionsInstitutions' }]);
  });

  it('reports a subvention art.20 that is not Σ of the art.20 transfers', () => {
    const transferts = [TRANSFERTS[0]!, { ...TRANSFERTS[1]!, art20: false }];
    const errors = budgetPlan({}, {}, transferts).filter((f) => f.level === 'error');
    expect(errors).toEqual([
      {
        rule: 'budget-art20',
        level: 'error',
        path: 'budget.recettes.subventionsArt20',
        key: 'budget-art20:budget.recettes.subventionsArt20',
        message: 'La subvention art.20 (€ 111.981,08) ne correspond pas à la somme des transferts art.20 (€ 0,00), écart € 111.981,08',
      },
    ]);
  });
});

describe('checkPlan: part communale ≥ 25 % of the subvention PCS', () => {
  const partCommunale = (subventionPcs: string | null, part: string | null) => brief(check({ budget: { recettes: { subventionPcs, partCommunale: part } } }));

  it.each([
    ['416.509,42', 'info', 'part-communale-ratio'], // exactly 25 % of € 1.666.037,68
    ['416.509,41', 'error', 'part-communale-minimum'], // 25 % minus one cent
    ['646.977,98', 'info', 'part-communale-ratio'], // Liège, 38,83 %
    ['0,00', 'error', 'part-communale-minimum'],
  ])('a part communale of € %s is an %s (%s)', (part, level, rule) => {
    expect(partCommunale('1.666.037,68', part)).toEqual([{ rule, level, path: 'budget.recettes.partCommunale' }]);
  });

  it('states the ratio in the info, with two decimals', () => {
    const [finding] = check({ budget: { recettes: { subventionPcs: '1.666.037,68', partCommunale: '416.509,42' } } });
    expect(finding?.message).toBe('Part communale : 25,0\u00a0% de la subvention PCS (minimum 25,0\u00a0%)');
  });

  it('compares exactly when 25 % is not a whole cent (subvention € 0,10: € 0,03 passes, € 0,02 does not)', () => {
    expect(partCommunale('0,10', '0,03')[0]?.level).toBe('info');
    expect(partCommunale('0,10', '0,02')[0]?.level).toBe('error');
  });

  it.each([
    [null, '100,00'],
    ['0,00', '100,00'],
    ['100,00', null],
  ])('says nothing when the subvention PCS is %j and the part communale %j', (pcs, part) => {
    expect(partCommunale(pcs, part)).toEqual([]);
  });
});

describe('checkPlan: each column of the chef de projet time is 100 %', () => {
  const withColumn = (period: string, shares: [string, string | number][]) =>
    check({ repartitionTemps: Object.fromEntries(shares.map(([category, v]) => [category, { [period]: v }])) });

  it.each(['ex-ante', '2020', '2025', '2026', 'ex-post'])('accepts a %s column of exactly 100 %', (period) => {
    expect(
      withColumn(period, [
        ['tableau-de-bord', '60'],
        ['gestion-rh', '40'],
      ]),
    ).toEqual([]);
    expect(withColumn(period, [['terrain', '100 %']])).toEqual([]);
  });

  it.each([
    ['2021', '39,99'], // 99,99 %
    ['2021', '40,01'], // 100,01 %
    ['ex-ante', '35'], // 95 %, as in Liège
  ])('reports the %s column at %s + 60 as an error', (period, share) => {
    const findings = withColumn(period, [
      ['tableau-de-bord', '60'],
      ['gestion-rh', share],
    ]);
    expect(brief(findings)).toEqual([{ rule: 'temps-total', level: 'error', path: `repartitionTemps.${period}` }]);
  });

  it('names the column and its total', () => {
    const [finding] = withColumn('ex-ante', [
      ['tableau-de-bord', '60'],
      ['gestion-rh', '35'],
    ]);
    expect(finding?.message).toBe("Répartition de l'activité du chef de projet, colonne Ex-ante : le total est 95,0\u00a0% au lieu de 100 %");
  });

  it('says nothing about an all-blank column', () => {
    expect(check({ repartitionTemps: { 'tableau-de-bord': { '2020': '100', '2021': null } } })).toEqual([]);
  });

  it('checks only the columns of the programme (other years are an integrity issue)', () => {
    const after = PCS_2020_2025.years[PCS_2020_2025.years.length - 1]! + 1;
    expect(withColumn(String(after), [['terrain', '50']])).toEqual([]);
    expect(brief(withColumn('2026', [['terrain', '50']]))).toEqual([{ rule: 'temps-total', level: 'error', path: 'repartitionTemps.2026' }]);
  });
});

describe('checkPlan: order of the findings', () => {
  it('sorts errors first, then warnings, then infos, each in form order', () => {
    const findings = check({
      budget: { recettes: { subventionPcs: '1.666.037,68', partCommunale: '646.977,98' } },
      repartitionTemps: { terrain: { '2020': '50' }, promotion: { '2021': '50' } },
      actions: [action('a1', { code: '9.9.99' }), action('a2', { code: '9.9.98' })],
    });
    expect(brief(findings)).toEqual([
      { rule: 'temps-total', level: 'error', path: 'repartitionTemps.2020' },
      { rule: 'temps-total', level: 'error', path: 'repartitionTemps.2021' },
      { rule: 'code-action', level: 'warning', path: 'actions.0.code' },
      { rule: 'code-action', level: 'warning', path: 'actions.1.code' },
      PART_COMMUNALE_INFO,
    ]);
  });
});
