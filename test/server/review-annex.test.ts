import { spreadsheetText } from '../../server/reports/xlsx.ts';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inertSpreadsheetText } from '../../schemas/spreadsheet-text.ts';
import { describeCell } from '../../schemas/cells.ts';
import { EMPTY_REVIEW_ANNEX, type ReviewAnnex, type ReviewThread, type SubmissionChange } from '../../schemas/submission.ts';
import { CHANGES_ANNEX_TITLE, QUESTIONS_ANNEX_TITLE, buildPlanPdf, type PlanPdfInput } from '../../server/reports/pdf/plan-pdf.ts';
import { buildPrintLayout, buildWorkbookLayout, CHANGES_SHEET, QUESTIONS_SHEET } from '../../server/reports/workbook-layout.ts';
import { renderWorkbook } from '../../server/reports/xlsx.ts';
import { gatherPdfInput } from '../../server/services/pdf.ts';
import { gatherWorkbookInput } from '../../server/services/workbook.ts';
import { createPdfPool, pdfCacheKey, type PdfPool } from '../../server/workers/pdf-pool.ts';
import { makeLiegeApp } from '../helpers.ts';
import { pdfFonts, pdfPages, savePageImage, savePdf } from '../pdf-tools.ts';
import { openWorkbook } from '../workbook-edit.ts';

/**
 * The review annexes of the exports, on the Liège sample with a fabricated review: two DiCS questions (one answered
 * with a formula-looking text, one resolved) and three values changed since the previous submission (money among
 * them). The workbook gets a read-only sheet for each and still imports back without change; the PDF gets an annex
 * for each, listed in the table of contents; an empty review adds nothing; the PDF cache tells the reviews apart.
 */

const TIMEOUT = 120_000;
const GENERATED_AT = '2026-11-21T10:00:00Z';
const FORMULA_TEXT = '=HYPERLINK("http://x")';
const INSPECTOR = 'Inspectrice DiCS Anne Lambert';
const CHEF = 'Marie Dupont';

let t: ReturnType<typeof makeLiegeApp>;
let review: ReviewAnnex;
let indicatorLabel: string;

/** The fabricated review, named from the Liège plan's own values. */
function fabricateReview(): ReviewAnnex {
  const action = t.plan.actions.find((a) => a.code === '1.1.05')!;
  const indicator = action.indicators[0]!;
  indicatorLabel = describeCell(t.plan, { grid: 'indicator-actual', row: indicator.id, period: '2021' });
  const threads: ReviewThread[] = [
    {
      id: 'q1',
      annee: 2021,
      chemin: `actions.${action.id}.indicators.${indicator.id}.values.2021.actual`,
      libelle: indicatorLabel,
      statut: 'repondu',
      ouvertLe: '2026-03-02T09:15:00Z',
      ouvertPar: INSPECTOR,
      messages: [
        {
          id: 1,
          at: '2026-03-02T09:15:00Z',
          auteur: INSPECTOR,
          role: 'DiCS',
          nature: 'question',
          texte: 'Le réalisé 2021 double par rapport à 2020 : pouvez-vous en préciser la source ?',
        },
        { id: 2, at: '2026-03-03T16:40:00Z', auteur: CHEF, role: 'Chef de projet', nature: 'reponse', texte: FORMULA_TEXT },
      ],
    },
    {
      id: 'q2',
      annee: 2021,
      chemin: 'budget.recettes.autres',
      libelle: 'Budget — Autres recettes',
      statut: 'resolu',
      ouvertLe: '2026-07-10T08:00:00Z',
      ouvertPar: INSPECTOR,
      messages: [
        { id: 3, at: '2026-07-10T08:00:00Z', auteur: INSPECTOR, role: 'DiCS', nature: 'question', texte: 'Quelle est l’origine des autres recettes ?' },
        { id: 4, at: '2026-07-11T12:30:00Z', auteur: INSPECTOR, role: 'DiCS', nature: 'resolution', texte: 'Réponse reçue par courrier, merci.' },
      ],
    },
  ];
  const changes: SubmissionChange[] = [
    { path: 'budget.recettes.autres', label: 'Budget — Autres recettes', old: 123456, new: 200000, oldText: '€ 1.234,56', newText: '€ 2.000,00' },
    { path: threads[0]!.chemin, label: indicatorLabel, old: 17, new: 18, oldText: '17', newText: '18' },
    { path: 'textes.vision', label: 'Vision du plan', old: 'Une ville solidaire', new: '=1+1 (sic)', oldText: 'Une ville solidaire', newText: '=1+1 (sic)' },
  ];
  return { submissionNumber: 2, previousSubmittedAt: '2026-03-01T14:05:00Z', changes, threads };
}

