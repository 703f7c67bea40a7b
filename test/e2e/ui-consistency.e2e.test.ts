import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import type { Programme } from '../../schemas/reference.ts';
import { computeBudgetFigures } from '../../schemas/budget.ts';
import { formatPercent } from '../../schemas/numbers.ts';
import { defaultReportYear } from '../../schemas/pdf-export.ts';
import { browserSuite, getPlan, openPage, screenshot } from './harness.ts';

/**
 * What a new user notices at once, in real Chromium against the real server on the Liège sample: a first visit
 * without an error in the console, one way to print a percentage, headers readable in full, nothing covering the
 * header's buttons, one year selector, no button a role may never use.
 */
const suite = browserSuite();

/** Every column header of the visible grids whose French title does not fit in its column. */
async function truncatedHeaders(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const grid of document.querySelectorAll<HTMLElement>('.grid')) {
      // The top clone is the header people see; the master's own header row is hidden under it.
      const heads = grid.querySelectorAll<HTMLElement>('.ht_clone_top thead th, .ht_clone_top_inline_start_corner thead th');
      for (const th of heads) {
        const label = th.querySelector<HTMLElement>('.colHeader');
        if (!label?.textContent) continue;
        const box = th.getBoundingClientRect();
        const text = label.getBoundingClientRect();
        const cut = label.scrollWidth > label.clientWidth + 1 || label.scrollHeight > label.clientHeight + 1;
        const outside = text.right > box.right + 1 || text.bottom > box.bottom + 1 || text.left < box.left - 1 || text.top < box.top - 1;
        // A header may wrap between words, never inside one ("Préno-m").
        const probe = document.createElement('span');
        probe.style.cssText = `position:absolute;visibility:hidden;white-space:nowrap;font:${getComputedStyle(label).font}`;
        document.body.append(probe);
        const broken = label.textContent.split(/\s+/).some((word) => {
          probe.textContent = word;
          return probe.getBoundingClientRect().width > label.clientWidth + 1;
        });
        probe.remove();
        if (cut || outside || broken)
          out.push(
            `${grid.getAttribute('aria-label')} › « ${label.textContent} » (${label.scrollWidth}×${label.scrollHeight} pour ${Math.round(box.width)}×${Math.round(box.height)})`,
          );
      }
      // A taller header row must push the rows down, not cover the first one.
      const head = grid.querySelector('.ht_clone_top thead')?.getBoundingClientRect();
      const first = grid.querySelector('.ht_master tbody tr')?.getBoundingClientRect();
      if (head && first && first.height > 0 && first.top < head.bottom - 1) out.push(`${grid.getAttribute('aria-label')} : l’en-tête couvre la première ligne`);
    }
    return out;
  });
}

async function waitGrids(page: Page): Promise<void> {
  await page.locator('.grid .ht_clone_top thead th').first().waitFor({ state: 'attached' });
  await page.waitForTimeout(300);
}

const SECTIONS_WITH_GRIDS = [
  'porteur',
  'equipe',
  'budget',
  'transferts',
  'consommation',
  'isadf',
  'indicateurs',
  'actions',
  'temps',
  'formations',
  'reunions',
  'partenaires',
];

describe('column headers', () => {
  it('shows every grid header in full, on every page with a grid', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    const plan: Plan = await getPlan(suite.server);
    const base = `${suite.server.url}/#/plan/${suite.server.planId}`;
    const addresses = [
      ...SECTIONS_WITH_GRIDS.map((s) => `${base}/${s}`),
      `${base}/fiche/${plan.actions[0]!.id}`,
      `${base}/finances/transferts`,
      `${base}/finances/imputations`,
    ];
    const truncated: string[] = [];
    for (const address of addresses) {
      await page.goto(address);
      try {
        await waitGrids(page);
      } catch {
        await screenshot(page, 'debug');
        throw new Error(address);
      }
      truncated.push(...(await truncatedHeaders(page)).map((t) => `${address.replace(base, '')} : ${t}`));
    }
    await page.goto(`${base}/fiche/${plan.actions[0]!.id}`);
    await waitGrids(page);
    await screenshot(page, 'ui-headers-fiche');
    await page.goto(`${base}/finances/transferts`);
    await waitGrids(page);
    await screenshot(page, 'ui-headers-transferts');
    await page.goto(`${base}/reunions`);
    await waitGrids(page);
    await screenshot(page, 'ui-headers-reunions');
    await page.goto(`${base}/porteur`);
    await waitGrids(page);
    await page.locator('.grid').first().scrollIntoViewIfNeeded();
    await screenshot(page, 'ui-headers-porteur');
    expect(truncated).toEqual([]);
    await page.close();
  }, 120_000);
});

