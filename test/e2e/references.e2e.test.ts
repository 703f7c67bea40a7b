import { describe, expect, it } from 'vitest';
import { browserSuite, getPlan, gridCell, openPage, screenshot } from './harness.ts';

/**
 * Deleting a partner transfer still in use, as a new user would: the grid's « Supprimer la ligne » asks for
 * confirmation, the server refuses with the list of the fiches it funds, the dialog shows them and offers
 * « Détacher de ces fiches et supprimer »; then the transfer is gone and the fiche keeps its operator's name.
 */
const suite = browserSuite();
const GRID = 'Ventilation des transferts par partenaire';

describe('deleting a transfer that fiches use', () => {
  it('shows the fiches it funds and detaches them only when asked', { timeout: 120_000 }, async () => {
    const before = await getPlan(suite.server);
    const index = before.transferts.findIndex((t) => t.partenaire === 'Opération Thermos');
    const thermos = before.transferts[index]!;
    const fiche = before.actions.find((a) => a.fiche.operateur.transferId === thermos.id)!;
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/transferts`);
    await (await gridCell(page, GRID, index, 'partenaire')).click();
    await page.getByRole('button', { name: 'Supprimer la ligne' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Supprimer' }).click();

    const dialog = page.getByTestId('in-use-dialog');
    await dialog.waitFor();
    expect(await dialog.getByTestId('in-use-message').innerText()).toBe(
      "Le transfert « Opération Thermos » est l'opérateur de la fiche 2.4.01 (Asbl Opération Thermos) : détachez-la d'abord",
    );
    expect(await dialog.getByTestId('in-use-list').locator('li').count()).toBe(1);
    await screenshot(page, 'transfer-in-use');
    // Cancelled: nothing changed.
    await dialog.getByRole('button', { name: 'Annuler' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await getPlan(suite.server)).transferts.map((t) => t.id)).toContain(thermos.id);

    // Asked again, and detached.
    await (await gridCell(page, GRID, index, 'partenaire')).click();
    await page.getByRole('button', { name: 'Supprimer la ligne' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Supprimer' }).click();
    await dialog.getByRole('button', { name: 'Détacher de ces fiches et supprimer' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator(`.grid[aria-label="${GRID}"] td`, { hasText: 'Opération Thermos' }).waitFor({ state: 'detached' });
    const after = await getPlan(suite.server);
    expect(after.transferts.map((t) => t.id)).not.toContain(thermos.id);
    expect(after.actions.find((a) => a.id === fiche.id)!.fiche.operateur).toMatchObject({ organisme: fiche.fiche.operateur.organisme, transferId: null });
  });
});
