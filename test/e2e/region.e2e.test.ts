import { describe, expect, it } from 'vitest';
import type { Plan } from '../../schemas/plan.ts';
import { browserSuite, gridCell, openPage, screenshot } from './harness.ts';

/**
 * « Plans de la région » in real Chromium against the real server: the DiCS opens the overview of PCS 2020-2025,
 * narrows it to one province, late plans and a search, looks at the overdue list, and opens a plan by double click.
 */
const suite = browserSuite();
const GRID = 'Plans de la région';

async function createPlan(commune: string, province: string): Promise<Plan> {
  const created = await suite.server.api<Plan>('POST', '/api/plans', { commune, programmeId: 'pcs-2020-2025' });
  expect(created.status).toBe(201);
  const res = await suite.server.api('PUT', `/api/plans/${created.body.id}/sections/identite`, { version: created.body.versions.identite, data: { province } });
  expect(res.status).toBe(200);
  return created.body;
}

describe('Plans de la région', () => {
  it('filters the overview to one province and late plans, then opens a plan', async () => {
    await createPlan('Dinant', 'Namur');
    const ciney = await createPlan('Ciney', 'Namur');
    await createPlan('Arlon', 'Luxembourg');

    const page = await openPage(suite.browser, suite.errors, suite.server, 'dics@wallonie.demo');
    await page.goto(suite.server.url);
    await page.getByTestId('region-link').click();
    const count = page.getByTestId('region-count');
    await expect.poll(() => count.innerText()).toBe('4 plans sur 4');
    await gridCell(page, GRID, 0, 'porteur');

    await page.getByLabel('Province').selectOption('Namur');
    await expect.poll(() => count.innerText()).toBe('2 plans sur 4');
    await page.getByLabel('En retard uniquement').check();
    // Every 2020-2025 report of these plans is past due and not submitted.
    await expect.poll(() => count.innerText()).toBe('2 plans sur 4');
    // Sorted by commune, descending at the second click: Dinant before Ciney.
    const header = page.locator(`.grid[aria-label="${GRID}"] .ht_clone_top th`, { hasText: /^Commune/ }).first();
    await header.click();
    await header.click();
    await expect.poll(async () => (await gridCell(page, GRID, 0, 'porteur')).innerText()).toBe('Dinant');
    expect(await (await gridCell(page, GRID, 0, 'province')).innerText()).toBe('Namur');
    await page.getByLabel('Rechercher').fill('cin');
    await expect.poll(() => count.innerText()).toBe('1 plan sur 4');
    await page.getByLabel('Rechercher').fill('');
    await screenshot(page, 'region-overview-namur');

    await page.getByTestId('region-tab-retard').click();
    // Six past-due annual reports (2020 to 2025) for each of the two plans of Namur, the most overdue first.
    await expect.poll(() => count.innerText()).toBe('12 obligations en retard');
    const late = await gridCell(page, 'Obligations en retard', 0, 'commune');
    expect(await late.innerText()).toBe('Ciney');
    expect(await (await gridCell(page, 'Obligations en retard', 0, 'annee')).innerText()).toBe('2020');
    await screenshot(page, 'region-overdue-namur');
    // Enter on a late obligation opens the plan's report of that kind and year.
    await late.click();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/plan/${ciney.id}/rapport/2020?type=rapport-annuel`);
    await page.goBack();
    await page.getByTestId('region-tab-plans').waitFor();
    await expect.poll(() => count.innerText()).toBe('4 plans sur 4');
    await page.getByLabel('Province').selectOption('Namur');
    await page.getByLabel('En retard uniquement').check();
    await page.getByTestId('region-tab-plans').click();
    await expect.poll(() => count.innerText()).toBe('2 plans sur 4');

    // Back on the page, in the server's order (by porteur): a double click on Ciney's row opens its plan.
    expect(await (await gridCell(page, GRID, 0, 'commune')).innerText()).toBe('Ciney');
    await (await gridCell(page, GRID, 0, 'commune')).dblclick();
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#/plan/${ciney.id}/porteur`);
    await expect.poll(() => page.getByTestId('porteur-name').innerText()).toContain('Ciney');
    await page.context().close();
  }, 60_000);

  it('is not offered to a chef de projet', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'chef@liege.demo');
    await page.goto(suite.server.url);
    await page.getByRole('heading', { name: 'Plans', exact: true }).waitFor();
    expect(await page.getByTestId('region-link').count()).toBe(0);
    await page.context().close();
  });
});
