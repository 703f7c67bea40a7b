import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import { ORIGIN_HEADER } from '../../schemas/audit.ts';
import { DEMO_PASSWORD } from '../../server/services/demo-accounts.ts';
import { browserSuite, getPlan, gridCell, openPage, screenshot, typeInCell, waitSaved } from './harness.ts';

/**
 * Signing in and out in real Chromium against the real server: the sign-in page whenever there is no session,
 * the signed-in person in the header, the password change, the end of a session in the middle of work, and a
 * chef de projet of another commune who does not see Liège.
 */
const suite = browserSuite();

const SESSION_COOKIE = 'cohesio_session';
const NEW_PASSWORD = 'nouveau-mot-de-passe-2025';
const FICHE_GRID = 'Indicateurs de Fiche 1.1.05 (CALIF)';

async function signInWithForm(page: Page, email: string, password: string): Promise<void> {
  const form = page.locator('.login-form');
  await form.getByLabel('Adresse électronique').fill(email);
  await form.getByLabel('Mot de passe', { exact: true }).fill(password);
  await form.getByRole('button', { name: 'Se connecter' }).click();
}

async function hasSession(page: Page): Promise<boolean> {
  return (await page.context().cookies()).some((c) => c.name === SESSION_COOKIE);
}

/** Every request the page makes to the API, with its origin header. */
function recordApiRequests(page: Page): { path: string; origin: string | undefined }[] {
  const seen: { path: string; origin: string | undefined }[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) seen.push({ path: url.pathname, origin: r.headers()[ORIGIN_HEADER] });
  });
  return seen;
}

describe('sign-in page', () => {
  it('is shown without a session, with labelled fields', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, null);
    await page.goto(suite.server.url);
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(await page.getByLabel('Adresse électronique').getAttribute('type')).toBe('email');
    expect(await page.getByLabel('Mot de passe', { exact: true }).getAttribute('type')).toBe('password');
    expect(await page.getByRole('button', { name: 'Se connecter' }).isVisible()).toBe(true);
    expect(await page.locator('.plans-table').count()).toBe(0);
    expect(await page.title()).toBe('Connexion — Cohésio');
    await screenshot(page, 'auth-sign-in');
    await page.context().close();
  });

  it('refuses a wrong password with the French message and opens no session', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, null);
    await page.goto(suite.server.url);
    await signInWithForm(page, 'chef@liege.demo', 'pas-le-bon-mot-de-passe');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toBe('Adresse électronique ou mot de passe incorrect');
    expect(await page.getByLabel('Mot de passe', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Mot de passe', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    expect(await hasSession(page)).toBe(false);
    expect(await page.locator('.plans-table').count()).toBe(0);
    await page.context().close();
  });

  it('asks for the missing field before calling the suite.server', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, null);
    await page.goto(suite.server.url);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('Indiquez votre adresse électronique');
    await page.context().close();
  });

  it('tells after five failures that there were too many attempts', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, null);
    await page.goto(suite.server.url);
    const alert = page.getByRole('alert');
    for (let i = 0; i < 5; i++) {
      await signInWithForm(page, 'inconnu@liege.demo', `essai-${i}`);
      await expect.poll(() => alert.innerText()).toBe('Adresse électronique ou mot de passe incorrect');
      await alert.evaluate((el) => (el.textContent = ''));
    }
    await signInWithForm(page, 'inconnu@liege.demo', 'essai-5');
    await expect.poll(() => alert.innerText()).toMatch(/^Trop de tentatives de connexion : réessayez dans \d+ minutes?$/);
    expect(await hasSession(page)).toBe(false);
    await page.context().close();
  });
});