describe('first visit', () => {
  it('shows the sign-in page without any failed request or console error', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, null);
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    page.on('requestfailed', (r) => problems.push(`échec ${r.method()} ${new URL(r.url()).pathname}`));
    await page.goto(suite.server.url);
    await page.locator('.login-form').waitFor();
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#login-title').innerText()).toBe('Connexion');
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe('percentages', () => {
  it('prints the part communale as the shared formatter does, on the budget and on the Rapprochement', async () => {
    const plan = await getPlan(suite.server);
    const expected = formatPercent(computeBudgetFigures(plan).partCommunaleRatio!);
    expect(expected).toBe('38,83\u00a0%');
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/budget`);
    const figure = page.locator('[data-testid="part-communale"]');
    expect(await figure.locator('.value').innerText()).toBe(expected);
    expect(await figure.innerText()).toContain(`minimum ${formatPercent(2500)}`);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/finances/rapprochement`);
    expect(await page.getByTestId('rec-part-communale-budget').innerText()).toBe(expected);
    // The time shares of the chef de projet: the grid prints them the same way.
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/temps`);
    await waitGrids(page);
    const total = page.locator('.grid .ht_master td[data-key="ex-ante"]').last();
    expect(await total.innerText()).toBe(formatPercent(95_00));
    await page.close();
  });
});

describe('the PDF progress', () => {
  it('never covers the header’s buttons: « Se déconnecter » stays reachable while a PDF is made', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/budget`);
    await page.getByTestId('export-pdf').waitFor();
    await page.getByTestId('export-pdf').click();
    const panel = page.getByTestId('pdf-progress');
    await panel.waitFor();
    await screenshot(page, 'ui-pdf-progress');
    const overlaps = await page.evaluate(() => {
      const box = document.querySelector('[data-testid="pdf-progress"]')!.getBoundingClientRect();
      const out: string[] = [];
      for (const el of document.querySelectorAll<HTMLElement>(
        '.app-header button, .app-header a, .app-header select, .app-header .account-who, .app-header .save-status',
      )) {
        if (el.closest('[data-testid="pdf-progress"]')) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.left < box.right && box.left < r.right && r.top < box.bottom && box.top < r.bottom) out.push(el.textContent!.trim());
      }
      return out;
    });
    expect(overlaps).toEqual([]);
    const signOut = page.getByRole('button', { name: 'Se déconnecter' });
    const at = (await signOut.boundingBox())!;
    expect(await page.evaluate(([x, y]) => document.elementFromPoint(x!, y!)?.textContent?.trim(), [at.x + at.width / 2, at.y + at.height / 2])).toBe(
      'Se déconnecter',
    );
    await panel.getByTestId('pdf-download').waitFor({ timeout: 120_000 });
    await page.close();
  }, 150_000);
});

