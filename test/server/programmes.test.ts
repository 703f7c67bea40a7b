import { afterAll, describe, expect, it } from 'vitest';
import type { CellEdit } from '../../schemas/cells.ts';
import type { YearReconciliation } from '../../schemas/finance.ts';
import type { Plan } from '../../schemas/plan.ts';
import { FOUR_YEAR_PROGRAMME } from '../four-year-programme.ts';
import { expectApiError, failure, getPlan, makeFourYearApp, postAction, postPlan, reply } from '../helpers.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';
import { cellOf, editWorkbookCells, openWorkbook } from '../workbook-edit.ts';

/**
 * Programme years are data: the same code serves the PCS 2020-2025 extended through 2026 (seven years) and a
 * four-year programme of the tests (2030-2033, with its own catalogue), end to end: grid cells, the XLSX and its
 * re-import, the PDF, the finance records and the submission checklist. Every year below is read from the
 * programme; the messages name the programme's span.
 */

const CASES = [
  { name: 'the PCS 2020-2025 extended through 2026', programmeId: 'pcs-2020-2025', span: '2020-2026', count: 7, coached: 'Nombre de personnes coachées' },
  {
    name: 'a four-year programme with its own catalogue',
    programmeId: FOUR_YEAR_PROGRAMME.id,
    span: '2030-2033',
    count: 4,
    coached: 'Nombre de personnes accompagnées',
  },
] as const;

const apps: ReturnType<typeof makeFourYearApp>[] = [];
afterAll(async () => {
  for (const t of apps) await t.ctx.pdf?.pool.close();
});

/** A new plan of the programme with one action 1.3.03 of its catalogue. */
async function setup(programmeId: string) {
  const t = makeFourYearApp();
  apps.push(t);
  const programme = t.reference.programmes.find((p) => p.id === programmeId)!;
  const plan = await postPlan(t.app, 'Namur', programmeId);
  const action = await postAction(t.app, plan.id, { code: '1.3.03' });
  const years = programme.years;
  const first = years[0]!;
  const last = years[years.length - 1]!;
  const param = { planId: plan.id };
  const putCells = (cells: CellEdit[]) => t.api.plans[':planId'].cells.$put({ param, json: { cells } });
  return { ...t, programme, plan, action, count: action.indicators[0]!, years, first, last, param, putCells };
}

/** The values a plan holds by year, for the indicator `id`. */
const valuesOf = (plan: Plan, id: string) => plan.actions.flatMap((a) => a.indicators).find((i) => i.id === id)!.values;

