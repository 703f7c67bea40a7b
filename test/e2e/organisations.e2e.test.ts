import { describe, expect, it } from 'vitest';
import { browserSuite, openPage, screenshot } from './harness.ts';

/**
 * Porteurs in the interface, in real Chromium against the real server: an administrator creates an association of
 * three communes and a CPAS, a plan for each, and the headers name them; a member commune's chef de projet reads the
 * association's plan without being able to change it.
 */
const suite = browserSuite();

describe('Organisations page', () => {
  it('creates an association of three communes and a CPAS, with a plan each, named in their headers', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'admin@cohesio.demo');
    await page.goto(suite.server.url);
    await page.getByTestId('organisations-link').click();
    await page.getByRole('heading', { name: 'Organisations' }).waitFor();

    await page.getByRole('button', { name: 'Nouvelle organisation' }).click();
    await page.getByLabel('Nature').selectOption('association');
    await page.getByLabel('Nom de l’association').fill('Hesbaye');
    // Nothing typed in the member rows: the messages are on the fields, nothing is sent.
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(() => page.locator('[data-error-for="membre-0-commune"]').innerText()).toBe('Indiquez le nom de la commune');

    await page.getByRole('button', { name: 'Ajouter une commune' }).click();
    const members = [
      ['Hannut', '0,095', '16.500'],
      ['Waremme', '0,112', '15.000'],
      ['Namur', '', '112.000'],
    ];
    for (const [i, [commune, isadf, population]] of members.entries()) {
      await page.getByLabel(`Commune (commune ${i + 1})`, { exact: true }).fill(commune!);
      await page.getByLabel(`ISADF (commune ${i + 1})`, { exact: true }).fill(isadf!);
      await page.getByLabel(`Population (commune ${i + 1})`, { exact: true }).fill(population!);
    }
    await page.getByLabel('Commune pilote (commune 2)').check();
    expect(await page.getByTestId('members-summary').innerText()).toBe('3 communes · 143.500 habitants');
    await screenshot(page, 'organisations-association-form');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    const row = page.locator('tr[data-organisation="Hesbaye"]');
    await row.waitFor();
    expect(await row.innerText()).toContain('Association de communes Hesbaye (commune pilote : Waremme)');

    await page.getByRole('button', { name: 'Nouvelle organisation' }).click();
    await page.getByLabel('Nature').selectOption('cpas');
    await page.getByLabel('Nom', { exact: true }).fill('CPAS de Ciney');
    await page.getByLabel('Commune du CPAS').fill('Ciney');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.locator('tr[data-organisation="CPAS de Ciney"]').waitFor();

    await row.getByRole('button', { name: 'Créer un plan' }).click();
    const header = page.getByTestId('porteur-name');
    await expect.poll(() => header.innerText()).toBe('Plan de Cohésion sociale de l’Association de communes Hesbaye (commune pilote : Waremme)');
    expect(await page.getByTestId('association-members').innerText()).toContain('143.500');
    await screenshot(page, 'organisations-association-plan');

    await page.goto(`${suite.server.url}/#/organisations`);
    await page.locator('tr[data-organisation="CPAS de Ciney"]').getByRole('button', { name: 'Créer un plan' }).click();
    await expect.poll(() => header.innerText()).toBe('Plan de Cohésion sociale du CPAS de Ciney');
    await page.context().close();
  });

  it('shows a member commune’s chef de projet the association’s plan read-only', async () => {
    const { body: plans } = await suite.server.api<{ id: string; porteur: string }[]>('GET', '/api/plans');
    const plan = plans.find((p) => p.porteur.startsWith('Association de communes Hesbaye'));
    expect(plan).toBeDefined();
    const page = await openPage(suite.browser, suite.errors, suite.server, 'chef@namur.demo');
    await page.goto(suite.server.url);
    const link = page.getByRole('link', { name: 'Association de communes Hesbaye (commune pilote : Waremme)' });
    await link.waitFor();
    expect(await page.locator('.plans-table').innerText()).toContain('(lecture seule)');
    expect(await page.getByTestId('organisations-link').count()).toBe(0);
    await link.click();
    const banner = page.getByTestId('permission-banner');
    await expect.poll(() => banner.innerText()).toContain('Lecture seule : Plan de l’association « Hesbaye »');
    await page.context().close();
  });
});
