import { describe, expect, it } from 'vitest';
import type { ActionInput } from '../../schemas/action.ts';
import { checkPlan } from '../../schemas/checks.ts';
import { DEGRES_IMPLICATION } from '../../schemas/enums.ts';
import { formatBelgianNumber } from '../../schemas/numbers.ts';
import {
  CATALOGUE,
  FOUR_YEAR_CATALOGUE,
  FOUR_YEAR_PROGRAMME,
  PCS_2020_2025,
  action,
  brief,
  fundedAction,
  indicator,
  makePlan,
  planWithTransfers,
  standardRow,
  targets,
  type TransferRow,
} from './fixtures.ts';

const YEARS = PCS_2020_2025.years;
/** The six years the Liège form was written for, before the extension through 2026. */
const FORM_YEARS = PCS_2020_2025.prolongation!.anneesInitiales;
const checkActions = (...actions: ActionInput[]) => checkPlan(makePlan({ actions }), PCS_2020_2025, CATALOGUE);
const checkFunded = (transfers: TransferRow[], ...actions: ActionInput[]) => checkPlan(planWithTransfers(transfers, actions), PCS_2020_2025, CATALOGUE);

describe('checkPlan: typed ex-ante vs the yearly targets (spec §4 I10)', () => {
  it('warns when a typed ex-ante differs from the computed one (Abri de nuit 1.100 vs 6 × 1.100)', () => {
    const findings = checkActions(action('a1', { indicators: [indicator('i1', { label: 'Nuitées', exAnte: '1.100', values: targets(FORM_YEARS, '1.100') })] }));
    expect(findings).toEqual([
      {
        rule: 'indicateur-ex-ante',
        level: 'warning',
        path: 'actions.0.indicators.0.exAnte',
        // The key names the rows by id, so that a justification follows the finding when rows move.
        key: 'indicateur-ex-ante:actions.#a1.indicators.#i1.exAnte',
        message:
          "Fiche 1.1.05 (Opérateur a1), indicateur 1 « Nuitées » : l'ex-ante saisi (1.100) diffère de celui calculé à partir des cibles annuelles (6.600)",
      },
    ]);
  });

  it.each([
    ['equal to the sum of the six years of the form (2026 blank)', { exAnte: '6.600', values: targets(FORM_YEARS, '1.100') }],
    ['equal to the sum of the seven years', { exAnte: '7.700', values: targets(YEARS, '1.100') }],
    ['not typed', { values: targets(YEARS, '1.100') }],
    ['typed without yearly targets', { exAnte: 238636 }],
    ['equal to the mean of a percent row', { unit: 'percent' as const, exAnte: '83,5', values: targets(YEARS, ['81', '82', '83', '84', '85', '86']) }],
  ])('says nothing when the ex-ante is %s', (_case, fields) => {
    expect(checkActions(action('a1', { indicators: [indicator('i1', fields)] }))).toEqual([]);
  });
});

describe('checkPlan: Σ over the actions of « % de temps » and « Part du budget » (spec §4 I13-I14)', () => {
  it.each([
    ['temps-consacre', 'actions-temps-total'],
    ['part-budget', 'actions-part-budget-total'],
  ] as const)('%s: 100 % is fine, 100,01 % is a warning', (standard, rule) => {
    const plan = (second: string) =>
      checkActions(action('a1', { indicators: [standardRow('i1', standard, '60')] }), action('a2', { indicators: [standardRow('i2', standard, second)] }));
    expect(plan('40')).toEqual([]);
    expect(brief(plan('40,01'))).toEqual([{ rule, level: 'warning', path: 'actions' }]);
  });

  it('lists the years over 100 %, the extension’s 2026 included (Liège: 131 % while 4.1.01 runs, 129 % from 2025)', () => {
    const [finding] = checkActions(
      action('a1', { indicators: [standardRow('i1', 'temps-consacre', '85')] }),
      action('a2', { indicators: [standardRow('i2', 'temps-consacre', '44')] }),
      action('a3', { indicators: [standardRow('i3', 'temps-consacre', ['2', '2', '2', '2', '2', '0', '0'])] }),
    );
    expect(finding?.message).toBe(
      'La somme « % de temps consacré » des actions dépasse 100 % : 131,0\u00a0% en 2020, 131,0\u00a0% en 2021, 131,0\u00a0% en 2022, 131,0\u00a0% en 2023, 131,0\u00a0% en 2024, 129,0\u00a0% en 2025, 129,0\u00a0% en 2026',
    );
  });

  it('says nothing when the rows are blank', () => {
    expect(checkActions(action('a1', { indicators: [standardRow('i1', 'part-budget', null)] }))).toEqual([]);
  });
});

