import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import { browserSuite, copySelection, getPlan, gridCell, openPage, pasteText, screenshot, typeInCell, waitSaved } from './harness.ts';

/**
 * The grid interface in real Chromium against the real server and SQLite file, on the Liège sample:
 * what a chef de projet does in a session.
 */
const suite = browserSuite();

const FICHE_GRID = 'Indicateurs de Fiche 1.1.05 (CALIF)';

async function openFiche(page: Page, label: string): Promise<void> {
  await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/actions`);
  await page.locator('.plan-nav a', { hasText: label }).first().click();
  await page.locator('.fiche h1').waitFor();
  await page.locator(`.grid[aria-label="${FICHE_GRID}"] .ht_master tbody tr`).first().waitFor();
}

function actionOf(plan: Plan, code: string, organisme: string) {
  return plan.actions.find((a) => a.code === code && a.fiche.operateur.organisme === organisme)!;
}

describe('plan pages', () => {
  it('opens the Liège plan from the list and shows every section of the fiche plan in form order', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(suite.server.url);
    await page.getByRole('link', { name: 'Liège' }).click();
    await page.locator('main h1', { hasText: 'Porteur et identité' }).waitFor();
    const sections = await page.locator('.plan-nav ol').first().locator('a').allInnerTexts();
    expect(sections).toEqual([
      'Porteur et identité',
      'Chef de projet et équipe',
      'Budget',
      'Transferts par partenaire',
      'Consommation (E-compte)',
      'Radar ISADF',
      'Indicateurs du plan',
      'Textes du plan',
      'Liste des actions',
      'Répartition du temps du chef de projet',
      'Formations et commissions',
      'Réunions et plateformes',
      'Communication',
      'Partenaires',
    ]);
    expect(await page.locator('.fiche-links a').count()).toBe(29);
    await page.getByRole('link', { name: 'Budget', exact: true }).click();
    await page.locator('[data-testid="total-recettes"] .value').waitFor();
    expect(await page.locator('[data-testid="total-recettes"] .value').innerText()).toBe('€ 2.424.996,74');
    expect(await page.locator('[data-testid="part-communale"] .value').innerText()).toBe('38,83\u00a0%');
    expect(await page.locator('[data-testid="total-transferts"] .value').innerText()).toBe('€ 845.613,08');
    await screenshot(page, 'plan-budget');
    await page.close();
  });

  it('walks through every section without an error', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/porteur`);
    const links = page.locator('.plan-nav ol').first().locator('a');
    for (let i = 0; i < (await links.count()); i++) {
      const name = await links.nth(i).innerText();
      await links.nth(i).click();
      await page.locator('main h1').first().waitFor();
      expect(await page.locator('.plan-nav a[aria-current="page"]').innerText()).toBe(name);
    }
    await page.close();
  });
});