describe('signed in', () => {
  it('lists the plans of every role and hides the creation of a plan from roles that may not create one', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'dics@wallonie.demo');
    await page.goto(suite.server.url);
    await page.getByRole('link', { name: 'Liège' }).waitFor();
    expect(await page.getByTestId('account-name').innerText()).toBe('Luc Renard (DiCS)');
    expect(await page.getByTestId('account-role').innerText()).toBe('Agent de la DiCS');
    expect(await page.getByRole('heading', { name: 'Nouveau plan' }).count()).toBe(0);
    await page.context().close();

    const partner = await openPage(suite.browser, suite.errors, suite.server, 'thermos@liege.demo');
    await partner.goto(suite.server.url);
    await partner.getByRole('link', { name: 'Liège' }).waitFor();
    expect(await partner.getByTestId('account-role').innerText()).toBe('Opérateur partenaire — Liège');
    await partner.context().close();
  });

  it('shows the sign-in page when the session ends during work, then goes back to the page and saves the edit', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    const requests = recordApiRequests(page);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/actions`);
    await page.locator('.plan-nav a', { hasText: '1.1.05 (CALIF)' }).first().click();
    await page.locator(`.grid[aria-label="${FICHE_GRID}"] .ht_master tbody tr`).first().waitFor();
    const address = page.url();
    expect(await page.getByTestId('account-role').innerText()).toBe('Chef de projet PCS — Liège');

    // The session ends (expiry, password changed elsewhere): the next save answers 401.
    await page.context().clearCookies();
    await typeInCell(page, FICHE_GRID, 0, '2022', '21');
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(await page.locator('.login-notice').innerText()).toBe('Votre session a pris fin : connectez-vous pour continuer.');
    expect(await page.getByLabel('Adresse électronique').inputValue()).toBe('chef@liege.demo');
    expect(page.url()).toBe(address);

    await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByLabel('Mot de passe', { exact: true }).press('Enter');
    await page.locator('.fiche h1').waitFor();
    expect(page.url()).toBe(address);
    expect(await (await gridCell(page, FICHE_GRID, 0, '2022')).innerText()).toBe('21');
    await waitSaved(page);
    const plan: Plan = await getPlan(suite.server);
    const action = plan.actions.find((a) => a.code === '1.1.05' && a.fiche.operateur.organisme === 'CALIF')!;
    expect(action.indicators[0]!.values['2022']?.target).toBe(21);

    // Every request of the application says it comes from the application's screens.
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((r) => r.origin !== 'grille')).toEqual([]);
    await page.context().close();
  });

  it('signs in with the form, changes the password, signs out, and only the new password works', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, null);
    await page.goto(suite.server.url);
    await signInWithForm(page, 'chef@liege.demo', DEMO_PASSWORD);
    await page.getByRole('link', { name: 'Liège' }).waitFor();
    expect(await page.getByTestId('account-name').innerText()).toBe('Claire Dumont (cheffe de projet PCS, Liège)');
    expect(await page.getByTestId('account-role').innerText()).toContain('Chef de projet PCS');
    expect(await hasSession(page)).toBe(true);
    await screenshot(page, 'auth-plans-signed-in');

    await page.getByRole('button', { name: 'Changer le mot de passe' }).click();
    const dialog = page.getByTestId('password-dialog');
    const current = dialog.getByLabel('Mot de passe actuel');
    const next = dialog.getByLabel('Nouveau mot de passe', { exact: true });
    const confirmation = dialog.getByLabel('Confirmation du nouveau mot de passe');
    const submit = dialog.getByRole('button', { name: 'Changer le mot de passe' });
    // The confirmation is checked in the suite.browser.
    await current.fill(DEMO_PASSWORD);
    await next.fill(NEW_PASSWORD);
    await confirmation.fill(`${NEW_PASSWORD}x`);
    await submit.click();
    expect(await dialog.locator('.field-error:visible').allInnerTexts()).toEqual(['La confirmation ne correspond pas au nouveau mot de passe']);
    expect(await confirmation.getAttribute('aria-invalid')).toBe('true');
    // A wrong current password is the suite.server's answer, shown at its field.
    await current.fill('pas-le-bon-mot-de-passe');
    await confirmation.fill(NEW_PASSWORD);
    await submit.click();
    await expect.poll(() => dialog.locator('.field-error:visible').allInnerTexts()).toEqual(['Mot de passe incorrect']);
    expect(await current.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'auth-password-dialog');
    await current.fill(DEMO_PASSWORD);
    await submit.click();
    await dialog.waitFor({ state: 'detached' });
    // The session of this suite.browser goes on.
    await page.reload();
    await page.getByRole('link', { name: 'Liège' }).waitFor();

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await page.getByRole('heading', { name: 'Connexion' }).waitFor();
    expect(await hasSession(page)).toBe(false);
    expect((await suite.server.api('GET', '/api/auth/me', undefined, 'admin@cohesio.demo')).status).toBe(200);

    await signInWithForm(page, 'chef@liege.demo', DEMO_PASSWORD);
    await expect.poll(() => page.getByRole('alert').innerText()).toBe('Adresse électronique ou mot de passe incorrect');
    expect(await hasSession(page)).toBe(false);
    await signInWithForm(page, 'chef@liege.demo', NEW_PASSWORD);
    await page.getByRole('link', { name: 'Liège' }).waitFor();
    expect(await page.getByTestId('account-role').innerText()).toContain('Chef de projet PCS');
    await page.context().close();
  });

  it('does not show the Liège plan to the chef de projet of Namur', async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server, 'chef@namur.demo');
    await page.goto(suite.server.url);
    await page.getByRole('heading', { name: 'Plans', exact: true }).waitFor();
    expect(await page.getByTestId('account-name').innerText()).toBe('Sophie Martin (cheffe de projet PCS, Namur)');
    expect(await page.getByRole('link', { name: 'Liège' }).count()).toBe(0);

    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/porteur`);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toBe(`Plan introuvable : ${suite.server.planId}`);
    expect(await page.locator('.plan-shell').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('Liège');
    await page.context().close();
  });
});
