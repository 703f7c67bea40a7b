import { describe, expect, it } from 'vitest';
import { checkSubmission, findMissingValue, missingMandatoryValues } from '../../schemas/submission.ts';
import { FOUR_YEAR_PROGRAMME, indicator, makePlan } from './fixtures.ts';

/** The completeness checklist on any programme: the report year and its values come from the programme. */
describe('missingMandatoryValues', () => {
  const [first, second] = FOUR_YEAR_PROGRAMME.years;
  const plan = makePlan({
    programmeId: FOUR_YEAR_PROGRAMME.id,
    actions: [
      {
        id: 'a1',
        code: '1.3.03',
        statut: 'En cours',
        fiche: { operateur: { equipePcs: true } },
        indicators: [indicator('i1', { values: { [String(first)]: { actual: 4 } } })],
      },
    ],
    repartitionTemps: { 'tableau-de-bord': { [String(first)]: 100_00 } },
  });

  it('asks the actual and the chef de projet’s time of the report year only', () => {
    expect(missingMandatoryValues(plan, first!).realises).toEqual([]);
    expect(missingMandatoryValues(plan, second!).realises.map((d) => d.path)).toEqual([`actions.a1.indicators.i1.values.${second}.actual`]);
    expect(missingMandatoryValues(plan, first!)['fiche-plan'].some((d) => d.path === 'repartitionTemps')).toBe(false);
    expect(missingMandatoryValues(plan, second!)['fiche-plan'].some((d) => d.path === 'repartitionTemps')).toBe(true);
  });

  it('asks the values of the programme’s last year in its last report (the fourth of a four-year programme)', () => {
    const last = FOUR_YEAR_PROGRAMME.years[FOUR_YEAR_PROGRAMME.years.length - 1]!;
    expect(FOUR_YEAR_PROGRAMME.years).toHaveLength(4);
    expect(missingMandatoryValues(plan, last).realises.map((d) => d.path)).toEqual([`actions.a1.indicators.i1.values.${last}.actual`]);
    expect(missingMandatoryValues(plan, last)['fiche-plan'].some((d) => d.path === 'repartitionTemps')).toBe(true);
  });

  it('accepts the PCS team as the operator, and keys a fiche’s missing value by row id for a justification', () => {
    const fiches = missingMandatoryValues(plan, first!).fiches;
    expect(fiches.map((d) => d.path)).toEqual([
      'actions.a1.fiche.problemesBesoins',
      'actions.a1.fiche.publics',
      'actions.a1.fiche.typeAction',
      'actions.a1.fiche.description',
    ]);
    expect(findMissingValue(plan, FOUR_YEAR_PROGRAMME.years, 'completude:actions.#a1.fiche.description')).toMatchObject({
      path: 'actions.a1.fiche.description',
    });
    expect(findMissingValue(plan, FOUR_YEAR_PROGRAMME.years, 'completude:porteur.type')).toBeUndefined();
  });

  it('a justification excuses the value it names, and the item is complete once none is left', () => {
    const keys = missingMandatoryValues(plan, first!).fiches.map((d) => d.key!);
    const justified = makePlan({
      ...plan,
      justifications: keys.map((cle) => ({
        cle,
        texte: 'Fiche imprimée sans cette rubrique',
        auteur: 'x',
        justifieLe: '2026-03-01T10:00:00+01:00',
        constat: 'autre message',
      })),
    });
    const item = checkSubmission(justified, first!, []).find((i) => i.id === 'fiches')!;
    expect(item.ok).toBe(true);
    expect(item.details).toEqual([]);
    expect(item.justified).toHaveLength(4);
    expect(item.justified[0]!.justification.outdated).toBe(true);
  });
});
