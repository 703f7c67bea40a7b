import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import { describeAction } from '../../schemas/action.ts';
import { editWorkbookCells } from '../workbook-edit.ts';
import { browserSuite, getPlan, gridCell, openPage, screenshot, typeInCell, waitSaved } from './harness.ts';

/**
 * What each role sees read-only, in real Chromium against the real server, on the Liège sample: the interface
 * applies the server's write rules (schemas/access.ts) so that nothing is typed that would be refused.
 */
const suite = browserSuite();

function actionOf(plan: Plan, code: string, organisme: string) {
  const action = plan.actions.find((a) => a.code === code && a.fiche.operateur.organisme === organisme);
  if (!action) throw new Error(`Action ${code} (${organisme}) absente de l’exemple`);
  return action;
}

const gridOf = (action: Plan['actions'][number]) => `Indicateurs de ${describeAction(action)}`;

async function openFiche(page: Page, action: Plan['actions'][number]): Promise<void> {
  await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/fiche/${action.id}`);
  await page.locator('.fiche h1').waitFor();
  await page
    .locator(`.grid[aria-label="${gridOf(action)}"] .ht_master tbody tr`)
    .first()
    .waitFor();
}

/** Counts the requests that would change the plan (anything but reading). */
function countWrites(page: Page): () => number {
  let writes = 0;
  page.on('request', (r) => {
    if (r.method() !== 'GET' && r.url().includes('/api/plans/')) writes += 1;
  });
  return () => writes;
}

/** A field of the fiche by its path in the form (`fiche.description`, `statut`…). */
function ficheField(page: Page, plan: Plan, action: Plan['actions'][number], path: string) {
  return page.locator(`.fiche [data-path="actions.${plan.actions.indexOf(action)}.${path}"]`);
}

/** Selects a cell, types over it and presses Enter, like a user; then the cell's text. */
async function tryTyping(page: Page, grid: string, row: number, key: string, text: string): Promise<string> {
  await typeInCell(page, grid, row, key, text);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  return (await gridCell(page, grid, row, key)).innerText();
}

describe('DiCS reviewer', () => {
  it('reads a Liège fiche without being able to change an indicator or a text', async () => {
    const plan = await getPlan(suite.server);
    const calif = actionOf(plan, '1.1.05', 'CALIF');
    const page = await openPage(suite.browser, suite.errors, suite.server, 'dics@wallonie.demo');
    const writes = countWrites(page);
    await openFiche(page, calif);

    expect(await page.locator('[data-testid="permission-banner"]').innerText()).toBe(
      'Lecture seule : votre rôle (Agent de la DiCS) ne permet pas de modifier ce plan',
    );

    const grid = gridOf(calif);
    const before = await (await gridCell(page, grid, 0, '2021')).innerText();
    expect(await (await gridCell(page, grid, 0, '2021')).getAttribute('class')).toContain('cell-readonly');
    expect(await tryTyping(page, grid, 0, '2021', '999')).toBe(before);
    expect(await tryTyping(page, grid, 1, '2021', '999')).not.toBe('999');

    const description = ficheField(page, plan, calif, 'fiche.description');
    expect(await description.getAttribute('readonly')).not.toBeNull();
    expect(await description.isEditable()).toBe(false);
    expect(await ficheField(page, plan, calif, 'statut').isDisabled()).toBe(true);
    expect(await ficheField(page, plan, calif, 'fiche.problemesBesoins').isEditable()).toBe(false);

    // What the role may never do is not offered at all (ui-consistency.e2e.test.ts goes through every page).
    expect(await page.getByRole('button', { name: 'Ajouter un indicateur' }).count()).toBe(0);
    expect(await page.locator('[data-testid="import-xlsx"]').isVisible()).toBe(false);
    await screenshot(page, 'roles-dics-fiche');

    // The budget too: read-only cells, nothing sent.
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/budget`);
    await page.locator('.grid[aria-label="Budget : Recettes"] .ht_master tbody tr').first().waitFor();
    expect(await tryTyping(page, 'Budget : Recettes', 3, 'amount', '12,34')).toBe('0,00');

    await page.waitForTimeout(500);
    expect(writes()).toBe(0);
    expect(actionOf(await getPlan(suite.server), '1.1.05', 'CALIF').indicators[0]!.values['2021']?.target).toBe(calif.indicators[0]!.values['2021']?.target);
    await page.close();
  });
});

