import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Action } from '../../schemas/action.ts';
import type { Plan } from '../../schemas/plan.ts';
import { browserSuite, openPage, screenshot } from './harness.ts';

/**
 * The DiCS's review queue in real Chromium against the real server: three plans of PCS 2027 have submitted their
 * yearly financial justification; the reviewer opens « File d'instruction », returns Liège's with a demande de
 * correction on one fiche, and approves the two others together once each checklist was opened; the chef de projet
 * of Liège then finds the demande on that fiche and marks it corrected.
 */
const PASSWORD = 'cohesio-demo';
const KIND = 'justification-financiere';
const DEMANDE = 'Le public visé par cette fiche manque : complétez-le.';

const suite = browserSuite();

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

/** A PCS 2027 plan of `commune` with a balanced budget, submitted (as the administrator, through the API). */
async function submittedPlan(commune: string, withFiche: boolean): Promise<{ plan: Plan; fiche: Action | null }> {
  const api = suite.server.api.bind(suite.server);
  const plan = (await api<Plan>('POST', '/api/plans', { commune, programmeId: 'pcs-2027' })).body;
  const budget = {
    recettes: { total: 100_000_00, subventionPcs: 75_000_00, partCommunale: 25_000_00 },
    depenses: { total: 100_000_00, personnel: 100_000_00 },
  };
  expect((await api('PUT', `/api/plans/${plan.id}/sections/budget`, { version: plan.versions.budget, data: budget })).status).toBe(200);
  let fiche: Action | null = null;
  if (withFiche) {
    const created = await api<Action>('POST', `/api/plans/${plan.id}/actions`, { code: '1.1.05', operateur: { organisme: null, equipePcs: true } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    fiche = created.body;
  }
  expect((await api('POST', `/api/plans/${plan.id}/submissions`, { annee: 2027, kind: KIND })).status).toBe(202);
  return { plan, fiche };
}

const row = (page: Page, planId: string) => page.locator(`[data-testid="queue-row"][data-plan="${planId}"]`);

async function examine(page: Page, planId: string, porteur: string): Promise<void> {
  await row(page, planId).locator('[data-testid="queue-open"]').click();
  await page.locator('[data-testid="queue-panel"] h2', { hasText: porteur }).waitFor();
  await page.locator('[data-testid="queue-checklist"]').waitFor();
}

describe('the review queue', () => {
  it('returns one submission with a demande on a fiche, approves two others, and the chef de projet sees the demande on the fiche', {
    timeout: 240_000,
  }, async () => {
    const liege = await submittedPlan('Liège', true);
    const huy = await submittedPlan('Huy', false);
    const namur = await submittedPlan('Namur', false);

    const dics = await signIn('dics@wallonie.demo');
    await dics.locator('[data-testid="queue-link"]').click();
    await dics.locator('[data-testid="queue-programme"]').selectOption('pcs-2027');
    await row(dics, namur.plan.id).waitFor();
    // Oldest first.
    const order = await dics.locator('[data-testid="queue-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-plan')));
    expect(order).toEqual([liege.plan.id, huy.plan.id, namur.plan.id]);

    // Liège: returned with a demande on its fiche.
    await examine(dics, liege.plan.id, 'Liège');
    await dics.locator('[data-testid="queue-return"]').click();
    const dialog = dics.locator('[data-testid="return-dialog"]');
    await dialog.locator('[data-testid="demande-add"]').click();
    await dialog.locator('[data-testid="demande-cible"]').selectOption(`fiche:${liege.fiche!.id}`);
    await dialog.locator('[data-testid="demande-type"]').selectOption('donnee-manquante');
    await dialog.locator('[data-testid="demande-texte"]').fill(DEMANDE);
    await screenshot(dics, 'review-queue-return');
    await dialog.locator('[data-testid="return-confirm"]').click();
    await dialog.waitFor({ state: 'detached' });
    await row(dics, liege.plan.id).waitFor({ state: 'detached' });

    // Huy and Namur: selected, approved together once each checklist was opened.
    await row(dics, huy.plan.id).locator('[data-testid="queue-select"]').check();
    await row(dics, namur.plan.id).locator('[data-testid="queue-select"]').check();
    const bulk = dics.locator('[data-testid="queue-approve-selected"]');
    expect(await bulk.isDisabled()).toBe(true);
    expect(await dics.locator('[data-testid="queue-approve-hint"]').innerText()).toContain('Huy, Namur');
    await examine(dics, huy.plan.id, 'Huy');
    expect(await bulk.isDisabled()).toBe(true);
    await examine(dics, namur.plan.id, 'Namur');
    expect(await bulk.innerText()).toBe('Approuver les 2 sélectionnés');
    expect(await bulk.isDisabled()).toBe(false);
    await screenshot(dics, 'review-queue-selection');
    await bulk.click();
    await dics.locator('[data-testid="queue-approve-dialog"] [data-testid="decision-confirm"]').click();
    await dics.locator('[data-testid="queue-empty"]').waitFor();
    for (const p of [huy, namur]) {
      const subs = (await suite.server.api<{ statut: string }[]>('GET', `/api/plans/${p.plan.id}/submissions`)).body;
      expect(subs.map((s) => s.statut)).toEqual(['approuve']);
    }

    // The chef de projet of Liège finds the demande on the fiche, and marks it corrected.
    const chef = await signIn('chef@liege.demo');
    await chef.goto(`${suite.server.url}/#/plan/${liege.plan.id}/fiche/${liege.fiche!.id}`);
    const banner = chef.locator('[data-testid="return-reasons"]');
    await banner.locator('[data-testid="return-reason"]').waitFor();
    const text = await banner.innerText();
    expect(text).toContain('Demande de correction de la DiCS');
    expect(text).toContain('Donnée manquante');
    expect(text).toContain(DEMANDE);
    expect(text).toContain('Luc Renard');
    await screenshot(chef, 'review-queue-fiche-banner');
    await banner.locator('[data-testid="return-reason-resolve"]').click();
    await banner.waitFor({ state: 'hidden' });
    const reasons = (
      await suite.server.api<{ resolvedAt: string | null }[]>(
        'GET',
        `/api/plans/${liege.plan.id}/return-reasons?submissionId=${(await suite.server.api<{ id: string }[]>('GET', `/api/plans/${liege.plan.id}/submissions`)).body[0]!.id}`,
      )
    ).body;
    expect(reasons.map((r) => r.resolvedAt !== null)).toEqual([true]);
  });
});
