import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { buildPlanPdf } from '../../server/reports/pdf/plan-pdf.ts';
import { renderPdfDocument } from '../../server/reports/pdf/render.ts';
import { ARABIC_FONT, EMOJI_FONT, scriptRuns, svgWithScriptFonts, visualLineOrder, withScriptFonts } from '../../server/reports/pdf/script-runs.ts';
import { gatherPdfInput } from '../../server/services/pdf.ts';
import { makeLiegeApp } from '../helpers.ts';
import { pdfFonts, savePageImage, savePdf } from '../pdf-tools.ts';

/**
 * Every character people type appears in the PDF: Latin (accents included), Greek, Cyrillic and Hebrew with
 * Liberation Sans, Arabic with Vazirmatn, emoji with Noto Emoji, each run of a text with the font that covers it,
 * and right-to-left text in its visual order.
 */

const TIMEOUT = 120_000;
const ARABIC = 'جمعية الأمل';
const EMOJI = '👍 🎉';

describe('scriptRuns', () => {
  it('leaves a text of Latin, Greek and Cyrillic letters as one run in the document font', () => {
    for (const text of ['Crème brûlée à Liège — Œuvre', 'Ελληνική κοινότητα', 'Общество «Дружба»', 'Ŵ ṩ e\u0301', ''])
      expect(scriptRuns(text)).toEqual([{ text }]);
  });

  it('gives Arabic its font, with the spaces and punctuation between Arabic words', () => {
    expect(scriptRuns(ARABIC)).toEqual([{ text: ARABIC, font: ARABIC_FONT }]);
    expect(scriptRuns('جمعية (الأمل)، الحي')).toEqual([{ text: 'جمعية (الأمل)، الحي', font: ARABIC_FONT }]);
    expect(scriptRuns(`Association ${ARABIC} à Liège`)).toEqual([{ text: 'Association ' }, { text: ARABIC, font: ARABIC_FONT }, { text: ' à Liège' }]);
  });

  it('splits runs where the direction changes, so each run is of one direction', () => {
    // In a right-to-left paragraph the digits are a left-to-right run of their own.
    expect(scriptRuns('عام 2024').map((r) => r.text)).toEqual(['عام ', '2024']);
    // A final full stop after Arabic in a French sentence belongs to the French sentence.
    expect(scriptRuns(`Nom : ${ARABIC}.`)).toEqual([{ text: 'Nom : ' }, { text: ARABIC, font: ARABIC_FONT }, { text: '.' }]);
  });

  it('keeps combining marks with their letter (Arabic harakat, Latin accents)', () => {
    const voweled = 'مَدْرَسَة';
    expect(scriptRuns(voweled)).toEqual([{ text: voweled, font: ARABIC_FONT }]);
    expect(scriptRuns(`e\u0301 ${voweled}`)).toEqual([{ text: 'e\u0301 ' }, { text: voweled, font: ARABIC_FONT }]);
  });

  it('gives emoji their font without splitting surrogate pairs, joined sequences, skin tones, flags or keycaps', () => {
    expect(scriptRuns(`Bravo ${EMOJI} !`)).toEqual([
      { text: 'Bravo ' },
      { text: '👍', font: EMOJI_FONT },
      { text: ' ' },
      { text: '🎉', font: EMOJI_FONT },
      { text: ' !' },
    ]);
    for (const emoji of ['👨‍👩‍👧', '👍🏽', '🇧🇪', '1️⃣', '❤️', '🏳️‍🌈'])
      expect(scriptRuns(`a${emoji}b`)).toEqual([{ text: 'a' }, { text: emoji, font: EMOJI_FONT }, { text: 'b' }]);
  });

  it('leaves to Liberation Sans the pictographs it draws, unless U+FE0F asks for the emoji', () => {
    expect(scriptRuns('© ® ™ ♥')).toEqual([{ text: '© ® ™ ♥' }]);
    expect(scriptRuns('♥\uFE0F')).toEqual([{ text: '♥\uFE0F', font: EMOJI_FONT }]);
    expect(scriptRuns('☀ ✈')).toEqual([{ text: '☀', font: EMOJI_FONT }, { text: ' ' }, { text: '✈', font: EMOJI_FONT }]);
  });

  it('puts every character of a mixed text in exactly one run, in order', () => {
    const mixed = `Partenaires : ${ARABIC} (Liège), Общество, Ελλάδα, שלום ${EMOJI} 👨‍👩‍👧 — fin.`;
    expect(
      scriptRuns(mixed)
        .map((r) => r.text)
        .join(''),
    ).toBe(mixed);
  });
});

