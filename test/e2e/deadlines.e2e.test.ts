import { describe, expect, it } from 'vitest';
import { browserSuite, openPage, screenshot } from './harness.ts';

/**
 * Deadlines in real Chromium against the real server, on the Liège sample: the DiCS grants a later due date from the
 * report page (« Accorder un délai… »), and the chef de projet finds, on the plans page, what is due and when — the
 * extended date, the late reports « en retard de N jours » — and the notification of the extension, which they mark
 * as read.
 */
const suite = browserSuite();

describe('deadlines', () => {
  it('the DiCS grants an extension; the chef de projet sees what is due on the home page and the notification', async () => {
    const dics = await openPage(suite.browser, suite.errors, suite.server, 'dics@wallonie.demo');
    await dics.goto(`${suite.server.url}/#/plan/${suite.server.planId}/rapport/2025`);
    await dics.getByTestId('grant-extension').click();
    const dialog = dics.getByTestId('extension-dialog');
    // A date before the programme's due date (31/03/2026) is refused by the server, in French, in the dialog.
    await dialog.getByTestId('extension-date').fill('2026-02-01');
    await dialog.getByTestId('extension-confirm').click();
    await expect.poll(() => dialog.getByTestId('extension-error').innerText()).toContain("postérieur à l'échéance du programme (31/03/2026)");
    await dialog.getByTestId('extension-date').fill('2030-01-31');
    await dialog.getByTestId('extension-motif').fill('Changement de chef de projet');
    await dialog.getByTestId('extension-confirm').click();
    await expect
      .poll(() => dics.getByTestId('report-due').innerText())
      .toContain("Échéance : 31/01/2030 — délai accordé jusqu'au 31/01/2030 (échéance du programme : 31/03/2026)");
    await screenshot(dics, 'deadlines-report-extension');
    await dics.context().close();

    const chef = await openPage(suite.browser, suite.errors, suite.server, 'chef@liege.demo');
    await chef.goto(`${suite.server.url}/#/`);
    const due = chef.getByTestId('due-section');
    await due.getByTestId('due-line').first().waitFor();
    const lines = await due.getByTestId('due-line').allInnerTexts();
    // Soonest first: the reports of the years past are late, the 2025 one is due on its extended date.
    expect(lines[0]).toMatch(/^Rapport annuel d'activités et financier 20\d\d — à remettre pour le 31\/03\/20\d\d — en retard de \d+ jours$/);
    expect(lines).toContain(
      "Rapport annuel d'activités et financier 2025 — à remettre pour le 31/01/2030 — délai accordé jusqu'au 31/01/2030 (échéance du programme : 31/03/2026)",
    );
    const button = chef.getByTestId('notifications-button');
    await expect.poll(() => button.innerText()).toBe('Notifications (1)');
    await button.click();
    const notification = chef.getByTestId('notification').first();
    expect(await notification.innerText()).toContain("Délai accordé : Rapport annuel d'activités et financier 2025");
    await screenshot(chef, 'deadlines-home');
    await notification.getByTestId('notification-read').click();
    await expect.poll(() => button.innerText()).toBe('Notifications');
    await chef.context().close();
  });
});
