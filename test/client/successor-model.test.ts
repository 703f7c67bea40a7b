import { describe, expect, it } from 'vitest';
import { describeLink, loadSuccessorModel, nextProgrammesOf, type SuccessorRequests } from '../../client/pages/successor-model.ts';
import type { KeptFiche, SuccessorPreview } from '../../schemas/requests/successor.ts';
import type { Catalogue } from '../../schemas/reference.ts';
import { loadReferenceData } from '../../server/reference.ts';

/** The model of « Préparer le plan suivant », without a browser: what starts kept, what the person changes, what is sent. */

const PREVIEW: SuccessorPreview = {
  programme: { id: 'pcs-2027', label: 'PCS 2027-2032' },
  mapping: [
    {
      actionId: 'a',
      code: '1.1.05',
      intitule: 'Français langue étrangère',
      operateur: 'CALIF',
      suggestion: { code: '1.1.01', intitule: 'FLE', score: 80, basis: 'texte' },
    },
    { actionId: 'b', code: '4.1.01', intitule: 'Campagne de promotion', operateur: null, suggestion: null },
  ],
  unmapped: ['b'],
  alreadyPrepared: null,
};
const CATALOGUE: Catalogue = {
  axes: [],
  thematiques: [],
  actions: [
    { code: '1.1.01', intitule: 'FLE', objectif: null, indicators: [] },
    { code: '4.2.01', intitule: 'Alimentation durable', objectif: null, indicators: [] },
  ],
};

function requests(preview: SuccessorPreview = PREVIEW) {
  const sent: { programmeId: string; fiches: KeptFiche[] }[] = [];
  const r: SuccessorRequests = {
    preview: async () => structuredClone(preview),
    catalogue: async () => CATALOGUE,
    prepare: async (programmeId, fiches) => {
      sent.push({ programmeId, fiches });
      return { planId: 'nouveau' };
    },
  };
  return { r, sent };
}

describe('nextProgrammesOf', () => {
  it('is the programmes whose predecessor is the plan’s programme', () => {
    const { programmes } = loadReferenceData();
    expect(nextProgrammesOf(programmes, 'pcs-2020-2025').map((p) => p.id)).toEqual(['pcs-2027']);
    expect(nextProgrammesOf(programmes, 'pcs-2027')).toEqual([]);
  });
});

describe('loadSuccessorModel', () => {
  it('keeps the fiches with a proposal under the proposed code and leaves the unmapped ones behind', async () => {
    const { r, sent } = requests();
    const model = await loadSuccessorModel('pcs-2027', r);
    expect(model.rows.map((row) => [row.actionId, row.keep, row.chosen])).toEqual([
      ['a', true, '1.1.01'],
      ['b', false, null],
    ]);
    expect(model.unmapped().map((row) => row.actionId)).toEqual(['b']);
    expect(model.codes.map((c) => c.code)).toEqual(['1.1.01', '4.2.01']);
    expect(await model.prepare()).toBe('nouveau');
    expect(sent).toEqual([{ programmeId: 'pcs-2027', fiches: [{ actionId: 'a', code: '1.1.01' }] }]);
  });

  it('keeps an unmapped fiche once a code is chosen, and leaves a fiche behind when unticked', async () => {
    const { r, sent } = requests();
    const model = await loadSuccessorModel('pcs-2027', r);
    model.choose('b', '4.2.01');
    model.setKeep('a', false);
    await model.prepare();
    expect(sent[0]!.fiches).toEqual([{ actionId: 'b', code: '4.2.01' }]);
  });

  it('refuses to send a kept fiche without a code, or a plan already prepared, saying why in French', async () => {
    const { r, sent } = requests();
    const model = await loadSuccessorModel('pcs-2027', r);
    model.setKeep('b', true);
    expect(model.problem()).toBe('Fiche 4.1.01 : choisissez son code dans le nouveau catalogue, ou ne la gardez pas.');
    await expect(model.prepare()).rejects.toThrow(/Fiche 4.1.01/);
    const done = requests({ ...PREVIEW, alreadyPrepared: { id: 'x', programmeId: 'pcs-2027', programmeLabel: 'PCS 2027-2032', commune: 'Liège' } });
    const again = await loadSuccessorModel('pcs-2027', done.r);
    expect(again.problem()).toBe(
      `Le plan ${describeLink({ id: 'x', programmeId: 'pcs-2027', programmeLabel: 'PCS 2027-2032', commune: 'Liège' })} a déjà été préparé depuis ce plan.`,
    );
    expect(sent).toEqual([]);
  });
});
