import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { hashSync } from '@node-rs/argon2';
import { createApp, GRID_CORE_STYLE_HASH, type SecurityOptions } from '../../server/app.ts';
import { parseConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/open.ts';
import { loginFailures, plans, users } from '../../server/db/schema.ts';
import { loadReference } from '../../server/services/programmes.ts';
import { seedSample } from '../../server/services/seed.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, insertAccounts } from '../../server/services/demo-accounts.ts';
import { ACCOUNTS, makeTestApp, postPlan } from '../helpers.ts';

/**
 * Production mode (NODE_ENV=production): never the sample nor the demo accounts, the first administrator from
 * `npm run user:add`, a Secure session cookie; security headers on every response in every mode; the sign-in
 * throttle kept in the database across a restart.
 */

const accountsHash = hashSync(DEMO_PASSWORD);
const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cohesio-prod-'));
  folders.push(dir);
  return dir;
}

function appOn(file: string, security?: SecurityOptions, now?: () => string) {
  const db = openDatabase(file);
  const ctx = { db, reference: loadReference(db), ...(now ? { now } : {}) };
  return { db, ctx, app: createApp(ctx, { clientDir: resolve('dist/client'), handsontableLicenseKey: 'x' }, security) };
}

const loginRequest = (email: string, motDePasse: string) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email, motDePasse }),
});

/** Runs a TypeScript entry point of the server with `env` (and nothing of the test runner's NODE_ENV). */
function run(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(resolve('node_modules/.bin/tsx'), [script, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += String(d);
  });
  child.stderr.on('data', (d) => {
    output += String(d);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    exited,
    output: () => output,
    /** Resolves with the first match of `pattern` in the output; rejects if the process ends first. */
    async waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
      for (;;) {
        const m = output.match(pattern);
        if (m) return m;
        const ended = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 100))]);
        if (ended && !output.match(pattern)) throw new Error(`${script} s’est arrêté :\n${output}`);
      }
    },
  };
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

function expectSecurityHeaders(res: Response, https = false) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name), name).toBe(value);
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("script-src 'self'");
  expect(csp).not.toContain('unsafe');
  expect(csp).toContain(`style-src 'self' ${GRID_CORE_STYLE_HASH}`);
  if (https) expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
  else expect(res.headers.get('strict-transport-security')).toBeNull();
}

describe('production configuration', () => {
  it('is demonstration by default, production with NODE_ENV=production, and refuses the sample there', () => {
    expect(parseConfig({})).toMatchObject({ production: false, loadSample: true, secureCookies: false, https: false });
    expect(parseConfig({ LOAD_SAMPLE: 'false' }).loadSample).toBe(false);
    expect(parseConfig({ NODE_ENV: 'production' })).toMatchObject({ production: true, loadSample: false, secureCookies: true });
    expect(parseConfig({ PUBLIC_URL: 'https://pcs.liege.be' })).toMatchObject({ production: false, secureCookies: true, https: true });
    expect(() => parseConfig({ NODE_ENV: 'production', LOAD_SAMPLE: 'true' })).toThrow(/LOAD_SAMPLE: refusé en production \(NODE_ENV=production\)/);
  });

  it('refuses the sample plan and the demo accounts in production, whichever path asks', () => {
    const db = openDatabase(':memory:');
    const ctx = { db, reference: loadReference(db) };
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => seedSample(ctx)).toThrow(/Plan exemple : refusé en production/);
      expect(() => insertAccounts(ctx, DEMO_ACCOUNTS, accountsHash)).toThrow(/Comptes de démonstration : refusé en production/);
    } finally {
      process.env.NODE_ENV = previous;
    }
    expect(db.select({ n: count() }).from(plans).get()!.n).toBe(0);
    expect(db.select({ n: count() }).from(users).get()!.n).toBe(0);
  });
});

