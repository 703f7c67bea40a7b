import { afterAll, beforeAll, expect } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import { launchBrowser, startServer, type Server } from '../../bench/browser.ts';

/**
 * Browser tests: the server and Chromium of bench/browser.ts (shared with the client benchmark), started and closed
 * around a test file, and the gestures the tests make in a page.
 */
export { launchBrowser, openPage, startServer, type Server } from '../../bench/browser.ts';

/** The output folder of screenshots. */
export const OUTPUT_DIR = resolve('test-output');

/**
 * The server and the browser of a test file: started before its tests, closed after them, and the file fails on any
 * uncaught error of the application in its pages (`errors`, given to `openPage`).
 */
export function browserSuite(): { readonly server: Server; readonly browser: Browser; readonly errors: string[] } {
  let server: Server | null = null;
  let browser: Browser | null = null;
  const errors: string[] = [];
  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    expect(errors).toEqual([]);
  });
  const started = <T>(x: T | null): T => {
    if (!x) throw new Error('browserSuite: the server and the browser start in beforeAll');
    return x;
  };
  return {
    get server() {
      return started(server);
    },
    get browser() {
      return started(browser);
    },
    errors,
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: join(OUTPUT_DIR, `${name}.png`) });
}

export async function getPlan(server: Server): Promise<Plan> {
  return (await server.api<Plan>('GET', `/api/plans/${server.planId}`)).body;
}

/** The master-table cell of a grid (by its accessible label) at a data row and a column key (a year, "exAnte"…). */
export async function gridCell(page: Page, gridLabel: string, rowIndex: number, key: string) {
  const grid = page.locator(`.grid[aria-label="${gridLabel}"]`);
  const cell = grid.locator(`.ht_master td[data-row="${rowIndex}"][data-key="${key}"]`);
  // The grid renders only the columns in view: scroll sideways until the column is drawn.
  for (let i = 0; i < 8 && (await cell.count()) === 0; i++) {
    await grid.locator('.ht_master .wtHolder').evaluate((el) => el.scrollBy({ left: 300 }));
    await page.waitForTimeout(50);
  }
  await cell.waitFor();
  return cell;
}

/** Types a value into a grid cell the way a user does: select, type, Enter. */
export async function typeInCell(page: Page, gridLabel: string, rowIndex: number, header: string, text: string): Promise<void> {
  const cell = await gridCell(page, gridLabel, rowIndex, header);
  await cell.click();
  await page.keyboard.type(text);
  // A drop-down cell filters its list as one types (debounced): Enter must pick the filtered entry, not the first.
  const first = page.locator('.handsontableEditor:visible .htCore td').first();
  for (let i = 0; i < 30 && (await first.count()) > 0 && (await first.textContent())?.trim() !== text; i++) await page.waitForTimeout(100);
  await page.keyboard.press('Enter');
}

/** Pastes tab-separated text at the selected cell with Ctrl+V, as from a spreadsheet's clipboard. */
export async function pasteText(page: Page, text: string): Promise<void> {
  await page.evaluate((data) => navigator.clipboard.writeText(data), text);
  await page.keyboard.press('Control+v');
}

/** Copies the current selection with Ctrl+C and answers what the clipboard holds. */
export async function copySelection(page: Page): Promise<string> {
  await page.keyboard.press('Control+c');
  return page.evaluate(() => navigator.clipboard.readText());
}

export async function waitSaved(page: Page): Promise<void> {
  await page.locator('[data-testid="save-status"][data-state="saved"]').waitFor({ timeout: 10_000 });
  // The checks panel and the navigation redraw shortly after a save.
  await page.waitForTimeout(250);
}
