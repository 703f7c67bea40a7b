import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { PlanDocumentInput } from '../../schemas/plan.ts';
import type { Organisation } from '../../schemas/porteur.ts';
import type { ConsolidationResponse, PivotLine, RegionExportJob } from '../../schemas/consolidation.ts';
import { importPlanDocument } from '../../server/services/plans.ts';
import { PERCENT_SPREADSHEET_FORMAT } from '../../schemas/numbers.ts';
import { buildRegionExport } from '../../server/services/consolidation.ts';
import { readRegionData } from '../../server/services/region-data.ts';
import { readPlan } from '../../server/services/plan-store.ts';
import { HAS_LIBREOFFICE, convertWithLibreOffice } from '../libreoffice.ts';
import { expectApiError, failure, getPlan, makeTestApp, reply, type AccountName } from '../helpers.ts';

/**
 * The DiCS's consolidation across plans (issue 19 item 4): sums checked by hand against three small plans, blank is
 * not zero, non-additive units never summed, the flat XLSX and CSV re-opened, the export jobs, and every route 403
 * for the roles below the DiCS.
 */

type Fixture = ReturnType<typeof makeTestApp> & { ids: { andenne: string; binche: string; ciney: string } };

const PROGRAMME = 'pcs-2020-2025';
const cell = (target: number | null, actual: number | null) => ({ target, actual });

/** A small plan: its province, ISADF, subvention, one art. 20 transfer, fiches with their indicators. */
function planDocument(commune: string, province: string, extra: Partial<PlanDocumentInput>): PlanDocumentInput {
  return { commune, programmeId: PROGRAMME, identite: { province } as PlanDocumentInput['identite'], ...extra };
}

