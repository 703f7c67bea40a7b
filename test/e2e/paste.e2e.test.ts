import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import type { Programme } from '../../schemas/reference.ts';
import { RECETTES_LINES } from '../../schemas/budget.ts';
import { browserSuite, getPlan, gridCell, openPage, pasteText, typeInCell, waitSaved } from './harness.ts';

/**
 * Pasting real spreadsheet clipboard text (tabs, CRLF line ends, Belgian numbers, `12 %`, blanks, a trailing empty
 * line) into every kind of grid, in real Chromium through Handsontable's own paste path: the destination is named
 * and highlighted, what would fall past the last year or into a computed column is left out and said so, a yearly
 * series copied as a column is offered as a row, and a refused cell keeps the status from saying "Enregistré".
 * Years come from the plan's programme, never from literals.
 */
const suite = browserSuite();
const TIMEOUT = 90_000;
const FICHE = '1.1.05 (CALIF)';
const FICHE_GRID = 'Indicateurs de Fiche 1.1.05 (CALIF)';

let years: number[] = [];
beforeAll(async () => {
  const plan = await getPlan(suite.server);
  const programmes = (await suite.server.api<Programme[]>('GET', '/api/programmes')).body;
  years = programmes.find((p) => p.id === plan.programmeId)!.years;
});

const calif = (plan: Plan) => plan.actions.find((a) => a.code === '1.1.05' && a.fiche.operateur.organisme === 'CALIF')!;
const noteOf = (page: Page, grid: string) => page.locator(`.grid[aria-label="${grid}"] + [data-testid="paste-note"]`);
const pastedCells = (page: Page, grid: string) => page.locator(`.grid[aria-label="${grid}"] .ht_master td.cell-pasted`);
const status = (page: Page) => page.locator('[data-testid="save-status"]');

