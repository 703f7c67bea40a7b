import type ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getPlan, makeLiegeApp, reply, type Api } from '../helpers.ts';
import { cellOf, openWorkbook } from '../workbook-edit.ts';
import type { Plan } from '../../schemas/plan.ts';
import { convertWithLibreOffice } from '../libreoffice.ts';

/** Re-opens the exported Liège workbook with exceljs and states what the official workbook must hold. */

let api: Api;
let plan: Plan;
let bytes: Uint8Array;
let wb: ExcelJS.Workbook;

async function exportOf(planId: string) {
  const res = await api.plans[':planId']['export.xlsx'].$get({ param: { planId } });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

const open = (b: Uint8Array) => openWorkbook(b);

/** The formula cell right of the row whose label (column B) is `label`. */
function totalRow(ws: ExcelJS.Worksheet, label: string, col = 'C') {
  let found: ExcelJS.Cell | null = null;
  ws.eachRow((row, n) => {
    if (!found && row.getCell(2).value === label) found = ws.getCell(`${col}${n}`);
  });
  if (!found) throw new Error(`Ligne « ${label} » introuvable`);
  return found as ExcelJS.Cell;
}

beforeAll(async () => {
  const t = makeLiegeApp();
  api = t.api;
  plan = await getPlan(t.app, t.plan.id);
  const r = await exportOf(plan.id);
  expect(r.res.status).toBe(200);
  bytes = r.bytes;
  wb = await open(bytes);
});

describe('GET /api/plans/:id/export.xlsx', () => {
  it('answers an XLSX download named after the commune and the programme years', async () => {
    const { res } = await exportOf(plan.id);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('PCS Liège 2020-2026.xlsx')}`);
    expect([...bytes.slice(0, 2)]).toEqual([0x50, 0x4b]);
  });

  it('answers 404 for an unknown plan', async () => {
    expect((await exportOf('nope')).res.status).toBe(404);
  });

  it('has the fiche plan, one sheet per fiche action, the synthesis, the finance sheets, the checks and the hidden lists', () => {
    const names = wb.worksheets.map((w) => w.name);
    expect(names[0]).toBe('Fiche plan');
    expect(names).toHaveLength(1 + plan.actions.length + 6);
    expect(names.slice(-6)).toEqual(['Synthèse indicateurs', 'Budgets annuels', 'Imputations', 'Rapprochement', 'Contrôles', 'Listes']);
    expect(wb.getWorksheet('Listes')!.state).toBe('hidden');
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(31);
      expect(n).not.toMatch(/[*?:\\/[\]']/);
    }
    expect(names).toContain('1.3.03 CPAS de Liège - SADA');
  });

  it('starts every form sheet with the running header and the fiche plan with the RGPD notice', () => {
    const header = 'Plan de Cohésion sociale de la Commune (commune porteuse) de la Ville de Liège';
    for (const ws of wb.worksheets.slice(0, 1 + plan.actions.length)) expect(ws.getCell('B1').value).toBe(header);
    const texts: string[] = [];
    wb.getWorksheet('Fiche plan')!.eachRow((row) => texts.push(String(row.getCell(2).value ?? '')));
    expect(texts).toContain('Règlement général pour la protection des données');
    expect(texts.some((t) => t.includes('Avenue Gouverneur Bovesse, 100 à 5100 JAMBES'))).toBe(true);
    expect(texts.some((t) => t.includes('pour la programmation 2020-2026'))).toBe(true);
  });

  it('computes the Liège budget totals as formulas carrying their results', () => {
    const ws = wb.getWorksheet('Fiche plan')!;
    const kept = totalRow(ws, 'Total des recettes retenu');
    expect(kept.formula).toMatch(/^IF\(ISBLANK\(C\d+\),C\d+,C\d+\)$/);
    expect(kept.result).toBe(2424996.74);
    expect(totalRow(ws, 'Total des recettes (somme des lignes)').result).toBe(2424996.74);
    expect(totalRow(ws, 'Total des dépenses retenu').result).toBe(2424996.74);
    expect(totalRow(ws, 'Solde (recettes − dépenses)').result).toBe(0);
    expect(totalRow(ws, 'Part communale / subvention PCS').result).toBe(0.3883);
    expect(totalRow(ws, 'Total des transferts', 'D').result).toBe(845613.08);
    expect(totalRow(ws, 'dont art.20', 'D').formula).toContain('SUMIF(');
    expect(totalRow(ws, 'dont art.20', 'D').result).toBe(111981.08);
    expect(totalRow(ws, 'Écart avec « Subventions aux institutions et associations »', 'D').result).toBe(0);
    const amount = ws.getCell(cellOf(plan, 'budget.recettes.subventionPcs').cell);
    expect(amount.value).toBe(1666037.68);
    expect(amount.numFmt).toBe('"€ "#,##0.00');
  });

  it('writes each indicator as a target and an actual row, with Ex-ante and Résultats from the same rule', () => {
    const action = plan.actions.findIndex((a) => a.code === '1.1.05');
    const ind = plan.actions[action]!.indicators[0]!;
    const at = cellOf(plan, `actions.${action}.indicators.0.values.2021.target`);
    const ws = wb.getWorksheet(at.sheet)!;
    expect(ws.getCell(at.cell).value).toBe(ind.values['2021']!.target);
    const exAnte = ws.getCell(cellOf(plan, `actions.${action}.indicators.0.exAnte`).cell);
    // Seven year columns F:L since the extension through 2026; the 2026 target is blank, the ex-ante unchanged.
    expect(exAnte.formula).toMatch(/^IF\(COUNT\(F\d+:L\d+\)=0,"",SUM\(F\d+:L\d+\)\)$/);
    expect(exAnte.result).toBe(147);
    const row = Number(at.cell.replace(/\D/g, ''));
    expect(ws.getCell(`D${row}`).value).toBe('Cible');
    expect(ws.getCell(`D${row + 1}`).value).toBe('Réalisé');
    expect(ws.getCell(`L${row}`).value).toBeNull();
    expect(ws.getCell(`M${row + 1}`).formula).toContain('SUM(');
    const headers = ws.getRow(row - 1).values as unknown[];
    expect(headers.slice(5, 14)).toEqual(['Ex-ante', '2020', '2021', '2022', '2023', '2024', '2025', '2026', 'Résultats']);
  });

  it('offers the closed lists as drop-downs drawn from the lists sheet', () => {
    const at = cellOf(plan, 'porteur.type');
    const dv = wb.getWorksheet(at.sheet)!.getCell(at.cell).dataValidation;
    expect(dv.type).toBe('list');
    expect(dv.formulae[0]).toMatch(/^Listes!\$[A-Z]+\$2:\$[A-Z]+\$3$/);
    const statut = cellOf(plan, 'actions.5.statut');
    expect(wb.getWorksheet(statut.sheet)!.getCell(statut.cell).dataValidation.type).toBe('list');
    const art20 = cellOf(plan, 'actions.5.fiche.art20');
    expect(wb.getWorksheet(art20.sheet)!.getCell(art20.cell).dataValidation.formulae[0]).toBe('Listes!$A$2:$A$3');
  });

  it('merges headers, freezes the title rows and prints A4 landscape fitted to the width with repeated titles', () => {
    for (const ws of [wb.getWorksheet('Fiche plan')!, wb.getWorksheet('1.3.03 CPAS de Liège - SADA')!]) {
      expect(ws.model.merges).toContain(ws.name === 'Fiche plan' ? 'B1:K1' : 'B1:M1');
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:2' });
      expect(ws.headerFooter.oddFooter).toContain('Page &P / &N');
      expect(ws.getColumn(1).hidden).toBe(true);
    }
  });

  it('locks computed cells and unlocks input cells, under a protection without password', () => {
    const ws = wb.getWorksheet('Fiche plan')!;
    const protection = ws.sheetProtection!;
    expect(protection.sheet).toBe(true);
    expect(protection.hashValue).toBeUndefined();
    expect(ws.getCell(cellOf(plan, 'budget.recettes.partCommunale').cell).protection?.locked).toBe(false);
    expect(totalRow(ws, 'Total des recettes retenu').protection?.locked).not.toBe(false);
  });

  it('lists one synthesis row per indicator and year, and the findings with their cell', () => {
    const rows = plan.actions.reduce((n, a) => n + a.indicators.length, 0) * 7;
    const synth = wb.getWorksheet('Synthèse indicateurs')!;
    expect(synth.actualRowCount).toBe(rows + 1);
    expect(synth.getRow(1).values).toEqual([undefined, undefined, 'Code action', 'Opérateur', 'Catégorie', 'Indicateur', 'Unité', 'Année', 'Cible', 'Réalisé']);
    const checks = wb.getWorksheet('Contrôles')!;
    const levels: string[] = [];
    checks.eachRow((row, n) => n > 1 && levels.push(String(row.getCell(2).value)));
    expect(levels.filter((l) => l === 'Erreur')).toHaveLength(1);
    expect(levels.length).toBeGreaterThan(40);
  });

  it('writes user text that looks like a formula as plain text, with the apostrophe that keeps it text in a CSV', async () => {
    const t = makeLiegeApp();
    const current = await getPlan(t.app, t.plan.id);
    const textes = { ...current.textes, vision: '=HYPERLINK("http://x")', portrait: '+1+2' };
    const param = { planId: t.plan.id };
    expect(
      (
        await reply(
          t.api.plans[':planId'].sections[':section'].$put({
            param: { ...param, section: 'textes' },
            json: { version: current.versions.textes, data: textes },
          }),
        )
      ).status,
    ).toBe(200);
    const res = await t.api.plans[':planId']['export.xlsx'].$get({ param });
    const book = await open(new Uint8Array(await res.arrayBuffer()));
    const cell = book.getWorksheet('Fiche plan')!.getCell(cellOf(current, 'textes.vision').cell);
    expect(cell.value).toBe('\'=HYPERLINK("http://x")');
    expect(cell.formula).toBeUndefined();
    expect(book.getWorksheet('Fiche plan')!.getCell(cellOf(current, 'textes.portrait').cell).value).toBe("'+1+2");
  });
});

describe('the Liège workbook read by LibreOffice', () => {
  it('shows the same totals (first sheet as CSV, computed by Calc)', async () => {
    const csv = new TextDecoder().decode(await convertWithLibreOffice(bytes, 'xlsx', 'csv'));
    expect(csv).toContain('Total des recettes retenu,"€ 2,424,996.74"');
    expect(csv).toContain('Part communale / subvention PCS,38.83\u00a0%');
    expect(csv).toMatch(/Total des transferts,,"€ 845,613.08"/);
    expect(csv).toMatch(/dont art.20,,"€ 111,981.08"/);
  }, 60_000);
});