describe('finance officer', () => {
  it('edits the budget, not the texts of a fiche', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'finances@liege.demo');
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/budget`);
    await page.locator('.grid[aria-label="Budget : Recettes"] .ht_master tbody tr').first().waitFor();
    expect(await page.locator('[data-testid="permission-banner"]').innerText()).toContain('Vous modifiez les données financières');

    await typeInCell(page, 'Budget : Recettes', 3, 'amount', '12,34');
    await waitSaved(page);
    expect((await getPlan(suite.server)).budget.recettes.autres).toBe(1234);

    const plan = await getPlan(suite.server);
    const thermos = actionOf(plan, '2.4.01', 'Asbl Opération Thermos');
    await openFiche(page, thermos);
    const description = ficheField(page, plan, thermos, 'fiche.description');
    expect(await description.getAttribute('readonly')).not.toBeNull();
    expect(await description.getAttribute('title')).toBe('Votre rôle (Directeur financier) ne permet pas de modifier cette partie de la fiche');
    const grid = gridOf(thermos);
    // An ordinary indicator is the chef de projet's; the convention amount is a finance figure.
    expect(await (await gridCell(page, grid, 0, '2021')).getAttribute('class')).toContain('cell-readonly');
    const convention = thermos.indicators.findIndex((i) => i.standard === 'montant-convention');
    expect(await (await gridCell(page, grid, convention * 2, '2021')).getAttribute('class')).not.toContain('cell-readonly');
    // The workbook comes back through the import too (the values of their role only).
    expect(await page.getByTestId('import-xlsx').isDisabled()).toBe(false);
    await page.close();
  });
});

describe('partner operator', () => {
  it('records the actuals and texts of the fiche they operate, and nothing else', async () => {
    const plan = await getPlan(suite.server);
    const thermos = actionOf(plan, '2.4.01', 'Asbl Opération Thermos');
    const calif = actionOf(plan, '1.1.05', 'CALIF');
    const page = await openPage(suite.browser, suite.errors, suite.server, 'thermos@liege.demo');
    await openFiche(page, thermos);
    expect(await page.locator('[data-testid="permission-banner"]').innerText()).toContain(
      'Vous modifiez les textes et les valeurs réalisées des actions que vous opérez',
    );

    // The actual of 2021 (row 1: "réalisé" of the first indicator) is theirs.
    const grid = gridOf(thermos);
    await typeInCell(page, grid, 1, '2021', '750');
    await waitSaved(page);
    expect(actionOf(await getPlan(suite.server), '2.4.01', 'Asbl Opération Thermos').indicators[0]!.values['2021']?.actual).toBe(750);

    // The target of the same indicator is the commune's commitment.
    expect(await (await gridCell(page, grid, 0, '2021')).getAttribute('class')).toContain('cell-readonly');
    expect(await tryTyping(page, grid, 0, '2021', '1')).toBe('800');

    // Their texts are editable and saved; the commitments of the fiche are not.
    const description = ficheField(page, plan, thermos, 'fiche.description');
    expect(await description.isEditable()).toBe(true);
    await description.fill('Accueil de nuit de novembre à mars.');
    // Long texts are sent after a pause in typing.
    await expect
      .poll(async () => actionOf(await getPlan(suite.server), '2.4.01', 'Asbl Opération Thermos').fiche.description, { timeout: 10_000 })
      .toBe('Accueil de nuit de novembre à mars.');
    await waitSaved(page);
    expect(await ficheField(page, plan, thermos, 'fiche.operateur.organisme').isEditable()).toBe(false);
    expect(await ficheField(page, plan, thermos, 'statut').isDisabled()).toBe(true);
    await screenshot(page, 'roles-partner-fiche');

    // Another operator's fiche: read-only, actuals included.
    const writes = countWrites(page);
    await openFiche(page, calif);
    const califGrid = gridOf(calif);
    expect(await (await gridCell(page, califGrid, 1, '2021')).getAttribute('class')).toContain('cell-readonly');
    const before = await (await gridCell(page, califGrid, 1, '2021')).innerText();
    expect(await tryTyping(page, califGrid, 1, '2021', '42')).toBe(before);
    expect(await ficheField(page, plan, calif, 'fiche.description').isEditable()).toBe(false);
    await page.waitForTimeout(500);
    expect(writes()).toBe(0);
    await page.close();
  });

  it('imports an edited workbook: their actual is applied, the target is listed as refused with its reason', { timeout: 90_000 }, async () => {
    const plan = await getPlan(suite.server);
    const thermos = actionOf(plan, '2.4.01', 'Asbl Opération Thermos');
    const at = plan.actions.indexOf(thermos);
    const stored = thermos.indicators[0]!.values['2023'];
    const { name, value } = await suite.server.signIn('thermos@liege.demo');
    const res = await fetch(`${suite.server.url}/api/plans/${suite.server.planId}/export.xlsx`, { headers: { cookie: `${name}=${value}` } });
    expect(res.status).toBe(200);
    const edited = await editWorkbookCells(
      new Uint8Array(await res.arrayBuffer()),
      [
        { path: `actions.${at}.indicators.0.values.2023.actual`, value: 321 },
        { path: `actions.${at}.indicators.0.values.2023.target`, value: 999 },
      ],
      plan,
    );
    const dir = mkdtempSync(join(tmpdir(), 'cohesio-roles-e2e-'));
    const file = join(dir, 'thermos.xlsx');
    writeFileSync(file, edited);

    const page = await openPage(suite.browser, suite.errors, suite.server, 'thermos@liege.demo');
    await openFiche(page, thermos);
    const button = page.getByTestId('import-xlsx');
    expect(await button.isDisabled()).toBe(false);
    await button.click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByTestId('import-file').setInputFiles(file);
    await dialog.getByTestId('import-preview').waitFor();
    expect(await dialog.getByTestId('import-count').innerText()).toMatch(/^1 modification à importer/);
    expect(await dialog.getByTestId('import-refused-count').innerText()).toMatch(/^1 modification refusée : votre rôle ne permet pas de modifier ces valeurs/);
    const refused = dialog.getByTestId('import-refused').locator('tbody tr');
    expect(await refused.count()).toBe(1);
    expect(await refused.first().innerText()).toContain('2023, cible');
    expect(await refused.first().getByTestId('import-refusal').innerText()).toBe('modification non permise pour votre rôle');
    expect(await dialog.getByTestId('import-apply').innerText()).toBe('Appliquer la modification permise');
    await screenshot(page, 'roles-partner-import-preview');
    await dialog.getByTestId('import-apply').click();
    await page.locator('.toast', { hasText: '1 modification importée ; 1 modification refusée' }).waitFor();

    const after = actionOf(await getPlan(suite.server), '2.4.01', 'Asbl Opération Thermos').indicators[0]!.values['2023'];
    expect(after?.actual).toBe(321);
    expect(after?.target ?? null).toBe(stored?.target ?? null);
    await page.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
