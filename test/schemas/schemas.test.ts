import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { readSampleDocument } from '../../samples/load-sample.ts';
import { PublicCibleSchema } from '../../schemas/action.ts';
import { pathOfIssue } from '../../schemas/plan-path.ts';
import { IndicatorSchema } from '../../schemas/indicator.ts';
import type { Unit } from '../../schemas/numbers.ts';
import { PlanDocumentSchema } from '../../schemas/plan.ts';
import { indicator } from './fixtures.ts';

const HEADER = { commune: 'Testville', programmeId: 'pcs-2020-2025' };
/** Parses a document made of the header and `doc`; `doc` may be deliberately wrong, hence `object`. */
const parsePlan = (doc: object) => PlanDocumentSchema.safeParse({ ...HEADER, ...doc });

/** Issues as the API reports them: a dotted path and a message. */
function issuesOf(result: { success: boolean; error?: z.ZodError }) {
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((i) => ({ path: pathOfIssue(i.path), message: i.message, code: i.code }));
}
const pathsOf = (result: { success: boolean; error?: z.ZodError }) => issuesOf(result).map((i) => i.path);

describe('PlanDocumentSchema', () => {
  it('round-trips the Liège sample: parse, serialise to JSON, parse again gives the same value', () => {
    const first = PlanDocumentSchema.parse(readSampleDocument());
    const again = PlanDocumentSchema.parse(JSON.parse(JSON.stringify(first)));
    expect(again).toEqual(first);
    expect(first.actions).toHaveLength(29);
    expect(first.transferts).toHaveLength(22);
  });

  it('reads Belgian strings into integers in minor units', () => {
    const doc = PlanDocumentSchema.parse({ ...HEADER, budget: { recettes: { total: '€ 2.424.996,74', autres: '0,00' } } });
    expect(doc.budget.recettes).toMatchObject({ total: 242499674, autres: 0, subventionPcs: null });
  });

  it.each([
    [{ foo: 1 }, ''],
    [{ budget: { recettes: { foo: 1 } } }, 'budget.recettes'],
    [{ transferts: [{ id: 't1', partenaire: 'CASA', iban: 'BE00' }] }, 'transferts.0'],
    [{ actions: [{ id: 'a1', code: '1.1.05', fiche: { couleur: 'bleu' } }] }, 'actions.0.fiche'],
    [{ actions: [{ id: 'a1', code: '1.1.05', indicators: [{ ...indicator('i1'), note: 'x' }] }] }, 'actions.0.indicators.0'],
    [
      { actions: [{ id: 'a1', code: '1.1.05', indicators: [{ ...indicator('i1'), values: { '2020': { target: 1, cible: 2 } } }] }] },
      'actions.0.indicators.0.values.2020',
    ],
  ])('rejects an unknown field (%j) at %j', (doc, path) => {
    expect(issuesOf(parsePlan(doc))).toEqual([expect.objectContaining({ code: 'unrecognized_keys', path })]);
  });

  it('refuses a 100 000-character text with its path and a French message', () => {
    expect(issuesOf(parsePlan({ textes: { portrait: 'a'.repeat(100_000) } }))).toEqual([
      { path: 'textes.portrait', message: 'Texte trop long (20.000 caractères au plus)', code: 'too_big' },
    ]);
  });

  it.each([
    ['long text', (s: string) => ({ textes: { vision: s } }), 20_000, 'textes.vision'],
    ['medium text', (s: string) => ({ identite: { adresse: s } }), 2_000, 'identite.adresse'],
    ['short text', (s: string) => ({ transferts: [{ id: 't1', partenaire: s }] }), 300, 'transferts.0.partenaire'],
  ] as const)('accepts a %s of exactly its limit and refuses one character more', (_kind, place, limit, path) => {
    expect(parsePlan(place('é'.repeat(limit))).success).toBe(true);
    expect(pathsOf(parsePlan(place('é'.repeat(limit + 1))))).toEqual([path]);
  });

  it('refuses a negative amount with its path and a French message', () => {
    expect(issuesOf(parsePlan({ budget: { recettes: { partCommunale: -1 } } }))).toEqual([
      expect.objectContaining({ path: 'budget.recettes.partCommunale', message: 'La valeur ne peut pas être négative' }),
    ]);
    expect(pathsOf(parsePlan({ transferts: [{ id: 't1', partenaire: 'CASA', montant: -100 }] }))).toEqual(['transferts.0.montant']);
  });

  it('refuses a negative amount typed as Belgian text, at its path', () => {
    expect(pathsOf(parsePlan({ budget: { depenses: { personnel: '-5,00' } } }))).toEqual(['budget.depenses.personnel']);
  });

  it('refuses a year key that is not AAAA, at that key', () => {
    const doc = { actions: [{ id: 'a1', code: '1.1.05', indicators: [indicator('i1', { values: { '21': { target: 1 } } })] }] };
    expect(pathsOf(parsePlan(doc))).toEqual(['actions.0.indicators.0.values.21']);
  });

  it('accepts an amount of 0 (zero is a value, distinct from blank)', () => {
    const doc = PlanDocumentSchema.parse({ ...HEADER, budget: { depenses: { investissement: 0 } } });
    expect(doc.budget.depenses).toMatchObject({ investissement: 0, personnel: null });
  });

  it.each([
    [{ identite: { province: 'Bruxelles' } }, 'identite.province'],
    [{ porteur: { type: 'Une intercommunale' } }, 'porteur.type'],
    [{ actions: [{ id: 'a1', code: '1.1.05', statut: 'Terminée' }] }, 'actions.0.statut'],
    [{ actions: [{ id: 'a1', code: '1.1.05', droitVise: 'Le sport' }] }, 'actions.0.droitVise'],
    // The lists a programme may word its own way (type d'action, degré d'implication…) are checked against the plan's
    // programme on every write (test/schemas/programme-lists.test.ts), not by the programme-independent schema.
    [{ actions: [{ id: 'a1', code: '1.1.05', indicators: [{ ...indicator('i1'), unit: 'heures' }] }] }, 'actions.0.indicators.0.unit'],
    [{ repartitionTemps: { 'pause-cafe': { '2020': 10 } } }, 'repartitionTemps'], // an unknown category is reported at the grid
  ])('refuses a value outside its closed list: %j', (doc, path) => {
    expect(pathsOf(parsePlan(doc))).toEqual([path]);
  });
});

