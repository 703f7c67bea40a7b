import { describe, expect, it } from 'vitest';
import { ApiFailure } from '../../client/api.ts';
import { AUTO, createImputationsModel, draftNatureOptions, type LineDraft } from '../../client/pages/finance/imputations-model.ts';
import { ImputationSchema, type Imputation, type ImputationFields } from '../../schemas/finance.ts';
import { loadReferenceData } from '../../server/reference.ts';
import { templatesWithFourYearProgramme } from '../four-year-programme.ts';

/**
 * The model of "Imputations E-compte", without a browser: the lines of the year shown, their totals by nature (to
 * the cent, blank when a nature has none), a grid edit judged by the server's schema, and a new line. Years come
 * from the programme: every programme of `templates/` (the PCS 2020-2025 extended to seven years, the draft from 2027)
 * and a four-year programme of the tests.
 */

const { programmes } = loadReferenceData(templatesWithFourYearProgramme());

const line = (id: string, annee: number, articleEconomique: string, montant: number, codeFonctionnel = '84010'): Imputation =>
  ImputationSchema.parse({ id, annee, codeFonctionnel, articleEconomique, libelle: null, montant, version: 1 });

function modelOf(years: readonly number[], year: number | null, lines: Imputation[], postLine?: (f: ImputationFields) => Promise<Imputation>) {
  const store = { plan: { imputations: lines }, years };
  const sent: ImputationFields[] = [];
  const model = createImputationsModel({
    store,
    year,
    postLine:
      postLine ??
      (async (fields) => {
        sent.push(fields);
        return { ...fields, id: `new-${sent.length}`, version: 1 };
      }),
  });
  return { model, store, sent };
}

describe.each(programmes.map((p) => [p.id, p.years] as const))('imputationsModel on %s', (_id, years) => {
  const [first, second] = [years[0]!, years[1]!];
  const lines = () => [
    line('a', first, '465-48', 10),
    line('b', first, '465-48', 20),
    line('c', first, '161-01', 5),
    line('d', second, '465-48', 100),
    line('e', second, '465-48', 7, '84011'),
  ];

  it('shows the lines of the year, or every line', () => {
    expect(
      modelOf(years, first, lines())
        .model.visible()
        .map((l) => l.id),
    ).toEqual(['a', 'b', 'c']);
    expect(modelOf(years, null, lines()).model.visible()).toHaveLength(5);
    expect(modelOf(years, first, lines()).model.countText(3)).toBe(`3 imputations en ${first}`);
  });

  it('sums each nature of a year to the cent; a nature without imputation is blank, not zero', () => {
    const rows = modelOf(years, null, lines()).model.totalsRows();
    expect(rows.map((r) => r.year)).toEqual(years);
    expect(rows[0]).toEqual({
      year: first,
      inProgramme: true,
      totals: { 'subvention-pcs': 30, 'part-communale': 5, art20: null, total: 35, lines: 3 },
    });
    expect(rows[1]!.totals).toEqual({ 'subvention-pcs': 100, 'part-communale': null, art20: 7, total: 107, lines: 2 });
    expect(rows[2]!.totals).toEqual({ 'subvention-pcs': null, 'part-communale': null, art20: null, total: null, lines: 0 });
  });

  it('lists a year outside the programme that a line has, marked as such; one year shown shows only it', () => {
    const outside = years[years.length - 1]! + 1;
    const rows = modelOf(years, null, [...lines(), line('x', outside, '465-48', 1)]).model.totalsRows();
    expect(rows.at(-1)).toMatchObject({ year: outside, inProgramme: false });
    expect(
      modelOf(years, second, lines())
        .model.totalsRows()
        .map((r) => r.year),
    ).toEqual([second]);
  });

  it('takes a grid edit the schema accepts ("Automatique" is no forced nature), and refuses one it does not', () => {
    const { model, store } = modelOf(years, first, lines());
    const target = store.plan.imputations[0]!;
    expect(model.applyChange(target, 'nature', 'part-communale')).toEqual({ ok: true });
    expect(target.nature).toBe('part-communale');
    expect(model.applyChange(target, 'nature', AUTO)).toEqual({ ok: true });
    expect(target.nature).toBeNull();
    expect(model.applyChange(target, 'articleEconomique', '46548')).toEqual({ ok: true });
    expect(target.articleEconomique).toBe('465-48');
    expect(model.applyChange(target, 'articleEconomique', 'abc')).toEqual({ ok: false, message: 'Article économique attendu sous la forme 465-48' });
    expect(target.articleEconomique).toBe('465-48');
  });

  it('offers the rule’s nature for the code and the article typed so far', () => {
    expect(draftNatureOptions('84010', '465-48')[0]!.label).toBe('Automatique (Subvention PCS)');
    expect(draftNatureOptions('84010', '161-01')[0]!.label).toBe('Automatique (Part communale)');
    expect(draftNatureOptions('84011', '')[0]!.label).toBe('Automatique (Art.20)');
  });

  describe('a new line', () => {
    const draft = (change: Partial<LineDraft> = {}): LineDraft => ({
      annee: String(second),
      codeFonctionnel: '84010',
      articleEconomique: '465-48',
      libelle: '',
      montant: '1.234,56',
      nature: AUTO,
      ...change,
    });

    it('is of the year shown, else of the programme’s last year', () => {
      expect(modelOf(years, second, []).model.defaultYear).toBe(second);
      expect(modelOf(years, null, []).model.defaultYear).toBe(years[years.length - 1]);
    });

    it('needs an amount: blank is not zero, "0,00" is', () => {
      const { model } = modelOf(years, null, []);
      expect(model.checkNewLine(draft({ montant: ' ' }))).toEqual({ ok: false, messages: ['Montant : Le montant est obligatoire'], field: 'montant' });
      const zero = model.checkNewLine(draft({ montant: '0,00' }));
      expect(zero.ok && zero.fields.montant).toBe(0);
    });

    it('is sent as typed (a blank label is none) and joins the plan’s lines', async () => {
      const { model, store, sent } = modelOf(years, second, lines());
      const checked = model.checkNewLine(draft());
      if (!checked.ok) throw new Error(checked.messages.join(' ; '));
      const added = await model.addLine(checked.fields);
      expect(sent).toEqual([{ annee: second, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: null, montant: 123456, nature: null }]);
      expect(added.ok).toBe(true);
      expect(store.plan.imputations.map((l) => l.id)).toContain('new-1');
      expect(model.totalsRows()[0]!.totals['subvention-pcs']).toBe(100 + 123456);
    });

    it('stays out of the plan when the server refuses it, with the server’s messages', async () => {
      const refusal = new ApiFailure(400, { code: 'validation', message: 'Refusé', issues: [{ path: 'annee', message: 'Année verrouillée' }] });
      const { model, store } = modelOf(years, second, [], () => Promise.reject(refusal));
      const checked = model.checkNewLine(draft());
      if (!checked.ok) throw new Error(checked.messages.join(' ; '));
      expect(await model.addLine(checked.fields)).toEqual({ ok: false, messages: ['Année verrouillée'] });
      expect(store.plan.imputations).toEqual([]);
    });
  });

  it('forgets a line deleted on the server', () => {
    const { model, store } = modelOf(years, null, lines());
    model.forgetLine('b');
    expect(store.plan.imputations.map((l) => l.id)).toEqual(['a', 'c', 'd', 'e']);
  });
});
