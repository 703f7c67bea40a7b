import { describe, expect, it } from 'vitest';
import { readSampleDocument } from '../../samples/load-sample.ts';
import { checkPlan } from '../../schemas/checks.ts';
import { TIME_CATEGORIES } from '../../schemas/enums.ts';
import { aggregateIndicator } from '../../schemas/indicator.ts';
import { findIntegrityIssues } from '../../schemas/integrity.ts';
import { formatEuros, formatPercent, ratioHundredthsOfPercent, sumOrNull } from '../../schemas/numbers.ts';
import { PlanDocumentSchema } from '../../schemas/plan.ts';
import { CATALOGUE, brief, programme } from './fixtures.ts';

/** The Liège PCS 2020-2025 as the official form prints it (spec §1-§5), with its real inconsistencies. */
const LIEGE = PlanDocumentSchema.parse(readSampleDocument());
const PCS_3 = programme(LIEGE.programmeId);
/** The six years the form was written for, before the programme was extended through 2026. */
const FORM_YEARS = PCS_3.prolongation!.anneesInitiales;

describe('Liège sample: figures of the fiche plan (spec §4 I1-I9)', () => {
  const { recettes, depenses } = LIEGE.budget;

  it('balances recettes and dépenses at € 2.424.996,74, each total the sum of its lines', () => {
    expect(recettes.total).toBe(242499674);
    expect(depenses.total).toBe(242499674);
    expect(sumOrNull([recettes.subventionPcs, recettes.partCommunale, recettes.subventionsArt20, recettes.autres])).toBe(242499674);
    expect(sumOrNull([depenses.personnel, depenses.fonctionnement, depenses.investissement, depenses.subventionsInstitutions])).toBe(242499674);
    expect(formatEuros(recettes.total!)).toBe('€ 2.424.996,74');
  });

  it('transfers 845.613,08 to 22 partners, of which 111.981,08 under art.20', () => {
    expect(sumOrNull(LIEGE.transferts.map((t) => t.montant))).toBe(84561308);
    expect(depenses.subventionsInstitutions).toBe(84561308);
    expect(sumOrNull(LIEGE.transferts.filter((t) => t.art20 === true).map((t) => t.montant))).toBe(11198108);
    expect(recettes.subventionsArt20).toBe(11198108);
  });

  it('has a part communale of 38,83 % of the subvention PCS', () => {
    const ratio = ratioHundredthsOfPercent(recettes.partCommunale, recettes.subventionPcs);
    expect(ratio).toBe(3883);
    expect(formatPercent(ratio!)).toBe('38,83\u00a0%');
  });

  it('allocates 100 % of the chef de projet time every year of the form but 95 % in the ex-ante column; 2026 is blank', () => {
    const column = (period: string) => sumOrNull(TIME_CATEGORIES.map((c) => LIEGE.repartitionTemps[c.code]?.[period] ?? null));
    expect(column('ex-ante')).toBe(9500);
    for (const year of FORM_YEARS) expect(column(String(year))).toBe(10000);
    // The form was written before the extension: the extension's year is not filled yet, and blank is not 0.
    const added = PCS_3.years.filter((y) => !FORM_YEARS.includes(y));
    expect(added).toEqual([2026]);
    for (const year of added) expect(column(String(year))).toBeNull();
  });

  it("computes the ex-ante of the rows of Appendix A (Durée moyenne 7,00; Taux d'occupation 83,50 %)", () => {
    const row = (label: string) => LIEGE.actions.flatMap((a) => a.indicators).find((i) => i.label.startsWith(label))!;
    expect(aggregateIndicator(row("Durée moyenne d'un coaching"), PCS_3.years).exAnte).toBe(700);
    expect(aggregateIndicator(row("Taux d'occupation"), PCS_3.years).exAnte).toBe(8350);
  });

  it('has no integrity issue', () => {
    expect(findIntegrityIssues(LIEGE, PCS_3)).toEqual([]);
  });
});

