import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inertSpreadsheetText } from '../../schemas/spreadsheet-text.ts';
import { labelPath } from '../../schemas/plan-path.ts';
import { checkPlan } from '../../schemas/checks.ts';
import { formatDateTime } from '../../schemas/dates.ts';
import { reconcileYear, type ImputationFields } from '../../schemas/finance.ts';
import { PERCENT_SPREADSHEET_FORMAT } from '../../schemas/numbers.ts';
import { PlanDocumentSchema, type Plan, type PlanDocument, type PlanDocumentInput } from '../../schemas/plan.ts';
import { readSampleDocument } from '../../samples/load-sample.ts';
import { catalogueOf, loadReferenceData } from '../../server/reference.ts';
import { buildPlanPdf } from '../../server/reports/pdf/plan-pdf.ts';
import { renderPdfDocument } from '../../server/reports/pdf/render.ts';
import { gatherPdfInput } from '../../server/services/pdf.ts';
import { importPlanDocument } from '../../server/services/plans.ts';
import { makeTestApp, reply } from '../helpers.ts';
import { pdfFonts, pdfPages, savePageImage, savePdf } from '../pdf-tools.ts';

/**
 * The finance officer's records in the exports: the Liège sample with two budget versions of the programme's first
 * year (the fiche plan's budget, then an actualisation moving one cent from the part communale to the subvention
 * PCS), yearly amounts on two transfers, a few E-compte imputations and two justifications (one current, one written
 * for figures that changed since). Stored through the service, exported through the route, read back with exceljs
 * and poppler.
 */

const TIMEOUT = 120_000;
const reference = loadReferenceData();
const sample = readSampleDocument();
const programme = reference.programmes.find((p) => p.id === sample.programmeId)!;
const [firstYear, secondYear] = programme.years as [number, number, ...number[]];
const AUTHOR = 'Marie Dupont';
const JUSTIFIED_AT = '2026-11-21T13:05:00Z';
const JUSTIFICATION = '=Le subside a été arrondi au cent supérieur par la Région (courrier du 12/03)';
const OUTDATED_TEXT = 'Écart de calendrier : la tranche de décembre est imputée en janvier';
const FORMULA_LIKE_LABEL = '=SUM(A1:A9)';

const euros = (n: number) => Math.round(n * 100);

