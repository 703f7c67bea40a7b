import { describe, expect, it } from 'vitest';
import { browserSuite, openPage, screenshot } from './harness.ts';

/**
 * « Préparer le plan suivant » in the browser, as the Liège chef de projet: the dialog proposes a code of the next
 * catalogue for each fiche, confirming opens the new plan, which names its predecessor and offers to undo the
 * preparation; undoing it leads back to the old plan, which no longer names a successor.
 */
const suite = browserSuite();

describe('Préparer le plan suivant', () => {
  it('prepares the next plan from the mapping, shows the lineage, and undoes the preparation', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/porteur`);
    await page.locator('[data-testid="prepare-successor"]').click();
    const dialog = page.locator('[data-testid="successor-dialog"]');
    await dialog.waitFor();
    const rows = dialog.locator('tbody tr');
    const fiches = await rows.count();
    expect(fiches).toBeGreaterThan(1);
    // Every Liège fiche keeps its code in the next catalogue (for now the same as 2020-2025's), ticked.
    expect(await rows.first().locator('[data-testid="new-code"]').inputValue()).toMatch(/^\d\.\d\.\d\d$/);
    expect(await rows.first().locator('[data-testid="keep"]').isChecked()).toBe(true);
    // The second fiche is left behind.
    await rows.nth(1).locator('[data-testid="keep"]').uncheck();
    await screenshot(page, 'successor-dialog');
    await dialog.locator('[data-testid="confirm-successor"]').click();

    await page.waitForURL((url) => !url.hash.includes(suite.server.planId));
    const banner = page.locator('[data-testid="preparation-banner"]');
    await banner.waitFor();
    expect(await page.locator('[data-testid="plan-lineage"]').innerText()).toBe('Plan précédent : PCS 3 (2020-2026)');
    expect(await page.locator('.plan-nav .fiche-links li').count()).toBe(fiches - 1);
    await screenshot(page, 'successor-prepared');

    await banner.locator('[data-testid="undo-preparation"]').click();
    await page.locator('[data-testid="confirm-dialog"] button.primary').click();
    await page.waitForURL((url) => url.hash.includes(suite.server.planId));
    // The old plan, read again: no successor any more, nothing to undo.
    await page.locator('[data-testid="plan-lineage"]').waitFor({ state: 'detached' });
    expect(await page.locator('[data-testid="preparation-banner"]').count()).toBe(0);
    expect(await page.locator('[data-testid="prepare-successor"]').isVisible()).toBe(true);
    await page.close();
  });
});
