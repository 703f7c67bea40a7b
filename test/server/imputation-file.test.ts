import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadReferenceData } from '../../server/reference.ts';
import { MAX_IMPUTATION_FILE_PROBLEMS, readImputationFile } from '../../server/imports/imputation-file.ts';
import { MAX_IMPUTATION_FILE_BYTES, MAX_IMPUTATION_FILE_LINES } from '../../schemas/imputation-import.ts';
import { IMPUTATION_NATURES, natureOf, type ImputationNature } from '../../schemas/finance.ts';
import { parseBelgianNumber } from '../../schemas/numbers.ts';

/** The reader of E-compte imputation files: every format, every refusal with its line and column, the samples. */

const programme = loadReferenceData().programmes[0]!;
const first = programme.years[0]!;
const second = programme.years[1]!;
const last = programme.years[programme.years.length - 1]!;

const HEADER = 'Année;Code fonctionnel;Article économique;Libellé;Montant;Nature';
const utf8 = (s: string) => new TextEncoder().encode(s);
const read = (text: string) => readImputationFile(utf8(text), programme);
const csv = (...rows: string[]) => `${rows.join('\r\n')}\r\n`;

/** windows-1252 bytes of a text made of Latin-1 characters and the few windows-1252 signs used here. */
function cp1252(s: string): Uint8Array {
  const high: Record<string, number> = { '€': 0x80, '’': 0x92, œ: 0x9c };
  return Uint8Array.from([...s], (ch) => {
    const c = high[ch] ?? ch.charCodeAt(0);
    if (c > 0xff) throw new Error(`not windows-1252: ${ch}`);
    return c;
  });
}

