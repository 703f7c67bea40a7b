import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { ACCOUNTS, clientOf, makeTestApp, reply, signedIn } from '../helpers.ts';

function appWithClient(files: Record<string, string> | null) {
  const dir = mkdtempSync(join(tmpdir(), 'cohesio-client-'));
  if (files) {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(join(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  }
  const { ctx } = makeTestApp();
  return createApp(ctx, { clientDir: dir, handsontableLicenseKey: 'cle-de-test' });
}

describe('the browser application', () => {
  it('serves the built index at / with a strict content security policy', async () => {
    const app = appWithClient({ 'index.html': '<!doctype html><title>Cohésio</title>', 'assets/app-1.js': 'console.log(1)' });
    // The pages and assets are outside /api, which the typed client covers: plain requests, as the browser sends them.
    const res = await app.request('/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Cohésio</title>');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    const asset = await app.request('/assets/app-1.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('says in French how to build the interface when it is missing', async () => {
    const res = await appWithClient(null).request('/');
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('npm run build:client');
  });

  it('gives the grid its licence key from the configuration', async () => {
    const api = clientOf(signedIn(appWithClient(null), ACCOUNTS.chef));
    expect((await reply(api['client-config'].$get())).body).toEqual({ handsontableLicenseKey: 'cle-de-test' });
  });

  it('does not serve files outside the assets folder', async () => {
    // A path that climbs out of the assets folder, hostile on purpose (and no API route): sent raw.
    const res = await appWithClient({ 'index.html': 'x' }).request('/assets/../../package.json');
    expect(res.status).toBe(404);
  });
});
