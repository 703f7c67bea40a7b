import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { defaultReportYear } from '../../schemas/pdf-export.ts';
import { formatEuros } from '../../schemas/numbers.ts';
import type { Programme } from '../../schemas/reference.ts';
import { getPlan, gridCell, launchBrowser, openPage, screenshot, startServer, typeInCell, waitSaved, type Server } from './harness.ts';

/**
 * The finance officer's pages in real Chromium against the real server and SQLite file, on the Liège sample: the
 * reconciliation of a year, an E-compte file refused then imported, a one-cent difference found and justified, a
 * budget actualisation, and a transfer typed for one year.
 */
let server: Server;
let browser: Browser;
let dir: string;
let years: number[];
const errors: string[] = [];
const TIMEOUT = 90_000;

const SAMPLES = resolve('samples/imputations');
const GOOD_FILE = join(SAMPLES, 'liege-imputations-2021.csv');
const BAD_FILE = join(SAMPLES, 'liege-imputations-2021-erreur.csv');

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'cohesio-finance-e2e-'));
  const plan = await getPlan(server);
  const programmes = (await server.api<Programme[]>('GET', '/api/programmes')).body;
  years = programmes.find((p) => p.id === plan.programmeId)!.years;
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(errors).toEqual([]);
});

const financeUrl = (view: string, year?: number) => `${server.url}/#/plan/${server.planId}/finances/${view}${year ? `/${year}` : ''}`;

async function openRapprochement(page: Page, year?: number): Promise<void> {
  await page.goto(financeUrl('rapprochement', year));
  await page.getByTestId('rapprochement-page').waitFor();
  if (year) await page.locator('main h1', { hasText: `Rapprochement ${year}` }).waitFor();
}

const text = (page: Page, testId: string) => page.getByTestId(testId).first().innerText();

/**
 * The E-compte files of the samples; when they are missing, the same lines for a year of the programme (the
 * budget of the fiche plan split as the municipal accounts book it), with a bad amount on line 5 for the refused one.
 */
function importFiles(): { good: string; bad: string; year: number } {
  if (existsSync(GOOD_FILE) && existsSync(BAD_FILE)) {
    const firstLine = readFileSync(GOOD_FILE, 'utf8').split(/\r?\n/)[1]!;
    return { good: GOOD_FILE, bad: BAD_FILE, year: Number(firstLine.split(';')[0]) };
  }
  const year = years[1]!;
  const lines = [
    'Année;Code fonctionnel;Article économique;Libellé;Montant;Nature',
    ...[1, 2, 3, 4].map((q) => `${year};84010;465-48;Subvention PCS ${year} - trimestre ${q};416.509,42;`),
    `${year};84010;111-01;Rémunérations et charges du personnel PCS;498.112,45;`,
    `${year};84010;123-02;Frais de fonctionnement du PCS;148.865,53;`,
    `${year};84011;435-01;Subside art.20;111.981,08;`,
  ];
  const good = join(dir, `imputations-${year}.csv`);
  const bad = join(dir, `imputations-${year}-erreur.csv`);
  writeFileSync(good, `${lines.join('\n')}\n`);
  writeFileSync(bad, `${lines.map((l, i) => (i === 4 ? l.replace('416.509,42', '12,3,4') : l)).join('\n')}\n`);
  return { good, bad, year };
}