async function xlsx(rows: ExcelJS.CellValue[][], edit?: (ws: ExcelJS.Worksheet) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Imputations');
  rows.forEach((r, i) => {
    r.forEach((v, j) => {
      ws.getCell(i + 1, j + 1).value = v;
    });
  });
  edit?.(ws);
  wb.addWorksheet('Autre').getCell('A1').value = 'ignorée';
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('CSV', () => {
  it('reads a semicolon file: Belgian amounts, codes written in several ways, line numbers from the header', async () => {
    const r = await read(
      csv(
        HEADER,
        `${first};84010;465-48;Subvention PCS;1.234,56;`,
        `${second}; 84010 ;46548;Correction;-12,30;`,
        `${second};840/10;111-01;Personnel;1 234,56 €;`,
        `${last};84011;435-01;Subside art.20;€ 1.666.037,68;`,
        `${last};84010;123-02;Frais;7;`,
      ),
    );
    expect(r.problems).toEqual([]);
    expect(r.format).toBe('csv');
    expect(r.lines.map((l) => l.line)).toEqual([2, 3, 4, 5, 6]);
    expect(r.lines[0]!.fields).toEqual({
      annee: first,
      codeFonctionnel: '84010',
      articleEconomique: '465-48',
      libelle: 'Subvention PCS',
      montant: 123456,
      nature: null,
    });
    expect(r.lines[1]!.fields).toMatchObject({ annee: second, codeFonctionnel: '84010', articleEconomique: '465-48', montant: -1230 });
    expect(r.lines[2]!.fields).toMatchObject({ codeFonctionnel: '84010', montant: 123456 });
    expect(r.lines[3]!.fields).toMatchObject({ codeFonctionnel: '84011', montant: 166603768 });
    expect(r.lines[4]!.fields.montant).toBe(700);
  });

  it('reads a comma file (amounts quoted) and a tab file', async () => {
    const comma = await read(
      ['Année,Code fonctionnel,Article économique,Libellé,Montant', `${first},84010,465-48,"Subvention, 1er trimestre","416.509,42"`].join('\n'),
    );
    expect(comma.problems).toEqual([]);
    expect(comma.lines[0]!.fields).toMatchObject({ libelle: 'Subvention, 1er trimestre', montant: 41650942 });

    const tab = await read(['Année\tCode fonctionnel\tArticle économique\tLibellé\tMontant', `${first}\t84011\t435-01\tCapfly; ASBL\t40.645,02`].join('\n'));
    expect(tab.problems).toEqual([]);
    expect(tab.lines[0]!.fields).toMatchObject({ codeFonctionnel: '84011', libelle: 'Capfly; ASBL', montant: 4064502 });
  });

  it('reads quoted fields holding the delimiter, doubled quotes and line breaks, numbering records by their first line', async () => {
    const r = await read(
      csv(
        HEADER,
        `${first};84010;111-01;"Frais; divers
suite du libellé";10,00;`,
        `${first};84010;111-01;"Dit ""PCS""";20,00;`,
        `"${first}";"84010";"111-01";"Trois
lignes
ici";30,00;`,
        `${first};84010;111-01;Sans montant;;`,
      ),
    );
    expect(r.lines.map((l) => [l.line, l.fields.libelle])).toEqual([
      [2, 'Frais; divers\nsuite du libellé'],
      [4, 'Dit "PCS"'],
      [5, 'Trois\nlignes\nici'],
    ]);
    expect(r.problems).toEqual([{ line: 8, column: 'montant', message: 'Montant manquant' }]);
  });

  it('refuses a quote that is never closed, at the line where it opens', async () => {
    const r = await read(csv(HEADER, `${first};84010;111-01;Bon;1,00;`, `${first};84010;111-01;"Pas fermé;1,00;`, `${first};84010;111-01;x;2,00;`));
    expect(r.lines).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 3, column: null });
    expect(r.problems[0]!.message).toContain('Guillemet non refermé');
  });

  it('strips a UTF-8 BOM', async () => {
    const r = await read(`\uFEFF${csv(HEADER, `${first};84010;465-48;Subvention;1,00;`)}`);
    expect(r.problems).toEqual([]);
    expect(r.lines).toHaveLength(1);
  });

  it('decodes windows-1252 bytes (Belgian Excel export) when they are not UTF-8', async () => {
    const bytes = cp1252(csv('Année;Code fonctionnel;Article économique;Libellé;Montant', `${first};84010;111-01;Frais de réception de l’œuvre;1.234,56 €`));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    const r = await readImputationFile(bytes, programme);
    expect(r.problems).toEqual([]);
    expect(r.lines[0]!.fields).toMatchObject({ libelle: 'Frais de réception de l’œuvre', montant: 123456 });
  });

  it('decodes UTF-16 with its BOM (Excel « Texte Unicode », tab-separated)', async () => {
    const text = ['Année\tCode fonctionnel\tArticle économique\tLibellé\tMontant', `${first}\t84010\t111-01\tFrais été\t5,00`].join('\r\n');
    const bytes = new Uint8Array(2 + text.length * 2);
    bytes[0] = 0xff;
    bytes[1] = 0xfe;
    for (let i = 0; i < text.length; i++) {
      bytes[2 + 2 * i] = text.charCodeAt(i) & 0xff;
      bytes[3 + 2 * i] = text.charCodeAt(i) >> 8;
    }
    const r = await readImputationFile(bytes, programme);
    expect(r.problems).toEqual([]);
    expect(r.lines[0]!.fields).toMatchObject({ libelle: 'Frais été', montant: 500 });
  });

  it('accepts the header aliases in any order, any case and accents, and ignores unknown columns', async () => {
    const r = await read(
      csv(
        'Commentaire;MONTANT (€);Intitulé;Exercice;article eco;Fonction;NATURE',
        `vu;1,00;Un;${first};465-48;84010;`,
        `;2,00;Deux;${second};111-01;84010;Art.20`,
      ),
    );
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => l.fields)).toEqual([
      { annee: first, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Un', montant: 100, nature: null },
      { annee: second, codeFonctionnel: '84010', articleEconomique: '111-01', libelle: 'Deux', montant: 200, nature: 'art20' },
    ]);
    for (const header of [
      'Annee;Code fonction;Code économique;Libelle;Montant EUR',
      'année;code fonctionnel;Article;LIBELLÉ;Imputé',
      ' Année ; Code Fonctionnel ; Article Economique ; Libellé ; Montant ',
    ]) {
      const aliased = await read(csv(header, `${first};84010;465-48;x;3,00`));
      expect(aliased.problems, header).toEqual([]);
      expect(aliased.lines[0]!.fields.montant, header).toBe(300);
    }
  });

  it('reads the nature column case, accent and space insensitively; blank is the documented rule', async () => {
    const natures = ['Subvention PCS', 'part communale', 'ART.20', 'art 20', 'art20', 'Part-Communale', '', '  '];
    const r = await read(csv(HEADER, ...natures.map((n) => `${first};84010;111-01;x;1,00;${n}`)));
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => l.fields.nature)).toEqual(['subvention-pcs', 'part-communale', 'art20', 'art20', 'art20', 'part-communale', null, null]);
  });

  it('keeps labels that look like formulas as plain text, trimmed', async () => {
    const labels = ['=SUM(A1:A9)', '+32 4 123', '-12', '@cmd', '  espace  '];
    const r = await read(csv(HEADER, ...labels.map((l) => `${first};84010;111-01;${l};1,00;`)));
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => l.fields.libelle)).toEqual(['=SUM(A1:A9)', '+32 4 123', '-12', '@cmd', 'espace']);
  });

  it('takes off the apostrophe that kept a formula-shaped label inert in a spreadsheet, and only that one', async () => {
    const labels = ["'=SUM(A1:A9)", "'+32 4 123", "''=1+1", "l'école", "'texte"];
    const r = await read(csv(HEADER, ...labels.map((l) => `${first};84010;111-01;${l};1,00;`)));
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => l.fields.libelle)).toEqual(['=SUM(A1:A9)', '+32 4 123', "'=1+1", "l'école", "'texte"]);
  });

  it('skips blank lines (also a row of empty cells) but keeps counting them', async () => {
    const r = await read(
      ['', '  ', HEADER, `${first};84010;111-01;a;1,00;`, '', ';;;;;', `${first};84010;111-01;b;;`, `${first};84010;111-01;c;3,00;`, ''].join('\n'),
    );
    expect(r.lines.map((l) => [l.line, l.fields.libelle])).toEqual([
      [4, 'a'],
      [8, 'c'],
    ]);
    expect(r.problems).toEqual([{ line: 7, column: 'montant', message: 'Montant manquant' }]);
  });
});

