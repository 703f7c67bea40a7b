import { beforeAll, describe, expect, it } from 'vitest';
import { computeBudgetFigures, PART_COMMUNALE_MINIMUM_TEXT } from '../../schemas/budget.ts';
import { checkPlan } from '../../schemas/checks.ts';
import { PERCENT_SPREADSHEET_FORMAT, formatPercent } from '../../schemas/numbers.ts';
import type { Plan } from '../../schemas/plan.ts';
import { buildPlanPdf } from '../../server/reports/pdf/plan-pdf.ts';
import { renderPdfDocument } from '../../server/reports/pdf/render.ts';
import { gatherPdfInput } from '../../server/services/pdf.ts';
import { makeLiegeApp } from '../helpers.ts';
import { HAS_LIBREOFFICE, convertWithLibreOffice } from '../libreoffice.ts';
import { openWorkbook } from '../workbook-edit.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';

/**
 * One percentage, one way to print it: the Liège part communale (38,83 % of the subvention PCS) reads the same from
 * the shared formatter, in the workbook (its cell's number format, as Calc shows it in fr-BE), in the PDF's text and
 * in the checks' message — a no-break space before %, never "38,83%" here and "38,83 %" there.
 */

const LABEL = 'Part communale / subvention PCS';
let t: ReturnType<typeof makeLiegeApp>;
let plan: Plan;
let ratio: number;
let xlsx: Uint8Array;

beforeAll(async () => {
  t = makeLiegeApp();
  plan = t.plan;
  ratio = computeBudgetFigures(plan).partCommunaleRatio!;
  const res = await t.apiAs('chef').plans[':planId']['export.xlsx'].$get({ param: { planId: plan.id } });
  expect(res.status).toBe(200);
  xlsx = new Uint8Array(await res.arrayBuffer());
});

describe('formatPercent, the one percentage format of the product', () => {
  it('prints the Liège part communale with a no-break space before %', () => {
    expect(ratio).toBe(3883);
    expect(formatPercent(ratio)).toBe('38,83\u00a0%');
  });

  it('is what the checks say, for the figure and for the minimum', () => {
    const finding = checkPlan(plan, t.reference.programmes.find((p) => p.id === plan.programmeId)!, t.reference.catalogues['pcs-2020-2025']!).find(
      (f) => f.rule === 'part-communale-ratio',
    );
    expect(finding?.message).toBe(`Part communale : ${formatPercent(ratio)} de la subvention PCS (minimum ${PART_COMMUNALE_MINIMUM_TEXT})`);
    expect(PART_COMMUNALE_MINIMUM_TEXT).toBe(formatPercent(2500));
  });
});

describe('the workbook', () => {
  async function percentCells(): Promise<{ sheet: string; address: string; label: string; numFmt: string }[]> {
    const book = await openWorkbook(xlsx);
    const found: { sheet: string; address: string; label: string; numFmt: string }[] = [];
    book.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.numFmt?.includes('%')) found.push({ sheet: ws.name, address: cell.address, label: String(row.getCell(2).value ?? ''), numFmt: cell.numFmt });
        }),
      ),
    );
    return found;
  }

  it('formats every percentage cell with the product’s format (re-opened with exceljs)', async () => {
    const cells = await percentCells();
    expect(cells.find((c) => c.sheet === 'Fiche plan' && c.label === LABEL)).toBeTruthy();
    // The time shares of the chef de projet are percentages too.
    expect(cells.length).toBeGreaterThan(10);
    expect([...new Set(cells.map((c) => c.numFmt))]).toEqual([PERCENT_SPREADSHEET_FORMAT]);
  });

  it.runIf(HAS_LIBREOFFICE)(
    'shows the part communale as the formatter prints it when Calc opens it in Belgian French',
    async () => {
      const csv = new TextDecoder().decode(await convertWithLibreOffice(xlsx, 'xlsx', 'csv', { locale: 'fr-BE' }));
      // Column A holds the hidden row keys: the label is in B.
      const line = csv.split('\n').find((l) => l.startsWith(`,${LABEL},`));
      expect(line?.startsWith(`,${LABEL},"${formatPercent(ratio)}"`)).toBe(true);
    },
    90_000,
  );
});

describe('the PDF', () => {
  it('prints the part communale as the formatter does (pdftotext)', async () => {
    const year = t.reference.programmes.find((p) => p.id === plan.programmeId)!.years[1]!;
    const doc = buildPlanPdf(gatherPdfInput(t.ctx, plan, year), { generatedAt: '2026-11-21T10:00:00Z' });
    const text = pdfPages(savePdf(await renderPdfDocument(doc), 'percent-format.pdf')).join('\n');
    const line = text.split('\n').find((l) => l.includes(LABEL));
    expect(line).toBeDefined();
    // pdftotext gives the no-break space as a space: the glyphs are the same.
    const printed = formatPercent(ratio).replace('\u00a0', ' ');
    expect(line!.trim().endsWith(`  ${printed}`)).toBe(true);
    expect(text).toContain(`Part communale : ${printed} de la subvention PCS (minimum ${PART_COMMUNALE_MINIMUM_TEXT.replace('\u00a0', ' ')})`);
  }, 120_000);
});