describe('the year selector', () => {
  async function yearField(page: Page, scope: string): Promise<{ label: string; options: string[]; value: string }> {
    const field = page.locator(`${scope} .year-field`);
    await field.first().waitFor();
    expect(await field.count()).toBe(1);
    return {
      label: await field.locator('label').innerText(),
      options: await field.locator('option').allInnerTexts(),
      value: await field.locator('select').inputValue(),
    };
  }

  it('is the same on every page and in the header: « Année », the programme’s years, one default, one current year', async () => {
    const plan = await getPlan(suite.server);
    const programme = (await suite.server.api<Programme[]>('GET', '/api/programmes')).body.find((p) => p.id === plan.programmeId)!;
    const years = programme.years.map(String);
    const byDefault = String(defaultReportYear(programme.years, new Date().getFullYear()));
    const base = `${suite.server.url}/#/plan/${suite.server.planId}`;
    const pages = ['rapport', 'finances/rapprochement', 'finances/budgets', 'finances/transferts'];
    for (const address of pages) {
      // A fresh page each time: the default, not a year chosen before.
      const page = await openPage(suite.browser, suite.errors, suite.server);
      await page.goto(`${base}/${address}`);
      expect({ address, ...(await yearField(page, 'main')) }).toEqual({ address, label: 'Année', options: years, value: byDefault });
      expect({ address, ...(await yearField(page, '.app-header')) }).toEqual({ address, label: 'Année', options: years, value: byDefault });
      await page.close();
    }
    // The imputations can show every year at once: one more option, first.
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${base}/finances/imputations`);
    const imputations = await yearField(page, 'main');
    expect(imputations.label).toBe('Année');
    expect(imputations.options).toEqual(['Toutes les années', ...years]);

    // A year chosen on one page is the year of the next, and of the PDF in the header.
    const other = programme.years.find((y) => String(y) !== byDefault)!;
    await page.goto(`${base}/finances/rapprochement`);
    await page.locator('main .year-field select').selectOption(String(other));
    await page.locator('main h1', { hasText: `Rapprochement ${other}` }).waitFor();
    expect((await yearField(page, '.app-header')).value).toBe(String(other));
    await page.locator('.plan-nav a', { hasText: 'Budgets annuels' }).click();
    await page.locator('main h1', { hasText: `Budgets annuels ${other}` }).waitFor();
    await page.locator('.plan-nav a', { hasText: 'Rapport annuel' }).click();
    await page.locator('main h1', { hasText: `Rapport annuel ${other}` }).waitFor();
    expect((await yearField(page, 'main')).value).toBe(String(other));
    await page.locator('.plan-nav a', { hasText: 'Porteur et identité' }).click();
    await page.locator('.plan-nav a', { hasText: 'Transferts par année' }).click();
    await page.locator('main .year-field select').waitFor();
    expect((await yearField(page, 'main')).value).toBe(String(other));
    await screenshot(page, 'ui-year-selector');
    await page.close();
  }, 120_000);
});

describe('what a role may never do', () => {
  it('is not offered to a DiCS reviewer: no import, no add or remove button, greyed or not', async () => {
    const plan = await getPlan(suite.server);
    const page = await openPage(suite.browser, suite.errors, suite.server, 'dics@wallonie.demo');
    const base = `${suite.server.url}/#/plan/${suite.server.planId}`;
    const addresses = [
      `${base}/fiche/${plan.actions[0]!.id}`,
      `${base}/porteur`,
      `${base}/actions`,
      `${base}/isadf`,
      `${base}/reunions`,
      `${base}/finances/imputations`,
      `${base}/finances/budgets`,
    ];
    const offered: string[] = [];
    for (const address of addresses) {
      await page.goto(address);
      await page.locator('main h1').first().waitFor();
      await page.waitForTimeout(500);
      const greyed = await page.locator('button:disabled:visible').allInnerTexts();
      const writing = await page
        .locator('button:visible')
        .filter({ hasText: /Importer|Ajouter|Supprimer|Retirer|Monter|Descendre|Nouvelle actualisation|Enregistrer le prévisionnel|Justifier/ })
        .allInnerTexts();
      for (const b of new Set([...greyed, ...writing])) offered.push(`${address.replace(base, '')} : ${b.trim()}`);
    }
    await page.goto(`${base}/fiche/${plan.actions[0]!.id}`);
    await page.locator('main h1').first().waitFor();
    await screenshot(page, 'ui-dics-fiche');
    expect(offered).toEqual([]);
    // The banner says why nothing can be changed.
    expect(await page.getByTestId('permission-banner').innerText()).toBe('Lecture seule : votre rôle (Agent de la DiCS) ne permet pas de modifier ce plan');
    await page.close();
  }, 120_000);
});
