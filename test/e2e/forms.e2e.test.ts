import { describe, expect, it } from 'vitest';
import type { FormDocument, FormDocumentSummary } from '../../schemas/form-document.ts';
import { browserSuite, openPage, screenshot } from './harness.ts';

/**
 * A working-group evaluation as a chef de projet fills it in: « Formulaires » in the plan's left column, « Créer le
 * document », one block per working group of the plan already there, one removed, the bullet lists of two groups
 * typed, the period chosen — and the document saved with its version, as the server stores it.
 */
const suite = browserSuite();

describe('a working-group evaluation', () => {
  it('is created prefilled, edited block by block and saved', { timeout: 120_000 }, async () => {
    const page = await openPage(suite.browser, suite.errors, suite.server);
    await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/porteur`);
    await page.getByRole('link', { name: 'Formulaires' }).click();
    await page.getByLabel('Genre de document').selectOption({ label: 'Évaluation des groupes de travail' });
    await page.getByRole('button', { name: 'Créer le document' }).click();
    const blocks = page.getByTestId('form-group-item');
    await blocks.first().waitFor();
    expect(await blocks.count()).toBe(3);

    await blocks.nth(2).getByRole('button', { name: 'Retirer ce bloc' }).click();
    await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Retirer' }).click();
    await expect.poll(() => blocks.count()).toBe(2);
    await page.getByLabel('Évaluation *').selectOption({ label: 'Evaluation à 6 mois' });
    await blocks.nth(0).getByLabel('Objectifs').fill('Lutter contre le décrochage socio-scolaire\nMieux coordonner l’aide individuelle');
    await blocks.nth(1).getByLabel('Difficultés rencontrées').fill('Choix d’un nouveau projet mobilisateur');
    await expect.poll(() => page.getByTestId('form-missing').innerText()).toBe('');

    const list = (await suite.server.api<FormDocumentSummary[]>('GET', `/api/plans/${suite.server.planId}/forms`)).body;
    expect(list).toHaveLength(1);
    const stored = async () => (await suite.server.api<FormDocument>('GET', `/api/plans/${suite.server.planId}/forms/${list[0]!.id}`)).body;
    // Typed lists are sent after a short pause: the stored document catches up.
    await expect
      .poll(async () => (await stored()).data.evaluation!.groupes, { timeout: 10_000 })
      .toMatchObject([
        { objectifs: ['Lutter contre le décrochage socio-scolaire', 'Mieux coordonner l’aide individuelle'] },
        { difficultes: ['Choix d’un nouveau projet mobilisateur'] },
      ]);
    const doc = await stored();
    expect(doc.data.origines!.periode).toBe('sixMois');
    await expect.poll(() => page.getByTestId('form-status').innerText()).toBe('Enregistré');
    expect(doc.version).toBeGreaterThan(0);
    await screenshot(page, 'form-evaluation');
  });
});