describe('security headers', () => {
  it('are on every response, API and interface, errors included; HSTS only over HTTPS', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'client', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'client', 'index.html'), '<!doctype html><title>Cohésio</title>');
    writeFileSync(join(dir, 'client', 'assets', 'app-1.js'), 'console.log(1)');
    for (const https of [false, true]) {
      const db = openDatabase(':memory:');
      const app = createApp(
        { db, reference: loadReference(db) },
        { clientDir: join(dir, 'client'), handsontableLicenseKey: 'x' },
        { secureCookies: https, https },
      );
      for (const path of ['/', '/assets/app-1.js', '/api/health', '/api/plans', '/api/inconnue']) {
        const res = await app.request(path);
        expect([200, 401, 404]).toContain(res.status);
        expectSecurityHeaders(res, https);
      }
      db.$client.close();
    }
  });

  it('allows the grid’s core stylesheet by its hash: the one of the installed handsontable', () => {
    // The stylesheet Handsontable inserts, as its package ships it (a module whose default export is the CSS text).
    const module = readFileSync(resolve('node_modules/handsontable/styles/handsontableStyles.mjs'), 'utf8');
    const css = JSON.parse(
      module
        .slice(module.indexOf('export default ') + 'export default '.length)
        .trim()
        .replace(/;$/, ''),
    ) as string;
    expect(GRID_CORE_STYLE_HASH).toBe(`'sha256-${createHash('sha256').update(css).digest('base64')}'`);
  });
});

