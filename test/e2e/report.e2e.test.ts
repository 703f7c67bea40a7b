import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import { describeAction } from '../../schemas/action.ts';
import { unitBounds } from '../../schemas/numbers.ts';
import { justifyMissingFicheValues } from '../checklist.ts';
import { browserSuite, getPlan, gridCell, openPage, screenshot, typeInCell, waitSaved } from './harness.ts';

/**
 * The annual report in real Chromium against the real server, on the Liège sample: the chef de projet sees what is
 * missing, submits 2021 once it is complete and follows the generation of its files; 2021 is then read-only in the
 * grids; the DiCS returns it with a reason and 2021 is editable again; the next submission lists what changed.
 */
const YEAR = 2021;
const TIMEOUT = 120_000;
const CHEF = 'chef@liege.demo';
const DICS = 'dics@wallonie.demo';

const suite = browserSuite();

const reportUrl = () => `${suite.server.url}/#/plan/${suite.server.planId}/rapport/${YEAR}`;
const item = (page: Page, id: string) => page.locator(`[data-testid="checklist-item"][data-item="${id}"]`);

async function openReport(page: Page): Promise<void> {
  await page.goto(reportUrl());
  await page.locator('.report-page h1', { hasText: `Rapport annuel ${YEAR}` }).waitFor();
  await page.locator('[data-testid="report-checklist"]').waitFor();
}

function calif(plan: Plan) {
  const action = plan.actions.find((a) => a.code === '1.1.05' && a.fiche.operateur.organisme === 'CALIF');
  if (!action) throw new Error('Action 1.1.05 (CALIF) absente de l’exemple');
  return action;
}

