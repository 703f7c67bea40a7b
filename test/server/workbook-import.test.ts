import type ExcelJS from 'exceljs';
import { beforeEach, describe, expect, it } from 'vitest';
import { failure, getPlan, makeLiegeApp, reply, type Api, type TestApp } from '../helpers.ts';
import { cellOf, editWorkbookCells, openWorkbook } from '../workbook-edit.ts';
import { editWithLibreOffice } from '../libreoffice.ts';
import type { Plan } from '../../schemas/plan.ts';
import { MAX_IMPORT_BYTES } from '../../schemas/workbook-import.ts';

/** The import reads back exactly what changed, or refuses the whole file with the place of every problem. */

let app: TestApp;
let api: Api;
let plan: Plan;
let exported: Uint8Array;

beforeEach(async () => {
  const t = makeLiegeApp();
  app = t.app;
  api = t.api;
  plan = await getPlan(app, t.plan.id);
  exported = new Uint8Array(await (await api.plans[':planId']['export.xlsx'].$get({ param: { planId: plan.id } })).arrayBuffer());
});

/** The import form's fields besides the file: `apply=true` with the preview's fingerprint writes it. */
type ImportFields = { apply?: 'true'; fingerprint?: string };

function importRequest(bytes: Uint8Array, fields: ImportFields = {}, planId = plan.id) {
  return api.plans[':planId']['import.xlsx'].$post({ param: { planId }, form: { file: new File([new Uint8Array(bytes)], 'plan.xlsx'), ...fields } });
}

/** Uploads a workbook that must be read: the preview, or the result once applied. */
const upload = (bytes: Uint8Array, fields: ImportFields = {}) => reply(importRequest(bytes, fields));
/** Uploads a workbook that must be refused: the error. */
const refusalOf = (bytes: Uint8Array, fields: ImportFields = {}) => failure(importRequest(bytes, fields));

const stored = (): Promise<Plan> => getPlan(app, plan.id);

const idx = (code: string, organisme?: string) =>
  plan.actions.findIndex((a) => a.code === code && (organisme === undefined || a.fiche.operateur.organisme === organisme));

/** Ten edits of different kinds, as a user would type them, and what the preview must say of each. */
function tenEdits() {
  const sada = idx('1.3.03', 'CPAS de Liège - SADA');
  const calif = idx('1.1.05');
  const otherStatut = plan.actions[calif]!.statut === 'En cours' ? 'Non entamée' : 'En cours';
  return [
    { path: 'budget.recettes.autres', value: 12.34, after: '€ 12,34' },
    { path: 'transferts.2.montant', value: 3500, after: '€ 3.500,00' },
    { path: `actions.${sada}.indicators.0.values.2021.actual`, value: 17, after: '17' },
    { path: `actions.${sada}.indicators.0.values.2022.actual`, value: '1.204', after: '1.204' },
    { path: 'repartitionTemps.evaluation.2022', value: 0.05, after: '5,0\u00a0%' },
    { path: 'consommation.2021', value: '1.234,56', after: '€ 1.234,56' },
    { path: 'textes.vision', value: '=HYPERLINK("http://x")', after: '=HYPERLINK("http://x")' },
    { path: `actions.${calif}.statut`, value: otherStatut, after: otherStatut },
    { path: `actions.${calif}.fiche.gratuite`, value: 'Non', after: 'Non' },
    { path: 'identite.population', value: 197356, after: '197.356' },
  ];
}