async function openFiche(page: Page): Promise<void> {
  await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/actions`);
  await page.locator('.plan-nav a', { hasText: FICHE }).first().click();
  await page.locator(`.grid[aria-label="${FICHE_GRID}"] .ht_master tbody tr`).first().waitFor();
}

/** Selects a cell and pastes `text` with Ctrl+V. */
async function pasteAt(page: Page, grid: string, row: number, key: string, text: string): Promise<void> {
  const cell = await gridCell(page, grid, row, key);
  await cell.click();
  await expect.poll(() => cell.getAttribute('class')).toContain('current');
  await pasteText(page, text);
}

describe('paste into the indicator grid', () => {
  it('labels the two rows of each indicator « Cible » and « Réalisé »', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page);
    expect(await (await gridCell(page, FICHE_GRID, 0, 'kind')).innerText()).toBe('Cible');
    expect(await (await gridCell(page, FICHE_GRID, 1, 'kind')).innerText()).toBe('Réalisé');
    await page.close();
  });

  it('trims a row of actuals running past the last year, names the destination and keeps it highlighted', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page);
    const before = calif(await getPlan(suite.server));
    const [a, b, c] = years.slice(-3) as [number, number, number];
    // Indicator 2's Réalisé row, three years before the end: five values, a blank, a trailing empty line.
    await pasteAt(page, FICHE_GRID, 3, String(a), '1.234\t2 400\t\t7\t8\r\n\r\n');
    const note = noteOf(page, FICHE_GRID);
    await expect.poll(() => note.innerText()).toContain(`3 cellules collées : indicateur 2 Réalisé, ${a}-${c} — Ctrl+Z pour annuler`);
    expect(await note.innerText()).toContain(`Non collé : 2 valeurs au-delà de ${c} (7 ; 8)`);
    expect(await pastedCells(page, FICHE_GRID).count()).toBe(3);
    await waitSaved(page);
    const after = calif(await getPlan(suite.server));
    expect([a, b, c].map((y) => after.indicators[1]!.values[String(y)]?.actual ?? null)).toEqual([1234, 2400, null]);
    // Nothing spilled onto the next indicator.
    expect(after.indicators[2]!.values).toEqual(before.indicators[2]!.values);
    // The note and the highlight stay after the save, until the next action.
    expect(await note.isVisible()).toBe(true);
    await typeInCell(page, FICHE_GRID, 1, String(years[0]), '3');
    await expect.poll(() => note.isVisible()).toBe(false);
    expect(await pastedCells(page, FICHE_GRID).count()).toBe(0);
    await waitSaved(page);
    await page.close();
  });

  it('keeps a block spanning Réalisé of one indicator and Cible of the next (the workbook layout), named, undoable', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page);
    const before = calif(await getPlan(suite.server));
    const last4 = years.slice(-4);
    await pasteAt(page, FICHE_GRID, 3, String(last4[0]), '5\t6\t7\t8\r\n9\t10\t11\t1.000\r\n');
    const note = noteOf(page, FICHE_GRID);
    await expect
      .poll(() => note.innerText())
      .toBe(`8 cellules collées : indicateur 2 Réalisé → indicateur 3 Cible, ${last4[0]}-${last4.at(-1)} — Ctrl+Z pour annuler`);
    expect(await pastedCells(page, FICHE_GRID).count()).toBe(8);
    await waitSaved(page);
    const after = calif(await getPlan(suite.server));
    expect(last4.map((y) => after.indicators[1]!.values[String(y)]?.actual)).toEqual([5, 6, 7, 8]);
    expect(last4.map((y) => after.indicators[2]!.values[String(y)]?.target)).toEqual([9, 10, 11, 1000]);

    // Ctrl+Z takes the whole block back, and that is saved too.
    await page.keyboard.press('Control+z');
    await expect.poll(async () => (await gridCell(page, FICHE_GRID, 4, String(last4.at(-1)))).innerText()).toBe('');
    await expect.poll(() => note.isVisible()).toBe(false);
    await waitSaved(page);
    const undone = calif(await getPlan(suite.server));
    const values = (p: typeof before, i: number, kind: 'target' | 'actual') => last4.map((y) => p.indicators[i]!.values[String(y)]?.[kind] ?? null);
    expect(values(undone, 1, 'actual')).toEqual(values(before, 1, 'actual'));
    expect(values(undone, 2, 'target')).toEqual(values(before, 2, 'target'));
    await page.close();
  });

  it('offers a yearly series copied as a column as a row, and pastes it as a column when asked', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page);
    const before = calif(await getPlan(suite.server));
    const [y0, y1, y2] = years as [number, number, number];
    await pasteAt(page, FICHE_GRID, 5, String(y0), '3\r\n4\r\n5\r\n');
    const dialog = page.locator('[data-testid="paste-series-dialog"]');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain(`(${y0}-${y2})`);
    await dialog.getByRole('button', { name: 'Coller en ligne' }).click();
    await expect.poll(() => noteOf(page, FICHE_GRID).innerText()).toContain(`3 cellules collées : indicateur 3 Réalisé, ${y0}-${y2}`);
    await waitSaved(page);
    let plan = calif(await getPlan(suite.server));
    expect([y0, y1, y2].map((y) => plan.indicators[2]!.values[String(y)]?.actual)).toEqual([3, 4, 5]);
    expect(plan.indicators[3]!.values).toEqual(before.indicators[3]!.values);

    // As a column, on purpose: it goes down the rows, named so.
    await pasteAt(page, FICHE_GRID, 7, String(y0), '1\r\n2\r\n');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Coller en colonne' }).click();
    await expect.poll(() => noteOf(page, FICHE_GRID).innerText()).toContain(`2 cellules collées : indicateur 4 Réalisé → indicateur 5 Cible, ${y0}`);
    await waitSaved(page);
    plan = calif(await getPlan(suite.server));
    expect(plan.indicators[3]!.values[String(y0)]?.actual).toBe(1);
    expect(plan.indicators[4]!.values[String(y0)]?.target).toBe(2);
    await page.close();
  });

  it('keeps a cell the server refuses marked with its reason and says so until it is fixed, saving the others', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(page);
    const [y0, y1, y2, y3] = years as [number, number, number, number];
    // Indicator 6 is a percentage: 150 % parses, but the server refuses more than 100 %.
    await pasteAt(page, FICHE_GRID, 11, String(y0), '12 %\t150\t\t40 %\r\n');
    await expect.poll(() => status(page).innerText(), { timeout: 10_000 }).toBe('1 cellule refusée');
    expect(await status(page).getAttribute('data-state')).toBe('refused');
    const refused = await gridCell(page, FICHE_GRID, 11, String(y1));
    await expect.poll(() => refused.getAttribute('class')).toContain('cell-invalid');
    expect(await refused.getAttribute('title')).toContain(String(y1));
    let plan = calif(await getPlan(suite.server));
    expect([y0, y1, y2, y3].map((y) => plan.indicators[5]!.values[String(y)]?.actual ?? null)).toEqual([1200, null, null, 4000]);

    // Another edit saved meanwhile does not turn the status back to "Enregistré".
    await typeInCell(page, FICHE_GRID, 13, String(y0), '2');
    await expect.poll(async () => calif(await getPlan(suite.server)).indicators[6]!.values[String(y0)]?.actual).toBe(200);
    await page.waitForTimeout(300);
    expect(await status(page).innerText()).toBe('1 cellule refusée');
    expect(await refused.getAttribute('class')).toContain('cell-invalid');

    // Fixed: the mark and the refusal go.
    await typeInCell(page, FICHE_GRID, 11, String(y1), '15');
    await waitSaved(page);
    expect(await status(page).innerText()).toBe('Enregistré');
    expect(await (await gridCell(page, FICHE_GRID, 11, String(y1))).getAttribute('class')).not.toContain('cell-invalid');
    plan = calif(await getPlan(suite.server));
    expect(plan.indicators[5]!.values[String(y1)]?.actual).toBe(1500);
    await page.close();
  });

  it('shows a DiCS reviewer « Lecture seule », not « Enregistré »', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'dics@wallonie.demo');
    await openFiche(page);
    await expect.poll(() => status(page).innerText()).toBe('Lecture seule');
    expect(await status(page).getAttribute('data-state')).toBe('read-only');
    await page.close();
  });
});

describe('paste into the other grids', () => {
  it('budget: Belgian amounts land, a refused text is counted and marked, the rest is saved', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/budget`);
    const grid = 'Budget : Recettes';
    await pasteAt(page, grid, 0, 'amount', '1.234,56\r\n2 000\r\ndeux mille\r\n\r\n');
    await expect.poll(() => noteOf(page, grid).innerText()).toContain('3 cellules collées : ');
    await expect.poll(() => status(page).innerText(), { timeout: 10_000 }).toBe('1 cellule refusée');
    expect(await (await gridCell(page, grid, 2, 'amount')).getAttribute('class')).toContain('cell-invalid');
    await expect.poll(async () => (await getPlan(suite.server)).budget.recettes[RECETTES_LINES[1]!.key]).toBe(200000);
    expect((await getPlan(suite.server)).budget.recettes[RECETTES_LINES[0]!.key]).toBe(123456);
    // Fixed by typing a number: the status says it is saved.
    await typeInCell(page, grid, 2, 'amount', '3.000');
    await waitSaved(page);
    expect((await getPlan(suite.server)).budget.recettes[RECETTES_LINES[2]!.key]).toBe(300000);
    await page.close();
  });

  it('list rows (team members): a column of names lands on the rows, each row saved', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/equipe`);
    const grid = 'Autres travailleurs de l’équipe';
    await pasteAt(page, grid, 0, 'nomPrenom', 'Dupont Marie\r\nLeroy Paul\r\n');
    await expect.poll(() => noteOf(page, grid).innerText()).toBe('2 cellules collées : ligne 1 → ligne 2, Nom/prénom — Ctrl+Z pour annuler');
    await waitSaved(page);
    const plan = await getPlan(suite.server);
    expect(plan.equipeMembres.slice(0, 2).map((m) => m.nomPrenom)).toEqual(['Dupont Marie', 'Leroy Paul']);
    await page.close();
  });

  it('transfers per year: a row of amounts longer than the programme is trimmed at the last year', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'finances@liege.demo');
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/finances/transferts/${years[0]}`);
    const grid = 'Transferts par partenaire et par année';
    const texts = [...years.map((_, i) => `${i + 1}.000,50`), '9.999'];
    await pasteAt(page, grid, 0, String(years[0]), `${texts.join('\t')}\r\n`);
    const note = noteOf(page, grid);
    await expect.poll(() => note.innerText()).toContain(`${years.length} cellules collées : `);
    expect(await note.innerText()).toContain(`${years[0]}-${years.at(-1)}`);
    expect(await note.innerText()).toContain(`Non collé : 1 valeur au-delà de ${years.at(-1)} (9.999)`);
    await waitSaved(page);
    const plan = await getPlan(suite.server);
    const transfer = plan.transferts[0]!;
    expect(years.map((y) => transfer.parAnnee?.[String(y)])).toEqual(years.map((_, i) => (i + 1) * 100000 + 50));
    await page.close();
  });

  it('imputations: a block of labels and amounts lands on the lines, each saved', { timeout: TIMEOUT }, async () => {
    const year = years[1]!;
    for (const libelle of ['Loyer', 'Fournitures']) {
      const r = await suite.server.api(
        'POST',
        `/api/plans/${suite.server.planId}/imputations`,
        {
          data: { annee: year, codeFonctionnel: '84010', articleEconomique: '124-06', libelle, montant: 1000 },
        },
        'finances@liege.demo',
      );
      expect(r.status).toBe(201);
    }
    const page = await openPage(suite.browser, suite.errors, suite.server, 'finances@liege.demo');
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/finances/imputations/${year}`);
    const grid = 'Imputations E-compte';
    await pasteAt(page, grid, 0, 'libelle', 'Loyer janvier\t1.250,00\r\nPapier\t-12,5\r\n');
    await expect.poll(() => noteOf(page, grid).innerText()).toBe('4 cellules collées : ligne 1 → ligne 2, Libellé → Montant (€) — Ctrl+Z pour annuler');
    await waitSaved(page);
    const lines = (await getPlan(suite.server)).imputations.filter((l) => l.annee === year);
    expect(lines.map((l) => [l.libelle, l.montant])).toEqual([
      ['Loyer janvier', 125000],
      ['Papier', -1250],
    ]);
    await page.close();
  });
});

describe('the same flaw in forms', () => {
  it('counts a form field refused on screen in the status, never « Enregistré », until it is fixed', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/porteur`);
    const population = page.getByLabel('Nombre d’habitants');
    await population.fill('1,234.5');
    await population.press('Tab');
    await expect.poll(() => status(page).innerText()).toBe('1 champ refusé');
    // Leaving the page drops what was on it: nothing refused remains on screen.
    await page.locator('.plan-nav a', { hasText: 'Budget' }).first().click();
    await expect.poll(() => status(page).innerText()).toBe('Enregistré');
    await page.locator('.plan-nav a', { hasText: 'Porteur et identité' }).first().click();
    await page.getByLabel('Nombre d’habitants').fill('1.234');
    await page.getByLabel('Nombre d’habitants').press('Tab');
    await waitSaved(page);
    expect((await getPlan(suite.server)).identite.population).toBe(1234);
    await page.close();
  });
});