/** The Liège document with finance data, validated; justifications added once the findings are known. */
function financeDocument(): PlanDocument {
  const base = PlanDocumentSchema.parse(sample);
  const budget = base.budget;
  const updated = structuredClone(budget);
  updated.recettes.subventionPcs! += 1;
  updated.recettes.partCommunale! -= 1;
  const version = (id: string, nature: 'previsionnel' | 'actualisation', libelle: string, dateDecision: string, b: typeof budget, enregistreLe: string) => ({
    id,
    annee: firstYear,
    nature,
    libelle,
    dateDecision,
    budget: b,
    commentaire: nature === 'actualisation' ? 'Arrondi de la subvention notifiée' : null,
    auteur: AUTHOR,
    enregistreLe,
  });
  const line = (id: string, fields: Omit<ImputationFields, 'libelle' | 'nature'> & Partial<ImputationFields>) => ({
    id,
    libelle: null,
    nature: null,
    version: 0,
    ...fields,
  });
  const r = updated.recettes;
  const doc: PlanDocumentInput = {
    ...sample,
    transferts: base.transferts.map((t, i) =>
      // Two partners receive a yearly amount in the first year: one 100 € more, the other 100 € less.
      i === 0
        ? { ...t, parAnnee: { [String(firstYear)]: t.montant! + euros(100) } }
        : i === 1
          ? { ...t, parAnnee: { [String(firstYear)]: t.montant! - euros(100) } }
          : t,
    ),
    // The consumption declared in the fiche plan for the first year is 1 € under what is booked.
    consommation: { [String(firstYear)]: r.subventionPcs! + 1 + r.partCommunale! - euros(1) },
    budgetsAnnuels: [
      version('v1', 'previsionnel', 'Budget initial', `${firstYear - 1}-12-15`, budget, `${firstYear - 1}-12-20T09:00:00Z`),
      version('v2', 'actualisation', FORMULA_LIKE_LABEL, `${firstYear}-06-30`, updated, `${firstYear}-07-02T10:30:00Z`),
    ],
    imputations: [
      // The subvention PCS booked in two parts, one cent above the actualised budget.
      line('i1', { annee: firstYear, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Subvention PCS, avance', montant: euros(1_000_000) }),
      line('i2', {
        annee: firstYear,
        codeFonctionnel: '84010',
        articleEconomique: '465-48',
        libelle: FORMULA_LIKE_LABEL,
        montant: r.subventionPcs! + 1 - euros(1_000_000),
      }),
      line('i3', { annee: firstYear, codeFonctionnel: '84010', articleEconomique: '111-01', libelle: 'Part communale (personnel)', montant: r.partCommunale! }),
      line('i4', {
        annee: firstYear,
        codeFonctionnel: '84011',
        articleEconomique: '435-01',
        libelle: 'Subsides art.20',
        montant: r.subventionsArt20!,
        nature: 'art20',
      }),
      line('i5', { annee: secondYear, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: null, montant: euros(500_000) }),
    ],
  };
  return PlanDocumentSchema.parse(doc);
}

const document = financeDocument();
const findings = checkPlan(document, programme, catalogueOf(reference, programme));
const subventionFinding = findings.find((f) => f.rule === 'rapprochement-subvention-pcs' && f.path === `finance.${firstYear}.subvention-pcs`)!;
const consumptionFinding = findings.find((f) => f.rule === 'rapprochement-pcs-et-communale' && f.path === `finance.${firstYear}.pcs-et-communale`)!;
const storedDocument: PlanDocument = {
  ...document,
  justifications: [
    { cle: subventionFinding.key, texte: JUSTIFICATION, auteur: AUTHOR, justifieLe: JUSTIFIED_AT, constat: subventionFinding.message, version: 0 },
    {
      cle: consumptionFinding.key,
      texte: OUTDATED_TEXT,
      auteur: AUTHOR,
      justifieLe: JUSTIFIED_AT,
      constat: 'un autre constat, avant la dernière imputation',
      version: 0,
    },
  ],
};

let t: ReturnType<typeof makeTestApp>;
let plan: Plan;
let wb: ExcelJS.Workbook;

/** Every row of a sheet as the values of columns B.. (index 0 = column B), with the row number. */
function rowsOf(ws: ExcelJS.Worksheet): { n: number; cells: unknown[] }[] {
  const out: { n: number; cells: unknown[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (row, n) => out.push({ n, cells: (row.values as unknown[]).slice(2) }));
  return out;
}

/** The first row whose column B is `label`, after the row that holds `after` in column B (a year's block). */
function rowAfter(ws: ExcelJS.Worksheet, after: string, label: string): ExcelJS.Row {
  const rows = rowsOf(ws);
  const start = rows.findIndex((r) => r.cells[0] === after);
  expect(start, `« ${after} » dans ${ws.name}`).toBeGreaterThan(-1);
  const hit = rows.slice(start + 1).find((r) => r.cells[0] === label);
  expect(hit, `« ${label} » après « ${after} » dans ${ws.name}`).toBeDefined();
  return ws.getRow(hit!.n);
}

beforeAll(async () => {
  t = makeTestApp();
  plan = importPlanDocument({ ...t.ctx, document: storedDocument });
  const res = await t.api.plans[':planId']['export.xlsx'].$get({ param: { planId: plan.id } });
  expect(res.status).toBe(200);
  wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
}, TIMEOUT);

afterAll(async () => {
  await t?.ctx.pdf?.pool.close();
});

describe('the stored finance data', () => {
  it('keeps the versions, the yearly transfers, the imputations and the finance justifications', () => {
    expect(plan.budgetsAnnuels).toHaveLength(2);
    expect(plan.imputations).toHaveLength(5);
    expect(plan.transferts[0]!.parAnnee[String(firstYear)]).toBe(plan.transferts[0]!.montant! + euros(100));
    expect(plan.justifications.map((j) => j.cle).sort()).toEqual([subventionFinding.key, consumptionFinding.key].sort());
  });
});

describe('the workbook of a plan with finance data', () => {
  it('adds the read-only finance sheets before "Contrôles"', () => {
    const names = wb.worksheets.map((w) => w.name);
    expect(names.slice(-6)).toEqual(['Synthèse indicateurs', 'Budgets annuels', 'Imputations', 'Rapprochement', 'Contrôles', 'Listes']);
    for (const name of ['Budgets annuels', 'Imputations', 'Rapprochement']) {
      const ws = wb.getWorksheet(name)!;
      expect(ws.getCell('A1').value, name).toBeNull();
      expect(ws.sheetProtection, name).toBeFalsy();
    }
  });

  it('lists the budget versions of a year with their lines, totals and the one-cent differences', () => {
    const ws = wb.getWorksheet('Budgets annuels')!;
    const header = rowAfter(ws, `Budget ${firstYear}`, 'Version');
    expect(header.getCell(3).value).toBe(`Prévisionnel — Budget initial (15/12/${firstYear - 1})`);
    expect(header.getCell(4).value).toBe(`Actualisation 1 — ${FORMULA_LIKE_LABEL} (30/06/${firstYear})`);
    expect(header.getCell(4).formula).toBeUndefined();
    expect(rowAfter(ws, `Budget ${firstYear}`, 'Auteur').getCell(4).value).toBe(AUTHOR);
    expect(rowAfter(ws, `Budget ${firstYear}`, 'Enregistrée le').getCell(4).value).toBe(formatDateTime(`${firstYear}-07-02T10:30:00Z`));
    expect((rowAfter(ws, `Budget ${firstYear}`, 'Date de la décision').getCell(3).value as Date).toISOString().slice(0, 10)).toBe(`${firstYear - 1}-12-15`);
    const sub = rowAfter(ws, `Budget ${firstYear}`, 'Subvention PCS');
    expect(sub.getCell(3).value).toBe(1666037.68);
    expect(sub.getCell(4).value).toBe(1666037.69);
    expect(sub.getCell(3).numFmt).toBe('"€ "#,##0.00');
    const total = rowAfter(ws, `Budget ${firstYear}`, 'Total des recettes');
    expect([total.getCell(3).value, total.getCell(4).value]).toEqual([2424996.74, 2424996.74]);
    const diffs = `Écarts avec la version précédente (${firstYear})`;
    expect(rowAfter(ws, diffs, 'Ligne').getCell(3).value).toBe('Actualisation 1 − Prévisionnel');
    expect(rowAfter(ws, diffs, 'Subvention PCS').getCell(3).value).toBe(0.01);
    expect(rowAfter(ws, diffs, 'Part communale').getCell(3).value).toBe(-0.01);
    expect(rowAfter(ws, diffs, 'Total des recettes').getCell(3).value).toBe(0);
    expect(
      rowAfter(
        ws,
        `Budget ${secondYear}`,
        `Budget qui s'applique en ${secondYear} : Budget annuel de la fiche plan (aucune version enregistrée pour cette année)`,
      ),
    ).toBeDefined();
  });

  it('lists every imputation with its nature and where the nature comes from, then the totals per year and nature', () => {
    const ws = wb.getWorksheet('Imputations')!;
    const rows = rowsOf(ws);
    const header = rows.findIndex((r) => r.cells[0] === 'Année');
    expect(rows[header]!.cells).toEqual(['Année', 'Code fonctionnel', 'Fonction', 'Article économique', 'Libellé', 'Montant', 'Nature', 'Nature établie par']);
    const lines = rows.slice(header + 1, header + 6);
    expect(lines.map((r) => r.cells[0])).toEqual([firstYear, firstYear, firstYear, firstYear, secondYear]);
    expect(lines[0]!.cells.slice(1, 8)).toEqual([
      '84010',
      'Plan de cohésion sociale',
      '465-48',
      'Subvention PCS, avance',
      1000000,
      'Subvention PCS',
      'Règle de classement (fonction et article)',
    ]);
    const formulaLike = ws.getRow(lines[1]!.n).getCell(6);
    // Written with the apostrophe that keeps it text after a re-save as CSV (the importer takes it off).
    expect(formulaLike.value).toBe(inertSpreadsheetText(FORMULA_LIKE_LABEL));
    expect(formulaLike.formula).toBeUndefined();
    expect(lines[3]!.cells.slice(6, 8)).toEqual(['Art.20', 'Choisie manuellement']);
    // A line without label leaves its cell empty.
    expect(ws.getRow(lines[4]!.n).getCell(6).value).toBeNull();
    const totals = rows.slice(header + 6).find((r) => r.cells[0] === 'Année')!;
    expect(totals.cells).toEqual(['Année', 'Subvention PCS', 'Part communale', 'Art.20', 'Total', "Nombre d'imputations"]);
    const first = ws.getRow(totals.n + 1);
    expect([first.getCell(2).value, first.getCell(3).value, first.getCell(4).value, first.getCell(5).value, first.getCell(7).value]).toEqual([
      firstYear,
      1666037.7,
      646977.97,
      111981.08,
      4,
    ]);
    const second = ws.getRow(totals.n + 2);
    expect(second.getCell(3).value).toBe(500000);
    // No part communale booked in the second year: blank, not 0.
    expect(second.getCell(4).value).toBeNull();
  });

  it('shows the reconciliation of each year with the one-cent difference on the subvention PCS row', () => {
    const ws = wb.getWorksheet('Rapprochement')!;
    const block = `Rapprochement ${firstYear}`;
    expect(rowAfter(ws, block, 'Ligne').values).toEqual([
      undefined,
      undefined,
      'Ligne',
      'Budget',
      'Imputé',
      'Transféré',
      'Écart',
      'Écart calculé',
      'Statut',
      'Origine des chiffres',
    ]);
    const sub = rowAfter(ws, block, 'Subvention PCS');
    expect([sub.getCell(3).value, sub.getCell(4).value, sub.getCell(5).value, sub.getCell(6).value, sub.getCell(7).value, sub.getCell(8).value]).toEqual([
      1666037.69,
      1666037.7,
      null,
      0.01,
      'imputé − budget',
      'Écart',
    ]);
    expect(sub.getCell(6).numFmt).toBe('"€ "#,##0.00');
    expect(String(sub.getCell(9).value)).toContain(`Actualisation 1 — ${FORMULA_LIKE_LABEL}`);
    const balance = rowAfter(ws, block, 'Équilibre du budget (recettes − dépenses)');
    expect([balance.getCell(3).value, balance.getCell(6).value, balance.getCell(8).value]).toEqual([2424996.74, 0, 'Conforme']);
    const transfers = rowAfter(ws, block, 'Subventions aux institutions et associations (transferts aux partenaires)');
    expect([transfers.getCell(3).value, transfers.getCell(4).value, transfers.getCell(5).value]).toEqual([845613.08, null, 845613.08]);
    // Two differences: the second on the row below, under the same columns.
    const art20 = rowAfter(ws, block, 'Art.20 : reçu et reversé à 100 %');
    expect([art20.getCell(6).value, art20.getCell(7).value]).toEqual([0, 'imputé − budget']);
    expect([ws.getRow(art20.number + 1).getCell(6).value, ws.getRow(art20.number + 1).getCell(7).value]).toEqual([0, 'transféré − imputé']);

    const rec = reconcileYear(plan, firstYear);
    const first = rec.partners[0]!;
    const partner = rowAfter(ws, block, first.partenaire);
    expect(partner.getCell(4).value).toBe((first.transfer.amount ?? 0) / 100);
    expect(partner.getCell(5).value).toBe(`Saisi pour ${firstYear}`);
    const other = rowAfter(ws, block, rec.partners[2]!.partenaire);
    expect(other.getCell(5).value).toBe('Montant annuel de la fiche plan');
    expect(rowAfter(ws, block, `Total des transferts ${firstYear}`).getCell(4).value).toBe(845613.08);
    expect(rowAfter(ws, block, 'dont art.20').getCell(4).value).toBe(111981.08);
    const shares = rowsOf(ws).find((r) => String(r.cells[0]).startsWith('Σ « Part du budget PCS'))!;
    expect(ws.getRow(shares.n).getCell(3).numFmt).toBe(PERCENT_SPREADSHEET_FORMAT);
    // The second year has no yearly amount: every transfer comes from the fiche plan.
    expect(rowAfter(ws, `Rapprochement ${secondYear}`, first.partenaire).getCell(5).value).toBe('Montant annuel de la fiche plan');
  });

  it('gives the checks a justification, its author and its date, and marks one written for other figures', () => {
    const ws = wb.getWorksheet('Contrôles')!;
    expect((ws.getRow(1).values as unknown[]).slice(2)).toEqual([
      'Niveau',
      'Message',
      'Emplacement dans le plan',
      'Cellule',
      'Justification',
      'Justifiée par',
      'Le',
    ]);
    const rows = rowsOf(ws);
    // The place of each finding by its French name, never its path.
    expect(rows.some((r) => /^(actions|budget|finance)\./.test(String(r.cells[2])))).toBe(false);
    const current = ws.getRow(rows.find((r) => r.cells[2] === labelPath(plan, subventionFinding.path))!.n);
    expect(current.getCell(6).value).toBe(inertSpreadsheetText(JUSTIFICATION));
    expect(current.getCell(6).formula).toBeUndefined();
    expect(current.getCell(7).value).toBe(AUTHOR);
    expect(current.getCell(8).value).toBe(formatDateTime(JUSTIFIED_AT));
    // The reconciliation finding links to its row of the "Rapprochement" sheet.
    const link = String(current.getCell(5).text);
    expect(link).toMatch(/^Rapprochement!B\d+$/);
    expect(wb.getWorksheet('Rapprochement')!.getCell(link.split('!')[1]!).value).toBe('Subvention PCS');
    const outdated = ws.getRow(rows.find((r) => r.cells[2] === labelPath(plan, consumptionFinding.path))!.n);
    expect(outdated.getCell(6).value).toBe(`${OUTDATED_TEXT} (à revoir : les chiffres ont changé depuis)`);
    const unjustified = ws.getRow(
      rows.find(
        (r) =>
          r.cells[0] === 'Avertissement' && r.cells[2] !== labelPath(plan, subventionFinding.path) && r.cells[2] !== labelPath(plan, consumptionFinding.path),
      )!.n,
    );
    expect([unjustified.getCell(6).value, unjustified.getCell(7).value, unjustified.getCell(8).value]).toEqual([null, null, null]);
  });

  it(
    'imports back its own export without change: the finance sheets are read-only',
    async () => {
      const bytes = new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
      const file = new File([new Uint8Array(bytes)], 'plan.xlsx');
      const res = await reply(t.api.plans[':planId']['import.xlsx'].$post({ param: { planId: plan.id }, form: { file } }));
      expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200);
      expect(res.body.changes).toEqual([]);
    },
    TIMEOUT,
  );
});

describe('the PDF of a plan with finance data', () => {
  let pages: string[];
  let file: string;

  beforeAll(async () => {
    const doc = buildPlanPdf(gatherPdfInput(t.ctx, plan, firstYear), { generatedAt: '2026-11-21T10:00:00Z' });
    file = savePdf(await renderPdfDocument(doc), `finance-${firstYear}.pdf`);
    pages = pdfPages(file);
  }, TIMEOUT);

  const section = () => {
    const start = pages.findIndex((p) => p.includes(`Rapprochement financier ${firstYear}`) && !p.includes('Sommaire'));
    expect(start).toBeGreaterThan(0);
    const end = pages.findIndex((p, i) => i > start && /^\s*ACTION \d/m.test(p));
    return { start, text: pages.slice(start, end).join('\n') };
  };

  it('lists the section in the table of contents, between the fiche plan and the first fiche', () => {
    expect(pages[0]).toMatch(new RegExp(`Rapprochement financier ${firstYear}\\s+\\d+`));
    const { start } = section();
    expect(pages.findIndex((p) => p.includes('Total des recettes retenu'))).toBeLessThan(start);
    expect(pages.findIndex((p) => /^\s*ACTION \d/m.test(p))).toBeGreaterThan(start);
    savePageImage(file, start + 1, 'page-rapprochement');
  });

  it("prints the report year's reconciliation with the Liège figures in Belgian format", () => {
    const { text } = section();
    expect(text).toMatch(/Équilibre du budget \(recettes −[^\n]*€ 2\.424\.996,74/);
    expect(text).toMatch(/€ 845\.613,08/);
    expect(text).toMatch(/€ 111\.981,08/);
    expect(text).toMatch(/communale du budget : 38,83\s?%/);
    expect(text).toMatch(/Subvention PCS\s+€ 1\.666\.037,69\s+€ 1\.666\.037,70\s+€ 0,01\s+imputé − budget\s+Écart/);
    expect(text).toContain(`Saisi pour ${firstYear}`);
    expect(text).toContain(`Total des transferts ${firstYear}`);
    expect(text).not.toContain(`Rapprochement ${secondYear}`);
  });

  it('prints the budget versions of the report year and their differences', () => {
    const { text } = section();
    expect(text).toContain(`Budget ${firstYear}`);
    expect(text).toContain('Prévisionnel — Budget initial');
    expect(text).toContain(FORMULA_LIKE_LABEL);
    expect(text).toContain(`Écarts avec la version précédente (${firstYear})`);
    expect(text).toMatch(/Subvention PCS\s+€ 0,01/);
    expect(text).toMatch(/Part communale\s+€ -0,01/);
  });

  it('prints each justification under its finding in the annex, with author, date and time', () => {
    const annex = pages.slice(pages.findIndex((p) => p.includes('Annexe — Contrôles du plan') && !p.includes('Sommaire'))).join('\n');
    const flat = annex.replace(/\s+/g, ' ');
    expect(flat).toContain(`Justification (${AUTHOR}, ${formatDateTime(JUSTIFIED_AT)}) : ${JUSTIFICATION}`);
    expect(flat).toContain(`Justification (${AUTHOR}, ${formatDateTime(JUSTIFIED_AT)}) : ${OUTDATED_TEXT} (à revoir : les chiffres ont changé depuis)`);
    expect(pages[0]).toContain('2 remarques justifiées');
  });

  it('keeps Liberation Sans embedded', () => {
    for (const f of pdfFonts(file)) expect(f.name).toMatch(/LiberationSans/);
  });
});
