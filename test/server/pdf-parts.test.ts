import { execFileSync } from 'node:child_process';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFRef, PDFString } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';
import { assemblePdf, parsedParts, type ParsedParts } from '../../server/reports/pdf/assemble.ts';
import { buildPageNumbers, buildPlanPdf, buildPlanPdfParts, planPdfInfo } from '../../server/reports/pdf/plan-pdf.ts';
import { pageReferencesOf, withPageNumbers } from '../../server/reports/pdf/plan-parts.ts';
import { renderPdfCountingPages, renderPdfDocument } from '../../server/reports/pdf/render.ts';
import { gatherPdfInput } from '../../server/services/pdf.ts';
import { readPlan } from '../../server/services/plan-store.ts';
import { makeLiegeApp, reply } from '../helpers.ts';
import { pdfPageSizes, pdfPages, savePdf } from '../pdf-tools.ts';

/**
 * The plan's PDF is rendered part by part (the cover, each printed section) by the pool's threads and assembled:
 * the reader gets the same document as when it was one, and a one-cell change renders again the fiche it is on and
 * the cover only.
 */

const TIMEOUT = 240_000;
const GENERATED_AT = '2026-11-21T10:00:00Z';
let t: ReturnType<typeof makeLiegeApp>;
let assembled: Uint8Array;
let file: string;
let pages: string[];

beforeAll(async () => {
  t = makeLiegeApp();
  ({ bytes: assembled } = await t.ctx.pdf!.pool.render(gatherPdfInput(t.ctx, t.plan, 2021), GENERATED_AT));
  file = savePdf(assembled, 'liege-2021-parts.pdf');
  pages = pdfPages(file);
}, TIMEOUT);

afterAll(async () => {
  await t?.ctx.pdf?.pool.close();
});

/** The text of page `page` (1-based) alone. */
const pageText = (page: number) =>
  execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', '-f', String(page), '-l', String(page), file, '-'], { encoding: 'utf8' });

/** The first line under the running header of a page. */
const firstLine = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)[1];

/** Named destinations of the file: name → page number (1-based). */
async function destinationPages(bytes: Uint8Array): Promise<Map<string, number>> {
  const doc = await PDFDocument.load(bytes);
  const index = new Map(doc.getPages().map((p, i) => [p.ref.toString(), i + 1]));
  const tree = doc.catalog.lookup(PDFName.of('Names'), PDFDict).lookup(PDFName.of('Dests'), PDFDict);
  const names = tree.lookup(PDFName.of('Names'), PDFArray);
  const found = new Map<string, number>();
  for (let i = 0; i < names.size(); i += 2) {
    const name = names.lookup(i) as PDFString | PDFHexString;
    const target = names.lookup(i + 1, PDFArray).get(0);
    found.set(name.decodeText(), target instanceof PDFRef ? (index.get(target.toString()) ?? -1) : -1);
  }
  return found;
}

/** The destinations named by the links of page `page` (1-based), in the order of the page's annotations. */
function linkTargets(doc: PDFDocument, page: number): string[] {
  const annots = doc.getPage(page - 1).node.Annots();
  const targets: string[] = [];
  for (let i = 0; annots && i < annots.size(); i++) {
    const action = annots.lookup(i, PDFDict).lookupMaybe(PDFName.of('A'), PDFDict);
    const dest = action?.lookup(PDFName.of('D'));
    if (dest instanceof PDFString || dest instanceof PDFHexString) targets.push(dest.decodeText());
  }
  return targets;
}

