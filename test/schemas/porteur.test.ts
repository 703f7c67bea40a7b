import { describe, expect, it } from 'vitest';
import { OrganisationFieldsSchema, associationTotals, porteurHeader, porteurName, porteurOfOrganisation, type PorteurSection } from '../../schemas/porteur.ts';

const porteur = (p: Partial<PorteurSection>): PorteurSection => ({ type: null, communesAssociees: [], porteParQui: null, denomination: null, ...p });

describe('porteurName', () => {
  it.each([
    ['a commune by its denomination', { commune: 'Liège', porteur: porteur({ denomination: 'la Ville de Liège' }) }, 'la Ville de Liège'],
    ['a commune by its name without one', { commune: 'Namur', porteur: porteur({ type: 'Un seul pouvoir local' }) }, 'Namur'],
    [
      'an association with its lead commune',
      {
        commune: 'Hesbaye',
        porteur: porteur({ type: 'Une association de pouvoirs locaux', communesAssociees: ['Waremme', 'Hannut'], denomination: 'Hesbaye' }),
      },
      'Association de communes Hesbaye (commune pilote : Waremme)',
    ],
    [
      'an association already called so, once',
      {
        commune: 'x',
        porteur: porteur({ type: 'Une association de pouvoirs locaux', communesAssociees: ['Aywaille'], denomination: 'Association Ourthe-Amblève' }),
      },
      'Association Ourthe-Amblève (commune pilote : Aywaille)',
    ],
    ['a CPAS by its commune', { commune: 'Ciney', porteur: porteur({ type: 'Un seul pouvoir local', porteParQui: 'Le CPAS' }) }, 'CPAS de Ciney'],
    ['a CPAS of a commune whose name starts with a vowel', { commune: 'Anderlues', porteur: porteur({ porteParQui: 'Le CPAS' }) }, 'CPAS d’Anderlues'],
    ['a CPAS of a commune whose name starts with an h', { commune: 'Huy', porteur: porteur({ porteParQui: 'Le CPAS' }) }, 'CPAS de Huy'],
  ])('names %s', (_, plan, name) => {
    expect(porteurName(plan)).toBe(name);
  });

  it('keeps the form’s running header of a commune', () => {
    expect(porteurHeader({ commune: 'Liège', porteur: porteur({ denomination: 'la Ville de Liège' }) })).toBe(
      'Plan de Cohésion sociale de la Commune (commune porteuse) de la Ville de Liège',
    );
  });
});

describe('an organisation', () => {
  it('gives its plans the porteur section of its kind, the lead commune first', () => {
    const o = OrganisationFieldsSchema.parse({
      nature: 'association',
      nom: 'Condroz',
      membres: [{ commune: 'Ciney' }, { commune: 'Havelange', pilote: true }],
    });
    expect(porteurOfOrganisation(o)).toEqual({
      commune: 'Condroz',
      porteur: { type: 'Une association de pouvoirs locaux', communesAssociees: ['Havelange', 'Ciney'], porteParQui: 'La commune', denomination: 'Condroz' },
    });
  });

  it('sums the members’ population, blank when one is blank', () => {
    expect(associationTotals([{ population: 10 }, { population: 5 }])).toEqual({ communes: 2, population: 15 });
    expect(associationTotals([{ population: 10 }, { population: null }])).toEqual({ communes: 2, population: null });
  });

  it('refuses members for a commune and a commune for an association', () => {
    const commune = OrganisationFieldsSchema.safeParse({ nature: 'commune', nom: 'Ciney', membres: [{ commune: 'Ciney' }] });
    expect(commune.error?.issues.map((i) => i.path.join('.'))).toEqual(['membres']);
    const association = OrganisationFieldsSchema.safeParse({
      nature: 'association',
      nom: 'A',
      commune: 'Ciney',
      membres: [{ commune: 'Ciney', pilote: true }, { commune: 'Dinant' }],
    });
    expect(association.error?.issues.map((i) => i.message)).toEqual(['Une association n’a pas de commune propre : indiquez ses communes membres']);
  });
});
