import { describe, expect, it } from 'vitest';
import { lastKnownActual, MIN_SCORE, proposeCarryOver, significantWords, suggestCode, wordSimilarity } from '../../schemas/carry-over.ts';
import type { Catalogue } from '../../schemas/reference.ts';

const catalogue = (actions: { code: string; intitule: string; objectif?: string | null }[]): Catalogue => ({
  axes: [],
  thematiques: [],
  actions: actions.map((a) => ({ code: a.code, intitule: a.intitule, objectif: a.objectif ?? null, indicators: [] })),
});

const next = catalogue([
  { code: '1.1.01', intitule: 'Cours de français langue étrangère (FLE)', objectif: 'Apprendre le français aux personnes étrangères' },
  { code: '1.3.03', intitule: 'Coaching et orientation vers un projet professionnel', objectif: "Identifier l'emploi visé" },
  { code: '2.2.01', intitule: 'Abris de nuit et accueil de jour', objectif: 'Procurer un abri la nuit ou la journée' },
  { code: '5.1.01', intitule: 'Fête des voisins', objectif: null },
]);

describe('significantWords', () => {
  it('ignores case, accents, stop words, short words and a plural s or x', () => {
    expect([...significantWords("L'Épanouissement des ABRIS de nuit, et des jeux")]).toEqual(['epanouissement', 'abri', 'nuit', 'jeu']);
  });
  it('gives no word for a blank text', () => {
    expect(significantWords(null).size).toBe(0);
    expect(significantWords('  de la ').size).toBe(0);
  });
});

describe('wordSimilarity', () => {
  it('is the share of words in common as a whole percent (Dice), 0 when a side has none', () => {
    expect(wordSimilarity(significantWords('abri nuit'), significantWords('abri nuit'))).toBe(100);
    expect(wordSimilarity(significantWords('abri nuit'), significantWords('abri jour'))).toBe(50);
    expect(wordSimilarity(significantWords('abri'), new Set())).toBe(0);
  });
});

describe('suggestCode', () => {
  it('keeps the same code when the new catalogue has it with a similar intitulé', () => {
    const s = suggestCode({ code: '1.3.03', intitule: 'Coaching / orientation (projet professionnel)', objectif: null }, next);
    expect(s).toMatchObject({ code: '1.3.03', basis: 'code' });
    expect(s!.score).toBeGreaterThanOrEqual(50);
  });

  it('keeps the same code whatever its intitulé when the old one is unknown (a code outside the old catalogue)', () => {
    expect(suggestCode({ code: '5.1.01', intitule: null, objectif: null }, next)).toEqual({
      code: '5.1.01',
      intitule: 'Fête des voisins',
      score: 0,
      basis: 'code',
    });
  });

  it('moves to the entry sharing the most words of intitulé and objectif when the code changed', () => {
    const s = suggestCode({ code: '2.4.01', intitule: 'Abri de nuit', objectif: 'Procurer un abri pour la nuit et/ou pour la journée' }, next);
    expect(s).toMatchObject({ code: '2.2.01', intitule: 'Abris de nuit et accueil de jour', basis: 'texte' });
  });

  it('does not keep a code whose intitulé now names another action: it looks by words instead', () => {
    const renamed = catalogue([
      { code: '1.1.05', intitule: 'Fête des voisins', objectif: null },
      { code: '1.1.01', intitule: 'Français langue étrangère', objectif: null },
    ]);
    expect(suggestCode({ code: '1.1.05', intitule: 'Français langue étrangère', objectif: null }, renamed)).toMatchObject({
      code: '1.1.01',
      score: 100,
      basis: 'texte',
    });
  });

  it(`proposes nothing below ${MIN_SCORE} %: the fiche is unmapped`, () => {
    expect(suggestCode({ code: '4.1.01', intitule: 'Campagne de promotion', objectif: 'Sensibiliser à la conservation des aliments' }, next)).toBeNull();
    expect(suggestCode({ code: '9.9.99', intitule: null, objectif: null }, next)).toBeNull();
  });

  it('takes the first entry in catalogue order among equal scores', () => {
    const twins = catalogue([
      { code: '1.1.01', intitule: 'Abri de nuit' },
      { code: '1.1.02', intitule: 'Abri de nuit' },
    ]);
    expect(suggestCode({ code: '2.4.01', intitule: 'Abri de nuit', objectif: null }, twins)?.code).toBe('1.1.01');
  });
});

describe('proposeCarryOver', () => {
  it('lists every fiche in plan order with its old intitulé, its operator and the proposal', () => {
    const old = catalogue([
      { code: '2.4.01', intitule: 'Abri de nuit', objectif: 'Procurer un abri pour la nuit' },
      { code: '4.1.01', intitule: 'Campagne de promotion', objectif: null },
    ]);
    const lines = proposeCarryOver(
      [
        { id: 'a', code: '2.4.01', fiche: { operateur: { organisme: 'CPAS', equipePcs: false } } },
        { id: 'b', code: '4.1.01', fiche: { operateur: { organisme: null, equipePcs: true } } },
      ],
      old,
      next,
    );
    expect(lines.map((l) => [l.actionId, l.intitule, l.operateur, l.suggestion?.code ?? null])).toEqual([
      ['a', 'Abri de nuit', 'CPAS', '2.2.01'],
      ['b', 'Campagne de promotion', 'équipe PCS', null],
    ]);
  });
});

describe('lastKnownActual', () => {
  it('is the actual of the latest year that has one, blank years skipped (blank is not zero)', () => {
    const values = { '2020': { actual: 5 }, '2021': { actual: 0 }, '2022': { actual: null } };
    expect(lastKnownActual(values, [2020, 2021, 2022])).toEqual({ annee: 2021, valeur: 0 });
    expect(lastKnownActual({ '2022': { actual: null } }, [2020, 2021, 2022])).toBeNull();
  });
});