describe('paste on a plan created as a new user would, on another programme', () => {
  it('takes a year of actuals from a LibreOffice sheet as a row and as a column, years from that programme', { timeout: TIMEOUT }, async () => {
    const programmes = (await suite.server.api<Programme[]>('GET', '/api/programmes')).body;
    const liege = await getPlan(suite.server);
    // Another programme than the sample's, whatever its years.
    const programme = programmes.find((p) => p.id !== liege.programmeId) ?? programmes[0]!;
    const ys = programme.years.map(String);
    const created = await suite.server.api<Plan>('POST', '/api/plans', { commune: 'Liège', programmeId: programme.id });
    expect(created.status).toBe(201);
    const planId = created.body.id;
    const action = await suite.server.api<Plan['actions'][number]>('POST', `/api/plans/${planId}/actions`, {
      code: '1.1.05',
      operateur: { organisme: 'Maison des langues' },
    });
    expect(action.status).toBe(201);
    expect(action.body.indicators.length).toBeGreaterThanOrEqual(2);

    const page = await openPage(suite.browser, suite.errors, suite.server, 'admin@cohesio.demo');
    await page.goto(`${suite.server.url}/#/plan/${planId}/fiche/${action.body.id}`);
    const grid = 'Indicateurs de Fiche 1.1.05 (Maison des langues)';
    await page.locator(`.grid[aria-label="${grid}"] .ht_master tbody tr`).first().waitFor();

    // As a row, the way Calc puts it on the clipboard: an HTML table beside the tab-separated text.
    const row = [...ys.map((_, i) => `${i + 1}.000`), '99'];
    const cell = await gridCell(page, grid, 1, ys[0]!);
    await cell.click();
    await expect.poll(() => cell.getAttribute('class')).toContain('current');
    await page.evaluate(
      ({ text, html }) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        data.setData('text/html', html);
        document.activeElement!.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      },
      {
        text: `${row.join('\t')}\r\n`,
        html: `<html><body><table><tr>${row.map((v) => `<td>${v}</td>`).join('')}</tr></table></body></html>`,
      },
    );
    const note = noteOf(page, grid);
    await expect.poll(() => note.innerText()).toContain(`${ys.length} cellules collées : indicateur 1 Réalisé, ${ys[0]}-${ys.at(-1)} — Ctrl+Z pour annuler`);
    expect(await note.innerText()).toContain(`Non collé : 1 valeur au-delà de ${ys.at(-1)} (99)`);
    await waitSaved(page);

    // As a column, from the keyboard clipboard: offered as a row.
    await pasteAt(page, grid, 3, ys[0]!, `${ys.map((_, i) => String(i + 1)).join('\r\n')}\r\n\r\n`);
    await page.locator('[data-testid="paste-series-dialog"]').getByRole('button', { name: 'Coller en ligne' }).click();
    await expect.poll(() => note.innerText()).toContain(`${ys.length} cellules collées : indicateur 2 Réalisé, ${ys[0]}-${ys.at(-1)}`);
    await waitSaved(page);

    const plan = (await suite.server.api<Plan>('GET', `/api/plans/${planId}`)).body;
    const [first, second] = plan.actions[0]!.indicators;
    expect(ys.map((y) => first!.values[y]?.actual)).toEqual(ys.map((_, i) => (i + 1) * 1000));
    expect(ys.map((y) => second!.values[y]?.actual)).toEqual(ys.map((_, i) => i + 1));
    expect(ys.every((y) => (second!.values[y]?.target ?? null) === null)).toBe(true);
    await page.close();
  });
});
