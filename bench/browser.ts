import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createApp } from '../server/app.ts';
import { openDatabase } from '../server/db/open.ts';
import { loadReference } from '../server/services/programmes.ts';
import { seedSample } from '../server/services/seed.ts';
import { hashSync } from '@node-rs/argon2';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, insertAccounts } from '../server/services/demo-accounts.ts';

/**
 * Real parts for the browser tests and the client benchmark (here, not in test/, because nothing outside test/
 * imports test/): the application on a real SQLite file with the Liège sample, served on a free
 * port, and Debian's Chromium driven by playwright-core (never a downloaded browser).
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
  const ctx = { db, reference: loadReference(db) };
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
