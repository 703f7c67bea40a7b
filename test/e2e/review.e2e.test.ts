import { justifyMissingFicheValues } from '../checklist.ts';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import { describeAction } from '../../schemas/action.ts';
import { unitBounds } from '../../schemas/numbers.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';
import { browserSuite, getPlan, gridCell, openPage, screenshot, typeInCell, waitSaved } from './harness.ts';

/**
 * The annual report's whole story, as a new user tries it from the README, in real Chromium against the real server:
 * the chef de projet signs in, fills the 2021 actuals and submits; the DiCS reviewer signs in, questions one cell and
 * returns the report; the chef de projet answers, corrects and submits again; the second PDF carries the changes
 * annex, and the plan's history shows every step.
 */
const YEAR = '2021';
const PASSWORD = 'cohesio-demo';
const CHEF = 'Claire Dumont (cheffe de projet PCS, Liège)';
const REVIEWER = 'Luc Renard (DiCS)';
const QUESTION = 'Cette valeur 2021 paraît élevée : pouvez-vous la vérifier ?';
const ANSWER = 'Erreur de saisie : la valeur est 3, corrigée.';
const MOTIF = 'Une valeur à vérifier (voir la question sur la fiche 1.1.05)';

const suite = browserSuite();

/** A page without a session, signed in through the form as people do. */
async function signIn(email: string): Promise<Page> {
  const page = await openPage(suite.browser, suite.errors, suite.server, null);
  await page.goto(suite.server.url);
  const form = page.locator('.login-form');
  await form.getByLabel('Adresse électronique').fill(email);
  await form.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await form.getByRole('button', { name: 'Se connecter' }).click();
  await page.locator('a', { hasText: 'Liège' }).first().waitFor();
  return page;
}

const calif = (plan: Plan) => plan.actions.find((a) => a.code === '1.1.05' && a.fiche.operateur.organisme === 'CALIF')!;

async function openFiche(page: Page, action: Plan['actions'][number]): Promise<string> {
  const grid = `Indicateurs de ${describeAction(action)}`;
  await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/fiche/${action.id}`);
  await page.locator(`.grid[aria-label="${grid}"] .ht_master tbody tr`).first().waitFor();
  return grid;
}

async function openReport(page: Page): Promise<void> {
  await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/rapport/${YEAR}`);
  await page.locator('.report-page h1', { hasText: `Rapport annuel ${YEAR}` }).waitFor();
  await page.locator('[data-testid="report-checklist"]').waitFor();
}

async function submit(page: Page, numero: number): Promise<void> {
  await page.locator('[data-testid="report-submit"]').click();
  const dialog = page.locator('[data-testid="confirm-dialog"]');
  await dialog.getByRole('button', { name: `Soumettre le rapport ${YEAR}` }).click();
  await page.locator(`[data-testid="submission"][data-numero="${numero}"] [data-testid="submission-pdf"]`).waitFor({ timeout: 90_000 });
}

