import { describe, expect, it } from 'vitest';
import { parseCellText, toCellText, toClipboardText, type Column } from '../../client/grid/columns.ts';
import { parseDate } from '../../schemas/dates.ts';

type Row = Record<string, unknown>;
const money: Column<Row> = { key: 'montant', title: 'Montant', kind: 'number', scale: 2 };
const count: Column<Row> = { key: 'n', title: 'Nombre', kind: 'number', scale: 0 };
const yesno: Column<Row> = { key: 'art20', title: 'Art.20', kind: 'yesno' };
const select: Column<Row> = {
  key: 'unit',
  title: 'Unité',
  kind: 'select',
  options: [
    { value: 'count', label: 'Nombre' },
    { value: 'money', label: 'Montant (€)' },
  ],
};
const dates: Column<Row> = { key: 'dates', title: 'Dates', kind: 'list', itemKind: 'date' };

describe('parseCellText', () => {
  it.each([
    ['1.234,56', 123456],
    ['1 234,56 €', 123456],
    ['€ 1.234,56', 123456],
    ['0,8', 80],
    ['12', 1200],
  ])('reads the Belgian amount %s as %i cents', (text, cents) => {
    expect(parseCellText(money, text, {})).toEqual({ ok: true, value: cents });
  });

  it('keeps a blank cell blank, never zero', () => {
    expect(parseCellText(money, '', {})).toEqual({ ok: true, value: null });
    expect(parseCellText(money, '   ', {})).toEqual({ ok: true, value: null });
  });

  it('refuses an English-formatted number with the Belgian-format message', () => {
    const r = parseCellText(money, '1,234.56', {});
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.message).toContain('format belge');
  });

  it('refuses decimals in a count', () => {
    expect(parseCellText(count, '2,5', {}).ok).toBe(false);
  });

  it('reads Oui/Non answers and refuses anything else', () => {
    expect(parseCellText(yesno, 'oui', {})).toEqual({ ok: true, value: true });
    expect(parseCellText(yesno, 'Non', {})).toEqual({ ok: true, value: false });
    expect(parseCellText(yesno, 'peut-être', {}).ok).toBe(false);
  });

  it('maps a closed-list label to its code and refuses a value outside the list', () => {
    expect(parseCellText(select, 'montant (€)', {})).toEqual({ ok: true, value: 'money' });
    const r = parseCellText(select, 'Kilos', {});
    expect(r.ok ? '' : r.message).toBe("« Kilos » n'est pas dans la liste (Nombre, Montant (€))");
  });

  it('reads a list of dates in Belgian order and refuses a day that does not exist', () => {
    expect(parseCellText(dates, '05/03/2021; 2021-12-01', {})).toEqual({ ok: true, value: ['2021-03-05', '2021-12-01'] });
    expect(parseDate('30/02/2021').ok).toBe(false);
  });
});

describe('toCellText and the clipboard', () => {
  it('shows cents as a Belgian amount and a blank as an empty cell', () => {
    expect(toCellText(money, { montant: 242499674 })).toBe('2.424.996,74');
    expect(toCellText(money, { montant: null })).toBe('');
    expect(toCellText(money, { montant: 0 })).toBe('0,00');
  });

  it('shows a closed-list code by its label and a list of dates in Belgian order', () => {
    expect(toCellText(select, { unit: 'money' })).toBe('Montant (€)');
    expect(toCellText(dates, { dates: ['2021-03-05', '2021-12-01'] })).toBe('05/03/2021; 01/12/2021');
  });

  it('copies numbers without thousands separators so that any comma-decimal spreadsheet reads them', () => {
    expect(toClipboardText(money, '2.424.996,74')).toBe('2424996,74');
    expect(toClipboardText(count, '1.250')).toBe('1250');
    expect(toClipboardText(select, 'Montant (€)')).toBe('Montant (€)');
  });

  it.each(['=1+1', '=HYPERLINK("http://example.invalid","x")', '+1', '-1+2', '@SUM(A1)', "'=1+1"])(
    'copies the text %s behind an apostrophe, so a spreadsheet keeps it as text, and pastes it back as typed',
    (typed) => {
      const text: Column<Row> = { key: 'libelle', title: 'Libellé', kind: 'text' };
      const copied = toClipboardText(text, toCellText(text, { libelle: typed }));
      expect(copied).toBe(`'${typed}`);
      expect(parseCellText(text, copied, {})).toEqual({ ok: true, value: typed });
    },
  );

  it('copies other texts as shown', () => {
    const text: Column<Row> = { key: 'libelle', title: 'Libellé', kind: 'text' };
    expect(toClipboardText(text, 'Accueil des familles')).toBe('Accueil des familles');
    expect(toClipboardText(text, "L'abri de nuit")).toBe("L'abri de nuit");
  });

  it('round-trips every shown number through the parser unchanged', () => {
    for (const cents of [0, 1, 99, 100, 123456, 242499674, 1000000000]) {
      const text = toCellText(money, { montant: cents });
      expect(parseCellText(money, text, {})).toEqual({ ok: true, value: cents });
      expect(parseCellText(money, toClipboardText(money, text), {})).toEqual({ ok: true, value: cents });
    }
  });
});