describe('visualLineOrder', () => {
  it('leaves a left-to-right line as it is', () => {
    expect(visualLineOrder(['Association ', 'à ', 'Liège'])).toEqual({ order: [0, 1, 2], mirror: [null, null, null] });
  });

  it('reverses the words of a right-to-left line, numbers kept left to right', () => {
    expect(visualLineOrder(['جمعية ', 'الأمل']).order).toEqual([1, 0]);
    expect(visualLineOrder(['عام ', '2024']).order).toEqual([1, 0]);
  });

  it('reverses the Arabic words inside a French line only', () => {
    expect(visualLineOrder(['Association ', 'جمعية ', 'الأمل', ' à ', 'Liège']).order).toEqual([0, 2, 1, 3, 4]);
  });

  it('mirrors brackets placed right to left', () => {
    const { order, mirror } = visualLineOrder(['جمعية ', '(الأمل)']);
    expect(order).toEqual([1, 0]);
    // The shaper lays the piece right to left: its brackets are swapped so they still open before the word.
    expect(mirror).toEqual([null, ')الأمل(']);
    expect(visualLineOrder(['جمعية', ' «', 'الأمل', '» ']).mirror.slice(1)).toEqual(['» ', null, ' «']);
  });
});

describe('withScriptFonts', () => {
  it('gives runs to plain strings, paragraphs, inline nodes and table cells, and leaves other strings alone', () => {
    const converted = withScriptFonts({
      stack: [ARABIC, { text: ['Nom : ', { text: EMOJI, bold: true }] }, { table: { widths: ['*'], body: [[ARABIC, 'Liège']] } }],
      style: 'cell',
    });
    expect(converted).toEqual({
      stack: [
        { text: [{ text: ARABIC, font: ARABIC_FONT }], alignment: 'right' },
        { text: ['Nom : ', { text: [{ text: '👍', font: EMOJI_FONT }, { text: ' ' }, { text: '🎉', font: EMOJI_FONT }], bold: true }] },
        { table: { widths: ['*'], body: [[{ text: [{ text: ARABIC, font: ARABIC_FONT }], alignment: 'right' }, 'Liège']] } },
      ],
      style: 'cell',
    });
  });

  it('aligns on the right a paragraph that starts right to left, unless the node gives its alignment', () => {
    expect(withScriptFonts({ text: `${ARABIC} (Liège)`, style: 'cell' })).toMatchObject({ alignment: 'right' });
    expect(withScriptFonts({ text: `Nom : ${ARABIC}` })).not.toHaveProperty('alignment');
    expect(withScriptFonts({ text: ARABIC, alignment: 'center' })).toMatchObject({ alignment: 'center' });
  });
});