/** Every row of a sheet as the values of columns B.. (index 0 = column B). */
function rowsOf(ws: ExcelJS.Worksheet): unknown[][] {
  const out: unknown[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => out.push((row.values as unknown[]).slice(2)));
  return out;
}

const openXlsx = (bytes: Uint8Array): Promise<ExcelJS.Workbook> => openWorkbook(bytes);

beforeAll(() => {
  t = makeLiegeApp();
  review = fabricateReview();
});

describe('the workbook with review annexes', () => {
  let bytes: Uint8Array;
  let wb: ExcelJS.Workbook;

  beforeAll(async () => {
    const input = { ...gatherWorkbookInput(t.ctx, t.plan), review };
    bytes = await renderWorkbook(buildWorkbookLayout(input), { generatedAt: new Date(GENERATED_AT) });
    wb = await openXlsx(bytes);
  }, TIMEOUT);

  it('adds "Modifications" and "Questions DiCS" after "Contrôles", read-only, without row keys', () => {
    expect(wb.worksheets.map((w) => w.name).slice(-4)).toEqual(['Contrôles', CHANGES_SHEET, QUESTIONS_SHEET, 'Listes']);
    for (const name of [CHANGES_SHEET, QUESTIONS_SHEET]) {
      const ws = wb.getWorksheet(name)!;
      expect(ws.getCell('A1').value, name).toBeNull();
      expect(ws.sheetProtection, name).toBeFalsy();
    }
  });

  it('lists one row per message with its question, Brussels date and time, author, role and nature', () => {
    const rows = rowsOf(wb.getWorksheet(QUESTIONS_SHEET)!);
    expect(rows).toEqual([
      ['Année', 'Valeur questionnée', 'Statut', 'Date', 'Auteur', 'Rôle', 'Nature', 'Message'],
      // 09:15 UTC in March is 10:15 in Brussels (winter time), 08:00 UTC in July is 10:00 (summer time).
      [2021, indicatorLabel, 'Réponse donnée', '02/03/2026 à 10:15', INSPECTOR, 'DiCS', 'Question', review.threads[0]!.messages[0]!.texte],
      [2021, indicatorLabel, 'Réponse donnée', '03/03/2026 à 17:40', CHEF, 'Chef de projet', 'Réponse', inertSpreadsheetText(FORMULA_TEXT)],
      [2021, 'Budget — Autres recettes', 'Résolu', '10/07/2026 à 10:00', INSPECTOR, 'DiCS', 'Question', 'Quelle est l’origine des autres recettes ?'],
      [2021, 'Budget — Autres recettes', 'Résolu', '11/07/2026 à 14:30', INSPECTOR, 'DiCS', 'Résolution', 'Réponse reçue par courrier, merci.'],
    ]);
  });

  it('writes a formula-looking message as a string, never as a formula', () => {
    const ws = wb.getWorksheet(QUESTIONS_SHEET)!;
    const cell = ws.getCell('I3');
    expect(cell.value).toBe(inertSpreadsheetText(FORMULA_TEXT));
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
  });

  it('titles the changes with the submission number and the previous date, then one row per change', () => {
    const ws = wb.getWorksheet(CHANGES_SHEET)!;
    expect(ws.getCell('B1').value).toBe('Modifications depuis la dernière soumission (soumission n°2, précédente du 01/03/2026 à 15:05)');
    expect(ws.getCell('D1').isMerged).toBe(true);
    expect(rowsOf(ws).slice(1)).toEqual([
      ['Valeur', 'Ancienne valeur', 'Nouvelle valeur'],
      ['Budget — Autres recettes', '€ 1.234,56', '€ 2.000,00'],
      [indicatorLabel, '17', '18'],
      ['Vision du plan', 'Une ville solidaire', inertSpreadsheetText('=1+1 (sic)')],
    ]);
    for (const ref of ['C3', 'D3', 'D5']) {
      expect(ws.getCell(ref).type, ref).toBe(ExcelJS.ValueType.String);
      expect(ws.getCell(ref).formula, ref).toBeUndefined();
    }
  });

  it(
    'imports back without change: the review sheets are read-only',
    async () => {
      const res = await t.api.plans[':planId']['import.xlsx'].$post({
        param: { planId: t.plan.id },
        form: { file: new File([new Uint8Array(bytes)], 'plan.xlsx') },
      });
      const body = await res.json();
      expect(res.status, JSON.stringify(body).slice(0, 500)).toBe(200);
      expect(body.changes).toEqual([]);
    },
    TIMEOUT,
  );

  it(
    'imports back without change after being saved again by a spreadsheet program (exceljs)',
    async () => {
      const resaved = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
      const res = await t.api.plans[':planId']['import.xlsx'].$post({
        param: { planId: t.plan.id },
        form: { file: new File([new Uint8Array(resaved)], 'plan.xlsx') },
      });
      expect(res.status).toBe(200);
      expect((await res.json()).changes).toEqual([]);
    },
    TIMEOUT,
  );
});

