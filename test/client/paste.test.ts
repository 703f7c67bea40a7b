import { describe, expect, it } from 'vitest';
import { cleanBlock, isSeriesColumnBlock, planPaste, transposeBlock, type PasteGrid } from '../../client/grid/paste.ts';

/**
 * An indicator grid of a programme of any length: Indicateur | Ex-ante | years… | Résultats, two rows per indicator
 * (Cible, Réalisé). Ex-ante is computed on every row, Résultats too; the indicator's label is read-only on Réalisé.
 */
function indicatorGrid(years: number[], indicators = 3): PasteGrid {
  const columns = [
    { title: 'Indicateur', series: false },
    { title: 'Ex-ante', series: false },
    ...years.map((y) => ({ title: String(y), series: true })),
    { title: 'Résultats', series: false },
  ];
  const computed = (c: number) => c === 1 || c === columns.length - 1;
  return {
    rowCount: indicators * 2,
    columns,
    isComputed: (_r, c) => computed(c),
    isWritable: (r, c) => !computed(c) && !(c === 0 && r % 2 === 1),
    rowLabel: (r) => `indicateur ${Math.floor(r / 2) + 1} ${r % 2 === 0 ? 'Cible' : 'Réalisé'}`,
  };
}
const YEARS = [2020, 2021, 2022, 2023, 2024, 2025];
const col = (years: number[], year: number) => 2 + years.indexOf(year);
const at = (row: number, c: number) => ({ row, col: c, rows: 1, cols: 1 });

describe('cleanBlock', () => {
  it('drops the trailing empty lines of a spreadsheet copy and pads short lines with blanks', () => {
    expect(cleanBlock([['1', '2'], ['3'], [''], ['']])).toEqual([
      ['1', '2'],
      ['3', ''],
    ]);
  });
  it('keeps a single blank cell (pasting a blank clears the cell)', () => {
    expect(cleanBlock([['']])).toEqual([['']]);
  });
});

describe('planPaste', () => {
  it('names a two-line block spanning Réalisé of one indicator and Cible of the next, years from the columns', () => {
    const grid = indicatorGrid(YEARS);
    const plan = planPaste([['1', '2', '3', '4'], ['5', '6', '7', '8'], ['']], at(3, col(YEARS, 2022)), grid);
    expect(plan.written).toBe(8);
    expect(plan.note).toBe('8 cellules collées : indicateur 2 Réalisé → indicateur 3 Cible, 2022-2025 — Ctrl+Z pour annuler');
    expect(plan.leftOut).toBeNull();
    expect(plan.data).toEqual([
      ['1', '2', '3', '4'],
      ['5', '6', '7', '8'],
    ]);
  });

  it('trims a row of values running past the last year and says what was left out', () => {
    const grid = indicatorGrid(YEARS);
    const plan = planPaste([['1.234', '12', '', '7', '8']], at(1, col(YEARS, 2023)), grid);
    expect(plan.data).toEqual([['1.234', '12', '']]);
    expect(plan.written).toBe(3);
    expect(plan.note).toBe('3 cellules collées : indicateur 1 Réalisé, 2023-2025 — Ctrl+Z pour annuler');
    expect(plan.leftOut).toBe('Non collé : 2 valeurs au-delà de 2025 (7 ; 8)');
  });

  it('follows the programme: the same block on a seven-year programme lands whole', () => {
    const years = [2020, 2021, 2022, 2023, 2024, 2025, 2026];
    const plan = planPaste([['1', '2', '3', '4']], at(0, col(years, 2023)), indicatorGrid(years));
    expect(plan.leftOut).toBeNull();
    expect(plan.note).toContain('2023-2026');
  });

  it('leaves out the values landing on a computed column or a read-only cell when the block starts elsewhere', () => {
    const grid = indicatorGrid(YEARS);
    const plan = planPaste([['Visiteurs', '40', '10', '20']], at(1, 0), grid);
    expect(plan.written).toBe(2);
    expect(plan.leftOut).toBe('Non collé : 1 valeur dans Ex-ante, calculé (40), 1 valeur sur des cellules en lecture seule (Visiteurs)');
    expect(plan.note).toBe('2 cellules collées : indicateur 1 Réalisé, 2020-2021 — Ctrl+Z pour annuler');
  });

  it('says which lines fell past the last row', () => {
    const grid = indicatorGrid(YEARS, 1);
    const plan = planPaste([['1'], ['2'], ['3']], { ...at(0, col(YEARS, 2020)), rows: 2 }, grid);
    expect(plan.data).toEqual([['1'], ['2']]);
    expect(plan.leftOut).toBe('Non collé : 1 valeur au-delà de la dernière ligne (3)');
  });

  it('fills a larger selection with one value, as a spreadsheet does', () => {
    const plan = planPaste([['5']], { row: 0, col: col(YEARS, 2020), rows: 2, cols: 3 }, indicatorGrid(YEARS));
    expect(plan.data).toEqual([
      ['5', '5', '5'],
      ['5', '5', '5'],
    ]);
    expect(plan.written).toBe(6);
  });

  it('says when nothing was pasted', () => {
    const plan = planPaste([['9']], at(1, YEARS.length + 2), indicatorGrid(YEARS));
    expect(plan.written).toBe(0);
    expect(plan.note).toBe('Aucune cellule collée');
    expect(plan.leftOut).toBe('Non collé : 1 valeur dans Résultats, calculé (9)');
  });
});

describe('isSeriesColumnBlock', () => {
  const grid = indicatorGrid(YEARS);
  it('recognises a yearly series copied as a column, pasted on a year', () => {
    const block = cleanBlock([['1'], ['2'], ['3'], ['']]);
    expect(isSeriesColumnBlock(block, at(1, col(YEARS, 2022)), grid)).toBe(true);
    expect(transposeBlock(block)).toEqual([['1', '2', '3']]);
  });
  it('leaves other shapes and other columns alone', () => {
    expect(isSeriesColumnBlock([['1', '2']], at(1, col(YEARS, 2022)), grid)).toBe(false);
    expect(isSeriesColumnBlock([['1']], at(1, col(YEARS, 2022)), grid)).toBe(false);
    expect(isSeriesColumnBlock([['a'], ['b']], at(0, 0), grid)).toBe(false);
  });
});
