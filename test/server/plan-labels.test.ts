import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOf, getPlan, makeLiegeApp, reply, type TestApp } from '../helpers.ts';
import { openWorkbook } from '../workbook-edit.ts';
import type { Plan } from '../../schemas/plan.ts';
import { CHANGES_ANNEX_TITLE } from '../../server/reports/pdf/plan-pdf.ts';
import { buildWorkbookLayout, CHANGES_SHEET } from '../../server/reports/workbook-layout.ts';
import { renderWorkbook } from '../../server/reports/xlsx.ts';
import { gatherPdfInput } from '../../server/services/pdf.ts';
import { changesBetween } from '../../server/services/submissions.ts';
import { gatherWorkbookInput } from '../../server/services/workbook.ts';
import { createPdfPool, type PdfPool } from '../../server/workers/pdf-pool.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';

/**
 * What people read of a change — the history panel (API), its XLSX export, the "Modifications depuis la dernière
 * soumission" annex (XLSX and PDF) — names every value in French and never shows a plan path or a row id, even for
 * a fiche deleted since.
 */

/** The app's row ids (randomUUID), and the plan paths they appear in. */
const ROW_ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const RAW_PATH = /\b(actions|transferts|indicators|budgetsAnnuels|imputations)\.[\w#-]+/;
const TIMEOUT = 120_000;

function expectReadable(texts: readonly (string | null | undefined)[], where: string) {
  for (const text of texts) {
    if (!text) continue;
    expect(text, `${where}: ${text}`).not.toMatch(ROW_ID);
    expect(text, `${where}: ${text}`).not.toMatch(RAW_PATH);
  }
}

/** A plan with its values changed in every kind of place a person touches, then a fiche deleted. */
async function changePlan(app: TestApp, plan: Plan): Promise<Plan> {
  const api = clientOf(app);
  const planId = plan.id;
  const calif = plan.actions.find((a) => a.code === '1.1.05')!;
  const ind = calif.indicators[0]!;
  const ok = (r: { status: number; body: unknown }) => expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  ok(
    await reply(
      api.plans[':planId'].cells.$put({
        param: { planId },
        json: { cells: [{ grid: 'indicator-actual', row: ind.id, period: '2021', value: 42, version: ind.values['2021']?.actualVersion ?? 0 }] },
      }),
    ),
  );
  // A fiche field, its operator moved to another transfer (a reference to a row: named, not shown as an id).
  const other = plan.transferts.find((t) => t.id !== calif.fiche.operateur.transferId)!;
  const fiche = { ...calif.fiche, description: 'Nouvelle description', operateur: { ...calif.fiche.operateur, transferId: other.id } };
  ok(
    await reply(
      api.plans[':planId'].actions[':actionId'].$put({
        param: { planId, actionId: calif.id },
        json: { version: calif.version, data: { code: calif.code, statut: calif.statut, droitVise: calif.droitVise, priorite: calif.priorite, fiche } },
      }),
    ),
  );
  const transfer = plan.transferts[0]!;
  ok(
    await reply(
      api.plans[':planId'].transfers[':transferId'].$put({
        param: { planId, transferId: transfer.id },
        json: { version: transfer.version, data: { partenaire: transfer.partenaire, art20: transfer.art20, montant: 123_456 } },
      }),
    ),
  );
  // A fiche with values, deleted: its past changes still read as a label.
  const doomed = plan.actions.find((a) => a.code === '2.4.01')!;
  const doomedInd = doomed.indicators[0]!;
  ok(
    await reply(
      api.plans[':planId'].cells.$put({
        param: { planId },
        json: { cells: [{ grid: 'indicator-target', row: doomedInd.id, period: '2022', value: 7, version: doomedInd.values['2022']?.targetVersion ?? 0 }] },
      }),
    ),
  );
  const fresh = await getPlan(app, planId);
  // Its partner card names it: the deletion detaches it (asked for explicitly, as the interface does).
  const d = fresh.actions.find((a) => a.id === doomed.id)!;
  ok(
    await reply(api.plans[':planId'].actions[':actionId'].$delete({ param: { planId, actionId: d.id }, query: { version: String(d.version), detacher: '1' } })),
  );
  return getPlan(app, planId);
}

describe('the history names values, never paths or ids', () => {
  let t: ReturnType<typeof makeLiegeApp>;
  let plan: Plan;

  beforeAll(async () => {
    t = makeLiegeApp();
    const before = await getPlan(t.app, t.plan.id);
    plan = await changePlan(t.app, before);
  }, TIMEOUT);

  it('GET /history: every label, old and new value and summary reads in French', async () => {
    const res = await reply(t.api.plans[':planId'].history.$get({ param: { planId: plan.id }, query: { limite: '50' } }));
    expect(res.status).toBe(200);
    const entries = res.body;
    const values = entries.slice(0, 10).flatMap((e) => e.values);
    expect(values.length).toBeGreaterThan(5);
    expectReadable(
      entries.slice(0, 10).flatMap((e) => [e.summary, e.reason, ...e.values.flatMap((v) => [v.label, v.oldText, v.newText])]),
      'history',
    );
    expect(values.map((v) => v.label)).toContainEqual(expect.stringMatching(/^Fiche 1\.1\.05 · indicateur 1 « .+ » · Réalisé 2021$/));
    expect(values.map((v) => v.label)).toContain('Fiche 1.1.05 · Description');
    expect(values.map((v) => v.label)).toContainEqual(expect.stringMatching(/^Fiche 2\.4\.01 .*· indicateur 1 « .+ » · Cible 2022$/));
    expect(values.find((v) => v.label === 'Fiche 1.1.05 · Opérateur · Transfert financier')?.newText).toMatch(/^Transfert à « .+ »$/);
  });

  it('history.xlsx: no cell holds a path or an id', async () => {
    const res = await t.api.plans[':planId']['history.xlsx'].$get({ param: { planId: plan.id }, query: { limite: '50' } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
    const texts: string[] = [];
    wb.worksheets.forEach((ws) => ws.eachRow((row) => row.eachCell((c) => texts.push(String(c.text ?? '')))));
    expect(texts.length).toBeGreaterThan(20);
    expectReadable(texts, 'history.xlsx');
  });
});

describe('the changes annex names values, never paths or ids', () => {
  let t: ReturnType<typeof makeLiegeApp>;
  let before: Plan;
  let after: Plan;
  let pool: PdfPool;

  beforeAll(async () => {
    t = makeLiegeApp();
    before = await getPlan(t.app, t.plan.id);
    after = await changePlan(t.app, before);
    pool = createPdfPool({ maxWorkers: 1 });
  }, TIMEOUT);

  afterAll(async () => {
    await pool?.close();
  });

  const review = () => ({ submissionNumber: 2, previousSubmittedAt: '2026-03-01T14:05:00Z', changes: changesBetween(before, after), threads: [] });

  it('labels each change from the plan (a deleted fiche from the previous state)', () => {
    const { changes } = review();
    expect(changes.length).toBeGreaterThan(10);
    expectReadable(
      changes.flatMap((c) => [c.label, c.oldText, c.newText]),
      'changes',
    );
  });

  it(
    'the Modifications sheet of the workbook',
    async () => {
      const bytes = await renderWorkbook(buildWorkbookLayout({ ...gatherWorkbookInput(t.ctx, after), review: review() }), {
        generatedAt: new Date('2026-11-21T10:00:00Z'),
      });
      const wb = await openWorkbook(bytes);
      const ws = wb.getWorksheet(CHANGES_SHEET)!;
      const texts: string[] = [];
      ws.eachRow((row) => row.eachCell((c) => texts.push(String(c.text ?? ''))));
      expect(texts.length).toBeGreaterThan(30);
      expectReadable(texts, CHANGES_SHEET);
      // The Contrôles sheet names where each finding is, not its path.
      const checks: string[] = [];
      wb.getWorksheet('Contrôles')!
        .getColumn(4)
        .eachCell((c) => checks.push(String(c.text ?? '')));
      expectReadable(checks, 'Contrôles');
      expect(checks.some((c) => /^actions\.\d/.test(c))).toBe(false);
    },
    TIMEOUT,
  );

  it(
    'the PDF annex',
    async () => {
      const rendered = await pool.render({ ...gatherPdfInput(t.ctx, after, 2021), review: review() }, '2026-11-21T10:00:00Z');
      const pages = pdfPages(savePdf(rendered.bytes, 'labels-annex-2021.pdf'));
      const start = pages.findIndex((p) => p.includes(CHANGES_ANNEX_TITLE) && !p.includes('Sommaire'));
      expect(start).toBeGreaterThan(0);
      const text = pages.join('\n');
      expect(text).not.toMatch(ROW_ID);
      expect(text).not.toMatch(RAW_PATH);
    },
    TIMEOUT,
  );
});