describe('the PDF with review annexes', () => {
  let pool: PdfPool;
  let input: PlanPdfInput;
  let pages: string[];
  let file: string;

  const annex = (title: string) => {
    const start = pages.findIndex((p) => p.includes(title) && !p.includes('Sommaire'));
    expect(start, title).toBeGreaterThan(0);
    return { start, text: pages.slice(start).join('\n') };
  };

  beforeAll(async () => {
    pool = createPdfPool({ maxWorkers: 1 });
    input = { ...gatherPdfInput(t.ctx, t.plan, 2021), review };
    const rendered = await pool.render(input, GENERATED_AT);
    expect(rendered.cached).toBe(false);
    file = savePdf(rendered.bytes, 'review-annexes-2021.pdf');
    pages = pdfPages(file);
  }, TIMEOUT);

  afterAll(async () => {
    await pool?.close();
  });

  it('lists both annexes in the table of contents, after the checks annex', () => {
    const cover = pages[0]!;
    for (const title of ['Annexe — Contrôles du plan', CHANGES_ANNEX_TITLE, QUESTIONS_ANNEX_TITLE]) expect(cover).toMatch(new RegExp(`${title}\\s+\\d+`));
    expect(CHANGES_ANNEX_TITLE).toBe('Annexe — Modifications depuis la dernière soumission');
    expect(QUESTIONS_ANNEX_TITLE).toBe('Annexe — Questions de la DiCS');
    const checks = annex('Annexe — Contrôles du plan').start;
    const changes = annex(CHANGES_ANNEX_TITLE).start;
    const questions = annex(QUESTIONS_ANNEX_TITLE).start;
    expect(checks).toBeLessThan(changes);
    expect(changes).toBeLessThanOrEqual(questions);
    // The table of contents gives the page each annex starts on.
    expect(cover).toMatch(new RegExp(`${CHANGES_ANNEX_TITLE}\\s+${changes + 1}\\b`));
    expect(cover).toMatch(new RegExp(`${QUESTIONS_ANNEX_TITLE}\\s+${questions + 1}\\b`));
    savePageImage(file, changes + 1, 'page-modifications');
    savePageImage(file, questions + 1, 'page-questions-dics');
  });

  it('prints the changes as Valeur | Avant | Après under the submission number and previous date', () => {
    const text = annex(CHANGES_ANNEX_TITLE).text.split(QUESTIONS_ANNEX_TITLE)[0]!;
    expect(text).toContain('3 valeurs modifiées (soumission n°2, précédente du 01/03/2026 à 15:05)');
    expect(text).toMatch(/Valeur\s+Avant\s+Après/);
    expect(text).toMatch(/Budget — Autres recettes\s+€ 1\.234,56\s+€ 2\.000,00/);
    expect(text).toMatch(/Vision du plan\s+Une ville solidaire\s+=1\+1 \(sic\)/);
    expect(text.replace(/\s+/g, ' ')).toMatch(/17 18/);
  });

  it('prints each question with its value, year and status, then its messages with date, author, role and nature', () => {
    const { text } = annex(QUESTIONS_ANNEX_TITLE);
    const flat = text.replace(/\s+/g, ' ');
    expect(flat).toContain('2 questions, 4 messages — Réponse donnée : 1, Résolu : 1');
    expect(flat).toContain(`${indicatorLabel} — année 2021 — Réponse donnée`);
    expect(flat).toContain('Budget — Autres recettes — année 2021 — Résolu');
    expect(text).toMatch(/Date\s+Auteur\s+Rôle\s+Nature\s+Message/);
    expect(text).toMatch(/03\/03\/2026 à 17:40\s+Marie Dupont\s+Chef de projet\s+Réponse\s+=HYPERLINK\("http:\/\/x"\)/);
    expect(flat).toContain('11/07/2026 à 14:30');
    expect(flat).toContain('Réponse reçue par courrier, merci.');
    expect(flat).toContain('Le réalisé 2021 double par rapport à 2020');
  });

  it('keeps Liberation Sans as the only font', () => {
    const fonts = pdfFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) expect(f.name).toMatch(/LiberationSans/);
  });

  it('serves the same review from the cache', async () => {
    const again = await pool.render({ ...input, review: structuredClone(review) }, GENERATED_AT);
    expect(again.cached).toBe(true);
  });
});