describe('fiche action', () => {
  it('recomputes Ex-ante as soon as a yearly target changes, and saves the cell', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page, '1.1.05 (CALIF)');
    const exAnte = await gridCell(page, FICHE_GRID, 0, 'exAnte');
    expect(await exAnte.innerText()).toBe('147');
    await typeInCell(page, FICHE_GRID, 0, '2021', '18');
    expect(await exAnte.innerText()).toBe('150');
    await waitSaved(page);
    const plan = await getPlan(suite.server);
    const ind = actionOf(plan, '1.1.05', 'CALIF').indicators[0]!;
    expect(ind.values['2021']?.target).toBe(18);
    await screenshot(page, 'fiche-1.1.05');

    // Undo puts the previous value back and saves it too.
    const edited = await gridCell(page, FICHE_GRID, 0, '2021');
    await edited.click();
    await expect.poll(() => edited.getAttribute('class')).toContain('current');
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await gridCell(page, FICHE_GRID, 0, '2021')).innerText()).toBe('15');
    await waitSaved(page);
    expect(actionOf(await getPlan(suite.server), '1.1.05', 'CALIF').indicators[0]!.values['2021']?.target).toBe(15);
    await page.close();
  });

  it('pastes a 3×4 block of Belgian numbers as one change, copies it back plain, and finds it after a reload', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    const cellRequests: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/cells') && r.method() === 'PUT') cellRequests.push(r.postData() ?? '');
    });
    await openFiche(page, '1.1.05 (CALIF)');
    // Rows 2-4: "Nombre de participants réguliers" (cible, réalisé) and the next indicator's cible.
    await (await gridCell(page, FICHE_GRID, 2, '2022')).click();
    await pasteText(page, '1.250\t2 400\t12\t3.000\r\n1.100\t2.350\t11\t2.900\r\n7\t8\t9\t1.000\r\n');
    await waitSaved(page);
    expect(cellRequests).toHaveLength(1);
    expect(JSON.parse(cellRequests[0]!).cells).toHaveLength(12);
    expect(await (await gridCell(page, FICHE_GRID, 2, '2023')).innerText()).toBe('2.400');

    const plan = await getPlan(suite.server);
    const [i2, i3] = actionOf(plan, '1.1.05', 'CALIF').indicators.slice(1, 3);
    expect([2022, 2023, 2024, 2025].map((y) => i2!.values[String(y)]?.target)).toEqual([1250, 2400, 12, 3000]);
    expect([2022, 2023, 2024, 2025].map((y) => i2!.values[String(y)]?.actual)).toEqual([1100, 2350, 11, 2900]);
    expect([2022, 2023, 2024, 2025].map((y) => i3!.values[String(y)]?.target)).toEqual([7, 8, 9, 1000]);

    await page.reload();
    await page.locator(`.grid[aria-label="${FICHE_GRID}"] .ht_master tbody tr`).first().waitFor();
    expect(await (await gridCell(page, FICHE_GRID, 3, '2025')).innerText()).toBe('2.900');
    expect(await (await gridCell(page, FICHE_GRID, 3, 'resultats')).innerText()).toBe('6.361');
    // Copy: plain numbers with a decimal comma and no thousands separator, tab-separated.
    await (await gridCell(page, FICHE_GRID, 2, '2022')).click();
    await page.keyboard.down('Shift');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.up('Shift');
    // Polled: headless Chromium sometimes misses the first shortcut after a navigation.
    await expect.poll(async () => (await copySelection(page)).trim(), { timeout: 5000 }).toBe('1250\t2400\t12');

    await page.close();
  });

  it('marks a cell in the wrong number format with its French message and sends nothing', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page, '1.1.05 (CALIF)');
    let sent = 0;
    page.on('request', (r) => {
      if (r.method() === 'PUT') sent += 1;
    });
    await typeInCell(page, FICHE_GRID, 8, '2020', '1,234.56');
    const cell = await gridCell(page, FICHE_GRID, 8, '2020');
    await expect.poll(() => cell.getAttribute('class')).toContain('cell-invalid');
    expect(await cell.getAttribute('title')).toContain('format belge');
    expect(sent).toBe(0);
    await page.close();
  });

  it('shows both values when another user saved the same cell, and keeps the one chosen', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page, '1.1.05 (CALIF)');
    const action = actionOf(await getPlan(suite.server), '1.1.05', 'CALIF');
    const ind = action.indicators[0]!;
    // Another client saves 2024 after this page loaded.
    const other = await suite.server.api('PUT', `/api/plans/${suite.server.planId}/indicators/${ind.id}/values/2024/target`, {
      value: '33',
      version: ind.values['2024']!.targetVersion,
    });
    expect(other.status).toBe(200);

    await typeInCell(page, FICHE_GRID, 0, '2024', '36');
    const dialog = page.locator('[data-testid="conflict-dialog"]');
    await dialog.waitFor();
    expect(await dialog.locator('[data-testid="conflict-mine"]').innerText()).toBe('36');
    expect(await dialog.locator('[data-testid="conflict-theirs"]').innerText()).toBe('33');
    await dialog.getByRole('button', { name: 'Garder ma valeur' }).click();
    await waitSaved(page);
    expect(actionOf(await getPlan(suite.server), '1.1.05', 'CALIF').indicators[0]!.values['2024']?.target).toBe(36);

    // And the other way: take the stored value.
    const fresh = actionOf(await getPlan(suite.server), '1.1.05', 'CALIF').indicators[0]!;
    await suite.server.api('PUT', `/api/plans/${suite.server.planId}/indicators/${ind.id}/values/2025/target`, {
      value: '44',
      version: fresh.values['2025']!.targetVersion,
    });
    await typeInCell(page, FICHE_GRID, 0, '2025', '41');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Prendre la valeur enregistrée' }).click();
    await waitSaved(page);
    await expect.poll(async () => (await gridCell(page, FICHE_GRID, 0, '2025')).innerText()).toBe('44');
    expect(actionOf(await getPlan(suite.server), '1.1.05', 'CALIF').indicators[0]!.values['2025']?.target).toBe(44);
    await page.close();
  });

  it('keeps an edit made offline, through a reload, and saves it when the suite.server answers again', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page, '1.1.05 (CALIF)');
    await page.route('**/cells', (route) => route.abort('internetdisconnected'));
    await typeInCell(page, FICHE_GRID, 1, '2020', '9');
    await page.locator('[data-testid="save-status"][data-state="offline"]').waitFor();
    expect(await page.locator('[data-testid="save-status"]').innerText()).toContain('Hors ligne — modifications en attente');

    await page.reload();
    await page.locator(`.grid[aria-label="${FICHE_GRID}"] .ht_master tbody tr`).first().waitFor();
    expect(await (await gridCell(page, FICHE_GRID, 1, '2020')).innerText()).toBe('9');
    await page.unroute('**/cells');
    await waitSaved(page);
    expect(actionOf(await getPlan(suite.server), '1.1.05', 'CALIF').indicators[0]!.values['2020']?.actual).toBe(9);
    await page.close();
  });
});

