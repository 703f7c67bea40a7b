import { describe, expect, it } from 'vitest';
import { describePath, formatPathValue } from '../../schemas/audit.ts';
import { ROW_ID_PATTERN, buildPath, indicatorValuePath, labelPath, parsePath } from '../../schemas/plan-path.ts';
import type { PlanDocument } from '../../schemas/plan.ts';
import { action, indicator, makePlan } from './fixtures.ts';

/** People read a path as « Fiche 1.3.03 · indicateur 2 « libellé » · Réalisé 2021 », never as a path or an id. */

const A1 = '0b6f1c1e-1f7a-4a55-9a2e-3d1c2b4a5e61';
const A2 = '7d3e9b10-2c4f-4e8a-8b1d-5a6c7e8f9012';
const A3 = 'c2a4e6f8-1b3d-4f5a-9c7e-0d2b4f6a8c0e';
const I1 = 'e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b';
const I2 = 'f0e1d2c3-b4a5-4968-8776-655443322110';
const T1 = '11111111-2222-4333-8444-555555555555';
const M1 = '99999999-8888-4777-8666-555555555555';
const V1 = 'abcdefab-cdef-4abc-8def-abcdefabcdef';
const L1 = '12345678-9abc-4def-8123-456789abcdef';

function plan(): PlanDocument {
  const doc = makePlan({
    textes: { vision: 'Une ville solidaire' },
    transferts: [{ id: T1, partenaire: 'CPAS de Testville', montant: 100_000 }],
    equipeMembres: [{ id: M1, nomPrenom: 'Marie Dupont' }],
    identite: { representants: [{ civilite: 'Mme', nom: 'Lambert', prenom: 'Anne' }] },
    actions: [
      action(A1, { code: '1.3.03', fiche: { operateur: { organisme: 'CPAS - SADA', transferId: T1 }, autresPartenaires: [{ id: 'p-01', nom: 'Forem' }] } }),
      action(A2, {
        code: '1.3.03',
        fiche: { operateur: { organisme: 'FOREM' } },
        indicators: [indicator(I1, { label: 'Nombre de personnes' }), indicator(I2, { label: 'Nombre de séances' })],
      }),
      action(A3, { code: '2.4.01', fiche: { operateur: { organisme: 'Thermos' } } }),
    ],
  });
  return {
    ...doc,
    budgetsAnnuels: [
      {
        id: V1,
        annee: 2021,
        nature: 'previsionnel',
        libelle: 'Budget initial',
        dateDecision: '2020-12-15',
        budget: doc.budget,
        commentaire: null,
        auteur: 'X',
        enregistreLe: '2020-12-16T10:00:00Z',
      },
    ],
    imputations: [
      { id: L1, annee: 2021, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Subside Région', montant: 100, nature: null, version: 0 },
    ],
    justifications: [
      {
        cle: `code-action:actions.#${A3}.code`,
        texte: 'Code provisoire',
        auteur: 'Marie',
        justifieLe: '2021-03-01T10:00:00Z',
        constat: 'Fiche 2.4.01 : le code est absent du catalogue',
        version: 0,
      },
    ],
  } as PlanDocument;
}

describe('labelPath', () => {
  const p = plan();
  it.each([
    // Indicator values: fiche code with its operator (two fiches share 1.3.03), indicator number and label, Cible/Réalisé, year.
    [indicatorValuePath(A2, I2, 2021, 'actual'), 'Fiche 1.3.03 (FOREM) · indicateur 2 « Nombre de séances » · Réalisé 2021'],
    [indicatorValuePath(A2, I1, 2022, 'target'), 'Fiche 1.3.03 (FOREM) · indicateur 1 « Nombre de personnes » · Cible 2022'],
    // The same by position (findings, API issues) and by stable key (justifications).
    ['actions.1.indicators.1.values.2021.actual', 'Fiche 1.3.03 (FOREM) · indicateur 2 « Nombre de séances » · Réalisé 2021'],
    [`actions.#${A2}.indicators.#${I1}.exAnte`, 'Fiche 1.3.03 (FOREM) · indicateur 1 « Nombre de personnes » · Ex-ante saisi'],
    [buildPath('actions', A2, 'indicators', I1, 'label'), 'Fiche 1.3.03 (FOREM) · indicateur 1 « Nombre de personnes » · Libellé'],
    // A fiche whose code is its own: no operator.
    [buildPath('actions', A3, 'fiche', 'description'), 'Fiche 2.4.01 · Description'],
    [buildPath('actions', A3, 'statut'), 'Fiche 2.4.01 · Statut'],
    [buildPath('actions', A3), 'Fiche 2.4.01'],
    [buildPath('actions', A1, 'fiche', 'operateur', 'organisme'), 'Fiche 1.3.03 (CPAS - SADA) · Opérateur · Association / organisme'],
    [buildPath('actions', A1, 'fiche', 'autresPartenaires', 'p-01', 'nom'), 'Fiche 1.3.03 (CPAS - SADA) · autre partenaire 1 « Forem » · Nom'],
    // Fiche plan sections and fields.
    ['textes.vision', 'Textes du plan · Vision'],
    ['budget.recettes.subventionPcs', 'Budget · Recettes · Subvention PCS'],
    ['identite.representants.0.nom', 'Identité · représentant 1 « Lambert » · Nom'],
    ['commune', 'Commune'],
    // List rows, transfers, time, consumption.
    [buildPath('equipeMembres', M1, 'etp'), "Membres de l'équipe · membre 1 « Marie Dupont » · ETP"],
    [buildPath('transferts', T1, 'montant'), 'Transfert à « CPAS de Testville » · Montant'],
    [buildPath('transferts', T1, 'parAnnee', 2022), 'Transfert à « CPAS de Testville » · 2022'],
    ['repartitionTemps.terrain.ex-ante', "Répartition de l'activité du chef de projet · « à la mise en œuvre d'actions sur le terrain » · Ex-ante"],
    ['consommation.2021', 'Consommation réelle (E-compte) · 2021'],
    // Finance: budget versions and imputations keyed by year, justifications by finding, reconciliation lines.
    [
      buildPath('budgetsAnnuels', 2021, V1, 'budget', 'recettes', 'autres'),
      'Budget annuel 2021 · prévisionnel « Budget initial » · Recettes · Autre(s) subv./recette(s)',
    ],
    [buildPath('imputations', 2021, L1, 'montant'), 'Imputation E-compte 2021 · « Subside Région » · Montant'],
    [`justifications.code-action:actions·#${A3}·code.texte`, 'Justification du constat « Fiche 2.4.01 : le code est absent du catalogue » · Texte'],
    ['finance.2021.part-communale', 'Rapprochement financier 2021 · Part communale'],
  ])('%s → %s', (path, label) => {
    expect(labelPath(p, path)).toBe(label);
    expect(label).not.toMatch(ROW_ID_PATTERN);
  });

  it('names rows deleted since by the label stored with the change, else generically, never by id', () => {
    const gone = indicatorValuePath('5f5f5f5f-1111-4222-8333-444444444444', I1, 2021, 'actual');
    expect(labelPath(p, gone, { storedLabel: 'Fiche 9.9.99 · indicateur 1 « Ancien » · Réalisé 2021' })).toBe(
      'Fiche 9.9.99 · indicateur 1 « Ancien » · Réalisé 2021',
    );
    expect(labelPath(p, gone)).toBe('Fiche supprimée · indicateur · Réalisé 2021');
    // A label stored in an older format that carried an id is not shown.
    expect(labelPath(p, gone, { storedLabel: `Indicateur ${I1}, 2021` })).toBe('Fiche supprimée · indicateur · Réalisé 2021');
    expect(labelPath(p, indicatorValuePath(A2, '5f5f5f5f-1111-4222-8333-444444444444', 2021, 'target'))).toBe(
      'Fiche 1.3.03 (FOREM) · indicateur supprimé · Cible 2021',
    );
    expect(labelPath(p, buildPath('transferts', 'gone-1', 'montant'))).toBe('Transfert supprimé · Montant');
    expect(labelPath(p, buildPath('imputations', 2021, 'gone-1', 'montant'))).toBe('Imputation E-compte 2021 · ligne supprimée · Montant');
    expect(labelPath(p, buildPath('equipeMembres', M1.replace('9', '0'), 'etp'))).toBe("Membres de l'équipe · membre supprimé · ETP");
    expect(labelPath(p, `justifications.code-action:actions·#${A2}·code.texte`)).toBe('Justification sur Fiche 1.3.03 (FOREM) · Code · Texte');
  });

  it('reads `<année>.<id>` of a list longer than the year, and labels 30 000 values of a 5 000-line import at once', () => {
    const big = plan();
    const lines = Array.from({ length: 5000 }, (_, i) => ({ ...big.imputations[0]!, id: `line-${i}`, libelle: `Ligne ${i}` }));
    const doc = { ...big, imputations: lines } as PlanDocument;
    expect(labelPath(doc, buildPath('imputations', 2021, 'line-4999', 'montant'))).toBe('Imputation E-compte 2021 · « Ligne 4999 » · Montant');
    expect(labelPath(doc, buildPath('imputations', 2021, 'line-gone', 'montant'))).toBe('Imputation E-compte 2021 · ligne supprimée · Montant');
    // Within the test's time limit only if rows are found by an index, not a scan of the list per value.
    const labels = lines.flatMap((l) =>
      ['annee', 'codeFonctionnel', 'articleEconomique', 'libelle', 'montant', 'nature'].map((f) => labelPath(doc, buildPath('imputations', 2021, l.id, f))),
    );
    expect(labels.filter((l) => l.includes('supprimée'))).toEqual([]);
  });

  it('keeps describePath as the same labelling (its callers pass a plan and a path)', () => {
    expect(describePath(p, indicatorValuePath(A2, I2, 2021, 'actual'))).toBe(labelPath(p, indicatorValuePath(A2, I2, 2021, 'actual')));
  });

  it('parses audit, position and stable paths to the same rows', () => {
    const [a, b, c] = [
      indicatorValuePath(A2, I1, 2021, 'actual'),
      'actions.1.indicators.0.values.2021.actual',
      `actions.#${A2}.indicators.#${I1}.values.2021.actual`,
    ].map((x) => parsePath(p, x).steps);
    for (const steps of [a, b, c]) expect(steps!.filter((s) => s.kind === 'row').map((s) => (s.kind === 'row' ? s.row?.id : null))).toEqual([A2, I1]);
  });
});

describe('formatPathValue', () => {
  it('names a referenced row instead of showing its id', () => {
    const p = plan();
    expect(formatPathValue(p, buildPath('actions', A1, 'fiche', 'operateur', 'transferId'), T1)).toBe('Transfert à « CPAS de Testville »');
    expect(formatPathValue(p, buildPath('actions', A1, 'fiche', 'operateur', 'transferId'), 'gone')).toBe('transfert supprimé');
    expect(formatPathValue(p, 'partenaires.x.actionIds', JSON.stringify([A3, A2]))).toBe('Fiche 2.4.01, Fiche 1.3.03 (FOREM)');
  });
});
