import { describe, expect, it } from 'vitest';
import type { ProgrammeRecord } from '../../schemas/requests/programmes.ts';
import { browserSuite, openPage, screenshot } from './harness.ts';

/**
 * The administrator edits the draft programme from 2027 as a new user would: from the plans page to « Programmes »,
 * the draft's end year, a new kind of submission with its due date, a refusal shown at its field, then « Publier »
 * with its confirmation.
 * The DiCS reads the same page without a form.
 */
const suite = browserSuite();
const DRAFT = 'pcs-2027';

describe('the programmes page', () => {
  it('lets the administrator change the draft’s end year, add a submission kind with a due date and publish it', { timeout: 120_000 }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'admin@cohesio.demo');
    await page.goto(`${suite.server.url}/#/`);
    await page.getByTestId('programmes-link').click();
    const table = page.getByTestId('programmes-table');
    await table.waitFor();
    expect(await table.locator('tr[data-programme="pcs-2020-2025"]').innerText()).toContain("prolongé jusqu'au 31 décembre 2026 (décision : ");
    expect(await table.locator(`tr[data-programme="${DRAFT}"]`).innerText()).toContain('Projet');
    await table.locator(`tr[data-programme="${DRAFT}"] a`).click();

    const editor = page.getByTestId('programme-editor');
    await editor.waitFor();
    // A unique kind falls outside the years: the refusal is shown at the kinds' table.
    await editor.getByLabel('Dernière année').fill('2031');
    await editor.getByRole('button', { name: 'Enregistrer le programme' }).click();
    const kindsError = editor.locator('[data-error-for="soumissions"]');
    await kindsError.waitFor();
    expect(await kindsError.innerText()).toBe('Une soumission unique doit porter sur une année du programme');

    await editor.getByLabel('Dernière année').fill('2033');
    await editor.getByRole('button', { name: 'Ajouter une soumission' }).click();
    const row = editor.getByTestId('kinds-table').locator('tbody tr').last();
    await row.getByLabel(/^Identifiant/).fill('bilan-intermediaire');
    await row.getByLabel(/^Libellé/).fill('Bilan intermédiaire');
    await row.getByLabel(/^Périodicité/).selectOption('unique');
    const uniqueRow = editor.getByTestId('kinds-table').locator('tbody tr').last();
    await uniqueRow.getByLabel(/^Année couverte/).fill('2030');
    await uniqueRow.getByLabel(/^Date d’échéance/).fill('2030-09-30');
    await uniqueRow.getByRole('checkbox', { name: 'Budget' }).uncheck();
    await uniqueRow.getByRole('checkbox', { name: 'Constats' }).uncheck();
    // A new action of the catalogue, not saved yet: saving the definition keeps it in the table.
    const actionsTable = page.getByTestId('actions-table');
    const count = await actionsTable.locator('tbody tr').count();
    await page.getByRole('button', { name: 'Ajouter une action' }).click();
    const added = actionsTable.locator('tbody tr').last();
    await added.getByLabel(/^Code/).fill('1.1');
    await added.getByLabel(/^Intitulé/).fill('Permanence sociale de quartier');
    await editor.getByRole('button', { name: 'Enregistrer le programme' }).click();
    await page.locator('.toast', { hasText: 'Programme enregistré' }).waitFor();
    await screenshot(page, 'programme-draft-edited');

    const stored = (await suite.server.api<ProgrammeRecord>('GET', `/api/programmes/${DRAFT}`)).body;
    expect(stored.programme.years).toEqual([2027, 2028, 2029, 2030, 2031, 2032, 2033]);
    expect(stored.programme.end).toBe('2033-12-31');
    expect(stored.programme.soumissions.at(-1)).toEqual({
      id: 'bilan-intermediaire',
      label: 'Bilan intermédiaire',
      periodicite: 'unique',
      echeance: { annee: 2030, date: '2030-09-30' },
      checklist: ['fiche-plan', 'actions', 'fiches', 'realises'],
    });
    // The list shows the new years once saved.
    await table.locator(`tr[data-programme="${DRAFT}"]`, { hasText: '2027-2033 (7 ans)' }).waitFor();
    expect(await added.getByLabel(/^Intitulé/).inputValue()).toBe('Permanence sociale de quartier');

    // Saved with the catalogue: its malformed code is named at its field, then corrected.
    await page.getByRole('button', { name: 'Enregistrer le catalogue' }).click();
    const codeError = page.locator(`[data-error-for="actions.${count}.code"]`);
    await codeError.waitFor();
    expect(await codeError.innerText()).toBe('Code d’action attendu : axe.thématique.numéro (ex. 1.3.03)');
    await added.getByLabel(/^Code/).fill('1.1.09');
    await page.getByRole('button', { name: 'Enregistrer le catalogue' }).click();
    await page.locator('.toast', { hasText: 'Catalogue enregistré' }).waitFor();
    const catalogue = (await suite.server.api<ProgrammeRecord>('GET', `/api/programmes/${DRAFT}`)).body.catalogue;
    expect(catalogue.actions.at(-1)).toEqual({ code: '1.1.09', intitule: 'Permanence sociale de quartier', objectif: null, indicators: [] });

    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'programme-draft-top');

    // Published after confirmation: the page then shows it read-only, as published.
    await page.getByTestId('programme-editor').getByRole('button', { name: 'Publier' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Publier' }).click();
    await page.getByTestId('programme-view').waitFor();
    expect(await table.locator(`tr[data-programme="${DRAFT}"]`).innerText()).toContain('Publié');
    expect((await suite.server.api<ProgrammeRecord>('GET', `/api/programmes/${DRAFT}`)).body.programme.statut).toBe('publie');

    // Read by the DiCS: the same programme, no form.
    const dics = await openPage(suite.browser, suite.errors, suite.server, 'dics@wallonie.demo');
    await dics.goto(`${suite.server.url}/#/programmes/${DRAFT}`);
    const view = dics.getByTestId('programme-view');
    await view.waitFor();
    expect(await view.innerText()).toContain('Bilan intermédiaire');
    expect(await dics.getByTestId('programme-editor').count()).toBe(0);
  });
});