describe('an export without review', () => {
  it('has neither sheet nor annex', async () => {
    const input = { ...gatherWorkbookInput(t.ctx, t.plan), review: EMPTY_REVIEW_ANNEX };
    const wb = await openXlsx(await renderWorkbook(buildWorkbookLayout(input), { generatedAt: new Date(GENERATED_AT) }));
    const names = wb.worksheets.map((w) => w.name);
    expect(names).not.toContain(CHANGES_SHEET);
    expect(names).not.toContain(QUESTIONS_SHEET);
    expect(names.slice(-2)).toEqual(['Contrôles', 'Listes']);

    const pdfInput = { ...gatherPdfInput(t.ctx, t.plan, 2021), review: EMPTY_REVIEW_ANNEX };
    expect(buildPrintLayout(pdfInput).map((s) => s.name)).not.toEqual(expect.arrayContaining([CHANGES_SHEET]));
    expect(
      buildPrintLayout(pdfInput)
        .map((s) => s.name)
        .at(-1),
    ).toBe('Contrôles');
    const doc = JSON.stringify(buildPlanPdf(pdfInput, { generatedAt: GENERATED_AT }).content);
    expect(doc).toContain('Annexe — Contrôles du plan');
    expect(doc).not.toContain(CHANGES_ANNEX_TITLE);
    expect(doc).not.toContain(QUESTIONS_ANNEX_TITLE);
  });

  it('has only the annex that has rows', () => {
    const pdfInput = gatherPdfInput(t.ctx, t.plan, 2021);
    const onlyQuestions = buildPrintLayout({ ...pdfInput, review: { ...EMPTY_REVIEW_ANNEX, threads: review.threads } }).map((s) => s.name);
    expect(onlyQuestions.slice(-2)).toEqual(['Contrôles', QUESTIONS_SHEET]);
    const onlyChanges = buildWorkbookLayout({ ...pdfInput, review: { ...review, threads: [] } }).sheets.map((s) => s.name);
    expect(onlyChanges.slice(-2)).toEqual(['Contrôles', CHANGES_SHEET]);
  });
});

describe('layoutQuestions', () => {
  it('drops the characters a workbook cannot hold and keeps the rest of the text (every text of every workbook)', () => {
    expect(spreadsheetText('Ligne 1\u0007\nLigne 2\u0000')).toBe('Ligne 1\nLigne 2');
    expect(spreadsheetText('x'.repeat(40_000))).toHaveLength(32_767);
  });
});

describe('pdfCacheKey', () => {
  const keyOf = (r: ReviewAnnex) => pdfCacheKey({ ...gatherPdfInput(t.ctx, t.plan, 2021), review: r });

  it('differs when a question is added, a message is added or the changes differ', () => {
    const base = keyOf(review);
    const newThread: ReviewThread = { ...review.threads[1]!, id: 'q3', statut: 'ouvert', messages: [review.threads[1]!.messages[0]!] };
    expect(keyOf({ ...review, threads: [...review.threads, newThread] })).not.toBe(base);
    const [first, second] = review.threads as [ReviewThread, ReviewThread];
    const reply = { ...first.messages[1]!, id: 9, texte: 'Complément' };
    expect(keyOf({ ...review, threads: [{ ...first, messages: [...first.messages, reply] }, second] })).not.toBe(base);
    expect(keyOf({ ...review, changes: [] })).not.toBe(base);
    expect(keyOf(EMPTY_REVIEW_ANNEX)).not.toBe(base);
  });

  it('stays the same for the same review, whatever the order of the keys of its objects', () => {
    const reordered = Object.fromEntries(Object.entries(structuredClone(review)).reverse()) as ReviewAnnex;
    expect(keyOf(reordered)).toBe(keyOf(review));
    expect(keyOf(EMPTY_REVIEW_ANNEX)).toBe(keyOf({ threads: [], changes: [], previousSubmittedAt: null, submissionNumber: null }));
  });
});