describe('checks and actions', () => {
  it('updates the checks live and takes the user to the cell of a finding', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/temps`);
    await page.locator('.checks-toggle').click();
    const error = page.locator('.finding.error a').first();
    expect(await error.innerText()).toContain('Ex-ante');
    await error.click();
    await page.locator('main h1', { hasText: 'Répartition' }).waitFor();
    // "au rapport d'activité" is blank in the Liège ex-ante column (95 %): 5 % more makes the column whole.
    await typeInCell(page, 'Répartition de l’activité du chef de projet', 1, 'ex-ante', '5');
    await expect.poll(() => page.locator('.finding.error').count()).toBe(0);
    expect(await page.locator('[data-testid="checks-count"]').innerText()).toMatch(/^0 erreur/);
    await waitSaved(page);
    const checks = (await suite.server.api<{ level: string }[]>('GET', `/api/plans/${suite.server.planId}/checks`)).body;
    expect(checks.filter((f) => f.level === 'error')).toEqual([]);
    await page.close();
  });

  it('adds an action found in the catalogue by its words, with its operator', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/actions`);
    await page.getByRole('button', { name: 'Ajouter une action…' }).click();
    const dialog = page.locator('[data-testid="add-action-dialog"]');
    await dialog.getByLabel('Rechercher par code ou par mots').fill('francais langue');
    await dialog.locator('[data-code="1.1.05"]').click();
    await dialog.getByLabel(/Opérateur/).fill('Maison des langues');
    await dialog.getByRole('button', { name: 'Ajouter l’action' }).click();
    await page.locator('.fiche h1', { hasText: 'ACTION 1.1.05' }).waitFor();
    expect(await page.locator('.fiche .intitule').innerText()).toBe('Français langue étrangère');
    await page.locator('.plan-nav a', { hasText: '1.1.05 (Maison des langues)' }).waitFor();
    const plan = await getPlan(suite.server);
    expect(plan.actions).toHaveLength(30);
    expect(plan.actions.filter((a) => a.code === '1.1.05').map((a) => a.fiche.operateur.organisme)).toEqual(['CALIF', 'Maison des langues']);
    await screenshot(page, 'fiche-new-action');
    await page.close();
  });
});
