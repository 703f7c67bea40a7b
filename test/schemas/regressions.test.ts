import { describe, expect, it } from 'vitest';
import { checkPlan } from '../../schemas/checks.ts';
import { findIntegrityIssues } from '../../schemas/integrity.ts';
import { BudgetSchema } from '../../schemas/plan.ts';
import type { PlanDocumentInput } from '../../schemas/plan.ts';
import { CATALOGUE, PCS_2020_2025, makePlan } from './fixtures.ts';

const check = (doc: Partial<PlanDocumentInput>) => checkPlan(makePlan(doc), PCS_2020_2025, CATALOGUE);
const firstYear = String(PCS_2020_2025.years[0]);

describe('scaledNumber keeps the message of each refusal', () => {
  it.each([
    ['-5,00', 'La valeur ne peut pas être négative'],
    [-500, 'La valeur ne peut pas être négative'],
    ['1,234.56', "« 1,234.56 » n'est pas au format belge : la virgule sépare les décimales et le point les milliers (ex. 1.234,56)"],
    ['1.5', "« 1.5 » n'est pas au format belge : la virgule sépare les décimales et le point les milliers (ex. 1.234,56)"],
    [1.5, 'Nombre entier attendu, en unités mineures (centimes, centièmes)'],
    [true, 'Nombre attendu'],
  ])('refuses %j as an amount with « %s »', (input, message) => {
    const r = BudgetSchema.safeParse({ recettes: { partCommunale: input } });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['recettes.partCommunale', message]]);
  });
});

describe('checkPlan: messages at the boundaries show the exact figure', () => {
  it('prints a 99,99 % time column as 99,99 %, not 100,0 %', () => {
    const [f] = check({ repartitionTemps: { 'tableau-de-bord': { [firstYear]: '60' }, 'gestion-rh': { [firstYear]: '39,99' } } });
    expect(f?.message).toBe(`Répartition de l'activité du chef de projet, colonne ${firstYear} : le total est 99,99\u00a0% au lieu de 100 %`);
  });

  it('says how much part communale is missing, to the cent', () => {
    const findings = check({ budget: { recettes: { subventionPcs: '1.666.037,68', partCommunale: '416.509,41' } } });
    const f = findings.find((x) => x.rule === 'part-communale-minimum');
    expect(f?.message).toBe("La part communale (€ 416.509,41) n'atteint pas 25,0\u00a0% de la subvention PCS (€ 1.666.037,68) : il manque € 0,01");
  });

  it('accepts a part communale of exactly a quarter rounded up to the cent', () => {
    const findings = check({ budget: { recettes: { subventionPcs: '1.666.037,68', partCommunale: '416.509,42' } } });
    expect(findings.map((x) => x.rule)).toEqual(['part-communale-ratio']);
  });
});

describe('checkPlan: a column of zeros is the form’s formula default', () => {
  it('does not report an Ex-post column printed 0 % everywhere', () => {
    expect(check({ repartitionTemps: { 'tableau-de-bord': { 'ex-post': '0' }, 'gestion-rh': { 'ex-post': 0 } } })).toEqual([]);
  });
});

describe('findIntegrityIssues: dates and years of the fiche plan belong to the programme', () => {
  it('refuses a commission date outside the year it is filed under', () => {
    const doc = makePlan({ commissions: { dates: { [firstYear]: [`${firstYear}-03-01`, '2019-05-01'] } } });
    expect(findIntegrityIssues(doc, PCS_2020_2025)).toEqual([
      { path: `commissions.dates.${firstYear}.1`, message: `La date 2019-05-01 n'est pas en ${firstYear}` },
    ]);
  });

  it('refuses a training year outside the programme', () => {
    const doc = makePlan({ formations: [{ id: 'f1', thematique: 'Gestion de projet', annee: 2012 }] });
    expect(findIntegrityIssues(doc, PCS_2020_2025).map((i) => i.path)).toEqual(['formations.0.annee']);
  });
});