describe('PublicCibleSchema', () => {
  const pub = (dimension: string, valeur: string | null) => PublicCibleSchema.safeParse({ id: 'p1', dimension, valeur });

  it.each([
    ['Situation sociale', 'Primo arrivants'],
    ['Niveau de revenu', 'Sous le seuil de pauvreté'],
    ["Tranche d'âge", 'Jeunes adultes de 18 à 25 ans'],
    ['Situation familiale', 'Autre'],
  ])('accepts « %s » → « %s »', (dimension, valeur) => {
    expect(pub(dimension, valeur).success).toBe(true);
  });

  it('refuses a value that belongs to another dimension', () => {
    expect(issuesOf(pub('Niveau de revenu', 'Primo arrivants'))).toEqual([
      { path: 'valeur', code: 'custom', message: "« Primo arrivants » n'est pas une valeur permise pour « Niveau de revenu »" },
    ]);
  });

  it('asks for a value when the dimension has some', () => {
    expect(issuesOf(pub('Situation sociale', null))).toEqual([{ path: 'valeur', code: 'custom', message: 'Précisez le public visé' }]);
  });

  it('takes no value for « Pas de public cible spécifique »', () => {
    expect(pub('Pas de public cible spécifique', null).success).toBe(true);
    expect(issuesOf(pub('Pas de public cible spécifique', 'Isolés'))).toEqual([
      { path: 'valeur', code: 'custom', message: "« Pas de public cible spécifique » n'admet pas de précision" },
    ]);
  });

  it('refuses an unknown dimension', () => {
    expect(pathsOf(pub('Couleur des yeux', 'Bleus'))).toEqual(['dimension']);
  });
});

describe('IndicatorSchema values by unit', () => {
  const withTarget = (unit: Unit, target: number | string) => IndicatorSchema.safeParse(indicator('i1', { unit, values: { '2021': { target } } }));

  it.each([
    ['percent', '0', 0],
    ['percent', '100', 10000],
    ['percent', '100,0%', 10000],
    ['percent', 10000, 10000],
    ['score', '1', 100],
    ['score', '10', 1000],
    ['score', '9,0', 900],
    ['count', 0, 0],
    ['count', '1.100', 1100],
    ['money', '40.645,02', 4064502],
    ['etp', '0,66', 66],
    ['average', '7,0', 700],
  ] as const)('accepts a %s value %j as %i', (unit, input, expected) => {
    const r = withTarget(unit, input);
    expect(r.success && r.data.values['2021']?.target).toBe(expected);
  });

  it.each([
    ['percent', '100,01'], // above 100 %
    ['percent', 10001],
    ['score', '0,99'], // below 1
    ['score', '10,01'], // above 10
    ['score', 0],
    ['count', 1.5], // a count is a whole number
    ['count', '1,5'],
    ['count', '-1'],
    ['money', '-0,01'],
    ['money', '1,234.56'],
  ] as const)('refuses a %s value %j at its path', (unit, input) => {
    expect(pathsOf(withTarget(unit, input))).toEqual(['values.2021.target']);
  });

  it('validates actuals and the typed ex-ante by the same unit rule', () => {
    const r = IndicatorSchema.safeParse(indicator('i1', { unit: 'percent', exAnte: '101', values: { '2022': { actual: '100,5' } } }));
    expect(pathsOf(r)).toEqual(['values.2022.actual', 'exAnte']);
  });

  it('reports the full path of a refused value inside a plan', () => {
    const doc = { actions: [{ id: 'a1', code: '1.1.05', indicators: [indicator('i1', { unit: 'score', values: { '2021': { actual: 11 } } })] }] };
    expect(pathsOf(parsePlan(doc))).toEqual(['actions.0.indicators.0.values.2021.actual']);
  });
});