async function makeRegion(): Promise<Fixture> {
  const t = makeTestApp();
  const org = async (nom: string) => {
    const res = await reply(t.api.organisations.$post({ json: { nature: 'commune', nom, commune: nom } }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return (res.body as Organisation).id;
  };
  const andenne = importPlanDocument({
    ...t.ctx,
    organisationId: await org('Andenne'),
    document: planDocument('Andenne', 'Namur', {
      isadf: { annee: 2019, valeur: 200, dimensions: [] },
      budget: { recettes: { total: null, subventionPcs: 10_000_000, partCommunale: 2_500_000, subventionsArt20: null, autres: null } } as never,
      transferts: [{ id: 't1', partenaire: 'Asbl Alpha', art20: true, montant: 100_000, parAnnee: { '2021': 150_000 } }],
      actions: [
        {
          id: 'a1',
          code: '1.1.05',
          fiche: { operateur: { organisme: '=1+1' } } as never,
          indicators: [
            { id: 'i1', category: 'realisation', label: 'Nombre de participants', unit: 'count', values: { '2021': cell(10, 8), '2022': cell(10, null) } },
            { id: 'i2', category: 'resultat', label: 'Taux de satisfaction', unit: 'percent', values: { '2021': cell(80_00, 70_00) } },
          ],
        },
      ],
    }),
  });
  const binche = importPlanDocument({
    ...t.ctx,
    organisationId: await org('Binche'),
    document: planDocument('Binche', 'Hainaut', {
      isadf: { annee: 2019, valeur: 350, dimensions: [] },
      budget: { recettes: { total: null, subventionPcs: 5_000_000, partCommunale: null, subventionsArt20: null, autres: null } } as never,
      transferts: [{ id: 't1', partenaire: 'CPAS', art20: false, montant: 40_000, parAnnee: {} }],
      actions: [
        {
          id: 'a1',
          code: '1.1.05',
          indicators: [
            { id: 'i1', category: 'realisation', label: 'Nombre de participants', unit: 'count', values: { '2021': cell(20, null) } },
            { id: 'i2', category: 'resultat', label: 'Taux de satisfaction', unit: 'percent', values: { '2021': cell(60_00, 90_00) } },
          ],
        },
      ],
    }),
  });
  const ciney = importPlanDocument({
    ...t.ctx,
    organisationId: await org('Ciney'),
    document: planDocument('Ciney', 'Namur', {
      actions: [
        {
          id: 'a1',
          code: '1.1.05',
          indicators: [
            { id: 'i1', category: 'realisation', label: 'Nombre de participants', unit: 'count', values: { '2021': cell(5, null) } },
            { id: 'i3', category: 'realisation', label: '=HYPERLINK("http://x")', unit: 'money', values: { '2021': cell(123_45, null) } },
          ],
        },
      ],
    }),
  });
  // Values edited through the API, as a chef de projet would: Ciney reports 0 participants (a value, not a blank).
  const cineyPlan = readPlan(t.db, ciney.id);
  const participants = cineyPlan.actions[0]!.indicators.find((i) => i.label === 'Nombre de participants')!;
  const put = await reply(
    t.api.plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({
      param: { planId: ciney.id, indicatorId: participants.id, year: '2021', kind: 'actual' },
      json: { value: 0, version: 0 },
    }),
  );
  expect(put.status, JSON.stringify(put.body)).toBe(200);
  return { ...t, ids: { andenne: andenne.id, binche: binche.id, ciney: ciney.id } };
}

const line = (r: ConsolidationResponse, keys: Record<string, string>, unit: string): PivotLine | undefined =>
  r.indicateurs.find((l) => l.unit === unit && Object.entries(keys).every(([k, v]) => l.keys[k as keyof PivotLine['keys']] === v));

describe('GET /api/region/consolidation', () => {
  it('sums counts across plans, blank adds nothing, zero counts, and plans are counted where they have a value', async () => {
    const t = await makeRegion();
    const res = await reply(t.apiAs('dics').region.consolidation.$get({ query: { programme: PROGRAMME, lignes: 'code,indicateur,annee' } }));
    expect(res.status).toBe(200);
    const r = res.body as ConsolidationResponse;
    expect(r.plans).toBe(3);
    expect(r.dimensions).toEqual(['code', 'indicateur', 'annee']);
    // Targets 10 + 20 + 5; actuals 8 (Andenne) + 0 (Ciney), Binche blank; % atteint on the pairs: (8 + 0) / (10 + 5).
    expect(line(r, { code: '1.1.05', indicateur: 'Nombre de participants', annee: '2021' }, 'count')).toMatchObject({
      mode: 'somme',
      cibles: 35,
      realises: 8,
      plansCible: 3,
      plansRealise: 2,
      atteint: 53_33,
    });
    // 2022: Andenne alone has a target; nobody reported.
    expect(line(r, { code: '1.1.05', indicateur: 'Nombre de participants', annee: '2022' }, 'count')).toMatchObject({
      cibles: 10,
      realises: null,
      plansCible: 1,
      plansRealise: 0,
      atteint: null,
    });
    // A year nobody filled is a line of blanks, never zeros.
    expect(line(r, { code: '1.1.05', indicateur: 'Nombre de participants', annee: '2023' }, 'count')).toMatchObject({
      cibles: null,
      realises: null,
      plansCible: 0,
    });
  });

  it('never sums percentages: the line shows the mean of the plans, labelled as such', async () => {
    const t = await makeRegion();
    const r = (await reply(t.apiAs('dics').region.consolidation.$get({ query: { programme: PROGRAMME, lignes: 'indicateur,annee' } })))
      .body as ConsolidationResponse;
    expect(line(r, { indicateur: 'Taux de satisfaction', annee: '2021' }, 'percent')).toMatchObject({
      mode: 'moyenne',
      cibles: 70_00,
      realises: 80_00,
      plansCible: 2,
      atteint: 114_29,
    });
  });

  it('keeps the unit in every line: a count and an amount of the same code are two lines', async () => {
    const t = await makeRegion();
    const r = (await reply(t.apiAs('admin').region.consolidation.$get({ query: { programme: PROGRAMME, lignes: 'code,annee' } })))
      .body as ConsolidationResponse;
    const lines2021 = r.indicateurs.filter((l) => l.keys.annee === '2021');
    expect(lines2021.map((l) => l.unit).sort()).toEqual(['count', 'money', 'percent']);
    expect(lines2021.find((l) => l.unit === 'money')).toMatchObject({ cibles: 123_45, plansCible: 1 });
  });

  it('consolidates over the programme with the form’s Ex-ante and Résultats when the year is not a dimension, by province', async () => {
    const t = await makeRegion();
    const r = (await reply(t.apiAs('dics').region.consolidation.$get({ query: { programme: PROGRAMME, lignes: 'province,indicateur' } })))
      .body as ConsolidationResponse;
    // Namur: Andenne ex-ante 10 + 10 = 20, Ciney 5; résultats 8 and 0.
    expect(line(r, { province: 'Namur', indicateur: 'Nombre de participants' }, 'count')).toMatchObject({ cibles: 25, realises: 8, plansRealise: 2 });
    expect(line(r, { province: 'Hainaut', indicateur: 'Nombre de participants' }, 'count')).toMatchObject({ cibles: 20, realises: null, plansRealise: 0 });
  });

  it('adds up budgets by line and year, transfers per year with art. 20 apart, and gives the charts their points', async () => {
    const t = await makeRegion();
    const r = (await reply(t.apiAs('dics').region.consolidation.$get({ query: { programme: PROGRAMME } }))).body as ConsolidationResponse;
    expect(r.dimensions).toEqual(['code', 'indicateur', 'annee']);
    const subvention2021 = r.budgets.find((b) => b.annee === 2021 && b.ligne === 'subventionPcs');
    expect(subvention2021).toMatchObject({ montant: 15_000_000, plans: 2 });
    expect(r.budgets.find((b) => b.annee === 2021 && b.ligne === 'partCommunale')).toMatchObject({ montant: 2_500_000, plans: 1 });
    expect(r.budgets.find((b) => b.annee === 2021 && b.cote === 'recettes' && b.ligne === 'total')).toMatchObject({ montant: 17_500_000, plans: 2 });
    expect(r.budgets.find((b) => b.annee === 2021 && b.ligne === 'personnel')).toMatchObject({ montant: null, plans: 0 });
    // 2021: Andenne's amount typed for the year (1 500 €); 2020 its fiche plan's annual amount (1 000 €).
    expect(r.transferts.find((x) => x.annee === 2021)).toMatchObject({ art20: 150_000, autres: 40_000, plansArt20: 1, plans: 2 });
    expect(r.transferts.find((x) => x.annee === 2020)).toMatchObject({ art20: 100_000, autres: 40_000 });
    expect(r.communes.map((c) => [c.porteur, c.isadf, c.subvention])).toEqual([
      ['Andenne', 200, 10_000_000],
      ['Binche', 350, 5_000_000],
      ['Ciney', null, null],
    ]);
    const objective = r.objectifs.find((o) => o.objectif.startsWith('Enseigner'))!;
    // Per indicator row, Résultats ÷ Ex-ante: Andenne count 8/20 = 40 %, its percent 70/80 = 87,5 %, Binche 90/60 = 150 %,
    // Ciney 0/5 = 0 %: mean 69,38 %.
    expect(objective).toMatchObject({ indicateurs: 4, atteint: 69_38 });
  });

  it('refuses an unknown dimension, a dimension twice and an unknown programme, at the field', async () => {
    const t = await makeRegion();
    const dics = t.apiAs('dics');
    expectApiError(await failure(dics.region.consolidation.$get({ query: { programme: PROGRAMME, lignes: 'code,commune' } })), 400, 'validation', 'lignes.1');
    expectApiError(await failure(dics.region.consolidation.$get({ query: { programme: PROGRAMME, lignes: 'code,code' } })), 400, 'validation', 'lignes');
    expectApiError(await failure(dics.region.consolidation.$get({ query: { programme: 'pcs-1999' } })), 400, 'validation', 'programme');
  });

  it('reads the plans set-wise as readPlan would: the same indicator values', async () => {
    const t = await makeRegion();
    const data = readRegionData(t.ctx, PROGRAMME);
    for (const plan of data.plans) {
      const full = readPlan(t.db, plan.id);
      expect(plan.actions.flatMap((a) => a.indicators.map((i) => [i.id, i.values]))).toEqual(
        full.actions.flatMap((a) =>
          a.indicators.map((i) => [i.id, Object.fromEntries(Object.entries(i.values).map(([y, v]) => [y, { target: v.target, actual: v.actual }]))]),
        ),
      );
    }
  });
});

describe('who may consolidate', () => {
  const refused: AccountName[] = ['chef', 'finance', 'partenaire'];
  it.each(refused)('refuses every consolidation route to %s (403)', async (name) => {
    const t = makeTestApp();
    const api = t.apiAs(name);
    const jobId = '00000000-0000-4000-8000-000000000003';
    for (const request of [
      api.region.consolidation.$get({ query: { programme: PROGRAMME } }),
      api.region['export.xlsx'].$get({ query: { programme: PROGRAMME } }),
      api.region['export.csv'].$get({ query: { programme: PROGRAMME } }),
      api.region.exports.$post({ json: { programme: PROGRAMME, format: 'xlsx' } }),
      api.region.exports[':jobId'].$get({ param: { jobId } }),
      api.region.exports[':jobId'].file.$get({ param: { jobId } }),
    ]) {
      expectApiError(await failure(request), 403, 'forbidden');
    }
  });
});

/** A cell's value as text, whatever exceljs reads it as. */
const text = (v: ExcelJS.CellValue) => (v === null || v === undefined ? null : typeof v === 'object' ? JSON.stringify(v) : v);

describe('the flat exports', () => {
  it('writes one row per plan × fiche × indicator × year in an XLSX with its header frozen, a filter, and inert texts', async () => {
    const t = await makeRegion();
    const res = await t.as('dics').request(`/api/region/export.xlsx?programme=${PROGRAMME}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('Consolidation');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('Consolidation')!;
    // 6 indicator rows × 7 programme years, and the header.
    const years = t.reference.programmes.find((p) => p.id === PROGRAMME)!.years.length;
    expect(ws.rowCount).toBe(1 + 6 * years);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(ws.autoFilter).toBeTruthy();
    const header = (ws.getRow(1).values as ExcelJS.CellValue[]).slice(1);
    expect(header).toContain('Porteur');
    expect(header).toContain('Réalisé');
    const rows = [...Array(ws.rowCount - 1).keys()].map((i) => (ws.getRow(i + 2).values as ExcelJS.CellValue[]).slice(1).map(text));
    const col = (name: string) => header.indexOf(name);
    const andenne2021 = rows.find((r) => r[col('Porteur')] === 'Andenne' && r[col('Indicateur')] === 'Nombre de participants' && r[col('Année')] === 2021)!;
    expect(andenne2021[col('Province')]).toBe('Namur');
    expect(andenne2021[col('Code action')]).toBe('1.1.05');
    expect(andenne2021[col('Intitulé')]).toBe('Français langue étrangère');
    expect(andenne2021[col('Cible')]).toBe(10);
    expect(andenne2021[col('Réalisé')]).toBe(8);
    // The operator `=1+1` and the label `=HYPERLINK(…)` stay texts behind an apostrophe, never formulas.
    expect(andenne2021[col('Opérateur')]).toBe("'=1+1");
    const hostile = rows.find((r) => String(r[col('Indicateur')]).includes('HYPERLINK'))!;
    expect(hostile[col('Indicateur')]).toBe('\'=HYPERLINK("http://x")');
    const money = rows.find((r) => r[col('Porteur')] === 'Ciney' && r[col('Unité')] === 'Montant (€)' && r[col('Année')] === 2021)!;
    expect(money[col('Cible')]).toBe(123.45);
    // Numbers carry their unit's format: euros with cents, percentages as percentages.
    expect(ws.getRow(rows.indexOf(money) + 2).getCell(col('Cible') + 1).numFmt).toBe('#,##0.00');
    const percent = rows.find((r) => r[col('Porteur')] === 'Andenne' && r[col('Indicateur')] === 'Taux de satisfaction' && r[col('Année')] === 2021)!;
    expect(percent[col('Cible')]).toBe(0.8);
    expect(ws.getRow(rows.indexOf(percent) + 2).getCell(col('Réalisé') + 1).numFmt).toBe(PERCENT_SPREADSHEET_FORMAT);
    // Blank stays blank; Ciney's 0 is a 0.
    const binche = rows.find((r) => r[col('Porteur')] === 'Binche' && r[col('Indicateur')] === 'Nombre de participants' && r[col('Année')] === 2021)!;
    expect(binche[col('Réalisé')] ?? null).toBeNull();
    const ciney = rows.find((r) => r[col('Porteur')] === 'Ciney' && r[col('Indicateur')] === 'Nombre de participants' && r[col('Année')] === 2021)!;
    expect(ciney[col('Réalisé')]).toBe(0);
    for (const r of rows) for (const v of r) expect(typeof v === 'string' && v.startsWith('{"formula"')).toBe(false);
  });

  it.skipIf(!HAS_LIBREOFFICE)(
    'is opened by LibreOffice',
    async () => {
      const t = await makeRegion();
      const { bytes } = await buildRegionExport(t.ctx, PROGRAMME, 'xlsx');
      const csv = new TextDecoder().decode(await convertWithLibreOffice(bytes, 'xlsx', 'csv'));
      const lines = csv.trim().split('\n');
      expect(lines[0]).toContain('Porteur');
      expect(lines).toHaveLength(1 + 6 * 7);
      expect(csv).toContain("'=1+1");
    },
    90_000,
  );

  it('writes a CSV in UTF-8 with BOM, `;`, Belgian decimals and guarded formulas, parsed back', async () => {
    const t = await makeRegion();
    const res = await t.as('dics').request(`/api/region/export.csv?programme=${PROGRAMME}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const body = new TextDecoder().decode(bytes.slice(3));
    const records = parseCsv(body);
    const header = records[0]!;
    expect(header.slice(0, 3)).toEqual(['Porteur', 'Province', 'Commune']);
    expect(records).toHaveLength(1 + 6 * 7);
    const col = (name: string) => header.indexOf(name);
    const hostile = records.find((r) => r[col('Indicateur')]!.includes('HYPERLINK') && r[col('Année')] === '2021')!;
    expect(hostile[col('Indicateur')]).toBe('\'=HYPERLINK("http://x")');
    expect(hostile[col('Cible')]).toBe('123,45');
    const andenne = records.find((r) => r[col('Porteur')] === 'Andenne' && r[col('Indicateur')] === 'Taux de satisfaction' && r[col('Année')] === '2021')!;
    expect([andenne[col('Cible')], andenne[col('Réalisé')], andenne[col('Opérateur')]]).toEqual(['80,00', '70,00', "'=1+1"]);
  });

  it('runs as a job whose progress reaches 1, then serves the file', async () => {
    const t = await makeRegion();
    const dics = t.apiAs('dics');
    const started = await reply(dics.region.exports.$post({ json: { programme: PROGRAMME, format: 'xlsx' } }));
    expect(started.status).toBe(202);
    let job = started.body as RegionExportJob;
    expect(job.filename).toMatch(/^Consolidation .+\.xlsx$/);
    const seen: number[] = [job.progress];
    while (job.state === 'queued' || job.state === 'running') {
      await new Promise((r) => setTimeout(r, 50));
      job = (await reply(dics.region.exports[':jobId'].$get({ param: { jobId: job.id } }))).body as RegionExportJob;
      seen.push(job.progress);
    }
    expect(job).toMatchObject({ state: 'done', progress: 1, rows: 42, total: 42, fileUrl: `/api/region/exports/${job.id}/file` });
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const file = await t.as('dics').request(job.fileUrl!);
    expect(file.status).toBe(200);
    expect([...new Uint8Array(await file.arrayBuffer()).slice(0, 2)]).toEqual([0x50, 0x4b]);
    expectApiError(await failure(dics.region.exports[':jobId'].$get({ param: { jobId: '00000000-0000-4000-8000-000000000009' } })), 404, 'not_found');
    // The plan the page links to is still the plan (nothing written by a read).
    expect((await getPlan(t.app, t.ids.ciney)).commune).toBe('Ciney');
  });
});

/** RFC 4180 with `;`: quotes, doubled quotes, separators and line breaks inside quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ';') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || record.length) records.push([...record, field]);
  return records;
}
