import { describe, expect, it } from 'vitest';
import { canWriteUnder, porteurIssues, roleDenial, type Role, type WriteScope } from '../../schemas/access.ts';

const scope: WriteScope = { partnerActionIds: new Set(['a1']), financeIndicatorIds: new Set(['money']) };

describe('canWriteUnder', () => {
  it.each([
    ['partenaire', 'actions.a1', true],
    ['partenaire', 'actions.a2', false],
    ['partenaire', 'actions.a1.fiche.description', true],
    ['partenaire', 'actions.a1.fiche.operateur', false],
    ['partenaire', 'actions.a1.indicators.i1.values.2021.actual', true],
    ['partenaire', 'actions.a1.indicators.i1.values.2021.target', false],
    ['partenaire', 'actions', false],
    ['partenaire', 'budget', false],
    ['finance', 'budget', true],
    ['finance', 'transferts.t1', true],
    ['finance', 'actions.a2.indicators.money.values.2021.target', true],
    ['finance', 'actions.a2.indicators.other.values.2021.target', false],
    ['finance', 'repartitionTemps.terrain.2021', false],
    ['finance', 'actions.a2', false],
    ['dics', 'budget', false],
    ['chef-de-projet', 'actions', true],
    ['admin', 'commune', true],
  ] as [Role, string, boolean][])('%s under %s: %s', (role, path, expected) => {
    expect(canWriteUnder({ role }, path, scope)).toBe(expected);
  });
});

describe('porteurIssues', () => {
  const liege = { nom: 'Liège', nature: 'commune' as const };
  it('accepts the organisation under any spelling of case and accents', () => {
    expect(porteurIssues(liege, { commune: 'LIEGE', communePorteuse: 'liège', denomination: 'la Ville de Liège' })).toEqual([]);
  });
  it('names each name that designates another commune', () => {
    expect(porteurIssues(liege, { commune: 'Namur', communePorteuse: 'Namur', denomination: 'la Ville de Namur' }).map((i) => i.path)).toEqual([
      'commune',
      'porteur.communesAssociees.0',
      'porteur.denomination',
    ]);
  });
  it('does not ask an association for its lead commune, only for its own name', () => {
    const association = { nom: 'Association Ourthe-Amblève', nature: 'association' as const };
    expect(porteurIssues(association, { commune: 'Association Ourthe-Amblève', communePorteuse: 'Aywaille' })).toEqual([]);
    expect(porteurIssues(association, { commune: 'Aywaille' })).toHaveLength(1);
  });
});

describe('roleDenial', () => {
  it.each([
    ['modifier le plan', 'Votre rôle (Agent de la DiCS) ne permet pas de modifier le plan'],
    ['instruire le rapport', 'Votre rôle (Agent de la DiCS) ne permet pas d’instruire le rapport'],
    ['importer un classeur dans ce plan', 'Votre rôle (Agent de la DiCS) ne permet pas d’importer un classeur dans ce plan'],
    ['écrire dans les questions de la DiCS', 'Votre rôle (Agent de la DiCS) ne permet pas d’écrire dans les questions de la DiCS'],
  ])('elides « de » before a vowel: %s', (what, expected) => {
    expect(roleDenial('Agent de la DiCS', what)).toBe(expected);
  });
});
