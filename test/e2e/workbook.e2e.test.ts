import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import { MAX_IMPORT_BYTES } from '../../schemas/workbook-import.ts';
import { editWorkbookCells } from '../workbook-edit.ts';
import { getPlan, launchBrowser, openPage, screenshot, startServer, type Server } from './harness.ts';

/**
 * The official workbook from the plan header, in real Chromium against the real server on the Liège sample:
 * download the export, edit one value as a user does in Excel, import it back (preview, then apply), and the
 * refusals (a plan changed since the preview, a file that is not a workbook, a file too large).
 */
let server: Server;
let browser: Browser;
let dir: string;
const errors: string[] = [];
const TIMEOUT = 60_000;

beforeAll(async () => {
  server = await startServer();
  browser = await launchBrowser();
  dir = mkdtempSync(join(tmpdir(), 'cohesio-workbook-e2e-'));
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(errors).toEqual([]);
});

async function openBudget(page: Page): Promise<void> {
  await page.goto(`${server.url}/#/plan/${server.planId}/budget`);
  await page.locator('[data-testid="total-recettes"] .value').waitFor();
}

async function exportBytes(): Promise<Uint8Array> {
  const { name, value } = await server.signIn('chef@liege.demo');
  const res = await fetch(`${server.url}/api/plans/${server.planId}/export.xlsx`, { headers: { cookie: `${name}=${value}` } });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

/** Writes an edited export of the stored plan to a temporary .xlsx file and answers its path. */
async function editedWorkbook(bytes: Uint8Array, name: string, value: number, plan: Plan): Promise<string> {
  const edited = await editWorkbookCells(bytes, [{ path: 'budget.recettes.autres', value }], plan);
  const file = join(dir, name);
  writeFileSync(file, edited);
  return file;
}

async function openImport(page: Page) {
  await page.getByTestId('import-xlsx').click();
  const dialog = page.getByTestId('import-dialog');
  await dialog.waitFor();
  return dialog;
}

function importRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/import.xlsx')) seen.push(r.method());
  });
  return seen;
}

let exported: Uint8Array | null = null;