async function openFiche(page: Page, action: Plan['actions'][number]): Promise<string> {
  const grid = `Indicateurs de ${describeAction(action)}`;
  await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/fiche/${action.id}`);
  await page.locator('.fiche h1').waitFor();
  await page.locator(`.grid[aria-label="${grid}"] .ht_master tbody tr`).first().waitFor();
  return grid;
}

/** Selects a cell, types over it and presses Enter, like a user; then the cell's text. */
async function tryTyping(page: Page, grid: string, row: number, key: string, text: string): Promise<string> {
  await typeInCell(page, grid, row, key, text);
  await page.keyboard.press('Escape');
  await page.waitForTimeout(300);
  return (await gridCell(page, grid, row, key)).innerText();
}

/** As the chef de projet through the API: every indicator's 2021 actual (its target, else its unit's least value). */
async function fillActuals(plan: Plan): Promise<void> {
  const cells = plan.actions.flatMap((a) =>
    a.indicators.map((i) => {
      const cell = i.values[String(YEAR)];
      return {
        grid: 'indicator-actual',
        row: i.id,
        period: String(YEAR),
        value: cell?.target ?? Math.max(1, unitBounds(i.unit).min),
        version: cell?.actualVersion ?? 0,
      };
    }),
  );
  const res = await suite.server.api('PUT', `/api/plans/${suite.server.planId}/cells`, { cells }, CHEF);
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
}

/** As the chef de projet: the one error of the sample (ex-ante time shares at 95 %) justified. */
async function justifyError(): Promise<void> {
  const checks = await suite.server.api<{ level: string; key: string }[]>('GET', `/api/plans/${suite.server.planId}/checks`, undefined, CHEF);
  const error = checks.body.find((f) => f.level === 'error');
  expect(error).toBeDefined();
  const res = await suite.server.api(
    'PUT',
    `/api/plans/${suite.server.planId}/justifications`,
    {
      version: 0,
      data: { cle: error!.key, texte: 'Le formulaire officiel imprimait 95 %', auteur: 'Claire Dumont' },
    },
    CHEF,
  );
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
}

/** Submits from the page (with its confirmation) and waits for the files; answers the number of the submission. */
async function submitFromPage(page: Page): Promise<void> {
  const button = page.locator('[data-testid="report-submit"]');
  expect(await button.isEnabled()).toBe(true);
  await button.click();
  const dialog = page.locator('[data-testid="confirm-dialog"]');
  await dialog.waitFor();
  expect(await dialog.innerText()).toMatch(/Les valeurs 2021 du plan passeront en lecture seule/);
  await dialog.getByRole('button', { name: `Soumettre le rapport ${YEAR}` }).click();
}

describe('the annual report page', () => {
  it('lists what is missing, submits the complete year with its files, and 2021 becomes read-only', { timeout: TIMEOUT }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, CHEF);
    await openReport(page);
    expect(await page.locator('[data-testid="report-status"]').innerText()).toBe('Non soumis');
    // The due date of the year's report, and what the programme still asks of the plan, soonest due first.
    expect(await page.locator('[data-testid="report-due"]').innerText()).toBe(`Échéance : 31/03/${YEAR + 1}`);
    const firstYear = Number(await page.locator('[data-testid="report-year"] option').first().getAttribute('value'));
    expect(await page.locator('[data-testid="report-obligation"]').first().innerText()).toMatch(
      new RegExp(`^À remettre : Rapport annuel .+ ${firstYear} pour le 31/03/${firstYear + 1}`),
    );
    expect(await page.locator('[data-testid="report-kind"]').count()).toBe(0);

    // The sample has no 2021 actual yet, and one error (the ex-ante time shares at 95 %).
    expect(await item(page, 'realises').getAttribute('data-ok')).toBe('false');
    expect(await item(page, 'realises').locator('[data-testid="checklist-count"]').innerText()).toMatch(/175 à compléter/);
    expect(await item(page, 'budget').getAttribute('data-ok')).toBe('true');
    expect(await item(page, 'constats').getAttribute('data-ok')).toBe('false');
    expect(await item(page, 'constats').innerText()).toMatch(/Ex-ante : le total est 95,0\u00a0%/);
    // Each missing value leads to its cell: the Réalisé row of the indicator, in its fiche.
    const plan = await getPlan(suite.server);
    const firstMissing = item(page, 'realises').locator('a').first();
    expect(await firstMissing.getAttribute('href')).toBe(
      `#/plan/${suite.server.planId}/fiche/${plan.actions[0]!.id}?focus=${encodeURIComponent(`actions.0.indicators.0.values.${YEAR}.actual`)}`,
    );
    const submit = page.locator('[data-testid="report-submit"]');
    expect(await submit.isDisabled()).toBe(true);
    expect(await page.locator('[data-testid="submit-reason"]').innerText()).toMatch(/^Complétez d’abord les éléments marqués ✗/);
    await screenshot(page, 'report-incomplete');

    // The fiches printed with their header only (spec §6.3 #33) lack mandatory values: listed, each excusable.
    expect(await item(page, 'fiches').getAttribute('data-ok')).toBe('false');
    expect(await item(page, 'fiches').locator('[data-testid="checklist-count"]').innerText()).toMatch(/50 à compléter/);
    // One is excused from the page, in the signed-in person's name; the others through the API below.
    const firstFiche = item(page, 'fiches').locator('[data-testid="checklist-detail"]').first();
    const excused = await firstFiche.getAttribute('data-key');
    await item(page, 'fiches').locator('summary').first().click();
    await firstFiche.getByTestId('checklist-justify').click();
    const justify = page.getByTestId('justify-dialog');
    await justify.getByLabel('Justification').fill('Fiche imprimée sans description dans le formulaire officiel');
    await justify.getByTestId('justify-save').click();
    await justify.waitFor({ state: 'detached' });
    await item(page, 'fiches').locator('[data-testid="checklist-count"]', { hasText: '49 à compléter' }).waitFor();
    expect(await item(page, 'fiches').getByTestId('checklist-justified').locator('summary').innerText()).toBe('1 exception justifiée');
    expect((await getPlan(suite.server)).justifications.map((j) => j.cle)).toContain(excused);

    // The chef de projet fills the year (through the API here), then reloads the page.
    await fillActuals(plan);
    await justifyError();
    expect(await justifyMissingFicheValues((m, p, b) => suite.server.api(m, p, b, CHEF), suite.server.planId, YEAR)).toBe(49);
    await page.reload();
    await page.locator('[data-testid="report-checklist"]').waitFor();
    for (const id of ['fiche-plan', 'actions', 'fiches', 'realises', 'budget', 'constats']) expect(await item(page, id).getAttribute('data-ok')).toBe('true');
    expect(await page.locator('[data-testid="submit-reason"]').count()).toBe(0);

    await submitFromPage(page);
    // The generation's progress, then the files with their SHA-256.
    await page.locator('[data-testid="report-progress"]:visible').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="report-progress-message"]').innerText()).not.toBe('');
    const pdf = page.locator('[data-testid="submission-pdf"]');
    await pdf.waitFor({ timeout: 90_000 });
    expect(await page.locator('[data-testid="report-progress"]').isHidden()).toBe(true);
    expect(await page.locator('[data-testid="report-status"]').innerText()).toBe('Soumis — en cours d’examen par la DiCS');
    const pdfHash = await page.locator('[data-testid="submission-pdf-sha256"]').innerText();
    const xlsxHash = await page.locator('[data-testid="submission-xlsx-sha256"]').innerText();
    expect(pdfHash).toMatch(/^[0-9a-f]{64}$/);
    expect(xlsxHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await page.locator('[data-testid="submission-xlsx"]').innerText()).toBe('XLSX');
    // The links serve the files as generated: the hash shown is the file's.
    const served = await page.request.get(new URL((await pdf.getAttribute('href'))!, suite.server.url).href);
    expect(served.status()).toBe(200);
    expect(served.headers()['x-cohesio-sha256']).toBe(pdfHash);
    expect(await page.locator('[data-testid="submission"]').first().innerText()).toMatch(/Soumise\s+le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2} par Claire Dumont/);
    // The chef de projet may take it back while the DiCS has not decided; only the DiCS decides.
    expect(await page.locator('[data-testid="report-reopen"]').count()).toBe(1);
    expect(await page.locator('[data-testid="report-approve"], [data-testid="report-return"]').count()).toBe(0);
    expect(await submit.isDisabled()).toBe(true);

    const banner = page.locator('[data-testid="year-lock-banner"]');
    expect(await banner.innerText()).toMatch(/^Rapport 2021 soumis le \d{2}\/\d{2}\/\d{4} par Claire Dumont .*: les valeurs 2021 sont en lecture seule/);
    await screenshot(page, 'report-submitted');

    // In the fiche grid, 2021 is read-only (saying why) while 2022 is not.
    const action = calif(plan);
    const grid = await openFiche(page, action);
    const locked = await gridCell(page, grid, 1, String(YEAR));
    expect(await locked.getAttribute('class')).toContain('cell-readonly');
    expect(await locked.getAttribute('title')).toMatch(/Rapport 2021 soumis à la DiCS : les valeurs 2021 sont en lecture seule/);
    const before = await locked.innerText();
    expect(await tryTyping(page, grid, 1, String(YEAR), '999')).toBe(before);
    expect(await tryTyping(page, grid, 1, '2022', '7')).toBe('7');
    await waitSaved(page);
    const saved = calif(await getPlan(suite.server)).indicators[0]!;
    expect(saved.values['2022']!.actual).toBe(7);
    expect(saved.values[String(YEAR)]!.actual).toBe(
      action.indicators[0]!.values[String(YEAR)]?.target ?? Math.max(1, unitBounds(action.indicators[0]!.unit).min),
    );
  });

  it('lets the DiCS return the report with a reason, after which 2021 is editable again', { timeout: TIMEOUT }, async () => {
    const plan = await getPlan(suite.server);
    const action = calif(plan);
    const indicator = action.indicators[0]!;
    const chemin = `actions.${action.id}.indicators.${indicator.id}.values.${YEAR}.actual`;
    const asked = await suite.server.api(
      'POST',
      `/api/plans/${suite.server.planId}/threads`,
      { annee: YEAR, chemin, texte: 'Cette valeur paraît élevée : pouvez-vous vérifier ?' },
      DICS,
    );
    expect(asked.status).toBe(201);

    const dics = await openPage(suite.browser, suite.errors, suite.server, DICS);
    await openReport(dics);
    expect(await dics.locator('[data-testid="report-submit"]').count()).toBe(0);
    const thread = dics.locator('[data-testid="report-thread"]');
    expect(await thread.innerText()).toMatch(/Fiche 1\.1\.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021/);
    expect(await thread.innerText()).toMatch(/Question ouverte/);
    expect(await thread.innerText()).toMatch(/Cette valeur paraît élevée/);
    expect(await dics.locator('[data-testid="report-approve"]').count()).toBe(1);

    await dics.locator('[data-testid="report-return"]').click();
    const dialog = dics.locator('[data-testid="return-dialog"]');
    await dialog.waitFor();
    // The reason is required: said in French at the field, nothing sent.
    await dialog.locator('[data-testid="decision-confirm"]').click();
    expect(await dialog.locator('[data-testid="decision-error"]').innerText()).toBe('Indiquez le motif');
    await dialog.locator('[data-testid="decision-motif"]').fill('Une valeur à vérifier (voir la question)');
    await dialog.locator('[data-testid="decision-confirm"]').click();
    await dialog.waitFor({ state: 'detached' });
    await dics.locator('[data-testid="report-status"]', { hasText: 'Retourné par la DiCS' }).waitFor();
    expect(await dics.locator('[data-testid="submission-motif"]').innerText()).toContain('Une valeur à vérifier (voir la question)');
    expect(await dics.locator('[data-testid="submission-decision"]').innerText()).toMatch(/^Luc Renard/);
    expect(await dics.locator('[data-testid="report-return"], [data-testid="report-approve"], [data-testid="report-reopen"]').count()).toBe(0);
    await screenshot(dics, 'report-returned');

    // The chef de projet corrects 2021 in the grid, then submits again: the changes are listed.
    const chef = await openPage(suite.browser, suite.errors, suite.server, CHEF);
    const grid = await openFiche(chef, action);
    expect(await chef.locator('[data-testid="year-lock-banner"]').count()).toBe(0);
    const cell = await gridCell(chef, grid, 1, String(YEAR));
    expect(await cell.getAttribute('class')).not.toContain('cell-readonly');
    expect(await tryTyping(chef, grid, 1, String(YEAR), '3')).toBe('3');
    await waitSaved(chef);
    expect(calif(await getPlan(suite.server)).indicators[0]!.values[String(YEAR)]!.actual).toBe(3);

    // From the navigation (the last finished year by default), then 2021 in the year selector.
    await chef.locator('.plan-nav a', { hasText: 'Rapport annuel' }).click();
    await chef.locator('[data-testid="report-year"]').waitFor();
    await chef.locator('[data-testid="report-year"]').selectOption(String(YEAR));
    await chef.locator('.report-page h1', { hasText: `Rapport annuel ${YEAR}` }).waitFor();
    await chef.locator('[data-testid="report-status"]', { hasText: 'Retourné par la DiCS' }).waitFor();
    await submitFromPage(chef);
    await chef.locator('[data-testid="submission"][data-numero="2"] [data-testid="submission-pdf"]').waitFor({ timeout: 90_000 });
    const changes = chef.locator('[data-testid="submission"][data-numero="2"] [data-testid="submission-changes"]');
    // The 2021 correction, and the 2022 value typed while 2021 was under review.
    expect(await changes.locator('summary').innerText()).toBe('2 valeurs modifiées depuis la soumission précédente');
    await changes.locator('summary').click();
    const changed = await changes.locator('li').allInnerTexts();
    expect(changed).toContainEqual(
      expect.stringMatching(/^Fiche 1\.1\.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021 : .+ → 3$/),
    );
    expect(changed).toContainEqual(
      expect.stringMatching(/^Fiche 1\.1\.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2022 : .+ → 7$/),
    );
    expect(await chef.locator('[data-testid="submission"][data-numero="1"] [data-testid="submission-status"]').innerText()).toBe('Retourné par la DiCS');
  });
});