describe('the annual report, from the first submission to the re-submission', () => {
  it('is submitted, questioned, returned, answered, corrected and submitted again, every step in the history', { timeout: 240_000 }, async () => {
    const plan = await getPlan(suite.server);
    const action = calif(plan);

    // Setup, as the chef de projet through the API: the 2021 actuals of every other fiche (175 values in all).
    const others = plan.actions.filter((a) => a.id !== action.id).flatMap((a) => a.indicators);
    const cells = others.map((i) => ({
      grid: 'indicator-actual',
      row: i.id,
      period: YEAR,
      value: i.values[YEAR]?.target ?? Math.max(1, unitBounds(i.unit).min),
      version: 0,
    }));
    expect((await suite.server.api('PUT', `/api/plans/${suite.server.planId}/cells`, { cells }, 'chef@liege.demo')).status).toBe(200);
    // The mandatory values the sample's printed fiches lack, excused as the form allows.
    expect(await justifyMissingFicheValues((m, p, b) => suite.server.api(m, p, b, 'chef@liege.demo'), suite.server.planId, Number(YEAR))).toBe(50);

    // The chef de projet signs in, types the CALIF fiche's 2021 actuals in its grid (Réalisé rows are the odd ones).
    const chef = await signIn('chef@liege.demo');
    expect(await chef.locator('.account-name, [data-testid="account-name"]').first().innerText()).toContain('Claire Dumont');
    const grid = await openFiche(chef, action);
    for (let i = 0; i < action.indicators.length; i++) await typeInCell(chef, grid, 2 * i + 1, YEAR, String(10 + i));
    await waitSaved(chef);

    // The checklist shows the one error left (ex-ante time shares at 95 %): justified from the checks panel.
    await openReport(chef);
    const constats = chef.locator('[data-testid="checklist-item"][data-item="constats"]');
    expect(await constats.getAttribute('data-ok')).toBe('false');
    await chef.locator('.checks-toggle').click();
    const finding = chef.locator('#checks-panel [data-rule="temps-total"]').first();
    await finding.getByTestId('justify-button').click();
    const justify = chef.getByTestId('justify-dialog');
    await justify.getByLabel('Justification').fill('Le formulaire officiel du plan imprimait 95 % pour l’ex-ante.');
    await justify.getByTestId('justify-save').click();
    await justify.waitFor({ state: 'detached' });
    await chef.locator('[data-testid="checklist-item"][data-item="constats"][data-ok="true"]').waitFor();
    expect(await chef.locator('[data-testid="checklist-item"][data-item="realises"]').getAttribute('data-ok')).toBe('true');
    await submit(chef, 1);
    await chef.locator('[data-testid="report-status"]', { hasText: 'Soumis — en cours d’examen par la DiCS' }).waitFor();
    await screenshot(chef, 'review-submitted');
    await chef.close();

    // The DiCS reviewer signs in, questions the first CALIF actual from its cell, and returns the report.
    const reviewer = await signIn('dics@wallonie.demo');
    await openFiche(reviewer, action);
    await (await gridCell(reviewer, grid, 1, YEAR)).click({ button: 'right' });
    await reviewer.locator('.htContextMenu td', { hasText: 'Poser une question' }).click();
    let dialog = reviewer.locator('[data-testid="threads-dialog"]');
    await dialog.locator('[data-testid="thread-question"]').fill(QUESTION);
    await dialog.getByRole('button', { name: 'Envoyer la question' }).click();
    await dialog.locator('[data-testid="thread"][data-status="ouvert"]').waitFor();
    await dialog.getByRole('button', { name: 'Fermer' }).click();
    await openReport(reviewer);
    await reviewer.locator('[data-testid="report-return"]').click();
    const returning = reviewer.locator('[data-testid="return-dialog"]');
    await returning.locator('[data-testid="decision-motif"]').fill(MOTIF);
    await returning.locator('[data-testid="decision-confirm"]').click();
    await reviewer.locator('[data-testid="report-status"]', { hasText: 'Retourné par la DiCS' }).waitFor();
    await reviewer.close();

    // The chef de projet signs in again: the cell carries the question; answers it, corrects the value, re-submits.
    const back = await signIn('chef@liege.demo');
    await openFiche(back, action);
    const questioned = await gridCell(back, grid, 1, YEAR);
    await back.waitForFunction(
      ([label, year]) =>
        document.querySelector(`.grid[aria-label="${label}"] .ht_master td[data-row="1"][data-key="${year}"]`)?.classList.contains('cell-thread-open') ?? false,
      [grid, YEAR],
    );
    expect(await questioned.getAttribute('title')).toContain(QUESTION);
    await questioned.click({ button: 'right' });
    await back.locator('.htContextMenu td', { hasText: 'Questions de la DiCS' }).click();
    dialog = back.locator('[data-testid="threads-dialog"]');
    await dialog.locator('[data-testid="thread-reply"]').fill(ANSWER);
    await dialog.getByRole('button', { name: 'Répondre' }).click();
    await dialog.locator('[data-testid="thread"][data-status="repondu"]').waitFor();
    await dialog.getByRole('button', { name: 'Fermer' }).click();
    await typeInCell(back, grid, 1, YEAR, '3');
    await waitSaved(back);
    expect(calif(await getPlan(suite.server)).indicators[0]!.values[YEAR]!.actual).toBe(3);
    await openReport(back);
    await submit(back, 2);
    const changes = back.locator('[data-testid="submission"][data-numero="2"] [data-testid="submission-changes"]');
    expect(await changes.locator('summary').innerText()).toBe('1 valeur modifiée depuis la soumission précédente');

    // The second PDF, as downloaded: submitted status, the changes annex with the corrected value, the question.
    const href = await back.locator('[data-testid="submission"][data-numero="2"] [data-testid="submission-pdf"]').getAttribute('href');
    const pdf = await back.request.get(new URL(href!, suite.server.url).href);
    expect(pdf.status()).toBe(200);
    const pdfText = pdfPages(savePdf(new Uint8Array(await pdf.body()), 'rapport-2021-soumission-2.pdf'))
      .join('\n')
      .replace(/\s+/g, ' ');
    expect(pdfText).toContain('Soumis à la Direction de la Cohésion sociale');
    expect(pdfText).toContain('Annexe — Modifications depuis la dernière soumission');
    // The label may wrap in its column: the values (10 → 3) can fall inside it.
    expect(pdfText).toMatch(/Fiche 1\.1\.05 · indicateur 1 « Nombre de personnes différentes.{0,160}Réalisé 2021/);
    expect(pdfText).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/);
    expect(pdfText).toContain('Annexe — Questions de la DiCS');
    expect(pdfText).toContain(ANSWER);

    // The plan's history shows every step, newest first.
    await back.locator('[data-testid="plan-history"]').click();
    const history = back.locator('[data-testid="history-dialog"][data-scope="plan"]');
    await history.locator('[data-testid="history-status"]', { hasNotText: 'Chargement' }).waitFor();
    const entries = await history.locator('[data-testid="history-entry"]').allInnerTexts();
    const steps = entries.map((e) => e.replace(/\s+/g, ' '));
    const at = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s));
    const text = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const order = [
      at(/Rapport 2021 soumis à la DiCS \(soumission n°2, 1 valeur\(s\) modifiée\(s\)/),
      at(/Réalisé 2021 : 10 → 3/),
      at(new RegExp(`${text(CHEF)}.*Réponse.*${text(ANSWER)}`)),
      at(new RegExp(`${text(REVIEWER)}.*Retour pour correction.*Motif : ${text(MOTIF)}`)),
      at(new RegExp(`${text(REVIEWER)}.*Question de la DiCS.*${text(QUESTION)}`)),
      at(/Rapport 2021 soumis à la DiCS \(soumission n°1\)/),
      at(/Justification/),
      at(/Réalisé 2021 : vide → 10/),
    ];
    expect(
      order.every((i) => i >= 0),
      JSON.stringify(order),
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    await screenshot(back, 'review-history');
  });
});
