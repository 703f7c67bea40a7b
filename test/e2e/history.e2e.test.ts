import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserSuite, gridCell, openPage, screenshot, typeInCell, waitSaved } from './harness.ts';

/**
 * The audit trail in the browser, as the Liège chef de projet: a value typed in an indicator cell shows in the
 * cell's history (who, from where, old → new), in the fiche's history, and in the plan's history export.
 */
const suite = browserSuite();

const FICHE_GRID = 'Indicateurs de Fiche 1.1.05 (CALIF)';
const CHEF = 'Claire Dumont';

async function openFiche(page: Page): Promise<void> {
  await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/actions`);
  await page.locator('.plan-nav a', { hasText: '1.1.05 (CALIF)' }).first().click();
  await page.locator('.fiche h1').waitFor();
  await page.locator(`.grid[aria-label="${FICHE_GRID}"] .ht_master tbody tr`).first().waitFor();
}

/** The history dialog once its entries are loaded. */
async function historyDialog(page: Page, scope: 'plan' | 'fiche' | 'cell') {
  const dialog = page.locator(`[data-testid="history-dialog"][data-scope="${scope}"]`);
  await dialog.waitFor();
  await dialog.locator('[data-testid="history-status"]', { hasNotText: 'Chargement' }).waitFor();
  return dialog;
}

describe('history panel', () => {
  it('shows who changed a cell, from where, old → new; the fiche lists it; the plan history exports it', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page);

    // The Réalisé row of the first indicator, 2021.
    const before = (await (await gridCell(page, FICHE_GRID, 1, '2021')).innerText()).trim();
    const typed = before === '77' ? '78' : '77';
    await typeInCell(page, FICHE_GRID, 1, '2021', typed);
    await waitSaved(page);

    // The cell's context menu: "Historique de la cellule".
    await (await gridCell(page, FICHE_GRID, 1, '2021')).click({ button: 'right' });
    const menuItem = page.locator('.htContextMenu td', { hasText: 'Historique de la cellule' });
    await menuItem.waitFor();
    await screenshot(page, 'history-context-menu');
    await menuItem.click();
    let dialog = await historyDialog(page, 'cell');
    expect(await dialog.locator('h2').innerText()).toBe('Historique de la cellule');
    expect(await dialog.locator('.history-subject').innerText()).toMatch(/^Fiche 1\.1\.05 · indicateur 1 « .+ » · Réalisé 2021$/);
    const entry = dialog.locator('[data-testid="history-entry"]').first();
    expect(await entry.locator('h3').innerText()).toContain(CHEF);
    expect(await entry.locator('.history-origin').innerText()).toBe('Origine : Application');
    expect(await entry.locator('.history-old').innerText()).toBe(before === '' ? 'vide' : before);
    expect(await entry.locator('.history-new').innerText()).toBe(typed);
    expect(await dialog.locator('[data-testid="history-entry"]').count()).toBe(1);
    await screenshot(page, 'history-cell');
    await dialog.getByRole('button', { name: 'Fermer' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The fiche's history lists the same change.
    await page.getByRole('button', { name: 'Historique de la fiche' }).click();
    dialog = await historyDialog(page, 'fiche');
    expect(await dialog.locator('.history-subject').innerText()).toBe('Fiche 1.1.05 (CALIF)');
    const ficheEntry = dialog.locator('[data-testid="history-entry"]').first();
    expect(await ficheEntry.locator('h3').innerText()).toContain(CHEF);
    expect(await ficheEntry.locator('.history-values li').first().innerText()).toMatch(new RegExp(`2021.* : .* → ${typed}$`));
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The plan's history, and its export.
    await page.locator('[data-testid="plan-history"]').click();
    dialog = await historyDialog(page, 'plan');
    await screenshot(page, 'history-plan');
    expect(await dialog.locator('[data-testid="history-entry"]').first().locator('h3').innerText()).toContain(CHEF);
    const href = await dialog.locator('[data-testid="history-export"]').getAttribute('href');
    expect(href).toMatch(new RegExp(`^/api/plans/${suite.server.planId}/history\\.xlsx\\?`));
    const res = await page.request.get(suite.server.url + href!);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers()['content-disposition']).toContain(encodeURIComponent('PCS Liège 2020-2026 - historique.xlsx'));
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(await res.body()).buffer);
    const firstRow = book.getWorksheet('Historique')!.getRow(5);
    expect(firstRow.getCell(2).value).toMatch(new RegExp(`^${CHEF}`));
    expect(firstRow.getCell(4).value).toBe('Application');
    expect(firstRow.getCell(8).value).toBe(typed);
    await page.keyboard.press('Escape');
    await page.close();
  });

  it('opens a cell’s history from the keyboard (Maj+F10) and greys it out for a computed cell', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page);
    // Résultats of the first indicator: computed, no history of its own.
    await (await gridCell(page, FICHE_GRID, 1, 'resultats')).click();
    await page.keyboard.press('Shift+F10');
    const item = page.locator('.htContextMenu tr', { hasText: 'Historique de la cellule' });
    await item.waitFor();
    expect(await item.locator('td').getAttribute('class')).toContain('htDisabled');
    await page.keyboard.press('Escape');
    await page.locator('.htContextMenu').waitFor({ state: 'hidden' });

    await (await gridCell(page, FICHE_GRID, 0, '2021')).click();
    await page.keyboard.press('Shift+F10');
    await page.locator('.htContextMenu td', { hasText: 'Historique de la cellule' }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    const dialog = await historyDialog(page, 'cell');
    expect(await dialog.locator('.history-subject').innerText()).toMatch(/Cible 2021$/);
    await page.keyboard.press('Escape');
    await page.close();
  });
});