describe('Liège sample: checkPlan', () => {
  it('finds exactly the known inconsistencies of the real form, no more, no fewer', () => {
    expect(brief(checkPlan(LIEGE, PCS_3, CATALOGUE))).toEqual([
      // I9b: the ex-ante column of the chef de projet time sums to 95 % under a printed "Total (100%)".
      { rule: 'temps-total', level: 'error', path: 'repartitionTemps.ex-ante' },

      // I10 / §4.2: typed ex-ante ≠ the unit rule. "annual" = ex-ante is the annual value, not the sum (16 counts,
      // 3 money rows); "✗" = firm counter-examples of §4.2; "2025 = 0" = the 4.1.01 mean broken by a stopped year.
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.2.indicators.1.exAnte' }, // 1.3.01 demandes emploi 300: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.2.indicators.2.exAnte' }, // 1.3.01 demandes formation 7.200: ✗
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.3.indicators.4.exAnte' }, // SADA professionnels 7: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.3.indicators.7.exAnte' }, // SADA convention 21.750: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.4.indicators.4.exAnte' }, // FOREM professionnels 5: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.11.indicators.0.exAnte' }, // Abri de nuit personnes 1.100: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.11.indicators.1.exAnte' }, // Abri de nuit demandes 495: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.11.indicators.2.exAnte' }, // Abri de nuit nuitées 8.900: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.13.indicators.0.exAnte' }, // Capfly personnes 4: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.13.indicators.5.exAnte' }, // Capfly professionnels 3: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.14.indicators.0.exAnte' }, // Alfa personnes 570 vs 485: ✗ (lost cell)
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.14.indicators.2.exAnte' }, // Alfa seringues stériles 70.000: ✗
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.14.indicators.3.exAnte' }, // Alfa seringues usagées 64.000: ✗
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.14.indicators.5.exAnte' }, // Alfa professionnels 3: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.15.indicators.3.exAnte' }, // La Fontaine concertations 44 vs 42: ✗
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.15.indicators.5.exAnte' }, // La Fontaine professionnels 1: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.19.indicators.3.exAnte' }, // Sidasol partenaires 20: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.19.indicators.4.exAnte' }, // Sidasol professionnels 14: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.20.indicators.0.exAnte' }, // 3.5.01 épisodes 4.000: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.20.indicators.2.exAnte' }, // 3.5.01 conventions 8 vs 6: ✗
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.20.indicators.3.exAnte' }, // 3.5.01 professionnels 13: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.20.indicators.6.exAnte' }, // 3.5.01 convention 30.000: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.22.indicators.0.exAnte' }, // 4.1.01 démarches 6: ✗
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.22.indicators.1.exAnte' }, // 4.1.01 personnes ciblées 1.000: ✗
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.22.indicators.2.exAnte' }, // 4.1.01 professionnels 40: ✗
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.22.indicators.3.exAnte' }, // 4.1.01 % de temps 2,0 %: 2025 = 0
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.22.indicators.4.exAnte' }, // 4.1.01 part du budget 2,6 %: 2025 = 0
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.22.indicators.6.exAnte' }, // 4.1.01 ETP 0,66: 2025 = 0
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.23.indicators.9.exAnte' }, // La Bobine appartenance 100: ✗
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.27.indicators.0.exAnte' }, // Relais logement logements 21 (stock): annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.27.indicators.4.exAnte' }, // Relais logement professionnels 8: annual
      { rule: 'indicateur-ex-ante', level: 'warning', path: 'actions.27.indicators.7.exAnte' }, // Relais logement convention 28.000: annual

      // I13: Σ "% de temps consacré" over the actions is 131 % (Alfa's 85 %).
      { rule: 'actions-temps-total', level: 'warning', path: 'actions' },
      // I14: Σ "Part du budget PCS" over the actions is 134,2 % (Alfa's 100 %).
      { rule: 'actions-part-budget-total', level: 'warning', path: 'actions' },

      // I11 / §4.1: transfers whose fiche gives no convention amount (stub or absent fiches: SIAJEF, Abri de jour,
      // Cap Migrants, START, UMPS, Abri de nuit without the row, Relais santé, Live in Color, Habitat-Service, Resto du
      // cœur) and CALIF, funded € 22.760 for 4 fiches whose amounts total € 11.380 (1.2.02 prints 0, 1.3.01 has no row).
      // Since the extension through 2026: CASA's fiche gives only an ex-ante of 210.492 = 6 × 35.082, the six initial
      // years; the 2026 convention is to renew (art. 20 conventions and others), so the finding is the form's next step.
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.0.montant' }, // SIAJEF/REVERS
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.1.montant' }, // CASA, 6 of 7 years
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.3.montant' }, // Abri de Jour de Liège
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.5.montant' }, // CALIF
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.6.montant' }, // Cap Migrants
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.8.montant' }, // ISoSL START
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.9.montant' }, // CHR-Citadelle UMPS
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.10.montant' }, // CPAS Abri de nuit
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.13.montant' }, // CPAS Relais santé
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.15.montant' }, // Live in Color
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.16.montant' }, // Habitat-Service
      { rule: 'convention-transfert', level: 'warning', path: 'transferts.19.montant' }, // Resto du Cœur de Liège

      // I21: 1.7.03 answers "Convention de partenariat? Non" although Live in Color receives € 8.421,00.
      { rule: 'convention-sans-transfert', level: 'warning', path: 'actions.7.fiche.conventionPartenariat' },
      // I15: Alfa is funded under art.20 yet declares 100 % of "Part du budget PCS (hors art.20)".
      { rule: 'part-budget-art20', level: 'warning', path: 'actions.14.indicators.7' },
      // I24: 4.1.01 ends on 31-12-20 but has targets for 2021-2025.
      { rule: 'valeurs-apres-fin', level: 'warning', path: 'actions.22.fiche.calendrier.fin' },

      // I7: the part communale ratio, for information.
      { rule: 'part-communale-ratio', level: 'info', path: 'budget.recettes.partCommunale' },
    ]);
  });

  it('words the known findings with the figures of the form', () => {
    const messages = checkPlan(LIEGE, PCS_3, CATALOGUE).map((f) => f.message);
    expect(messages).toContain("Répartition de l'activité du chef de projet, colonne Ex-ante : le total est 95,0\u00a0% au lieu de 100 %");
    expect(messages).toContain('Part communale : 38,83\u00a0% de la subvention PCS (minimum 25,0\u00a0%)');
    expect(messages).toContain(
      'La somme « % de temps consacré » des actions dépasse 100 % : 131,0\u00a0% en 2020, 131,0\u00a0% en 2021, 131,0\u00a0% en 2022, 131,0\u00a0% en 2023, 131,0\u00a0% en 2024, 129,0\u00a0% en 2025',
    );
    expect(messages).toContain(
      "Transfert à « CASA » (€ 35.082,00 par an) : l'ex-ante des montants de convention des fiches liées (Fiche 5.4.01 (Centre d'Actions Sociales d'Angleur et environs (CASA) asbl)) est € 210.492,00 au lieu de € 245.574,00 sur 7 ans : il couvre les 6 années initiales (2020-2025), pas l'année de prolongation 2026 (convention à renouveler)",
    );
    expect(messages).toContain(
      "Fiche 1.7.03 (Live in Color ASBL) : « Convention de partenariat? » est Non alors que l'opérateur reçoit € 8.421,00 (Live in Color)",
    );
  });
});
