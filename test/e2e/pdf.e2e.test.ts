import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Download, JSHandle, Page } from 'playwright-core';
import type { Programme } from '../../schemas/reference.ts';
import type { ApiError } from '../../schemas/errors.ts';
import { browserSuite, getPlan, openPage, screenshot } from './harness.ts';

/**
 * The official PDF report from the plan header, in real Chromium against the real server on the Liège sample:
 * choose the report year, follow the render in the progress panel, get the download; a second export of the
 * unchanged plan comes from the cache; only the programme's years can be chosen.
 */
const suite = browserSuite();
const TIMEOUT = 60_000;
const FILENAME = 'PCS Liège 2020-2026 - rapport 2021.pdf';

async function openBudget(page: Page): Promise<void> {
  await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/budget`);
  await page.locator('[data-testid="total-recettes"] .value').waitFor();
}

type Seen = { disabled: boolean[]; states: string[]; messages: string[] };

/** Records, in the page, every state the button and the panel go through (however short); read it with `jsonValue()`. */
async function watchControl(page: Page): Promise<JSHandle<Seen>> {
  return page.evaluateHandle(() => {
    const seen: Seen = { disabled: [], states: [], messages: [] };
    const button = document.querySelector<HTMLButtonElement>('[data-testid="export-pdf"]')!;
    const panel = document.querySelector<HTMLElement>('[data-testid="pdf-progress"]')!;
    new MutationObserver(() => {
      seen.disabled.push(button.disabled);
      const state = panel.dataset.state ?? '';
      if (seen.states.at(-1) !== state) seen.states.push(state);
      const message = panel.querySelector('.pdf-progress-message')?.textContent ?? '';
      if (seen.messages.at(-1) !== message) seen.messages.push(message);
    }).observe(panel.parentElement!, { attributes: true, childList: true, subtree: true, characterData: true });
    return seen;
  });
}

async function pdfBytes(download: Download): Promise<Uint8Array> {
  return new Uint8Array(readFileSync(await download.path()));
}

function expectPdf(bytes: Uint8Array): void {
  expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  expect(bytes.length).toBeGreaterThan(100_000);
}

async function programmeOfPlan(): Promise<Programme> {
  const plan = await getPlan(suite.server);
  const programmes = (await suite.server.api<Programme[]>('GET', '/api/programmes')).body;
  return programmes.find((p) => p.id === plan.programmeId)!;
}

describe('PDF report', () => {
  it('renders the chosen year with its progress shown, downloads it, and serves it again from the cache', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openBudget(page);
    const button = page.getByTestId('export-pdf');
    expect(await button.innerText()).toBe('Exporter en PDF');
    const panel = page.getByTestId('pdf-progress');
    expect(await panel.isVisible()).toBe(false);

    await page.getByTestId('pdf-year').selectOption('2021');
    const watched = await watchControl(page);
    const downloaded = page.waitForEvent('download', { timeout: TIMEOUT });
    await button.click();

    // The panel shows the render: a progress bar, a French message, the elapsed time.
    await panel.waitFor();
    await screenshot(page, 'pdf-export-progress');
    expect(await panel.getAttribute('role')).toBe('status');
    expect(await panel.getAttribute('aria-live')).toBe('polite');
    expect(await panel.getByTestId('pdf-progress-bar').evaluate((el) => el.tagName)).toBe('PROGRESS');
    expect(await panel.locator('.pdf-progress-title').innerText()).toBe('Rapport 2021 en PDF');

    const download = await downloaded;
    expect(download.suggestedFilename()).toBe(FILENAME);
    expectPdf(await pdfBytes(download));

    await panel.getByText(`PDF prêt : ${FILENAME}`).waitFor();
    expect(await panel.getByTestId('pdf-progress-bar').evaluate((el) => (el as HTMLProgressElement).value)).toBe(1);
    expect(await panel.locator('.pdf-progress-message').innerText()).toBe('Terminé');
    expect(await panel.locator('.pdf-progress-detail').innerText()).toMatch(/^Temps écoulé : \d+,\d s$/);
    await expect.poll(() => button.isEnabled()).toBe(true);
    const seen = await watched.jsonValue();
    // Disabled while the render ran, followed through the suite.server's stages in French.
    expect(seen.disabled).toContain(true);
    expect(seen.states.at(-1)).toBe('done');
    expect(seen.messages.some((m) => /^(En attente|Préparation|Mise en page|Écriture)/.test(m))).toBe(true);
    await screenshot(page, 'pdf-export-done');

    // The link downloads the same document again.
    const link = panel.getByTestId('pdf-download');
    expect(await link.getAttribute('href')).toMatch(new RegExp(`^/api/plans/${suite.server.planId}/pdf-jobs/[0-9a-f-]{36}/file$`));
    const [again] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), link.click()]);
    expect(again.suggestedFilename()).toBe(FILENAME);
    expectPdf(await pdfBytes(again));

    // Unchanged plan, same year: a new export comes from the cache.
    const [cached] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), button.click()]);
    expect(cached.suggestedFilename()).toBe(FILENAME);
    expectPdf(await pdfBytes(cached));
    await panel.locator('.pdf-progress-message', { hasText: 'repris du cache' }).waitFor();
    await panel.getByText(`PDF prêt : ${FILENAME}`).waitFor();
    await expect.poll(() => button.isEnabled()).toBe(true);
    await screenshot(page, 'pdf-export-cached');

    // The panel closes and the button takes the focus back.
    await panel.getByRole('button', { name: 'Fermer' }).click();
    await panel.waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('export-pdf');
    await page.close();
  });

  it('offers only the programme’s years, the last finished one by default', { timeout: TIMEOUT }, async () => {
    const programme = await programmeOfPlan();
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openBudget(page);
    const select = page.getByTestId('pdf-year');
    const values = await select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(values).toEqual(programme.years.map(String));
    // The interface's one year selector: « Année », the years alone (client/ui/year-select.ts).
    expect(await select.locator('option').allInnerTexts()).toEqual(programme.years.map(String));
    const first = programme.years[0]!;
    const last = programme.years.at(-1)!;
    expect(await select.inputValue()).toBe(String(Math.min(Math.max(new Date().getFullYear() - 1, first), last)));
    expect(await page.locator('.app-header').getByLabel('Année', { exact: true }).getAttribute('data-testid')).toBe('pdf-year');

    // A year outside the programme has no option in the page; the suite.server would refuse it anyway, at `annee`.
    expect(values).not.toContain(String(first - 1));
    expect(values).not.toContain(String(last + 1));
    const refused = await suite.server.api<ApiError>('POST', `/api/plans/${suite.server.planId}/pdf-jobs`, { annee: first - 1 });
    expect(refused.status).toBe(400);
    expect(refused.body.issues.map((i) => i.path)).toEqual(['annee']);
    await page.close();
  });
});
