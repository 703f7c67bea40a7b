import { describe, expect, it } from 'vitest';
import { browserSuite, getPlan, openPage, typeInCell, waitSaved } from './harness.ts';

/**
 * The Content-Security-Policy the server sends (no inline script, no inline style, no eval) lets the application work
 * in Chromium: a home page, a grid, a fiche's grids and a drop-down editor without a single violation.
 */
const suite = browserSuite();

declare global {
  /** What the page calls to report a violation to the test (`page.exposeFunction`). */
  interface Window {
    reportViolation(v: string): void;
  }
}

describe('content security policy', () => {
  it('is strict and the application runs under it without a violation', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        window.reportViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
      });
    });
    const home = await page.goto(suite.server.url);
    const csp = home?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'sha256-");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    await page.getByRole('link', { name: 'Liège' }).click();
    await page.locator('main h1', { hasText: 'Porteur et identité' }).waitFor();

    const action = (await getPlan(suite.server)).actions[0]!;
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/fiche/${action.id}`);
    await page.getByRole('button', { name: 'Ajouter un public' }).click();
    // A drop-down cell: the editor is a grid of its own.
    const grid = 'Publics cibles / Bénéficiaires visés';
    await typeInCell(page, grid, action.fiche.publics.length, 'dimension', 'Niveau de revenu');
    await typeInCell(page, grid, action.fiche.publics.length, 'valeur', 'Revenu faible');
    await waitSaved(page);
    expect((await getPlan(suite.server)).actions[0]!.fiche.publics.at(-1)).toMatchObject({ dimension: 'Niveau de revenu' });
    expect(violations).toEqual([]);
    await page.close();
  }, 90_000);
});