describe('refusals, each with its line and column', () => {
  const line = (annee: string, code: string, article: string, montant: string, nature = '') => `${annee};${code};${article};Libellé;${montant};${nature}`;

  it.each([
    ['a year that is not a number', line('deux mille', '84010', '111-01', '1,00'), 'annee', `« deux mille » : année attendue, en chiffres (ex. ${first})`],
    ['a year with decimals', line(`${first},5`, '84010', '111-01', '1,00'), 'annee', `« ${first},5 » : année attendue, en chiffres (ex. ${first})`],
    ['a blank year', line('', '84010', '111-01', '1,00'), 'annee', 'Année manquante'],
    [
      'a year after the programme',
      line(`${last + 1}`, '84010', '111-01', '1,00'),
      'annee',
      `L'année ${last + 1} n'appartient pas au programme (${first}-${last})`,
    ],
    [
      'a year before the programme',
      line(`${first - 1}`, '84010', '111-01', '1,00'),
      'annee',
      `L'année ${first - 1} n'appartient pas au programme (${first}-${last})`,
    ],
    [
      'an unknown functional code',
      line(`${first}`, '84020', '111-01', '1,00'),
      'codeFonctionnel',
      'Code fonctionnel attendu : 84010 (PCS), 84011 (subside aux associations, art.20) ou 80111 (art.20 d’un plan délégué au CPAS)',
    ],
    ['a blank functional code', line(`${first}`, '', '111-01', '1,00'), 'codeFonctionnel', 'Code fonctionnel manquant'],
    ['a bad economic article', line(`${first}`, '84010', '4654', '1,00'), 'articleEconomique', 'Article économique attendu sous la forme 465-48'],
    ['a blank economic article', line(`${first}`, '84010', '', '1,00'), 'articleEconomique', 'Article économique manquant'],
    ['a blank amount', line(`${first}`, '84010', '111-01', ''), 'montant', 'Montant manquant'],
    ['a US-formatted amount', line(`${first}`, '84010', '111-01', '1,234.56'), 'montant', (parseBelgianNumber('1,234.56', 2) as { message: string }).message],
    ['an amount with three decimals', line(`${first}`, '84010', '111-01', '1,234'), 'montant', '« 1,234 » a trop de décimales (au plus 2)'],
    [
      'an amount that is not a number',
      line(`${first}`, '84010', '111-01', '12,3,4'),
      'montant',
      "« 12,3,4 » n'est pas un nombre au format belge (ex. 1.234,56)",
    ],
    [
      'an unknown nature',
      line(`${first}`, '84010', '111-01', '1,00', 'Dotation'),
      'nature',
      "« Dotation » n'est pas une nature connue : laissez la cellule vide (classement selon le code fonctionnel et l'article) ou indiquez « Subvention PCS », « Part communale », « Art.20 »",
    ],
  ])('%s', async (_what, row, column, message) => {
    const r = await read(csv(HEADER, `${first};84010;111-01;Bon;1,00;`, row));
    expect(r.problems).toEqual([{ line: 3, column, message }]);
    expect(r.lines.map((l) => l.line)).toEqual([2]);
    expect(message).not.toMatch(/ligne/i);
  });

  it('the US-formatted amount gets the parser’s own explanation', async () => {
    const r = await read(csv(HEADER, `${first};84010;111-01;x;1,234.56;`));
    expect(r.problems[0]!.message).toContain("n'est pas au format belge");
  });

  it('reports every problem of every line', async () => {
    const r = await read(csv(HEADER, `${last + 1};84099;46-548;x;;Autre`, `${first};84010;111-01;Bon;1,00;`, `x;84010;111-01;y;1.5;`));
    expect(r.problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'annee'],
      [2, 'codeFonctionnel'],
      [2, 'articleEconomique'],
      [2, 'montant'],
      [2, 'nature'],
      [4, 'annee'],
      [4, 'montant'],
    ]);
    expect(r.lines.map((l) => l.line)).toEqual([3]);
  });

  it('refuses a header without a required column, naming the expected columns', async () => {
    const r = await read(csv('Année;Code fonctionnel;Article économique;Libellé;Nature', `${first};84010;111-01;x;`));
    expect(r.lines).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 1, column: 'montant' });
    expect(r.problems[0]!.message).toBe(
      "Colonne « Montant » absente de la ligne d'en-tête : colonnes attendues Année, Code fonctionnel, Article économique, Libellé, Montant (et Nature, facultative)",
    );

    const two = await read(csv('', 'Exercice;Intitulé;Montant', `${first};x;1,00`));
    expect(two.problems.map((p) => [p.line, p.column])).toEqual([
      [2, 'codeFonctionnel'],
      [2, 'articleEconomique'],
    ]);
  });

  it('refuses a column given twice', async () => {
    const r = await read(csv('Année;Code fonctionnel;Article;Article économique;Libellé;Montant', `${first};84010;111-01;111-01;x;1,00`));
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: 1, column: 'articleEconomique' });
    expect(r.problems[0]!.message).toContain('apparaît deux fois');
  });

  it('refuses the text of another file: no header, a single column', async () => {
    const r = await read('Bonjour,\nceci est une lettre.\n');
    expect(r.lines).toEqual([]);
    expect(r.problems.length).toBeGreaterThanOrEqual(5);
    expect(r.problems.every((p) => p.line === 1)).toBe(true);
  });

  it('stops at most problems, the last one saying more were left out', async () => {
    const rows = Array.from({ length: MAX_IMPUTATION_FILE_PROBLEMS + 50 }, () => `${first};84010;111-01;x;;`);
    const r = await read(csv(HEADER, ...rows));
    expect(r.problems).toHaveLength(MAX_IMPUTATION_FILE_PROBLEMS);
    expect(r.problems[MAX_IMPUTATION_FILE_PROBLEMS - 2]).toEqual({ line: MAX_IMPUTATION_FILE_PROBLEMS, column: 'montant', message: 'Montant manquant' });
    expect(r.problems[MAX_IMPUTATION_FILE_PROBLEMS - 1]).toMatchObject({ line: null, column: null });
    expect(r.problems[MAX_IMPUTATION_FILE_PROBLEMS - 1]!.message).toContain('Trop de problèmes');
  });
});

