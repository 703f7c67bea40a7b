import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PlanDocumentSchema } from '../../schemas/plan.ts';
import { CHECKLIST_ITEM_IDS, ProgrammesSchema, submissionKindOf } from '../../schemas/reference.ts';
import {
  checkSubmission,
  latestSubmissions,
  lockedYears,
  obligationStatus,
  openObligations,
  planObligations,
  submissionName,
  type Submission,
} from '../../schemas/submission.ts';

/** The rules every kind of submission shares: its checklist, the locked years, where an obligation stands. */

const programmes = ProgrammesSchema.parse(JSON.parse(readFileSync(new URL('../../templates/programmes.json', import.meta.url), 'utf8')));
const draft = programmes.find((p) => p.id === 'pcs-2027')!;
const [first, second] = draft.years as [number, number];
const plan = PlanDocumentSchema.parse({ commune: 'Testville', programmeId: draft.id });

type Row = Pick<Submission, 'kind' | 'annee' | 'numero' | 'statut'>;
const row = (kind: string, annee: number, numero: number, statut: Submission['statut']): Row => ({ kind, annee, numero, statut });

describe('checkSubmission of a kind', () => {
  it('keeps only the items the kind requires, in the checklist’s order', () => {
    const justification = submissionKindOf(draft, 'justification-financiere')!;
    expect(checkSubmission(plan, first, [], justification.checklist).map((i) => i.id)).toEqual(['budget']);
    const initial = submissionKindOf(draft, 'plan-initial')!;
    expect(checkSubmission(plan, first, [], initial.checklist).map((i) => i.id)).toEqual(['fiche-plan', 'actions', 'fiches', 'budget']);
    expect(checkSubmission(plan, first, []).map((i) => i.id)).toEqual([...CHECKLIST_ITEM_IDS]);
  });
});

describe('lockedYears', () => {
  it('locks a year when the latest submission of any of its kinds is under review or approved', () => {
    expect(lockedYears([row('justification-financiere', first, 1, 'soumis')])).toEqual([first]);
    expect(lockedYears([row('justification-financiere', first, 1, 'soumis'), row('justification-financiere', first, 2, 'rouvert')])).toEqual([]);
    // Another kind's approved submission of the year keeps it locked whatever happens to the first kind.
    expect(
      lockedYears([
        row('justification-financiere', first, 1, 'retourne'),
        row('plan-initial', first, 1, 'approuve'),
        row('plan-initial', second, 1, 'rouvert'),
      ]),
    ).toEqual([first]);
  });

  it('counts numbers per kind and year: a kind’s n°2 does not hide another kind’s n°1', () => {
    const rows = [row('a', first, 2, 'rouvert'), row('b', first, 1, 'soumis'), row('a', first, 1, 'soumis')];
    expect(latestSubmissions(rows).map((r) => [r.kind, r.numero])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    expect(lockedYears(rows)).toEqual([first]);
  });
});

describe('obligationStatus', () => {
  it.each([
    [null, '2026-12-31', 'non-commence', false],
    [null, '2027-01-01', 'brouillon', false],
    [null, '2028-07-01', 'brouillon', true],
    [{ statut: 'soumis' as const }, '2028-07-01', 'soumis', false],
    [{ statut: 'approuve' as const }, '2030-01-01', 'approuve', false],
    [{ statut: 'retourne' as const }, '2028-06-30', 'retourne', false],
    [{ statut: 'rouvert' as const }, '2028-07-01', 'rouvert', true],
  ])('latest %o on %s: %s, late %s', (latest, today, statut, enRetard) => {
    expect(obligationStatus(latest, 2027, '2028-06-30', today)).toEqual({ statut, enRetard });
  });
});

describe('submissionName', () => {
  it('names the annual report as it always did, another kind by its label', () => {
    expect(submissionName({ kind: 'rapport-annuel', kindLabel: 'Rapport annuel', annee: 2021 }, true)).toBe('Le rapport 2021');
    expect(submissionName({ kind: 'plan-initial', kindLabel: 'Plan initial', annee: 2027 })).toBe('« Plan initial 2027 »');
  });
});

describe('openObligations', () => {
  const submitted = [{ id: 's1', kind: 'justification-financiere', annee: first, numero: 1, statut: 'soumis' as const }];
  it('keeps what is neither under review nor approved, begun or due within a year, soonest due first', () => {
    const before = '2026-06-15';
    expect(openObligations(planObligations(draft, [], before), before).map((o) => [o.kind, o.annee, o.statut])).toEqual([
      ['plan-initial', first, 'non-commence'],
    ]);
    const later = `${second}-01-15`;
    expect(openObligations(planObligations(draft, submitted, later), later).map((o) => [o.kind, o.annee, o.statut, o.enRetard])).toEqual([
      ['plan-initial', first, 'brouillon', true],
      ['justification-financiere', second, 'brouillon', false],
    ]);
  });
});
