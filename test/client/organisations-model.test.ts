import { describe, expect, it } from 'vitest';
import { bodyOf, createOrganisationsModel, draftErrors, membersSummary, newDraft, type OrganisationRequests } from '../../client/pages/organisations-model.ts';
import { ApiFailure } from '../../client/api.ts';
import type { Organisation } from '../../schemas/porteur.ts';
import type { Plan } from '../../schemas/plan.ts';

/** The « Organisations » page's model: the form checked by the server's schema, field by field, then sent. */

function fakeRequests(overrides: Partial<OrganisationRequests> = {}): OrganisationRequests & { sent: unknown[] } {
  const sent: unknown[] = [];
  const stored: Organisation[] = [];
  return {
    sent,
    list: async () => stored,
    create: async (body) => {
      sent.push(body);
      const o = { id: `o${stored.length}`, version: 1, plans: [], comptes: 0, commune: null, membres: [], ...body } as Organisation;
      stored.push(o);
      return o;
    },
    update: async () => {
      throw new Error('not used');
    },
    createPlan: async () => ({ id: 'p1' }) as Plan,
    ...overrides,
  };
}

describe('the organisation form', () => {
  it('names each problem on its field before sending anything', async () => {
    const requests = fakeRequests();
    const model = createOrganisationsModel(requests);
    const draft = newDraft('association');
    draft.nom = 'Hesbaye';
    draft.membres[0]!.commune = 'Waremme';
    draft.membres[1]!.commune = 'Hannut';
    draft.membres[1]!.isadf = 'abc';
    model.edit(draft);
    expect(await model.save()).toBeNull();
    expect(Object.keys(model.errors())).toEqual(['membres.1.isadf']);
    expect(requests.sent).toEqual([]);
  });

  it('asks for the lead commune and a second commune of an association', () => {
    const draft = newDraft('association');
    draft.nom = 'A';
    draft.membres = [{ commune: 'Waremme', isadf: '', population: '', pilote: false }];
    expect(draftErrors(draft)).toEqual({ membres: 'Une association compte au moins 2 communes membres' });
  });

  it('sends Belgian numbers parsed by the schema, and sums the members typed', async () => {
    const requests = fakeRequests();
    const model = createOrganisationsModel(requests);
    const draft = newDraft('association');
    draft.nom = 'Hesbaye';
    draft.membres = [
      { commune: 'Waremme', isadf: '0,112', population: '15.000', pilote: true },
      { commune: 'Hannut', isadf: '', population: '16 500', pilote: false },
    ];
    expect(membersSummary(draft)).toBe('2 communes · 31.500 habitants');
    expect(bodyOf(draft).membres).toEqual([
      { commune: 'Waremme', isadf: '0,112', population: 15_000, pilote: true },
      { commune: 'Hannut', isadf: null, population: 16_500, pilote: false },
    ]);
    model.edit(draft);
    expect(await model.save()).toMatchObject({ nom: 'Hesbaye' });
    expect(model.draft()).toBeNull();
    expect(model.organisations()).toHaveLength(1);
  });

  it('puts the server’s issues on their fields (a name already taken)', async () => {
    const model = createOrganisationsModel(
      fakeRequests({
        create: async () => {
          throw new ApiFailure(409, {
            code: 'conflict',
            message: 'Une organisation s’appelle déjà « Dinant »',
            issues: [{ path: 'nom', message: 'Une organisation s’appelle déjà « Dinant »' }],
          });
        },
      }),
    );
    const draft = newDraft('cpas');
    draft.nom = 'Dinant';
    draft.commune = 'Dinant';
    model.edit(draft);
    expect(await model.save()).toBeNull();
    expect(model.errors()).toEqual({ nom: 'Une organisation s’appelle déjà « Dinant »' });
  });
});