describe('whole-file refusals (one problem, no line)', () => {
  const refused = async (bytes: Uint8Array, contains: string, format: 'csv' | 'xlsx' = 'csv') => {
    const r = await readImputationFile(bytes, programme);
    expect(r.format).toBe(format);
    expect(r.lines).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ line: null, column: null });
    expect(r.problems[0]!.message).toContain(contains);
  };

  it('an empty file, a file of blank lines, a header without lines', async () => {
    await refused(new Uint8Array(), 'Le fichier est vide');
    await refused(utf8('\r\n  \r\n;;;\r\n'), 'Le fichier est vide');
    await refused(utf8(csv(HEADER, '', ';;;;;')), 'aucune imputation');
  });

  it('a file over the size limit', async () => {
    const row = `${first};84010;111-01;${'x'.repeat(200)};1,00;\n`;
    const big = utf8(`${HEADER}\n${row.repeat(Math.ceil(MAX_IMPUTATION_FILE_BYTES / row.length) + 1)}`);
    expect(big.length).toBeGreaterThan(MAX_IMPUTATION_FILE_BYTES);
    await refused(big, '2 Mo');
  });

  it('more lines than the limit; the limit itself is accepted', async () => {
    const row = `${first};84010;111-01;x;1,00;`;
    const atLimit = await read(csv(HEADER, ...Array<string>(MAX_IMPUTATION_FILE_LINES).fill(row)));
    expect(atLimit.problems).toEqual([]);
    expect(atLimit.lines).toHaveLength(MAX_IMPUTATION_FILE_LINES);
    expect(atLimit.lines.at(-1)!.line).toBe(MAX_IMPUTATION_FILE_LINES + 1);
    await refused(utf8(csv(HEADER, ...Array<string>(MAX_IMPUTATION_FILE_LINES + 1).fill(row))), '5.000 au plus');
  });

  it('a damaged XLSX, an old .xls, a binary file', async () => {
    const good = await xlsx([['Année', 'Code fonctionnel', 'Article économique', 'Libellé', 'Montant']]);
    await refused(good.subarray(0, Math.floor(good.length / 2)), 'XLSX', 'xlsx');
    await refused(Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]), 'XLSX', 'xlsx');
    await refused(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]), '.xls');
    await refused(Uint8Array.from([0x25, 0x50, 0x44, 0x46, 0, 0, 0xff, 0xfe, 0]), "n'est ni un fichier CSV");
  });
});

