import { afterAll, beforeAll, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../../server/app.ts';
import { openDatabase } from '../../server/db/open.ts';
import { loadReferenceData } from '../../server/reference.ts';
import { seedSample } from '../../server/services/seed.ts';
import type { Plan } from '../../schemas/plan.ts';
import { hashSync } from '@node-rs/argon2';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, insertAccounts } from '../../server/services/demo-accounts.ts';

/**
 * Real parts for browser tests: the application on a real SQLite file with the Liège sample, served on a free
 * port, and Debian's Chromium driven by playwright-core (never a downloaded browser).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const OUTPUT_DIR = resolve('test-output');

export type Server = {
  url: string;
  planId: string;
  close(): Promise<void>;
  /** Calls the API as the administrator (or as `email`). */
  api<T = unknown>(method: string, path: string, body?: unknown, email?: string): Promise<{ status: number; body: T }>;
  /** Signs in through the API and answers the session cookie's name and value. */
  signIn(email: string): Promise<{ name: string; value: string }>;
};

/** The demo accounts' password, hashed once (argon2 is slow on purpose). */
const accountsHash = hashSync(DEMO_PASSWORD);

export async function startServer(): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'cohesio-e2e-'));
  const db = openDatabase(join(dir, 'cohesio.sqlite'));
  const ctx = { db, reference: loadReferenceData() };
  const plan = seedSample(ctx);
  insertAccounts(ctx, DEMO_ACCOUNTS, accountsHash);
  const app = createApp(ctx, { clientDir: resolve('dist/client'), handsontableLicenseKey: 'non-commercial-and-evaluation' });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cookies = new Map<string, Promise<{ name: string; value: string }>>();
  async function signIn(email: string) {
    const res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, motDePasse: DEMO_PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`Connexion de ${email} refusée : ${res.status}`);
    const [name, ...value] = res.headers.get('set-cookie')!.split(';')[0]!.split('=');
    return { name: name!, value: value.join('=') };
  }
  return {
    url,
    planId: plan.id,
    signIn,
    async api<T>(method: string, path: string, body?: unknown, email: string = 'admin@cohesio.demo') {
      if (!cookies.has(email)) cookies.set(email, signIn(email));
      const cookie = await cookies.get(email)!;
      const res = await fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json', cookie: `${cookie.name}=${cookie.value}`, origin: url },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
    },
    async close() {
      await new Promise<void>((r) => server.close(() => r()));
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium introuvable (${CHROMIUM}) : installez le paquet Debian « chromium » (voir .ci/run)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
}

/**
 * A page at 1280×800 that fails the test on any uncaught error of the application, signed in as `email` (the Liège
 * chef de projet unless told; `null` = not signed in).
 */
export async function openPage(browser: Browser, errors: string[], server: Server, email: string | null = 'chef@liege.demo'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-BE' });
  if (email) await context.addCookies([{ ...(await server.signIn(email)), url: server.url }]);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  return page;
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