describe('finances', () => {
  it('reconciles a year of the Liège plan from the navigation: budget, transfers, art.20, part communale', { timeout: TIMEOUT }, async () => {
    const page = await openPage(browser, errors, server);
    await page.goto(`${server.url}/#/plan/${server.planId}/porteur`);
    await page.locator('.plan-nav a', { hasText: 'Rapprochement' }).click();
    await page.getByTestId('rapprochement-page').waitFor();
    // The default year is the last finished year inside the programme.
    const year = defaultReportYear(years, new Date().getFullYear());
    await page.locator('main h1', { hasText: `Rapprochement ${year}` }).waitFor();
    expect(await page.getByTestId('finance-year').inputValue()).toBe(String(year));
    expect(await page.locator('.plan-nav a[aria-current="page"]').innerText()).toBe('Rapprochement');

    expect(await text(page, 'rec-budget')).toBe('€ 2.424.996,74');
    expect(await text(page, 'rec-budget-source')).toContain('fiche plan');
    expect(await text(page, 'rec-transferred')).toBe('€ 845.613,08');
    expect(await text(page, 'rec-art20')).toBe('€ 111.981,08');
    expect(await text(page, 'rec-part-communale-budget')).toBe('38,83\u00a0%');
    expect(await text(page, 'rec-disagreements')).toBe('0');
    // Each line names its figures and their origin; a figure leads to where it is entered.
    const transfers = page.getByTestId('rec-line-transferts');
    expect(await transfers.getAttribute('data-status')).toBe('ok');
    expect(await transfers.getByTestId('status').innerText()).toBe('Conforme');
    expect(await transfers.locator('td.origin').innerText()).toContain('22 montants annuels de la fiche plan');
    expect(await transfers.getByTestId('transferred').locator('a').getAttribute('href')).toBe(`#/plan/${server.planId}/finances/transferts/${year}`);
    expect(await page.getByTestId('rec-partners').locator('tbody tr').count()).toBe(22);
    await screenshot(page, 'finance-rapprochement');

    // Another year of the programme from the selector.
    const other = years[0]!;
    await page.getByTestId('finance-year').selectOption(String(other));
    await page.locator('main h1', { hasText: `Rapprochement ${other}` }).waitFor();
    expect(page.url()).toContain(`/finances/rapprochement/${other}`);
    expect(await text(page, 'rec-budget')).toBe('€ 2.424.996,74');
    await page.close();
  });

  it('imports E-compte imputations as a new user, finds a one-cent difference and justifies it', { timeout: TIMEOUT }, async () => {
    const { good, bad, year } = importFiles();
    expect(years).toContain(year);
    const page = await openPage(browser, errors, server);
    await page.goto(financeUrl('imputations', year));
    await page.getByTestId('imputations-page').waitFor();
    expect(await text(page, 'imputation-count')).toBe(`0 imputation en ${year}`);

    // A file with a bad amount on line 5: every problem listed with its line, nothing imported.
    await page.getByTestId('imputation-import').click();
    const dialog = page.getByTestId('imputation-import-dialog');
    await dialog.getByLabel('Fichier d’imputations (.csv ou .xlsx)').setInputFiles(bad);
    const problems = dialog.getByTestId('imputation-import-errors');
    await problems.waitFor();
    expect(await problems.getAttribute('role')).toBe('alert');
    expect(await problems.locator('li').first().innerText()).toMatch(/^Ligne 5 \(Montant\)/);
    expect(await problems.innerText()).toContain('Import refusé, rien n’a été modifié');
    expect(await dialog.getByTestId('imputation-import-apply').isVisible()).toBe(false);
    await screenshot(page, 'finance-import-refused');
    expect((await getPlan(server)).imputations).toEqual([]);

    // The good file: preview of every line and of the year's totals, then the import.
    await dialog.getByTestId('imputation-import-file').setInputFiles(good);
    const preview = dialog.getByTestId('imputation-import-preview');
    await preview.waitFor();
    const lineCount = readFileSync(good, 'utf8').trim().split(/\r?\n/).length - 1;
    expect(await preview.locator('tbody tr[data-line]').count()).toBe(lineCount);
    expect(await preview.locator('tbody tr[data-line]').first().locator('td').first().innerText()).toBe('2');
    expect(await dialog.getByTestId(`imputation-import-year-${year}`).getByTestId('imputation-import-replaces').innerText()).toContain(
      `aucune imputation ${year}`,
    );
    expect(await dialog.getByTestId('imputation-import-after-subvention-pcs').innerText()).toBe('€ 1.666.037,68');
    await screenshot(page, 'finance-import-preview');
    expect((await getPlan(server)).imputations).toEqual([]);
    await dialog.getByTestId('imputation-import-apply').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => text(page, 'imputation-count')).toBe(`${lineCount} imputations en ${year}`);
    expect((await getPlan(server)).imputations).toHaveLength(lineCount);
    expect(await text(page, `imputation-total-${year}-subvention-pcs`)).toBe('€ 1.666.037,68');

    // The reconciliation of that year agrees to the cent.
    await openRapprochement(page, year);
    const subvention = page.getByTestId('rec-line-subvention-pcs');
    expect(await subvention.getByTestId('status').innerText()).toBe('Conforme');
    expect(await subvention.getByTestId('booked').innerText()).toBe('€ 1.666.037,68');
    expect(await page.getByTestId('rec-line-part-communale').getByTestId('status').innerText()).toBe('Conforme');
    expect(await page.getByTestId('rec-line-art20').getByTestId('status').innerText()).toBe('Conforme');
    expect(await text(page, 'rec-booked')).toBe('€ 2.424.996,74');
    expect(await text(page, 'rec-part-communale-booked')).toBe('38,83\u00a0%');
    await screenshot(page, 'finance-rapprochement-imported');

    // One imputation one cent short, typed in the grid.
    await page.goto(financeUrl('imputations', year));
    await page.getByTestId('imputations-page').waitFor();
    const cell = await gridCell(page, 'Imputations E-compte', 0, 'montant');
    expect(await cell.innerText()).toBe('416.509,42');
    await typeInCell(page, 'Imputations E-compte', 0, 'montant', '416.509,41');
    await waitSaved(page);
    expect(await text(page, `imputation-total-${year}-subvention-pcs`)).toBe('€ 1.666.037,67');

    await openRapprochement(page, year);
    expect(await subvention.getAttribute('data-status')).toBe('ecart');
    expect(await subvention.getByTestId('difference').allInnerTexts()).toEqual(['imputé − budget : € -0,01']);
    // The part communale and the art.20 still agree: the difference is on the subvention PCS alone.
    expect(await page.getByTestId('rec-line-part-communale').getAttribute('data-status')).toBe('ok');
    expect(await page.getByTestId('rec-line-art20').getAttribute('data-status')).toBe('ok');
    expect(await page.getByTestId('rec-line-part-communale').innerText()).not.toContain('-0,01');
    const finding = page.getByTestId('rec-findings').locator('[data-rule="rapprochement-subvention-pcs"]');
    await finding.waitFor();
    expect(await finding.getAttribute('class')).toContain('warning');
    expect(await finding.locator('a').first().innerText()).toContain('€ -0,01');

    // Justified in the name of the signed-in person.
    await finding.getByTestId('justify-button').click();
    const justify = page.getByTestId('justify-dialog');
    await justify.waitFor();
    expect(await justify.getByTestId('justify-author').innerText()).toBe('Justification au nom de Claire Dumont (cheffe de projet PCS, Liège)');
    await justify.getByLabel('Justification').fill('Arrondi du 4e versement SPW, régularisé sur l’exercice suivant.');
    await justify.getByTestId('justify-save').click();
    await justify.waitFor({ state: 'detached' });
    const justification = finding.getByTestId('justification');
    await justification.waitFor();
    expect(await justification.getByTestId('justification-text').innerText()).toContain('Arrondi du 4e versement SPW');
    expect(await justification.getByTestId('justification-author').innerText()).toMatch(
      /^— Claire Dumont \(cheffe de projet PCS, Liège\), le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}$/,
    );
    await screenshot(page, 'finance-justified');

    // Stored: after a reload, on the page and in the checks panel, whose finding leads back to the line.
    await page.reload();
    await page.getByTestId('rapprochement-page').waitFor();
    await page.getByTestId('rec-findings').locator('[data-rule="rapprochement-subvention-pcs"] [data-testid="justification-text"]').waitFor();
    await page.locator('.checks-toggle').click();
    const inPanel = page.locator('#checks-panel [data-rule="rapprochement-subvention-pcs"]');
    expect(await inPanel.getByTestId('justification-text').innerText()).toContain('Arrondi du 4e versement SPW');
    expect(await inPanel.locator('a').first().getAttribute('href')).toContain(`/finances/rapprochement/${year}?focus=finance.${year}.subvention-pcs`);
    const stored = (await getPlan(server)).justifications;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      cle: `rapprochement-subvention-pcs:finance.${year}.subvention-pcs`,
      auteur: 'Claire Dumont (cheffe de projet PCS, Liège)',
    });
    await screenshot(page, 'finance-checks-panel');

    // The figures change again: the justification stays, marked « à revoir ».
    await page.goto(financeUrl('imputations', year));
    await page.getByTestId('imputations-page').waitFor();
    await typeInCell(page, 'Imputations E-compte', 0, 'montant', '416.509,40');
    await waitSaved(page);
    await openRapprochement(page, year);
    expect(await subvention.getByTestId('difference').allInnerTexts()).toEqual(['imputé − budget : € -0,02']);
    const outdated = page.getByTestId('rec-findings').locator('[data-rule="rapprochement-subvention-pcs"] [data-testid="justification"]');
    expect(await outdated.getAttribute('class')).toContain('outdated');
    expect(await outdated.innerText()).toMatch(/^À revoir/);
    expect(await page.getByTestId('rec-findings').locator('[data-rule="rapprochement-subvention-pcs"] [data-testid="justify-button"]').innerText()).toBe(
      'Revoir la justification',
    );
    await page.close();
  });

  it('records a prévisionnel and an actualisation changing one line by € 1,00, shown line by line', { timeout: TIMEOUT }, async () => {
    const year = years[years.length - 1]!;
    const page = await openPage(browser, errors, server);
    await page.goto(financeUrl('budgets', year));
    await page.getByTestId('budgets-page').waitFor();
    await page.getByTestId('no-version').waitFor();

    await page.getByRole('button', { name: `Enregistrer le prévisionnel ${year}` }).click();
    const form = page.getByTestId('version-form');
    expect(await form.innerText()).toContain('ne peut plus être modifiée');
    expect(await form.getByTestId('version-recettes-subventionPcs').inputValue()).toBe('1.666.037,68');
    await form.getByLabel('Date de la décision').fill(`${year - 1}-12-15`);
    // The version is recorded in the name of the signed-in person.
    expect(await form.getByTestId('version-auteur').innerText()).toBe('Enregistrée au nom de Claire Dumont (cheffe de projet PCS, Liège)');
    await form.getByTestId('version-save').click();
    await form.waitFor({ state: 'detached' });
    await page.getByTestId('version-0').waitFor();
    expect(await page.getByTestId('version-0').innerText()).toContain(`Prévisionnel — Budget initial (15/12/${year - 1})`);

    await page.getByRole('button', { name: 'Nouvelle actualisation' }).click();
    await form.waitFor();
    const autres = form.getByTestId('version-recettes-autres');
    expect(await autres.inputValue()).toBe('0,00');
    await autres.fill('1,00');
    await autres.press('Tab');
    await form.getByLabel('Libellé').fill('Modification budgétaire n°1');
    await form.getByLabel('Date de la décision').fill(`${year}-06-30`);
    expect(await form.getByTestId('version-balance').innerText()).toContain('€ 1,00');
    await form.getByTestId('version-save').click();
    await form.waitFor({ state: 'detached' });
    await page.getByTestId('version-1').waitFor();
    expect(await page.getByTestId('version-1').innerText()).toContain(`Actualisation 1 — Modification budgétaire n°1 (30/06/${year})`);

    const table = page.getByTestId('versions-table');
    expect(await table.locator('thead th').allInnerTexts()).toEqual(['Poste', `Prévisionnel\n15/12/${year - 1}`, `Actualisation 1\n30/06/${year}`]);
    const line = table.getByTestId('version-line-recettes-autres');
    expect(await line.getByTestId('version-cell-0').locator('.amount').innerText()).toBe('€ 0,00');
    expect(await line.getByTestId('version-cell-1').locator('.amount').innerText()).toBe('€ 1,00');
    expect(await line.getByTestId('version-delta').innerText()).toContain('€ 1,00');
    // Only that line and the total of the recettes changed.
    expect(await table.getByTestId('version-delta').count()).toBe(2);
    expect(await table.getByTestId('version-line-recettes-total').getByTestId('version-delta').innerText()).toContain('€ 1,00');
    await screenshot(page, 'finance-budget-versions');

    // The prévisionnel is kept as recorded; the actualisation applies to the reconciliation.
    const plan = await getPlan(server);
    const ofYear = plan.budgetsAnnuels.filter((v) => v.annee === year);
    expect(ofYear.map((v) => v.nature)).toEqual(['previsionnel', 'actualisation']);
    expect(ofYear[0]!.budget.recettes.autres).toBe(plan.budget.recettes.autres);
    expect(ofYear[1]!.budget.recettes.autres).toBe((plan.budget.recettes.autres ?? 0) + 100);
    await openRapprochement(page, year);
    expect(await text(page, 'rec-budget-source')).toBe(`Actualisation 1 — Modification budgétaire n°1 (30/06/${year})`);
    expect(await text(page, 'rec-budget')).toBe('€ 2.424.997,74');
    expect(await page.getByTestId('rec-line-equilibre').getByTestId('difference').innerText()).toBe('recettes − dépenses : € 1,00');
    // A recorded version out of balance is an error: it blocks the submission until corrected or justified.
    const blocking = page.getByTestId('rec-findings').locator('[data-rule="rapprochement-equilibre"]');
    expect(await blocking.getAttribute('class')).toContain('error');
    expect(await blocking.locator('.blocking').innerText()).toBe('Bloque la soumission : corrigez ou justifiez');
    expect(await blocking.getByTestId('justify-button').count()).toBe(1);
    await page.close();
  });

  it('takes a transfer typed for one year into the reconciliation of that year', { timeout: TIMEOUT }, async () => {
    const year = years[0]!;
    const before = await getPlan(server);
    const partner = before.transferts[0]!;
    const typed = partner.montant! + 160_00;
    const expected = before.transferts.reduce((s, t) => s + (t.montant ?? 0), 0) - partner.montant! + typed;

    const page = await openPage(browser, errors, server);
    await page.goto(financeUrl('transferts', year));
    await page.getByTestId('transferts-page').waitFor();
    const label = 'Transferts par partenaire et par année';
    // A blank year shows the annual amount of the fiche plan, greyed.
    const blank = await gridCell(page, label, 1, String(year));
    expect(await blank.getAttribute('class')).toContain('cell-placeholder');
    await typeInCell(page, label, 0, String(year), formatEuros(typed).replace('€ ', ''));
    await waitSaved(page);
    expect((await getPlan(server)).transferts[0]!.parAnnee[String(year)]).toBe(typed);
    await screenshot(page, 'finance-transfers');

    await openRapprochement(page, year);
    expect(await text(page, 'rec-transferred')).toBe(formatEuros(expected));
    const row = page.getByTestId(`rec-partner-${partner.id}`);
    expect(await row.getByTestId('partner-transfer').innerText()).toBe(formatEuros(typed));
    expect(await row.getByTestId('partner-transfer-source').innerText()).toBe(`Saisi pour ${year}`);
    expect(await page.getByTestId('rec-line-transferts').getAttribute('data-status')).toBe('ecart');
    expect(await page.getByTestId('rec-line-transferts').getByTestId('difference').innerText()).toBe('transféré − budget : € 160,00');
    // Other years keep the annual amount.
    await openRapprochement(page, years[1]!);
    expect(await text(page, 'rec-transferred')).toBe('€ 845.613,08');
    await page.close();
  });
});