describe('the Liège PDF assembled from its parts', () => {
  it(
    'has the pages, the text and the page sizes of the same document rendered in one piece',
    async () => {
      const whole = savePdf(await renderPdfDocument(buildPlanPdf(gatherPdfInput(t.ctx, t.plan, 2021), { generatedAt: GENERATED_AT })), 'liege-2021-whole.pdf');
      const wholePages = pdfPages(whole);
      expect(pages).toHaveLength(wholePages.length);
      pages.forEach((text, i) => expect(text, `page ${i + 1}`).toBe(wholePages[i]));
      expect(pdfPageSizes(file)).toEqual(pdfPageSizes(whole));
      const info = (f: string) => execFileSync('pdfinfo', [f], { encoding: 'utf8' }).replace(/^(File size|PDF version|Page size|Pages|Optimized):.*$/gm, '');
      expect(info(file)).toBe(info(whole));
    },
    TIMEOUT,
  );

  it('numbers every page « Page N / total » and keeps the fiches in landscape', () => {
    const sizes = pdfPageSizes(file);
    pages.forEach((text, i) => expect(text, `page ${i + 1}`).toContain(`Page ${i + 1} / ${pages.length}`));
    pages.forEach((text, i) => {
      if (/^ACTION \d/.test(firstLine(text) ?? '')) expect(sizes[i]!.width, `page ${i + 1}`).toBeGreaterThan(sizes[i]!.height);
    });
    expect(sizes[0]!.width).toBeLessThan(sizes[0]!.height);
  });

  it(
    'prints in the table of contents the page each section starts on, and its links lead there',
    async () => {
      const doc = await PDFDocument.load(assembled);
      const destinations = await destinationPages(assembled);
      const sections = [...destinations.entries()].filter(([name]) => name.startsWith('feuille-')).sort(([a], [b]) => Number(a.slice(8)) - Number(b.slice(8)));
      expect(sections.length).toBeGreaterThan(30);
      // The numbers at the end of the rows of the Sommaire, in order.
      const cover = pages[0]!;
      const toc = cover
        .slice(cover.indexOf('Sommaire'))
        .split('\n')
        .filter((l) => !l.includes('Page 1 /'))
        .map((l) => /\s(\d+)\s*$/.exec(l)?.[1])
        .filter((n): n is string => n !== undefined)
        .map(Number);
      expect(toc).toEqual(sections.map(([, page]) => page));
      for (const [name, page] of sections) {
        // A section's first page has its title first (a fiche: « ACTION <code> »), and the page before it another section.
        const text = pageText(page);
        expect(text, name).toContain(`Page ${page} / ${pages.length}`);
        expect(firstLine(text), name).toBeTruthy();
      }
      for (const action of t.plan.actions) {
        const page = pages.findIndex((p) => firstLine(p) === `ACTION ${action.code}`) + 1;
        expect(toc, action.code).toContain(page);
      }
      // The links of each row (a word of the title, its page number: one annotation each) lead to its section, in order.
      const links = linkTargets(doc, 1).filter((name, i, all) => name !== all[i - 1]);
      expect(links).toEqual(sections.map(([name]) => name));
      // « Voir la fiche » in the fiche plan leads to the fiche's first page, whose number it prints.
      const fichePlanLinks: string[] = [];
      for (let page = sections[0]![1]; page < sections[1]![1]; page++) fichePlanLinks.push(...linkTargets(doc, page));
      expect(fichePlanLinks.length).toBeGreaterThan(0);
      for (const name of new Set(fichePlanLinks)) expect(firstLine(pageText(destinations.get(name)!))).toMatch(/^ACTION \d/);
    },
    TIMEOUT,
  );
});

describe('a one-cell change', () => {
  it(
    'renders again the fiche it is on and the cover only; every other part comes from the cache',
    async () => {
      const pool = t.ctx.pdf!.pool;
      const action = t.plan.actions[2]!;
      const indicator = action.indicators[0]!;
      const put = await reply(
        t.api.plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({
          param: { planId: t.plan.id, indicatorId: indicator.id, year: '2021', kind: 'actual' },
          json: { value: 4321, version: 0 },
        }),
      );
      expect(put.status).toBe(200);
      const before = pool.stats();
      const { bytes, cached } = await pool.render(gatherPdfInput(t.ctx, readPlan(t.db, t.plan.id), 2021), GENERATED_AT);
      expect(cached).toBe(false);
      const after = pool.stats();
      expect(after.rendered - before.rendered).toBe(1);
      expect(after.partsRendered - before.partsRendered).toBe(2);
      // The cover, the fiche plan, the finance, each fiche and the checks annex: all but two from the cache.
      expect(after.partsCached - before.partsCached).toBeGreaterThan(t.plan.actions.length);

      const changed = pdfPages(savePdf(bytes, 'liege-2021-parts-changed.pdf'));
      expect(changed).toHaveLength(pages.length);
      const differing = changed.flatMap((text, i) => (text === pages[i] ? [] : [i + 1]));
      // The cover (generation hash) and pages of that fiche only.
      expect(differing[0]).toBe(1);
      const ficheStart = pages.findIndex((p) => firstLine(p) === `ACTION ${action.code}`) + 1;
      for (const page of differing.slice(1)) {
        expect(page, `page ${page}`).toBeGreaterThanOrEqual(ficheStart);
        expect(page, `page ${page}`).toBeLessThan(ficheStart + 8);
      }
      expect(changed.join('\n')).toContain('4.321');
    },
    TIMEOUT,
  );
});