describe('official workbook', () => {
  it('downloads the plan as an XLSX workbook from the header', { timeout: TIMEOUT }, async () => {
    const page = await openPage(browser, errors, server);
    await openBudget(page);
    const link = page.getByTestId('export-xlsx');
    expect(await link.innerText()).toBe('Exporter en XLSX');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
    const path = await download.path();
    const bytes = new Uint8Array(readFileSync(path));
    // An XLSX is a zip: "PK" first.
    expect(String.fromCharCode(bytes[0]!, bytes[1]!)).toBe('PK');
    expect(bytes.length).toBeGreaterThan(5_000);
    expect(bytes.length).toBeLessThan(MAX_IMPORT_BYTES);
    exported = bytes;
    await page.close();
  });

  it('imports an edited export: preview of the one change, apply, stored and shown in the page', { timeout: TIMEOUT }, async () => {
    expect(exported, 'the export test runs first').not.toBeNull();
    const before = await getPlan(server);
    expect(before.budget.recettes.autres).toBe(0);
    const file = await editedWorkbook(exported!, 'liege-autres.xlsx', 12.34, before);

    const page = await openPage(browser, errors, server);
    await openBudget(page);
    expect(await page.locator('[data-testid="total-recettes"] .value').innerText()).toBe('€ 2.424.996,74');
    const dialog = await openImport(page);
    await dialog.getByLabel('Classeur (.xlsx)').setInputFiles(file);
    const preview = dialog.getByTestId('import-preview');
    await preview.waitFor();
    expect(await dialog.getByTestId('import-count').innerText()).toMatch(/^1 modification\b/);
    const rows = preview.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-path')).toBe('budget.recettes.autres');
    expect(await rows.first().locator('td').first().innerText()).toMatch(/^Fiche plan!/);
    expect(await rows.first().getByTestId('import-before').innerText()).toContain('0,00');
    expect(await rows.first().getByTestId('import-after').innerText()).toContain('12,34');
    await screenshot(page, 'workbook-import-preview');

    // Nothing is written before the user applies.
    expect((await getPlan(server)).budget.recettes.autres).toBe(0);
    const apply = dialog.getByTestId('import-apply');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('import-apply');
    await apply.press('Enter');
    await page.locator('.toast', { hasText: '1 modification importée' }).waitFor();
    await dialog.waitFor({ state: 'detached' });

    const after = await getPlan(server);
    expect(after.budget.recettes.autres).toBe(1234);
    // The page shows the imported value without a reload of the browser page.
    await expect.poll(() => page.locator('[data-testid="total-recettes"] .value').innerText()).toBe('€ 2.425.009,08');
    await screenshot(page, 'workbook-import-applied');
    await page.close();
  });

  it('asks for a new preview when the plan changed after the preview, and writes nothing when cancelled', { timeout: TIMEOUT }, async () => {
    const plan = await getPlan(server);
    const file = await editedWorkbook(await exportBytes(), 'liege-autres-2.xlsx', 56.78, plan);

    const page = await openPage(browser, errors, server);
    await openBudget(page);
    const dialog = await openImport(page);
    await dialog.getByTestId('import-file').setInputFiles(file);
    await dialog.getByTestId('import-preview').waitFor();
    expect(await dialog.getByTestId('import-preview').locator('tbody tr').count()).toBe(1);
    expect(await dialog.getByTestId('import-after').innerText()).toContain('56,78');

    // Someone else saves the budget meanwhile.
    const fonctionnement = plan.budget.depenses.fonctionnement! + 100;
    const saved = await server.api('PUT', `/api/plans/${server.planId}/sections/budget`, {
      version: plan.versions.budget,
      data: { ...plan.budget, depenses: { ...plan.budget.depenses, fonctionnement } },
    });
    expect(saved.status).toBe(200);

    await dialog.getByTestId('import-apply').click();
    await dialog.getByText('Le plan a été modifié depuis l’aperçu : relancez l’aperçu.').waitFor();
    expect(await dialog.getByTestId('import-apply').isVisible()).toBe(false);
    await screenshot(page, 'workbook-import-conflict');

    // The new preview also shows the workbook's older value of the line saved meanwhile.
    await dialog.getByRole('button', { name: 'Relancer l’aperçu' }).click();
    await expect.poll(() => dialog.locator('[data-testid="import-preview"] tbody tr').count()).toBe(2);
    expect(await dialog.getByTestId('import-apply').innerText()).toBe('Appliquer les 2 modifications');
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });

    const stored = await getPlan(server);
    expect(stored.budget.recettes.autres).toBe(1234);
    expect(stored.budget.depenses.fonctionnement).toBe(fonctionnement);
    await page.close();
  });

  it('shows the French error of a file that is not a workbook and writes nothing', { timeout: TIMEOUT }, async () => {
    const file = join(dir, 'pas-un-classeur.xlsx');
    writeFileSync(file, 'Ceci est un texte, pas un classeur.\n');
    const before = await getPlan(server);

    const page = await openPage(browser, errors, server);
    const requests = importRequests(page);
    await openBudget(page);
    const dialog = await openImport(page);
    await dialog.getByTestId('import-file').setInputFiles(file);
    const problems = dialog.getByTestId('import-errors');
    await problems.waitFor();
    expect(requests).toEqual(['POST']);
    expect(await problems.innerText()).toContain('Rien n’a été enregistré');
    // The server's own message (and its issues), in French.
    const serverText = (await problems.locator('.import-message, li').allInnerTexts()).join('\n');
    expect(serverText).toMatch(/classeur|fichier|xlsx|feuille/i);
    expect(await dialog.getByTestId('import-apply').isVisible()).toBe(false);
    await screenshot(page, 'workbook-import-not-xlsx');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await getPlan(server)).toEqual(before);
    await page.close();
  });

  it('lists the problems of a workbook with a wrong value, each with its place, and writes nothing', { timeout: TIMEOUT }, async () => {
    const before = await getPlan(server);
    const edited = await editWorkbookCells(await exportBytes(), [{ path: 'budget.recettes.autres', value: 'douze euros' }], before);
    const file = join(dir, 'liege-faux.xlsx');
    writeFileSync(file, edited);

    const page = await openPage(browser, errors, server);
    await openBudget(page);
    const dialog = await openImport(page);
    await dialog.getByTestId('import-file').setInputFiles(file);
    const problems = dialog.getByTestId('import-errors');
    await problems.waitFor();
    const issues = await problems.locator('li').allInnerTexts();
    expect(issues.length).toBeGreaterThanOrEqual(1);
    expect(issues[0]).toMatch(/^Fiche plan![A-Z]+\d+ — /);
    expect(await dialog.getByTestId('import-apply').isVisible()).toBe(false);
    await screenshot(page, 'workbook-import-problems');
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await getPlan(server)).toEqual(before);
    await page.close();
  });

  it('refuses a file over the size limit before sending it', { timeout: TIMEOUT }, async () => {
    const page = await openPage(browser, errors, server);
    const requests = importRequests(page);
    await openBudget(page);
    const dialog = await openImport(page);
    await dialog.getByTestId('import-file').setInputFiles({
      name: 'tres-gros.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: Buffer.alloc(MAX_IMPORT_BYTES + 1),
    });
    const message = dialog.getByRole('alert');
    await message.waitFor();
    expect(await message.innerText()).toContain('ne peut dépasser 5 Mo');
    expect(requests).toEqual([]);
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.close();
  });
});
