import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlanStore } from '../../client/state/plan-store.ts';
import { computeBudgetFigures } from '../../schemas/budget.ts';
import type { YearReconciliation } from '../../schemas/finance.ts';
import { aggregateIndicator } from '../../schemas/indicator.ts';
import type { Plan } from '../../schemas/plan.ts';
import { ProgrammeSchema, type Programme } from '../../schemas/reference.ts';
import { catalogueOf, loadReferenceData, type ReferenceData } from '../../server/reference.ts';
import { refreshReference, syncProgrammes } from '../../server/services/programmes.ts';
import { seedSample } from '../../server/services/seed.ts';
import { getPlan, makeTestApp, reply } from '../helpers.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';
import { cellOf, openWorkbook } from '../workbook-edit.ts';

/**
 * The Liège plan as it was stored before the extension (the PCS 2020-2025 of six years), opened after the
 * templates extend the programme through 2026: the same stored rows gain a 2026 column in the grid, the XLSX and the
 * PDF, blank, and every total (ex-ante, résultats, budget, transfers) is unchanged.
 */

const CURRENT = loadReferenceData();
const EXTENDED = CURRENT.programmes.find((p) => p.id === 'pcs-2020-2025')!;
/** The programme as it was before the extension: its six initial years, ending on 31 December 2025. */
const BEFORE: Programme = ProgrammeSchema.parse({
  ...EXTENDED,
  label: 'Plan de Cohésion sociale 2020-2025',
  years: EXTENDED.prolongation!.anneesInitiales,
  end: '2025-12-31',
  prolongation: undefined,
});
const OLD_TEMPLATES: ReferenceData = { ...CURRENT, programmes: CURRENT.programmes.map((p) => (p.id === BEFORE.id ? BEFORE : p)) };

type Figures = { exAnte: (number | null)[]; resultats: (number | null)[]; budget: ReturnType<typeof computeBudgetFigures> };
const figuresOf = (plan: Plan, years: readonly number[]): Figures => {
  const rows = plan.actions.flatMap((a) => a.indicators).map((i) => aggregateIndicator(i, years));
  return { exAnte: rows.map((r) => r.exAnte), resultats: rows.map((r) => r.resultats), budget: computeBudgetFigures(plan) };
};

let t: ReturnType<typeof makeTestApp>;
let before: { plan: Plan; figures: Figures; years: number[]; exAnteResult: unknown; reconciliation: YearReconciliation[] };
const programmeOf = () => t.reference.programmes.find((p) => p.id === EXTENDED.id)!;
const exportXlsx = async (planId: string) =>
  openWorkbook(new Uint8Array(await (await t.api.plans[':planId']['export.xlsx'].$get({ param: { planId } })).arrayBuffer()));
const reconciliationOf = async (planId: string) =>
  (await reply(t.api.plans[':planId'].reconciliation.$get({ param: { planId }, query: {} }))).body as YearReconciliation[];
/** The cell of the Ex-ante of the first indicator of 1.1.05 (CALIF), where the years start. */
const calif = (plan: Plan) => plan.actions.findIndex((a) => a.code === '1.1.05');

beforeAll(async () => {
  t = makeTestApp({ templates: OLD_TEMPLATES });
  const seeded = seedSample(t.ctx);
  const plan = await getPlan(t.app, seeded.id);
  const years = programmeOf().years;
  const path = `actions.${calif(plan)}.indicators.0.exAnte`;
  const ws = await exportXlsx(plan.id);
  const at = cellOf(plan, path, t.reference);
  before = {
    plan,
    figures: figuresOf(plan, years),
    years,
    exAnteResult: ws.getWorksheet(at.sheet)!.getCell(at.cell).result,
    reconciliation: await reconciliationOf(plan.id),
  };
  // The next start: the published programme of the templates is written over the stored one.
  syncProgrammes(t.db, CURRENT, new Date().toISOString());
  refreshReference(t.reference, t.db);
}, 60_000);

afterAll(async () => {
  await t?.ctx.pdf?.pool.close();
});

describe('the Liège plan stored before the extension, opened after it', () => {
  it('was stored on six years and is now on seven, its stored values unchanged', async () => {
    expect(before.years).toEqual([2020, 2021, 2022, 2023, 2024, 2025]);
    expect(programmeOf().years).toEqual([...before.years, 2026]);
    expect(await getPlan(t.app, before.plan.id)).toEqual(before.plan);
  });

  it('shows a blank 2026 column in the grid, after 2025', async () => {
    const plan = await getPlan(t.app, before.plan.id);
    const store = new PlanStore(plan, programmeOf(), catalogueOf(t.reference, programmeOf()));
    expect(store.years).toEqual([2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    for (const ind of plan.actions.flatMap((a) => a.indicators)) {
      expect(store.cellValue('indicator-target', ind.id, '2026')).toBeNull();
      expect(store.cellValue('indicator-actual', ind.id, '2026')).toBeNull();
    }
  });

  it('keeps every total: ex-ante and résultats of every indicator, the budget figures and the transfers', async () => {
    const plan = await getPlan(t.app, before.plan.id);
    expect(figuresOf(plan, programmeOf().years)).toEqual(before.figures);
    expect(before.figures.budget).toMatchObject({ totalRecettes: 242_499_674, transfersSum: 84_561_308, art20Sum: 11_198_108 });
    const after = await reconciliationOf(plan.id);
    expect(after.map((r) => r.year)).toEqual([...before.years, 2026]);
    // Each year reconciles as before; 2026 has the same fiche plan budget and annual transfers.
    expect(after.slice(0, -1)).toEqual(before.reconciliation);
    const added = after[after.length - 1]!;
    expect(added.figures).toEqual(before.reconciliation[0]!.figures);
    expect(added.transferred).toEqual(before.reconciliation[0]!.transferred);
  });

  it('exports a 2026 column in the XLSX with the same ex-ante result', async () => {
    const plan = await getPlan(t.app, before.plan.id);
    const at = cellOf(plan, `actions.${calif(plan)}.indicators.0.values.2026.target`, t.reference);
    const ws = (await exportXlsx(plan.id)).getWorksheet(at.sheet)!;
    const row = Number(at.cell.replace(/\D/g, ''));
    const headers = (ws.getRow(row - 1).values as unknown[]).filter((v) => v !== undefined && v !== null);
    expect(headers.slice(headers.indexOf('Ex-ante'))).toEqual(['Ex-ante', '2020', '2021', '2022', '2023', '2024', '2025', '2026', 'Résultats']);
    expect(ws.getCell(at.cell).value).toBeNull();
    const exAnte = cellOf(plan, `actions.${calif(plan)}.indicators.0.exAnte`, t.reference);
    expect(ws.getCell(exAnte.cell).result).toBe(before.exAnteResult);
    expect(before.exAnteResult).toBe(147);
  });

  it('prints a 2026 column in the PDF and accepts its report year', async () => {
    const res = await t.api.plans[':planId']['export.pdf'].$get({ param: { planId: before.plan.id }, query: { annee: '2026' } });
    expect(res.status).toBe(200);
    const text = pdfPages(savePdf(new Uint8Array(await res.arrayBuffer()), 'liege-extension-2026.pdf')).join('\n');
    expect(text).toMatch(/Indicateurs de réalisation\s+Unité\s+Ex-ante\s+2020\s+2021\s+2022\s+2023\s+2024\s+2025\s+2026\s+Résultats/);
    expect(text).toMatch(/Total des recettes retenu\s+€ 2\.424\.996,74/);
  }, 60_000);
});