describe('XLSX', () => {
  it('reads the first sheet: numbers in euros, texts, formula results, rich text, hyperlinks', async () => {
    const bytes = await xlsx([
      ['Exercice', 'Fonction', 'Article', 'Intitulé', 'Montant (€)', 'Nature'],
      [first, 84010, '465-48', 'Subvention', 416509.42, null],
      [String(second), '84010', 46548, { richText: [{ text: 'Riche ' }, { text: 'texte', font: { bold: true } }] }, '1.234,56', 'Subvention PCS'],
      [second, 84011, '435-01', { text: 'Lien', hyperlink: 'https://example.org' }, { formula: 'E2*2', result: 1234.5600000000002 }, null],
      [last, 84010, '111-01', '=pas une formule', -12.3, null],
      [last, 84010, '111-01', 'Zéro', 0, null],
      [{ formula: 'A2', result: first }, { formula: '"84010"', result: '84010' }, '123-02', 42, { formula: 'E6', result: 0 }, null],
    ]);
    const r = await readImputationFile(bytes, programme);
    expect(r.format).toBe('xlsx');
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => [l.line, l.fields])).toEqual([
      [2, { annee: first, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Subvention', montant: 41650942, nature: null }],
      [3, { annee: second, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Riche texte', montant: 123456, nature: 'subvention-pcs' }],
      [4, { annee: second, codeFonctionnel: '84011', articleEconomique: '435-01', libelle: 'Lien', montant: 123456, nature: null }],
      [5, { annee: last, codeFonctionnel: '84010', articleEconomique: '111-01', libelle: '=pas une formule', montant: -1230, nature: null }],
      [6, { annee: last, codeFonctionnel: '84010', articleEconomique: '111-01', libelle: 'Zéro', montant: 0, nature: null }],
      [7, { annee: first, codeFonctionnel: '84010', articleEconomique: '123-02', libelle: '42', montant: 0, nature: null }],
    ]);
  });

  it('never evaluates a formula of the file: a label gives the text the spreadsheet showed, an amount its stored result', async () => {
    const bytes = await xlsx([
      ['Année', 'Code fonctionnel', 'Article économique', 'Libellé', 'Montant', 'Nature'],
      [first, '84010', '111-01', { formula: 'HYPERLINK("http://example.invalid","x")', result: 'x' }, 1, null],
      [first, '84010', '111-01', { formula: '"="&"1+1"', result: '=1+1' }, { formula: '1+1', result: 2 }, null],
      [first, '84010', '111-01', '=1+1', { formula: 'SUM(A1)' } as ExcelJS.CellFormulaValue, null],
    ]);
    const r = await readImputationFile(bytes, programme);
    expect(r.lines.map((l) => [l.line, l.fields.libelle, l.fields.montant])).toEqual([
      [2, 'x', 100],
      [3, '=1+1', 200],
    ]);
    expect(r.problems).toEqual([
      { line: 4, column: 'montant', message: 'Formule sans résultat enregistré : ouvrez et enregistrez le classeur dans Excel, ou tapez la valeur' },
    ]);
  });

  it('reads the header below blank rows and skips blank rows, keeping row numbers', async () => {
    const bytes = await xlsx([
      [],
      ['Année', 'Code fonctionnel', 'Article économique', 'Libellé', 'Montant'],
      [first, '84010', '111-01', 'a', 1],
      [],
      [first, '84010', '111-01', 'b', 2],
    ]);
    const r = await readImputationFile(bytes, programme);
    expect(r.problems).toEqual([]);
    expect(r.lines.map((l) => [l.line, l.fields.montant])).toEqual([
      [3, 100],
      [5, 200],
    ]);
  });

  it('refuses, cell by cell: too many decimals, a date, an error, a formula without result, a year outside the programme', async () => {
    const bytes = await xlsx([
      ['Année', 'Code fonctionnel', 'Article économique', 'Libellé', 'Montant', 'Nature'],
      [first, '84010', '111-01', 'Décimales', 12.345, null],
      [first, '84010', '111-01', 'Date', new Date(Date.UTC(second, 0, 15)), null],
      [first, '84010', '111-01', 'Erreur', { error: '#REF!' }, null],
      [first, '84010', '111-01', 'Sans résultat', { formula: 'B1*2' } as ExcelJS.CellFormulaValue, null],
      [last + 1, '84010', '111-01', 'Hors programme', 1, null],
      [first + 0.5, '84010', '111-01', 'Année décimale', 1, true],
    ]);
    const r = await readImputationFile(bytes, programme);
    expect(r.lines).toEqual([]);
    expect(r.problems).toEqual([
      { line: 2, column: 'montant', message: '« 12,345 » a trop de décimales (au plus 2)' },
      { line: 3, column: 'montant', message: "Une date n'est pas admise dans cette colonne : tapez la valeur elle-même" },
      { line: 4, column: 'montant', message: 'La cellule contient une erreur (#REF!)' },
      { line: 5, column: 'montant', message: 'Formule sans résultat enregistré : ouvrez et enregistrez le classeur dans Excel, ou tapez la valeur' },
      { line: 6, column: 'annee', message: `L'année ${last + 1} n'appartient pas au programme (${first}-${last})` },
      { line: 7, column: 'annee', message: `« ${first},5 » : année attendue, en chiffres (ex. ${first})` },
      { line: 7, column: 'nature', message: 'Valeur VRAI inattendue dans cette colonne' },
    ]);
  });

  it('refuses a workbook whose first sheet lacks a column', async () => {
    const r = await readImputationFile(
      await xlsx([
        ['Année', 'Code fonctionnel', 'Libellé', 'Montant'],
        [first, '84010', 'x', 1],
      ]),
      programme,
    );
    expect(r.problems).toEqual([expect.objectContaining({ line: 1, column: 'articleEconomique' })]);
  });
});

describe('the Liège samples (samples/imputations)', () => {
  const sample = (name: string) => new Uint8Array(readFileSync(new URL(`../../samples/imputations/${name}`, import.meta.url)));

  it('the good file reads every line, its totals per nature to the cent', async () => {
    const r = await readImputationFile(sample('liege-imputations-2021.csv'), programme);
    expect(r.problems).toEqual([]);
    expect(r.format).toBe('csv');
    expect(r.lines).toHaveLength(10);
    expect(r.lines.every((l) => l.fields.annee === second)).toBe(true);
    const totals = Object.fromEntries(IMPUTATION_NATURES.map((n) => [n, 0])) as Record<ImputationNature, number>;
    for (const l of r.lines) totals[natureOf(l.fields)] += l.fields.montant;
    expect(totals).toEqual({ 'subvention-pcs': 1_666_037_68, 'part-communale': 646_977_98, art20: 111_981_08 });
    expect(r.lines.filter((l) => natureOf(l.fields) === 'art20').map((l) => l.fields.montant)).toEqual([18_821_02, 40_645_02, 32_937_02, 19_578_02]);
  });

  it('the wrong file has exactly one problem: line 5, the amount', async () => {
    const r = await readImputationFile(sample('liege-imputations-2021-erreur.csv'), programme);
    expect(r.problems).toEqual([{ line: 5, column: 'montant', message: "« 12,3,4 » n'est pas un nombre au format belge (ex. 1.234,56)" }]);
    expect(r.lines).toHaveLength(9);
  });
});