describe('svgWithScriptFonts', () => {
  it('gives a chart text the fonts of its runs, right-to-left words in visual order, and leaves other texts alone', () => {
    const plain = '<svg><title>Cible 👍</title><text x="1" font-family="Liberation Sans">Réalisé &amp; cible</text></svg>';
    expect(svgWithScriptFonts(plain)).toBe(plain);
    const arabic = (word: string) => `<tspan font-family="${ARABIC_FONT}">${word}</tspan>`;
    expect(svgWithScriptFonts(`<text x="1"><title>t</title>Nom : ${ARABIC}</text>`)).toBe(
      `<text x="1"><title>t</title>Nom : ${arabic('الأمل')}${arabic(' ')}${arabic('جمعية')}</text>`,
    );
    expect(svgWithScriptFonts('<text><tspan x="1">Общество</tspan><tspan x="1">Bravo 👍</tspan></text>')).toBe(
      `<text><tspan x="1">Общество</tspan><tspan x="1">Bravo <tspan font-family="${EMOJI_FONT}">👍</tspan></tspan></text>`,
    );
  });
});

/** pdftotext's text of a PDF (its default reading order, which puts right-to-left text back in logical order). */
function pdfText(file: string): string {
  // poppler marks the direction of each run (U+202A…U+202E) and keeps non-breaking spaces: both go.
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .replace(/[\u200E\u200F\u202A-\u202E\u2066-\u2069]/gu, '')
    .replace(/\u00A0/gu, ' ');
}

/**
 * The Arabic lam-alef ligature (ﻻ, ﻷ…) is one glyph standing for two letters; pdfkit maps it to them in logical
 * order (lam, alef) and poppler, reading right to left, gives them back swapped. This is what poppler returns for a
 * text with such ligatures.
 */
const asPopplerReadsIt = (text: string) => text.replace(/\u0644([\u0622\u0623\u0625\u0627])/gu, '$1\u0644');

describe('the plan PDF with texts in several scripts', () => {
  it(
    'prints Arabic, Cyrillic, Greek, Hebrew, emoji and accented Latin from names, texts and partners',
    async () => {
      const t = makeLiegeApp();
      const plan = structuredClone(t.plan);
      const texts = {
        arabicPartner: ARABIC,
        arabicText: 'ورشة للشباب والأسر في الحي',
        cyrillic: 'Общество «Дружба»',
        greek: 'Ελληνική κοινότητα',
        hebrew: 'שלום עולם',
        emoji: `Bravo ${EMOJI}`,
        latin: 'Crème brûlée, façade, Œuvre, Ŵ',
      };
      plan.partenaires[0]!.nom = texts.arabicPartner;
      plan.partenaires[1]!.nom = texts.hebrew;
      plan.equipeMembres[0]!.nomPrenom = texts.cyrillic;
      plan.textes.portrait = texts.greek;
      plan.textes.vision = texts.emoji;
      plan.textes.plusValue = texts.arabicText;
      plan.actions[0]!.fiche.gratuiteCommentaire = texts.latin;
      // An indicator that is charted: its label is printed in the fiche's table and as its chart's title.
      const charted = plan.actions.flatMap((a) => a.indicators).find((i) => Object.values(i.values).some((v) => v.target !== null || v.actual !== null))!;
      charted.label = 'نشاط للشباب';
      const doc = buildPlanPdf(gatherPdfInput(t.ctx, plan, 2021), { generatedAt: '2026-11-21T10:00:00Z' });
      const file = savePdf(await renderPdfDocument(doc), 'scripts.pdf');
      const text = pdfText(file);
      for (const [name, value] of Object.entries(texts)) expect(text, name).toContain(asPopplerReadsIt(value));
      expect(text.split(charted.label).length - 1).toBeGreaterThanOrEqual(2);

      const fonts = pdfFonts(file).map((f) => f.name.replace(/^[A-Z]{6}\+/, ''));
      expect(fonts.some((f) => f.startsWith('Vazirmatn'))).toBe(true);
      expect(fonts.some((f) => f.startsWith('NotoEmoji'))).toBe(true);
      expect(pdfFonts(file).every((f) => f.embedded)).toBe(true);
      const page = text.split('\f').findIndex((p) => p.includes(texts.greek)) + 1;
      savePageImage(file, page, 'page-scripts');
    },
    TIMEOUT,
  );
});
