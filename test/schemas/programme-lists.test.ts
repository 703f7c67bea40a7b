import { describe, expect, it } from 'vitest';
import { CADRES_EXISTANTS, FREQUENCES, MODES_COMMUNICATION_EXTERNE } from '../../schemas/enums.ts';
import { findListIssues } from '../../schemas/integrity.ts';
import { PlanDocumentSchema } from '../../schemas/plan.ts';
import { LIST_FIELDS, PROGRAMME_LIST_DEFAULTS, PROGRAMME_LIST_NAMES, dropValuesOutsideLists, listsOf } from '../../schemas/programme-lists.ts';
import { ProgrammeSchema, type Programme } from '../../schemas/reference.ts';
import { loadReferenceData } from '../../server/reference.ts';

const { programmes } = loadReferenceData();
const byId = (id: string): Programme => programmes.find((p) => p.id === id)!;
const PCS_3 = byId('pcs-2020-2025');
const PCS_4 = byId('pcs-2027');

describe('listsOf', () => {
  it('answers every list with the form’s values when the programme gives none', () => {
    expect(PCS_3.listes).toBeUndefined();
    expect(listsOf(PCS_3)).toEqual(PROGRAMME_LIST_DEFAULTS);
  });

  it('answers the programme’s own values where it gives them, the form’s elsewhere', () => {
    const lists = listsOf(PCS_4);
    expect(lists.cadresExistants).toEqual(['Inscrite dans PCS 3', 'Inscrite dans PCS 3 et mise en œuvre sur le territoire hors PCS']);
    expect(lists.frequences).toEqual(FREQUENCES);
    expect(Object.keys(lists).sort()).toEqual([...PROGRAMME_LIST_NAMES].sort());
  });

  it('names a field of the plan for every list', () => {
    expect(new Set(LIST_FIELDS.map((f) => f.list))).toEqual(new Set(PROGRAMME_LIST_NAMES));
  });
});

describe('ProgrammeSchema.listes', () => {
  const definition = (listes: unknown) => ({ ...PCS_4, listes });

  it('accepts a programme that words some lists its own way', () => {
    expect(ProgrammeSchema.safeParse(definition({ frequences: ['Tous les jours', 'Autre'] })).success).toBe(true);
  });

  it.each([
    [{ couleurs: ['Bleu'] }, 'listes'],
    [{ frequences: [] }, 'listes.frequences'],
    [{ frequences: ['Autre', 'Autre'] }, 'listes.frequences'],
  ])('refuses %j at %s', (listes, path) => {
    const parsed = ProgrammeSchema.safeParse(definition(listes));
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('findListIssues', () => {
  const plan = PlanDocumentSchema.parse({
    commune: 'Namur',
    programmeId: 'pcs-2027',
    actions: [{ id: 'a1', code: '1.3.03', fiche: { cadreExistant: 'Inscrite dans PCS 2' } }],
    communication: { externe: ['Newsletter', 'Pigeon voyageur'] },
  });
  const cadre = 'actions.a1.fiche.cadreExistant';

  it('refuses a value the write brings that is not in the programme’s list, at its path, in French', () => {
    const issues = findListIssues(plan, PCS_4, [{ path: cadre, old: null, new: 'Inscrite dans PCS 2' }]);
    expect(issues).toEqual([
      {
        path: cadre,
        message:
          "Fiche 1.3.03 · Cadre existant : « Inscrite dans PCS 2 » n'est pas une valeur de la liste du programme PCS 4 " +
          '(« Inscrite dans PCS 3 », « Inscrite dans PCS 3 et mise en œuvre sur le territoire hors PCS »)',
      },
    ]);
  });

  it('accepts the same value on a programme whose list holds it', () => {
    expect(findListIssues(plan, PCS_3, [{ path: cadre, old: null, new: CADRES_EXISTANTS[0] }])).toEqual([]);
  });

  it('leaves alone what the write does not change, and a value it leaves in place', () => {
    expect(findListIssues(plan, PCS_4, [])).toEqual([]);
    expect(findListIssues(plan, PCS_4, [{ path: cadre, old: 'Inscrite dans PCS 2', new: 'Inscrite dans PCS 2' }])).toEqual([]);
    expect(findListIssues(plan, PCS_4, [{ path: cadre, old: 'Inscrite dans PCS 2', new: null }])).toEqual([]);
  });

  it('keeps the former values of a multiple choice and refuses only the new one outside the list', () => {
    const path = 'communication.externe';
    const old = JSON.stringify(['Pigeon voyageur']);
    expect(findListIssues(plan, PCS_4, [{ path, old, new: JSON.stringify(['Pigeon voyageur', MODES_COMMUNICATION_EXTERNE[0]]) }])).toEqual([]);
    const issues = findListIssues(plan, PCS_4, [{ path, old, new: JSON.stringify(['Pigeon voyageur', 'Télépathie']) }]);
    expect(issues.map((i) => [i.path, i.message.includes('« Télépathie »')])).toEqual([[`${path}.1`, true]]);
  });

  it('ignores the fields of no programme list', () => {
    expect(findListIssues(plan, PCS_4, [{ path: 'actions.a1.fiche.description', old: null, new: 'Inscrite dans PCS 2' }])).toEqual([]);
  });
});

describe('dropValuesOutsideLists (a plan carried to the next programme)', () => {
  it('leaves blank the values the new programme no longer offers and keeps the others', () => {
    const doc = PlanDocumentSchema.parse({
      commune: 'Liège',
      programmeId: PCS_4.id,
      communication: { externe: [MODES_COMMUNICATION_EXTERNE[0]] },
      actions: [
        { id: 'a1', code: '1.3.03', fiche: { cadreExistant: CADRES_EXISTANTS[0], calendrier: { frequence: FREQUENCES[0] } } },
        { id: 'a2', code: '2.4.01', fiche: { cadreExistant: listsOf(PCS_4).cadresExistants[0] } },
      ],
    });
    expect(dropValuesOutsideLists(doc, PCS_4)).toBe(1);
    expect(doc.actions.map((a) => a.fiche.cadreExistant)).toEqual([null, 'Inscrite dans PCS 3']);
    expect(doc.actions[0]!.fiche.calendrier.frequence).toBe(FREQUENCES[0]);
    expect(doc.communication.externe).toEqual([MODES_COMMUNICATION_EXTERNE[0]]);
    expect(dropValuesOutsideLists(doc, PCS_3)).toBe(1);
    expect(doc.actions[1]!.fiche.cadreExistant).toBeNull();
  });
});