describe('checkPlan: convention amounts of the fiches vs the partner transfer (spec §4 I11-I12)', () => {
  const T1: TransferRow = { id: 't1', montant: 100000 }; // € 1.000,00 per year
  const convention = (id: string, yearly: string | null | (string | null)[], exAnte: string | null = null) =>
    fundedAction(id, 't1', [standardRow(`${id}-i`, 'montant-convention', yearly, exAnte)]);
  const WARNING = [{ rule: 'convention-transfert', level: 'warning', path: 'transferts.0.montant' }];

  it.each([
    ['1.000', []],
    ['999,01', []], // 0,99 € short: fiches print whole euros
    ['1.000,99', []],
    ['999', WARNING], // 1 € short
    ['1.001', WARNING],
  ])('one fiche with € %s per year against € 1.000,00', (yearly, expected) => {
    expect(brief(checkFunded([T1], convention('a1', yearly)))).toEqual(expected);
  });

  it.each([
    ['500', '499,01', []],
    ['500', '498,01', []], // 1,99 €: under 1 € per linked action
    ['500', '498', WARNING], // 2 €
  ])('two fiches sharing a transfer: € %s + € %s', (first, second, expected) => {
    expect(brief(checkFunded([T1], convention('a1', first), convention('a2', second)))).toEqual(expected);
  });

  it('compares only the years with an amount (Thermos: 5 of the 7 years filled)', () => {
    expect(checkFunded([T1], convention('a1', ['1.000', '1.000', '1.000', '1.000', '1.000', null, null]))).toEqual([]);
  });

  it('warns when no linked fiche gives any amount', () => {
    const findings = checkFunded([T1], fundedAction('a1', 't1'));
    expect(findings).toEqual([
      {
        ...WARNING[0],
        key: 'convention-transfert:transferts.#t1.montant',
        message: "Transfert à « Partenaire t1 » (€ 1.000,00) : aucun montant de convention n'est indiqué dans la fiche liée (Fiche 1.1.05 (Opérateur a1))",
      },
    ]);
    expect(brief(checkFunded([T1], convention('a1', null)))).toEqual(WARNING);
  });

  it.each([
    ['7.000', []],
    ['6.993,01', []], // 6,99 € over 7 years
    ['6.993', WARNING], // 7 € over 7 years
    // CASA: 210.492 = 6 × 35.082, written for the six years before the extension; the 2026 convention is to renew.
    ['6.000', WARNING],
  ])('with only a typed ex-ante of € %s, compares it to 7 × the annual transfer (one per programme year)', (exAnte, expected) => {
    expect(YEARS).toHaveLength(7);
    expect(brief(checkFunded([T1], convention('a1', null, exAnte)))).toEqual(expected);
  });

  it('words the ex-ante-only gap with both totals', () => {
    const [finding] = checkFunded([T1], convention('a1', null, '6.993'));
    expect(finding?.message).toBe(
      "Transfert à « Partenaire t1 » (€ 1.000,00 par an) : l'ex-ante des montants de convention des fiches liées (Fiche 1.1.05 (Opérateur a1)) est € 6.993,00 au lieu de € 7.000,00 sur 7 ans",
    );
  });

  it('says that an ex-ante of the six initial years misses the extension’s 2026, whose convention is to renew', () => {
    const [finding] = checkFunded([T1], convention('a1', null, '6.000'));
    expect(finding?.message).toBe(
      "Transfert à « Partenaire t1 » (€ 1.000,00 par an) : l'ex-ante des montants de convention des fiches liées (Fiche 1.1.05 (Opérateur a1)) est € 6.000,00 au lieu de € 7.000,00 sur 7 ans : il couvre les 6 années initiales (2020-2025), pas l'année de prolongation 2026 (convention à renouveler)",
    );
  });

  it('compares the ex-ante to as many annual transfers as the programme has years (four)', () => {
    const plan = planWithTransfers([T1], [convention('a1', null, '4.000')], { programmeId: FOUR_YEAR_PROGRAMME.id });
    expect(checkPlan(plan, FOUR_YEAR_PROGRAMME, FOUR_YEAR_CATALOGUE)).toEqual([]);
    const six = planWithTransfers([T1], [convention('a1', null, '6.000')], { programmeId: FOUR_YEAR_PROGRAMME.id });
    expect(checkPlan(six, FOUR_YEAR_PROGRAMME, FOUR_YEAR_CATALOGUE).map((f) => f.message)).toEqual([
      "Transfert à « Partenaire t1 » (€ 1.000,00 par an) : l'ex-ante des montants de convention des fiches liées (Fiche 1.1.05 (Opérateur a1)) est € 6.000,00 au lieu de € 4.000,00 sur 4 ans",
    ]);
  });

  it('says nothing about a transfer no action points at, or without an amount', () => {
    expect(checkFunded([T1])).toEqual([]);
    expect(checkFunded([{ id: 't1', montant: null }], fundedAction('a1', 't1'))).toEqual([]);
  });
});

