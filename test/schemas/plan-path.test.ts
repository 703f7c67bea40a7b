import { describe, expect, it } from 'vitest';
import { describePath, formatPathValue } from '../../schemas/audit.ts';
import { z } from 'zod';
import {
  ROW_ID_PATTERN,
  actionFieldPath,
  actionPathPrefix,
  budgetLinePath,
  budgetVersionPath,
  buildPath,
  consumptionPath,
  enclosingPaths,
  extendPath,
  financeLinePath,
  flattenPlan,
  idPathOf,
  imputationPath,
  indicatorPath,
  indicatorValuePath,
  indicatorsPath,
  isPathUnder,
  isPathWithin,
  isPlanPath,
  justificationPath,
  labelPath,
  listRowPath,
  parsePath,
  pathOfIssue,
  positionPathOf,
  setValueAtPath,
  splitPath,
  stablePath,
  stablePathOfIds,
  timeSharePath,
  transferPath,
  transferYearPath,
  validatePath,
  valueAtPath,
  yearOfPath,
} from '../../schemas/plan-path.ts';
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

describe('building and splitting paths', () => {
  it('builds each kind of value with its builder, as the audit trail stores it', () => {
    expect(indicatorValuePath(A2, I1, 2021, 'actual')).toBe(`actions.${A2}.indicators.${I1}.values.2021.actual`);
    expect(indicatorPath(A2, I1, 'exAnte')).toBe(`actions.${A2}.indicators.${I1}.exAnte`);
    expect(indicatorsPath(A2)).toBe(`actions.${A2}.indicators`);
    expect(actionPathPrefix(A3)).toBe(`actions.${A3}`);
    expect(actionFieldPath(A3, 'fiche', 'description')).toBe(`actions.${A3}.fiche.description`);
    expect(listRowPath('equipeMembres', M1, 'etp')).toBe(`equipeMembres.${M1}.etp`);
    expect(listRowPath('identite.representants', 0, 'nom')).toBe('identite.representants.0.nom');
    expect(transferPath(T1)).toBe(`transferts.${T1}`);
    expect(transferYearPath(T1, 2022)).toBe(`transferts.${T1}.parAnnee.2022`);
    expect(budgetLinePath('recettes', 'subventionPcs')).toBe('budget.recettes.subventionPcs');
    expect(timeSharePath('terrain', 'ex-ante')).toBe('repartitionTemps.terrain.ex-ante');
    expect(consumptionPath(2021)).toBe('consommation.2021');
    expect(budgetVersionPath(2021)).toBe('budgetsAnnuels.2021');
    expect(budgetVersionPath(2021, V1)).toBe(`budgetsAnnuels.2021.${V1}`);
    expect(imputationPath(2021, L1, 'montant')).toBe(`imputations.2021.${L1}.montant`);
    expect(financeLinePath(2021, 'part-communale')).toBe('finance.2021.part-communale');
    // A justification's key keeps its own dots out of the path's parts.
    expect(justificationPath(`code-action:actions.#${A3}.code`)).toBe(`justifications.code-action:actions·#${A3}·code`);
  });

  it('names the same values flattenPlan finds in the plan (the builders and the audit trail agree)', () => {
    const flat = flattenPlan(plan());
    for (const path of [
      transferPath(T1, 'montant'),
      listRowPath('equipeMembres', M1, 'nomPrenom'),
      imputationPath(2021, L1, 'montant'),
      buildPath(budgetVersionPath(2021, V1), 'libelle'),
      buildPath(justificationPath(`code-action:actions.#${A3}.code`), 'texte'),
      actionFieldPath(A3, 'code'),
    ]) {
      expect(flat.has(path), path).toBe(true);
    }
  });

  it('splits a built path back into its parts, and parses it to the rows it was built from', () => {
    const parts = ['actions', A2, 'indicators', I1, 'values', '2021', 'actual'];
    expect(splitPath(buildPath(...parts))).toEqual(parts);
    const { steps } = parsePath(plan(), indicatorValuePath(A2, I1, 2021, 'actual'));
    expect(steps.map((s) => (s.kind === 'row' ? `#${s.index}` : s.key))).toEqual(['actions', '#1', 'indicators', '#0', 'values', '2021', 'actual']);
  });

  it('extends the root of a document without a leading dot', () => {
    expect(extendPath('', 'textes')).toBe('textes');
    expect(extendPath('textes', 'vision')).toBe('textes.vision');
  });

  it('names an API issue by the path zod gives it, rows by position', () => {
    const schema = z.object({ actions: z.array(z.object({ statut: z.string() })) });
    const r = schema.safeParse({ actions: [{ statut: 'ok' }, { statut: 3 }] });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => pathOfIssue(i.path))).toEqual(['actions.1.statut']);
    expect(pathOfIssue(['cells', 4, 'value'])).toBe('cells.4.value');
    expect(pathOfIssue([])).toBe('');
  });
});

describe('yearOfPath', () => {
  it('reads the programme year of a value, also inside a justification key, and no other number', () => {
    const years = [2021, 2022];
    expect(yearOfPath(indicatorValuePath(A2, I1, 2022, 'target'), years)).toBe(2022);
    expect(yearOfPath(imputationPath(2021, L1, 'montant'), years)).toBe(2021);
    expect(yearOfPath(justificationPath(`completude:actions.#${A2}.indicators.#${I1}.values.2021.actual`), years)).toBe(2021);
    expect(yearOfPath(consumptionPath(2030), years)).toBeNull();
    expect(yearOfPath('identite.representants.0.nom', years)).toBeNull();
  });
});