describe('POST /api/plans/:id/import.xlsx — round trip', () => {
  it('finds no change in the workbook just exported', async () => {
    const r = await upload(exported);
    expect(r.status).toBe(200);
    expect(r.body.changes).toEqual([]);
    expect(r.body.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('finds exactly the ten cells edited with exceljs, with their place, and applies them in one go', async () => {
    const edits = tenEdits();
    const bytes = await editWorkbookCells(exported, edits, plan);
    const preview = await upload(bytes);
    expect(preview.status).toBe(200);
    const changes = preview.body.changes;
    expect(changes.map((c) => c.path).sort()).toEqual(edits.map((e) => e.path).sort());
    for (const e of edits) {
      const c = changes.find((x) => x.path === e.path)!;
      expect(c.after).toBe(e.after);
      expect(`${c.sheet}!${c.cell}`).toBe(`${cellOf(plan, e.path).sheet}!${cellOf(plan, e.path).cell}`);
    }
    expect(changes.find((c) => c.path === 'budget.recettes.autres')).toMatchObject({
      sheet: 'Fiche plan',
      before: '€ 0,00',
      label: 'Fiche plan, Autre(s) subv./recette(s)',
    });

    const applied = await upload(bytes, { apply: 'true', fingerprint: preview.body.fingerprint });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ applied: true });
    const after = await stored();
    const sada = after.actions[idx('1.3.03', 'CPAS de Liège - SADA')]!;
    expect(after.budget.recettes.autres).toBe(1234);
    expect(after.transferts[2]!.montant).toBe(350000);
    expect(sada.indicators[0]!.values['2021']!.actual).toBe(17);
    expect(sada.indicators[0]!.values['2022']!.actual).toBe(1204);
    expect(after.repartitionTemps.evaluation!['2022']).toBe(500);
    expect(after.consommation['2021']).toBe(123456);
    expect(after.textes.vision).toBe('=HYPERLINK("http://x")');
    expect(after.actions[idx('1.1.05')]!.statut).not.toBe(plan.actions[idx('1.1.05')]!.statut);
    expect(after.identite.population).toBe(197356);
    // Only what changed got a new version.
    expect(after.versions.budget).toBe(plan.versions.budget + 1);
    expect(after.versions.porteur).toBe(plan.versions.porteur);
    expect(after.transferts[3]!.version).toBe(plan.transferts[3]!.version);

    const again = await upload(bytes);
    expect(again.body.changes).toEqual([]);
  });

  it('finds exactly the ten cells edited in LibreOffice Calc', async () => {
    const edits = tenEdits();
    const located = edits.map((e) => ({ ...cellOf(plan, e.path), value: typeof e.value === 'number' ? e.value : String(e.value) }));
    const bytes = await editWithLibreOffice(exported, located);
    const preview = await upload(bytes);
    expect(preview.status, JSON.stringify(preview.body).slice(0, 500)).toBe(200);
    expect(preview.body.changes.map((c) => c.path).sort()).toEqual(edits.map((e) => e.path).sort());
    for (const e of edits) expect(preview.body.changes.find((c) => c.path === e.path)!.after).toBe(e.after);
  }, 60_000);

  it('reads a workbook re-saved by LibreOffice without any change as no change', async () => {
    const bytes = await editWithLibreOffice(exported, []);
    const r = await upload(bytes);
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
    expect(r.body.changes).toEqual([]);
  }, 60_000);

  it('turns an ex-ante typed over its formula into a manual ex-ante, and a formula back into the computed one', async () => {
    const a = idx('1.1.05');
    const bytes = await editWorkbookCells(exported, [{ path: `actions.${a}.indicators.0.exAnte`, value: 150 }], plan);
    const preview = await upload(bytes);
    expect(preview.body.changes).toMatchObject([{ path: `actions.${a}.indicators.0.exAnte`, before: '', after: '150' }]);
  });

  it('refuses to apply when the plan changed since the preview (409), and writes nothing', async () => {
    const bytes = await editWorkbookCells(exported, [{ path: 'budget.recettes.autres', value: 1 }], plan);
    const preview = await upload(bytes);
    const textes = { ...plan.textes, vision: 'Changée ailleurs' };
    const put = api.plans[':planId'].sections[':section'].$put({
      param: { planId: plan.id, section: 'textes' },
      json: { version: plan.versions.textes, data: textes },
    });
    expect((await reply(put)).status).toBe(200);
    const r = await refusalOf(bytes, { apply: 'true', fingerprint: preview.body.fingerprint });
    expect(r.status).toBe(409);
    expect(r.body.message).toContain("modifié depuis l'aperçu");
    expect((await stored()).budget.recettes.autres).toBe(0);
  });
});

describe('POST /api/plans/:id/import.xlsx — hostile and broken files', () => {
  async function expectRefused(bytes: Uint8Array, status: number, pattern: RegExp, path?: string) {
    const before = JSON.stringify(await stored());
    const attempts: ImportFields[] = [{}, { apply: 'true', fingerprint: 'x'.repeat(64) }];
    for (const fields of attempts) {
      const r = await refusalOf(bytes, fields);
      expect(r.status).toBe(status);
      expect(r.body.code).toBe(status === 413 ? 'payload_too_large' : 'validation');
      expect(r.body.message + JSON.stringify(r.body.issues)).toMatch(pattern);
      if (path) expect(r.body.issues.map((i) => i.path)).toContain(path);
    }
    expect(JSON.stringify(await stored())).toBe(before);
  }

  it('refuses a file that is not a ZIP', async () => {
    await expectRefused(new TextEncoder().encode('Nom;Montant\nCASA;35082\n'), 400, /n'est pas un classeur XLSX/);
  });

  it('refuses a ZIP that is not a workbook', async () => {
    const zip = exported.slice();
    // Damage the first part's data: the archive stays a ZIP but is no longer readable.
    zip.fill(0x41, 60, 4000);
    await expectRefused(zip, 400, /pas pu être lu|n'est pas un classeur/);
  });

  it('refuses a file over the size limit with 413', async () => {
    const big = new Uint8Array(MAX_IMPORT_BYTES + 1024);
    big.set(exported);
    await expectRefused(big, 413, /trop volumineux \(au plus 5 Mo\)/);
  });

  it('refuses a ZIP that claims to unpack a part to more than 16 MB before reading it', async () => {
    const bomb = exported.slice();
    const view = new DataView(bomb.buffer);
    // The first central-directory entry's uncompressed size.
    for (let i = bomb.length - 22; i > 0; i--) {
      if (view.getUint32(i, true) === 0x06054b50) {
        view.setUint32(view.getUint32(i + 16, true) + 24, 200 * 1024 * 1024, true);
        break;
      }
    }
    await expectRefused(bomb, 400, /se décompresse en plus de 16 Mo/);
  });

  it('refuses a formula typed in a text cell, naming the cell', async () => {
    const at = cellOf(plan, 'textes.vision');
    const bytes = await editWorkbookCells(
      exported,
      [{ path: 'textes.vision', value: { formula: 'HYPERLINK("http://x")', result: 'x' } as ExcelJS.CellFormulaValue }],
      plan,
    );
    await expectRefused(bytes, 400, /formule n’est pas admise/, `${at.sheet}!${at.cell}`);
  });

  it('refuses a 10 MB string', async () => {
    const bytes = await editWorkbookCells(exported, [{ path: 'textes.portrait', value: 'x'.repeat(10 * 1024 * 1024) }], plan);
    expect(bytes.length).toBeLessThan(MAX_IMPORT_BYTES);
    await expectRefused(bytes, 400, /texte trop long/i, `Fiche plan!${cellOf(plan, 'textes.portrait').cell}`);
  }, 30_000);

  it('refuses a text longer than the field allows', async () => {
    await expectRefused(await editWorkbookCells(exported, [{ path: 'identite.adresse', value: 'y'.repeat(2500) }], plan), 400, /2.000 caractères au plus/);
  });

  it('refuses unreadable numbers, values outside a closed list, bad dates and yes/no, each at its cell', async () => {
    const bytes = await editWorkbookCells(
      exported,
      [
        { path: 'budget.recettes.subventionPcs', value: '1,234.56' },
        { path: 'porteur.type', value: 'Une intercommunale' },
        { path: 'porteur.dateApprobation', value: '31/02/2019' },
        { path: 'serviceCitoyen.recours', value: 'Peut-être' },
        { path: 'transferts.0.montant', value: 12.345 },
        { path: 'repartitionTemps.evaluation.2021', value: 1.5 },
      ],
      plan,
    );
    const r = await refusalOf(bytes);
    expect(r.status).toBe(400);
    const issue = (path: string) => r.body.issues.find((i) => i.path === `${cellOf(plan, path).sheet}!${cellOf(plan, path).cell}`)?.message;
    expect(issue('budget.recettes.subventionPcs')).toMatch(/Subvention PCS : « 1,234.56 » n'est pas au format belge/);
    expect(issue('porteur.type')).toMatch(/« Une intercommunale » ne fait pas partie de la liste/);
    expect(issue('porteur.dateApprobation')).toMatch(/n'est pas une date/);
    expect(issue('serviceCitoyen.recours')).toMatch(/répondez Oui ou Non/);
    expect(issue('transferts.0.montant')).toMatch(/trop de décimales/);
    // 150 % is refused by the schema of the time shares, at the cell it came from.
    expect(r.body.issues).toHaveLength(5);
    const second = await refusalOf(await editWorkbookCells(exported, [{ path: 'repartitionTemps.evaluation.2021', value: 1.5 }], plan));
    expect(second.body.issues[0]!.path).toBe(`Fiche plan!${cellOf(plan, 'repartitionTemps.evaluation.2021').cell}`);
  });

  it('refuses a workbook with a missing sheet, an unknown sheet, or another plan', async () => {
    const drop = async (edit: (wb: ExcelJS.Workbook) => void) => {
      const wb = await openWorkbook(exported);
      edit(wb);
      return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
    };
    await expectRefused(
      await drop((wb) => wb.removeWorksheet(wb.getWorksheet('1.3.03 CPAS de Liège - SADA')!.id)),
      400,
      /Feuille absente/,
      '1.3.03 CPAS de Liège - SADA',
    );
    await expectRefused(await drop((wb) => wb.removeWorksheet(wb.getWorksheet('Fiche plan')!.id)), 400, /Feuille absente/, 'Fiche plan');
    await expectRefused(await drop((wb) => wb.addWorksheet('Mes calculs')), 400, /Feuille inconnue/, 'Mes calculs');
    await expectRefused(await drop((wb) => (wb.getWorksheet('Fiche plan')!.getCell('A1').value = 'plan:un-autre-plan')), 400, /autre plan/);
  });

  it('finds rows by their key: a row moved in the sheet still reads right, a deleted one is reported', async () => {
    const wb = await openWorkbook(exported);
    const ws = wb.getWorksheet('Fiche plan')!;
    const row = Number(cellOf(plan, 'transferts.0.montant').cell.slice(1));
    ws.getCell(`A${row}`).value = null;
    const r = await refusalOf(new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer));
    expect(r.status).toBe(400);
    expect(r.body.issues[0]!.message).toMatch(/Ligne absente du classeur : Fiche plan, transfert 1 \(SIAJEF\/REVERS\)/);
  });

  it('answers 400 without a file, and 404 for an unknown plan', async () => {
    // A form without its required file: the typed client refuses to send it.
    const res = await app.request(`/api/plans/${plan.id}/import.xlsx`, { method: 'POST', body: new FormData() });
    expect(res.status).toBe(400);
    expect((await importRequest(exported, {}, 'inconnu')).status).toBe(404);
  });
});