describe.each(CASES)('$name', ({ programmeId, span, count, coached }) => {
  describe('grid cells', () => {
    it('takes the programme’s years: a target and a time share in each of them, and no other year', async () => {
      const { putCells, years, count: ind, app, plan, api, param } = await setup(programmeId);
      expect(years).toHaveLength(count);
      const cells: CellEdit[] = years.flatMap((y, i): CellEdit[] => [
        { grid: 'indicator-target', row: ind.id, period: String(y), value: i + 1, version: 0 },
        { grid: 'time', row: 'terrain', period: String(y), value: '100 %', version: 0 },
      ]);
      expect((await reply(putCells(cells))).status).toBe(200);
      const stored = await getPlan(app, plan.id);
      expect(Object.keys(valuesOf(stored, ind.id)).map(Number)).toEqual(years);
      expect(Object.keys(stored.repartitionTemps.terrain!).map(Number)).toEqual(years);
      // Each column of the chef de projet time is 100 %: no finding about it in any year.
      const checks = (await reply(api.plans[':planId'].checks.$get({ param }))).body;
      expect(checks.filter((f) => f.rule === 'temps-total')).toEqual([]);
    });

    it.each(['before', 'after'] as const)('refuses a target the year %s the programme, naming its span, and writes nothing', async (side) => {
      const { putCells, first, last, count: ind, app, plan } = await setup(programmeId);
      const year = side === 'before' ? first - 1 : last + 1;
      const res = await failure(putCells([{ grid: 'indicator-target', row: ind.id, period: String(year), value: 1, version: 0 }]));
      expectApiError(res, 400, 'validation', 'cells.0.value');
      expect(res.body.message).toBe(`Fiche 1.3.03 · indicateur 1 « ${coached} » · Cible ${year} : L'année ${year} n'appartient pas au programme (${span})`);
      expect(valuesOf(await getPlan(app, plan.id), ind.id)).toEqual({});
    });

    it('names the programme’s columns when a time share is typed after its last year, and its label for a commission date', async () => {
      const { putCells, last, programme, api, param, plan, app } = await setup(programmeId);
      const time = await failure(putCells([{ grid: 'time', row: 'evaluation', period: String(last + 1), value: 100_00, version: 0 }]));
      expect(time.body.message).toContain(`Colonne inconnue : ${last + 1} (Ex-ante, ${span} ou Ex-post)`);
      const put = (version: number, dates: Record<string, string[]>) =>
        api.plans[':planId'].sections[':section'].$put({ param: { ...param, section: 'commissions' }, json: { version, data: { dates } } });
      expect((await reply(put(1, { [last]: [`${last}-05-01`] }))).status).toBe(200);
      const refused = await failure(put(2, { [last + 1]: [`${last + 1}-05-01`] }));
      expectApiError(refused, 400, 'validation', `commissions.dates.${last + 1}`);
      expect(refused.body.issues[0]!.message).toBe(`L'année ${last + 1} n'appartient pas au programme ${programme.label} (${span})`);
      expect((await getPlan(app, plan.id)).commissions.dates).toEqual({ [last]: [`${last}-05-01`] });
    });
  });

  describe('the XLSX', () => {
    it('has one column per programme year between Ex-ante and Résultats, and reads back an edit of the first and last years', async () => {
      const { putCells, years, first, last, count: ind, app, api, plan, param, reference } = await setup(programmeId);
      await reply(putCells(years.map((y, i) => ({ grid: 'indicator-target', row: ind.id, period: String(y), value: i + 1, version: 0 }))));
      const exportOf = async () => new Uint8Array(await (await api.plans[':planId']['export.xlsx'].$get({ param })).arrayBuffer());
      const current = await getPlan(app, plan.id);
      const exported = await exportOf();
      const at = cellOf(current, `actions.0.indicators.0.values.${first}.target`, reference);
      const ws = (await openWorkbook(exported)).getWorksheet(at.sheet)!;
      const row = Number(at.cell.replace(/\D/g, ''));
      const headers = (ws.getRow(row - 1).values as unknown[]).filter((v) => v !== undefined && v !== null);
      expect(headers.slice(headers.indexOf('Ex-ante'))).toEqual(['Ex-ante', ...years.map(String), 'Résultats']);
      const exAnte = ws.getCell(cellOf(current, 'actions.0.indicators.0.exAnte', reference).cell);
      expect(exAnte.result).toBe((count * (count + 1)) / 2);

      const upload = (bytes: Uint8Array, fields: { apply?: 'true'; fingerprint?: string } = {}) =>
        reply(api.plans[':planId']['import.xlsx'].$post({ param, form: { file: new File([new Uint8Array(bytes)], 'plan.xlsx'), ...fields } }));
      expect((await upload(exported)).body.changes).toEqual([]);
      const edits = [
        { path: `actions.0.indicators.0.values.${first}.target`, value: 40 },
        { path: `actions.0.indicators.0.values.${last}.actual`, value: 12 },
      ];
      const bytes = await editWorkbookCells(exported, edits, current, reference);
      const preview = await upload(bytes);
      expect(preview.status).toBe(200);
      expect(preview.body.changes.map((c) => [c.path, c.after])).toEqual([
        [edits[0]!.path, '40'],
        [edits[1]!.path, '12'],
      ]);
      expect((await upload(bytes, { apply: 'true', fingerprint: preview.body.fingerprint })).body).toMatchObject({ applied: true });
      const values = valuesOf(await getPlan(app, plan.id), ind.id);
      expect(values[String(first)]!.target).toBe(40);
      expect(values[String(last)]!.actual).toBe(12);
      // Exported again, the ex-ante sums the programme's years with the new first target.
      const again = (await openWorkbook(await exportOf())).getWorksheet(at.sheet)!;
      expect(again.getCell(cellOf(current, 'actions.0.indicators.0.exAnte', reference).cell).result).toBe((count * (count + 1)) / 2 - 1 + 40);
    });
  });

  describe('the PDF', () => {
    it('prints the report of the last year with one indicator column per programme year, and refuses the year after', async () => {
      const { api, param, years, last } = await setup(programmeId);
      const res = await api.plans[':planId']['export.pdf'].$get({ param, query: { annee: String(last) } });
      expect(res.status).toBe(200);
      const text = pdfPages(savePdf(new Uint8Array(await res.arrayBuffer()), `programme-${programmeId}.pdf`)).join('\n');
      expect(text).toMatch(new RegExp(`Indicateurs de réalisation\\s+Unité\\s+Ex-ante\\s+${years.join('\\s+')}\\s+Résultats`));
      expect(text).toMatch(new RegExp(`Rapport annuel\\s+${last}`));
      const outside = await failure(api.plans[':planId']['export.pdf'].$get({ param, query: { annee: String(last + 1) } }));
      expectApiError(outside, 400, 'validation', 'annee');
      expect(outside.body.message).toBe(`L'année ${last + 1} n'appartient pas au programme (${span})`);
    }, 60_000);
  });

  describe('finance', () => {
    it('records a budget version and a yearly transfer in the last year, reconciles every programme year, and refuses the year after', async () => {
      const { api, param, app, plan, years, last } = await setup(programmeId);
      const budget = { recettes: { subventionPcs: '100.000,00', partCommunale: '25.000,00' }, depenses: { personnel: '125.000,00' } };
      const version = (annee: number) =>
        api.plans[':planId']['budget-versions'].$post({
          param,
          json: { data: { annee, nature: 'previsionnel', libelle: 'Budget initial', dateDecision: `${annee - 1}-12-15`, budget, auteur: 'x' } },
        });
      const recorded = await reply(version(last));
      expect(recorded.status).toBe(201);
      const refused = await failure(version(last + 1));
      expectApiError(refused, 400, 'validation', 'annee');
      expect(refused.body.issues.find((i) => i.path === 'annee')!.message).toBe(`L'année ${last + 1} n'appartient pas au programme (${span})`);

      const transfer = (await reply(api.plans[':planId'].transfers.$post({ param, json: { data: { partenaire: 'CPAS de Namur', montant: 1_000_00 } } }))).body;
      const cell = (year: number): CellEdit => ({ grid: 'transfer', row: transfer.id, period: String(year), value: '1.200,00', version: 0 });
      expect((await reply(api.plans[':planId'].cells.$put({ param, json: { cells: [cell(last)] } }))).status).toBe(200);
      expectApiError(await failure(api.plans[':planId'].cells.$put({ param, json: { cells: [cell(last + 1)] } })), 400, 'validation', 'cells.0.value');
      expect((await getPlan(app, plan.id)).transferts[0]!.parAnnee).toEqual({ [last]: 1_200_00 });

      const all = (await reply(api.plans[':planId'].reconciliation.$get({ param, query: {} }))).body as YearReconciliation[];
      expect(all.map((r) => r.year)).toEqual(years);
      const lastYear = all[all.length - 1]!;
      expect(lastYear.budget.version?.id).toBe(recorded.body.id);
      expect(lastYear.figures.totalRecettes).toBe(125_000_00);
      expect(lastYear.transferred.total).toBe(1_200_00);
      // The other years keep the fiche plan's (empty) budget and the annual transfer.
      for (const rec of all.slice(0, -1)) {
        expect(rec.budget.version).toBeNull();
        expect(rec.transferred.total).toBe(1_000_00);
      }
    });
  });

  describe('the submission checklist', () => {
    it('asks the values of the last programme year in its report, and refuses the year after', async () => {
      const { api, param, last, count: ind } = await setup(programmeId);
      const checklist = (annee: number) => api.plans[':planId'].submissions.checklist.$get({ param, query: { annee: String(annee) } });
      const res = await reply(checklist(last));
      expect(res.status).toBe(200);
      expect(res.body.annee).toBe(last);
      const realises = res.body.elements.find((e) => e.id === 'realises')!;
      expect(realises.details.some((d) => d.path.endsWith(`.indicators.${ind.id}.values.${last}.actual`))).toBe(true);
      expect(realises.details.every((d) => !/\.values\.\d+\./.test(d.path) || d.path.includes(`.values.${last}.`))).toBe(true);
      const fichePlan = res.body.elements.find((e) => e.id === 'fiche-plan')!;
      expect(fichePlan.details.map((d) => d.message)).toContain(`Répartition de l'activité du chef de projet, ${last} : colonne vide`);
      const outside = await failure(checklist(last + 1));
      expectApiError(outside, 400, 'validation', 'annee');
      expect(outside.body.message).toBe(`L'année ${last + 1} n'appartient pas au programme (${span})`);
    });
  });
});