describe('prefixes of paths', () => {
  it('holds a path within its row, but not within a row whose id it merely starts with', () => {
    expect(isPathWithin(actionFieldPath(A1, 'fiche', 'description'), actionPathPrefix(A1))).toBe(true);
    expect(isPathWithin(actionPathPrefix(A1), actionPathPrefix(A1))).toBe(true);
    expect(isPathWithin('actions.a10.statut', 'actions.a1')).toBe(false);
    expect(isPathWithin('budget.recettes', 'budget.recettes.subventionPcs')).toBe(false);
  });

  it('tells a value under a prefix from the prefix itself', () => {
    expect(isPathUnder('finance.2021.equilibre', 'finance')).toBe(true);
    expect(isPathUnder('finance', 'finance')).toBe(false);
    expect(isPathUnder('financement.2021', 'finance')).toBe(false);
  });

  it('lists the enclosing paths of a value, closest first', () => {
    expect(enclosingPaths('actions.3.indicators.2.exAnte')).toEqual([
      'actions.3.indicators.2.exAnte',
      'actions.3.indicators.2',
      'actions.3.indicators',
      'actions.3',
      'actions',
    ]);
  });
});

describe('position paths and id paths', () => {
  const p = plan();

  it('turns a position path (API issues, workbook bindings) into the audit path and the stable key of the same row', () => {
    expect(idPathOf(p, 'actions.1.indicators.0.values.2021.actual')).toBe(indicatorValuePath(A2, I1, 2021, 'actual'));
    expect(stablePath(p, 'actions.1.indicators.0.exAnte')).toBe(`actions.#${A2}.indicators.#${I1}.exAnte`);
    expect(stablePathOfIds(indicatorPath(A2, I1, 'exAnte'))).toBe(stablePath(p, 'actions.1.indicators.0.exAnte'));
  });

  it('turns an audit path back into the position path of the same row (round trip)', () => {
    const position = 'actions.1.indicators.0.values.2021.actual';
    expect(positionPathOf(p, indicatorValuePath(A2, I1, 2021, 'actual'))).toBe(position);
    expect(positionPathOf(p, idPathOf(p, position))).toBe(position);
    // A row deleted since keeps its id: there is no position to give it.
    expect(positionPathOf(p, actionFieldPath('gone-1', 'statut'))).toBe('actions.gone-1.statut');
  });

  it('keeps the position of a row that has no id, and of a row that does not exist', () => {
    expect(idPathOf(p, 'identite.representants.0.nom')).toBe('identite.representants.0.nom');
    expect(idPathOf(p, 'actions.9.statut')).toBe('actions.9.statut');
  });

  it('reads and writes a value of a document by its position path', () => {
    expect(valueAtPath(p, 'actions.2.code')).toBe('2.4.01');
    expect(valueAtPath(p, 'actions.9.code')).toBeUndefined();
    const doc: Record<string, unknown> = {};
    setValueAtPath(doc, 'consommation.2021', 12);
    expect(doc).toEqual({ consommation: { 2021: 12 } });
    expect(valueAtPath(doc, consumptionPath(2021))).toBe(12);
  });
});

describe('validatePath', () => {
  const p = plan();

  it('accepts what the plan holds, a row of it, and a blank cell that may be filled', () => {
    for (const path of [
      actionFieldPath(A3, 'code'),
      actionPathPrefix(A3),
      transferPath(T1, 'montant'),
      'textes.vision',
      // Blank values that a reviewer may still question: an indicator's year, a time share, E-compte, a budget line.
      indicatorValuePath(A2, I1, 2021, 'actual'),
      indicatorPath(A2, I1),
      timeSharePath('terrain', 2021),
      consumptionPath(2024),
      budgetLinePath('depenses', 'personnel'),
    ]) {
      expect(validatePath(p, path), path).toEqual({ ok: true });
      expect(isPlanPath(p, path)).toBe(true);
    }
  });

  it('refuses a path naming a deleted fiche or indicator, in French', () => {
    expect(validatePath(p, indicatorValuePath('5f5f5f5f-1111-4222-8333-444444444444', I1, 2021, 'actual'))).toEqual({
      ok: false,
      reason: "La fiche action n'existe pas dans ce plan (supprimée depuis ?)",
    });
    expect(validatePath(p, indicatorValuePath(A2, '5f5f5f5f-1111-4222-8333-444444444444', 2021, 'actual'))).toEqual({
      ok: false,
      reason: "L'indicateur n'existe pas dans cette fiche (supprimé depuis ?)",
    });
    expect(validatePath(p, buildPath('formations', 'gone-1', 'nom'))).toEqual({
      ok: false,
      reason: "Cette valeur n'existe pas dans ce plan (supprimée depuis ?)",
    });
  });

  it('refuses a position path: the audit trail names rows by id', () => {
    expect(isPlanPath(p, 'actions.1.indicators.0.values.2021.actual')).toBe(false);
    expect(isPlanPath(p, idPathOf(p, 'actions.1.indicators.0.values.2021.actual'))).toBe(true);
  });

  it('refuses an empty path and a value an indicator does not have, saying which', () => {
    expect(validatePath(p, '')).toEqual({ ok: false, reason: 'Le chemin est vide' });
    expect(validatePath(p, indicatorPath(A2, I1, 'couleur'))).toEqual({ ok: false, reason: "L'indicateur n'a pas de valeur « couleur »" });
    expect(validatePath(p, actionFieldPath(A3, 'couleur'))).toEqual({ ok: false, reason: "La fiche action n'a pas de valeur « couleur »" });
  });
});