describe('checkPlan: fields of an action', () => {
  const at = (rule: string, path: string) => [{ rule, level: 'warning', path: `actions.0.${path}` }];
  /** The fiche's convention row matching its transfer, so that only the rule under test speaks. */
  const paid = (cents: number) => standardRow('m1', 'montant-convention', formatBelgianNumber(cents, 2));
  const calendrier = (debut: string | null, fin: string | null) => ({ fiche: { calendrier: { debut, fin } } });

  it.each([
    ['a droit visé of its axe', { droitVise: 'La formation' as const }, []],
    ['a droit visé outside its axe', { droitVise: 'Le logement' as const }, at('droit-vise-axe', 'droitVise')],
    ['a well-formed code absent from the catalogue', { code: '1.1.99' }, at('code-action', 'code')],
    ['dates on the bounds of the programme (its end extended to 2026-12-31)', calendrier(PCS_2020_2025.start, PCS_2020_2025.end), []],
    ['an end on the first programme end, before the extension', calendrier(null, '2025-12-31'), []],
    ['a start before the programme', calendrier('2019-12-31', null), at('calendrier-hors-programme', 'fiche.calendrier.debut')],
    ['an end after the programme', calendrier(null, '2027-01-01'), at('calendrier-hors-programme', 'fiche.calendrier.fin')],
    ['an end on its start day', calendrier('2021-03-01', '2021-03-01'), []],
    ['an end before its start', calendrier('2021-03-01', '2021-02-28'), at('calendrier-ordre', 'fiche.calendrier.fin')],
  ])('%s', (_case, overrides: Partial<ActionInput>, expected) => {
    expect(brief(checkActions(action('a1', overrides)))).toEqual(expected);
  });

  // The schema refuses a malformed code on every write; one stored before that rule is still reported.
  it.each([
    ['a malformed code (trailing dot)', '1.3.01.', {}],
    ['a malformed code (no separators)', '3501', {}],
    ['a malformed code with a droit visé (no axe to compare)', '2:1:04', { droitVise: 'La santé' as const }],
  ])('%s, stored before codes were validated', (_case, code, overrides: Partial<ActionInput>) => {
    const plan = makePlan({ actions: [action('a1', overrides)] });
    plan.actions[0]!.code = code;
    expect(brief(checkPlan(plan, PCS_2020_2025, CATALOGUE))).toEqual(at('code-action', 'code'));
  });

  it.each([
    ['2024-12-31', [1, 1, 1, 1, 1, 0], []], // a 0 after the end is no target
    ['2024-12-31', [1, 1, 1, 1, 1, 1], at('valeurs-apres-fin', 'fiche.calendrier.fin')],
    ['2025-12-31', [1, 1, 1, 1, 1, 1], []],
    ['2025-12-31', [1, 1, 1, 1, 1, 1, 1], at('valeurs-apres-fin', 'fiche.calendrier.fin')], // a 2026 target, the action not extended
    ['2026-12-31', [1, 1, 1, 1, 1, 1, 1], []],
    ['2020-12-31', [1, 1, 1, 1, 1, 0], at('valeurs-apres-fin', 'fiche.calendrier.fin')], // 4.1.01 in Liège
  ])('an action ending on %s with targets %j', (fin, yearly, expected) => {
    const a = action('a1', { ...calendrier('2020-01-01', fin), indicators: [indicator('i1', { values: targets(YEARS, yearly) })] });
    expect(brief(checkActions(a))).toEqual(expected);
  });

  it('names the years with targets after the end', () => {
    const a = action('a1', { ...calendrier(null, '2023-06-30'), indicators: [indicator('i1', { values: targets(YEARS, [1, 1, 1, 1, 2, 0]) })] });
    expect(checkActions(a)[0]?.message).toBe("Fiche 1.1.05 (Opérateur a1) : l'action se termine le 2023-06-30 mais des cibles sont prévues en 2024");
  });

  it.each([
    ['Non with a funded operator', { montant: 842100 }, { conventionPartenariat: false }, at('convention-sans-transfert', 'fiche.conventionPartenariat')],
    ['Non with a transfer of 0', { montant: 0 }, { conventionPartenariat: false }, []],
    ['Oui with a funded operator', { montant: 842100 }, { conventionPartenariat: true }, []],
    ['art.20 Oui in the fiche, Non for the transfer', { montant: 100, art20: false }, { art20: true }, at('art20-fiche-transfert', 'fiche.art20')],
    ['art.20 Non in the fiche, Oui for the transfer', { montant: 100, art20: true }, { art20: false }, at('art20-fiche-transfert', 'fiche.art20')],
    ['art.20 Oui on both sides', { montant: 100, art20: true }, { art20: true }, []],
    ['art.20 blank in the fiche', { montant: 100, art20: true }, { art20: null }, []],
  ])('convention and art.20: %s', (_case, transfer, fiche, expected) => {
    const a = fundedAction('a1', 't1', [paid(transfer.montant)], fiche);
    expect(brief(checkFunded([{ id: 't1', ...transfer }], a))).toEqual(expected);
  });

  it.each([
    ['an art.20 transfer', { art20: true }, {}, '0,1', at('part-budget-art20', 'indicators.0')],
    ['an art.20 transfer, share 0 %', { art20: true }, {}, '0', []],
    ['art.20 Oui in the fiche only', { art20: null }, { art20: true }, '100', at('part-budget-art20', 'indicators.0')],
    ['an ordinary transfer', { art20: false }, {}, '13,3', []],
  ])('part du budget of an action funded by %s', (_case, transfer, fiche, share, expected) => {
    const a = fundedAction('a1', 't1', [standardRow('i1', 'part-budget', share), paid(100)], fiche);
    expect(brief(checkFunded([{ id: 't1', montant: 100, ...transfer }], a))).toEqual(expected);
  });

  it.each([
    ['Aucune implication', 3, '0,2', at('temps-sans-implication', 'indicators.0')],
    ['Aucune implication', 3, '0', []],
    ['Aucune implication', 3, null, []],
    ['Impliquée à 100%', 0, '21,9', []], // time is expected when the team carries the action
  ] as const)("degré d'implication « %s… » (n°%i) with a time share of %j", (_label, degre, share, expected) => {
    const a = action('a1', { fiche: { degreImplication: DEGRES_IMPLICATION[degre] }, indicators: [standardRow('i1', 'temps-consacre', share)] });
    expect(brief(checkActions(a))).toEqual(expected);
  });
});