describe('compression', () => {
  it('gzips what the browser accepts and says Vary: Accept-Encoding once on every answer, compressed or not', async () => {
    const { app } = makeTestApp();
    const plan = await postPlan(app);
    const gzipped = await app.request(`/api/plans/${plan.id}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(gzipped.headers.get('vary')).toBe('Accept-Encoding');
    expect((JSON.parse(gunzipSync(Buffer.from(await gzipped.arrayBuffer())).toString()) as { id: string }).id).toBe(plan.id);
    const plain = await app.request(`/api/plans/${plan.id}`);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('Accept-Encoding');
    const unknown = await app.request('/api/inconnue');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('vary')).toBe('Accept-Encoding');
  });
});

describe('session cookie', () => {
  it('is Secure when the configuration says so (production, https PUBLIC_URL), HttpOnly and SameSite=Lax always', async () => {
    for (const secureCookies of [false, true]) {
      const { ctx, app, db } = appOn(':memory:', { secureCookies, https: false });
      insertAccounts(ctx, DEMO_ACCOUNTS, accountsHash);
      const res = await app.request('/api/auth/login', loginRequest(ACCOUNTS.chef, DEMO_PASSWORD));
      expect(res.status).toBe(200);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(/;\s*Secure/.test(cookie)).toBe(secureCookies);
      db.$client.close();
    }
  });
});

describe('sign-in throttle', () => {
  it('survives a restart: a new app on the same database file is still throttled, until the window has passed', async () => {
    const file = join(tempDir(), 'cohesio.sqlite');
    const start = Date.parse('2026-03-02T09:00:00Z');
    const at = (minutes: number) => () => new Date(start + minutes * 60_000).toISOString();
    const first = appOn(file, undefined, at(0));
    insertAccounts(first.ctx, DEMO_ACCOUNTS, accountsHash);
    for (let i = 0; i < 5; i++) {
      expect((await first.app.request('/api/auth/login', loginRequest(ACCOUNTS.chef, 'mauvais'))).status).toBe(401);
    }
    first.db.$client.close();

    // The server restarts: the failures are still there, and the right password is refused for the rest of the window.
    const second = appOn(file, undefined, at(5));
    const blocked = await second.app.request('/api/auth/login', loginRequest(ACCOUNTS.chef, DEMO_PASSWORD));
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as { message: string }).message).toBe('Trop de tentatives de connexion : réessayez dans 10 minutes');
    second.db.$client.close();

    // Once the window has passed, the person signs in; a new failure prunes the rows older than the window.
    const third = appOn(file, undefined, at(16));
    expect((await third.app.request('/api/auth/login', loginRequest(ACCOUNTS.chef, DEMO_PASSWORD))).status).toBe(200);
    expect((await third.app.request('/api/auth/login', loginRequest(ACCOUNTS.finance, 'mauvais'))).status).toBe(401);
    expect(third.db.select({ at: loginFailures.at }).from(loginFailures).all()).toEqual([{ at: start + 16 * 60_000 }, { at: start + 16 * 60_000 }]);
    third.db.$client.close();
  });
});

/** Each start compiles the server with tsx: several seconds on a busy machine. */
const START_TIMEOUT = 180_000;

describe('production start (npm start with NODE_ENV=production)', () => {
  it(
    'creates no plan and no demo account; the first administrator comes from npm run user:add with a generated password',
    async () => {
      const dataDir = tempDir();
      const env = { NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', REMINDER_INTERVAL_MINUTES: '0' };
      const server = run('server/main.ts', [], env);
      try {
        const [, url] = await server.waitFor(/Cohésio \(production\) : (http:\/\/\S+)\//);
        expect(server.output()).toContain('npm run user:add');
        const demo = await fetch(`${url}/api/auth/login`, loginRequest(ACCOUNTS.admin, DEMO_PASSWORD));
        expect(demo.status).toBe(401);
        expectSecurityHeaders(demo);
        expectSecurityHeaders(await fetch(`${url}/`));

        const add = run('server/cli/user-add.ts', ['--email', 'admin@pcs.liege.be', '--nom', 'Administrateur PCS', '--role', 'admin'], env);
        expect(await add.exited).toBe(0);
        const [, password] = add.output().match(/Mot de passe \(à communiquer puis à changer\) : (\S+)/) ?? [];
        expect(password).toMatch(/^[\w-]{16,}$/);
        const admin = await fetch(`${url}/api/auth/login`, loginRequest('admin@pcs.liege.be', password!));
        expect(admin.status).toBe(200);
        expect(admin.headers.get('set-cookie')).toMatch(/;\s*Secure/);
        const cookie = admin.headers.get('set-cookie')!.split(';')[0]!;
        const list = await fetch(`${url}/api/plans`, { headers: { cookie } });
        expect(list.status).toBe(200);
        expect(await list.json()).toEqual([]);
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
      const db = openDatabase(join(dataDir, 'cohesio.sqlite'));
      expect(db.select({ n: count() }).from(plans).get()!.n).toBe(0);
      expect(db.select({ email: users.email }).from(users).all()).toEqual([{ email: 'admin@pcs.liege.be' }]);
      db.$client.close();
    },
    START_TIMEOUT,
  );

  it(
    'refuses LOAD_SAMPLE=true, npm run seed, and a demonstration database, in French',
    async () => {
      const dataDir = tempDir();
      const env = { NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', REMINDER_INTERVAL_MINUTES: '0' };
      const sample = run('server/main.ts', [], { ...env, LOAD_SAMPLE: 'true' });
      expect(await sample.exited).not.toBe(0);
      expect(sample.output()).toMatch(/Configuration invalide :\s+LOAD_SAMPLE: refusé en production/);

      const seed = run('server/cli/seed.ts', [], env);
      expect(await seed.exited).toBe(1);
      expect(seed.output()).toContain('npm run seed (plan exemple) : refusé en production');

      // A database that served the demonstration keeps accounts with the published password: production will not start on it.
      const db = openDatabase(join(dataDir, 'cohesio.sqlite'));
      insertAccounts({ db, reference: loadReference(db) }, DEMO_ACCOUNTS.slice(0, 1), accountsHash);
      db.$client.close();
      const demoBase = run('server/main.ts', [], env);
      expect(await demoBase.exited).toBe(1);
      expect(demoBase.output()).toMatch(
        /Production refusée : cette base .* contient 1 compte\(s\) de démonstration au mot de passe publié \(chef@liege\.demo\)/,
      );
    },
    START_TIMEOUT,
  );
});