describe('the charts a thread drew before', () => {
  it('give the same part definitions as charts drawn afresh, and a changed value draws its chart again', () => {
    const input = gatherPdfInput(t.ctx, t.plan, 2021);
    const definitions = (parts: ReturnType<typeof buildPlanPdfParts>) => parts.map((p) => JSON.stringify(p.doc.content));
    const fresh = definitions(buildPlanPdfParts(input, { generatedAt: GENERATED_AT }));
    // A thread's memo after another year of the plan, then the plan with one value changed.
    const charts = new Map<string, string>();
    definitions(buildPlanPdfParts(gatherPdfInput(t.ctx, t.plan, 2022), { generatedAt: GENERATED_AT, charts }));
    const drawn = charts.size;
    expect(drawn).toBeGreaterThan(t.plan.actions.length);
    expect(definitions(buildPlanPdfParts(input, { generatedAt: GENERATED_AT, charts }))).toEqual(fresh);
    expect(charts.size).toBe(drawn);

    const changed = structuredClone(input.plan);
    const indicator = changed.actions.flatMap((a) => a.indicators).find((i) => i.values['2021']?.target !== null && i.values['2021'] !== undefined)!;
    indicator.values['2021'] = { ...indicator.values['2021']!, actual: 98765 };
    const withChange = { ...input, plan: changed };
    expect(definitions(buildPlanPdfParts(withChange, { generatedAt: GENERATED_AT, charts }))).toEqual(
      definitions(buildPlanPdfParts(withChange, { generatedAt: GENERATED_AT })),
    );
    expect(charts.size).toBe(drawn + 1);
  });
});

describe('the assembly of parts parsed before', () => {
  it(
    'gives the same file as from a fresh parse (a thread keeps the parts of its last assembly parsed)',
    async () => {
      const input = gatherPdfInput(t.ctx, t.plan, 2021);
      const parts = buildPlanPdfParts(input, { generatedAt: GENERATED_AT }).slice(0, 5);
      const render = async (doc: TDocumentDefinitions) => {
        const refs = pageReferencesOf(doc);
        return renderPdfCountingPages(refs.length > 0 ? withPageNumbers(doc, new Map(refs.map((r) => [r, 1]))) : doc);
      };
      const rendered = await Promise.all(parts.map((p) => render(p.doc)));
      const info = planPdfInfo(input, GENERATED_AT);
      /** The parts of these indices assembled, with their page numbers, from what `parsed` holds. */
      const assemble = async (order: number[], parsed: ParsedParts) => {
        const landscape = order.flatMap((i) => Array.from({ length: rendered[i]!.pages }, () => parts[i]!.landscape));
        const numbers = (await renderPdfCountingPages(buildPageNumbers(landscape))).bytes;
        return assemblePdf(
          order.map((i) => rendered[i]!.bytes),
          numbers,
          info,
          new Map(),
          parsed,
        );
      };
      // Nothing parsed yet: the first assembly parses every part.
      const fresh = await assemble([0, 1, 2, 3, 4], parsedParts());
      // A thread's assemblies: another document first, one part differing (the finance part in place of the fiche plan).
      const thread = parsedParts();
      await assemble([0, 2, 2, 3, 4], thread);
      // The first document again: all but one part from what the last assembly parsed.
      expect(Buffer.from(await assemble([0, 1, 2, 3, 4], thread)).equals(Buffer.from(fresh))).toBe(true);
      // And once more with every part parsed before.
      expect(Buffer.from(await assemble([0, 1, 2, 3, 4], thread)).equals(Buffer.from(fresh))).toBe(true);
    },
    TIMEOUT,
  );
});
