import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { browserSuite, openPage, screenshot } from './harness.ts';

/**
 * The DiCS's consolidation in real Chromium against the real server (the Liège sample loaded): the agent opens
 * « Consolidation » from the plans page, sees the pivot in the grid and the charts, and downloads the flat XLSX
 * through the progress bar of its export job.
 */
const suite = browserSuite();
const TIMEOUT = 120_000;

describe('Consolidation page', () => {
  it('shows the pivot to the DiCS and downloads the XLSX through the progress bar', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'dics@wallonie.demo');
    await page.goto(suite.server.url);
    await page.getByTestId('consolidation-link').click();
    await page.getByRole('heading', { name: 'Consolidation des plans' }).waitFor();
    const pivot = page.getByTestId('consolidation-pivot');
    await pivot.locator('.ht_master td').first().waitFor();
    expect(await page.getByTestId('consolidation-summary').innerText()).toMatch(/^1 plan du programme/);
    const headers = await pivot.locator('.ht_clone_top th').allInnerTexts();
    expect(headers.join('|')).toContain('Code action');
    expect(headers.join('|')).toContain('% atteint');
    expect(await page.getByTestId('chart-scatter').locator('svg').count()).toBe(1);
    expect(await page.getByTestId('chart-attainment').locator('svg').count()).toBe(1);

    // Fewer lines: by province only.
    for (const d of ['code', 'indicateur', 'annee']) await page.getByTestId(`dimension-${d}`).uncheck();
    await page.getByTestId('dimension-province').check();
    await page.getByRole('button', { name: 'Afficher' }).click();
    await expect.poll(() => page.url()).toContain('lignes=province');
    await expect.poll(async () => (await pivot.locator('.ht_clone_top th').allInnerTexts()).join('|')).toContain('Province');
    await screenshot(page, 'consolidation-page');

    const downloaded = page.waitForEvent('download', { timeout: TIMEOUT });
    await page.getByTestId('export-xlsx').click();
    const bar = page.getByTestId('export-xlsx-progress');
    await bar.waitFor();
    expect(await bar.evaluate((el) => el.tagName)).toBe('PROGRESS');
    const download = await downloaded;
    expect(download.suggestedFilename()).toMatch(/^Consolidation .+\.xlsx$/);
    expect(await bar.evaluate((el) => (el as HTMLProgressElement).value)).toBe(1);
    expect(await page.getByTestId('export-xlsx-message').innerText()).toMatch(/^Prêt : Consolidation/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(new Uint8Array(readFileSync(await download.path())).buffer);
    const ws = wb.getWorksheet('Consolidation')!;
    expect(ws.getRow(1).getCell(1).value).toBe('Porteur');
    expect(ws.rowCount).toBeGreaterThan(100);
    expect(ws.getRow(2).getCell(1).value).toBe('Liège');
    await page.context().close();
  });
});
