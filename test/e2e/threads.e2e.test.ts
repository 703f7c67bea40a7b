import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Plan } from '../../schemas/plan.ts';
import type { ReviewThread } from '../../schemas/submission.ts';
import { describeAction } from '../../schemas/action.ts';
import { TIME_CATEGORIES } from '../../schemas/enums.ts';
import { browserSuite, getPlan, gridCell, openPage, screenshot } from './harness.ts';

/**
 * The DiCS's questions on the values of a plan, in real Chromium against the real server: the reviewer asks about
 * one indicator actual from the cell's context menu, the cell shows a marker for everybody, the chef de projet
 * answers from the same cell, the reviewer resolves it; the stored thread tells the whole story.
 */
const suite = browserSuite();

const DICS = 'dics@wallonie.demo';
const DICS_NAME = 'Luc Renard (DiCS)';
const CHEF_NAME = 'Claire Dumont (cheffe de projet PCS, Liège)';
const QUESTION = 'Le nombre de participants 2021 semble élevé : pouvez-vous le justifier ?';
const ANSWER = 'Deux sessions supplémentaires ont été organisées en 2021.';

function calif(plan: Plan): Plan['actions'][number] {
  const action = plan.actions.find((a) => a.code === '1.1.05' && a.fiche.operateur.organisme === 'CALIF');
  if (!action) throw new Error('Action 1.1.05 (CALIF) absente de l’exemple');
  return action;
}

async function openFiche(page: Page, action: Plan['actions'][number]): Promise<void> {
  await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/fiche/${action.id}`);
  await page.locator('.fiche h1').waitFor();
  await page
    .locator(`.grid[aria-label="Indicateurs de ${describeAction(action)}"] .ht_master tbody tr`)
    .first()
    .waitFor();
}

/** The threads dialog once its questions are loaded from the suite.server. */
async function threadsDialog(page: Page) {
  const dialog = page.locator('[data-testid="threads-dialog"]');
  await dialog.waitFor();
  await dialog.locator('[data-testid="threads-status"]', { hasNotText: 'Chargement' }).waitFor();
  return dialog;
}

async function closeDialog(page: Page): Promise<void> {
  const dialog = page.locator('[data-testid="threads-dialog"]');
  await dialog.getByRole('button', { name: 'Fermer' }).click();
  await dialog.waitFor({ state: 'detached' });
}

/** The class of the cell once it carries `marker` (the grid redraws when the questions are reloaded). */
async function waitForMarker(page: Page, grid: string, key: string, marker: string, row = 1): Promise<string> {
  const cell = await gridCell(page, grid, row, key);
  await page.waitForFunction(
    ([label, k, m, r]) =>
      document.querySelector(`.grid[aria-label="${label}"] .ht_master td[data-row="${r}"][data-key="${k}"]`)?.classList.contains(m!) ?? false,
    [grid, key, marker, String(row)],
  );
  return (await cell.getAttribute('class')) ?? '';
}

describe('DiCS questions on a value', () => {
  it('asked by the DiCS from a cell, answered by the chef de projet, resolved by the DiCS', async () => {
    const plan = await getPlan(suite.server);
    const action = calif(plan);
    const indicator = action.indicators[0]!;
    const grid = `Indicateurs de ${describeAction(action)}`;
    const chemin = `actions.${action.id}.indicators.${indicator.id}.values.2021.actual`;

    // The DiCS: on the 2021 actual of the first indicator, from the keyboard (Maj+F10), "Poser une question".
    const dics = await openPage(suite.browser, suite.errors, suite.server, DICS);
    await openFiche(dics, action);
    expect(await dics.locator('[data-testid="fiche-threads"]').isVisible()).toBe(false);
    await (await gridCell(dics, grid, 1, '2021')).click();
    await dics.keyboard.press('Shift+F10');
    const ask = dics.locator('.htContextMenu tr', { hasText: 'Poser une question' });
    await ask.waitFor();
    // No question yet: "Questions de la DiCS" is greyed out; a computed cell cannot be questioned.
    expect(await dics.locator('.htContextMenu tr', { hasText: 'Questions de la DiCS' }).locator('td').getAttribute('class')).toContain('htDisabled');
    // The arrows go through the entries (a greyed-out one is skipped) to "Poser une question".
    for (let i = 0; i < 4 && !((await ask.locator('td').getAttribute('class')) ?? '').includes('current'); i++) await dics.keyboard.press('ArrowDown');
    expect(await ask.locator('td').getAttribute('class')).toContain('current');
    await dics.keyboard.press('Enter');
    let dialog = await threadsDialog(dics);
    expect(await dialog.locator('.threads-subject').innerText()).toMatch(/Fiche 1\.1\.05 · indicateur 1 « .+ » · Réalisé 2021.*rapport 2021/i);
    expect(await dialog.locator('[data-testid="threads-status"]').innerText()).toBe('Aucune question sur cette valeur.');
    const question = dialog.locator('[data-testid="thread-question"]');
    expect(await question.evaluate((el) => el === document.activeElement)).toBe(true);
    // An empty question is refused with the reason, in French.
    await dialog.getByRole('button', { name: 'Envoyer la question' }).click();
    expect(await dialog.locator('[data-testid="threads-error"]').innerText()).toBe('Le message est vide');
    await question.fill(QUESTION);
    await dialog.getByRole('button', { name: 'Envoyer la question' }).click();
    await dialog.locator('[data-testid="thread"][data-status="ouvert"]').waitFor();
    expect(await dialog.locator('[data-testid="threads-error"]').innerText()).toBe('');
    expect(await dialog.locator('[data-testid="thread-status"]').innerText()).toBe('Question ouverte');
    const asked = dialog.locator('[data-testid="thread-message"]').first();
    expect(await asked.innerText()).toContain('Question');
    expect(await asked.innerText()).toContain(DICS_NAME);
    expect(await asked.locator('.thread-text').innerText()).toBe(QUESTION);
    await screenshot(dics, 'threads-asked');
    await closeDialog(dics);
    let cls = await waitForMarker(dics, grid, '2021', 'cell-thread-open');
    expect(cls).toContain('cell-thread');
    expect(await (await gridCell(dics, grid, 1, '2021')).getAttribute('title')).toContain(`Question de la DiCS (Question ouverte) : ${QUESTION}`);
    await dics.locator('[data-testid="fiche-threads"]').waitFor();
    expect(await dics.locator('[data-testid="fiche-threads"]').innerText()).toBe('1 question de la DiCS (1 non résolue)');

    // The chef de projet sees the marker, opens the question from the cell and answers.
    const chef = await openPage(suite.browser, suite.errors, suite.server);
    await openFiche(chef, action);
    await waitForMarker(chef, grid, '2021', 'cell-thread-open');
    await (await gridCell(chef, grid, 1, '2021')).click({ button: 'right' });
    await chef.locator('.htContextMenu tr', { hasText: 'Historique de la cellule' }).waitFor();
    expect(await chef.locator('.htContextMenu tr', { hasText: 'Poser une question' }).count()).toBe(0);
    await chef.locator('.htContextMenu td', { hasText: 'Questions de la DiCS' }).click();
    dialog = await threadsDialog(chef);
    expect(await dialog.locator('[data-testid="thread"]').count()).toBe(1);
    expect(await dialog.getByRole('button', { name: 'Marquer comme résolu' }).count()).toBe(0);
    expect(await dialog.locator('[data-testid="thread-question"]').count()).toBe(0);
    await dialog.locator('[data-testid="thread-reply"]').fill(ANSWER);
    await dialog.getByRole('button', { name: 'Répondre' }).click();
    await dialog.locator('[data-testid="thread"][data-status="repondu"]').waitFor();
    expect(await dialog.locator('[data-testid="thread-status"]').innerText()).toBe('Réponse donnée');
    const answered = dialog.locator('[data-testid="thread-message"]').nth(1);
    expect(await answered.getAttribute('data-nature')).toBe('reponse');
    expect(await answered.innerText()).toContain(CHEF_NAME);
    expect(await answered.locator('.thread-text').innerText()).toBe(ANSWER);
    await screenshot(chef, 'threads-answered');
    await closeDialog(chef);
    await waitForMarker(chef, grid, '2021', 'cell-thread-answered');
    await (await gridCell(chef, grid, 0, '2020')).click();
    await screenshot(chef, 'threads-marker');

    // The fiche's count opens every question of the fiche.
    await chef.locator('[data-testid="fiche-threads"]').click();
    dialog = await threadsDialog(chef);
    expect(await dialog.getAttribute('data-scope')).toBe('fiche');
    expect(await dialog.locator('[data-testid="thread"] h3').innerText()).toMatch(/Réalisé 2021.*Rapport 2021 — Réponse donnée/i);
    await chef.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await chef.close();

    // The DiCS reads the answer (the dialog reloads the questions) and marks the question resolved.
    await (await gridCell(dics, grid, 1, '2021')).click({ button: 'right' });
    await dics.locator('.htContextMenu td', { hasText: 'Questions de la DiCS' }).click();
    dialog = await threadsDialog(dics);
    expect(await dialog.locator('[data-testid="thread-status"]').innerText()).toBe('Réponse donnée');
    expect(await dialog.getByRole('button', { name: 'Relancer la question' }).count()).toBe(1);
    await dialog.getByRole('button', { name: 'Marquer comme résolu' }).click();
    await dialog.locator('[data-testid="thread"][data-status="resolu"]').waitFor();
    expect(await dialog.locator('[data-testid="thread-status"]').innerText()).toBe('Résolu');
    // A resolved question takes no more messages.
    expect(await dialog.locator('[data-testid="thread-reply"]').count()).toBe(0);
    await closeDialog(dics);
    cls = await waitForMarker(dics, grid, '2021', 'cell-thread-resolved');
    expect(cls).not.toContain('cell-thread-open');
    expect(cls).not.toContain('cell-thread-answered');
    expect(await dics.locator('[data-testid="fiche-threads"]').innerText()).toBe('1 question de la DiCS');
    await screenshot(dics, 'threads-resolved');
    await dics.close();

    // What the suite.server stored.
    const res = await suite.server.api<ReviewThread[]>('GET', `/api/plans/${suite.server.planId}/threads`);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    const [thread] = res.body;
    expect(thread).toMatchObject({ annee: 2021, chemin, statut: 'resolu', ouvertPar: DICS_NAME });
    expect(thread!.messages.map((m) => [m.nature, m.auteur, m.texte])).toEqual([
      ['question', DICS_NAME, QUESTION],
      ['reponse', CHEF_NAME, ANSWER],
      ['resolution', DICS_NAME, 'Question résolue'],
    ]);
  });
});

describe('DiCS questions on the other yearly grids', () => {
  it('marks a time share, a consumption and a transfer of a year, and opens their questions', async () => {
    const plan = await getPlan(suite.server);
    const transfer = plan.transferts[0]!;
    const category = TIME_CATEGORIES[0]!.code;
    const cases = [
      { href: `temps`, grid: 'Répartition de l’activité du chef de projet', row: 0, chemin: `repartitionTemps.${category}.2022` },
      {
        href: `consommation`,
        grid: 'Consommation réelle par année (E-compte)',
        row: 2 /* 2022, the third year of 2020-2026 */,
        key: 'montant',
        chemin: 'consommation.2022',
      },
      { href: `finances/transferts/2022`, grid: 'Transferts par partenaire et par année', row: 0, chemin: `transferts.${transfer.id}.parAnnee.2022` },
    ];
    const ids: string[] = [];
    for (const c of cases) {
      const res = await suite.server.api<ReviewThread>(
        'POST',
        `/api/plans/${suite.server.planId}/threads`,
        { annee: 2022, chemin: c.chemin, texte: `Question sur ${c.chemin}` },
        DICS,
      );
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    expect((await suite.server.api('POST', `/api/plans/${suite.server.planId}/threads/${ids[2]}/resolve`, { texte: null }, DICS)).status).toBe(200);

    const page = await openPage(suite.browser, suite.errors, suite.server);
    for (const [i, c] of cases.entries()) {
      await page.goto(`${suite.server.url}/#/plan/${suite.server.planId}/${c.href}`);
      const key = c.key ?? '2022';
      const cls = await waitForMarker(page, c.grid, key, i === 2 ? 'cell-thread-resolved' : 'cell-thread-open', c.row);
      expect(cls).toContain('cell-thread');
      const cell = await gridCell(page, c.grid, c.row, key);
      expect(await cell.getAttribute('title')).toContain(`Question sur ${c.chemin}`);
      await cell.click({ button: 'right' });
      await page.locator('.htContextMenu td', { hasText: 'Questions de la DiCS' }).click();
      const dialog = await threadsDialog(page);
      expect(await dialog.locator('[data-testid="thread"]').count()).toBe(1);
      expect(await dialog.locator('[data-testid="thread-reply"]').count()).toBe(i === 2 ? 0 : 1);
      await closeDialog(page);
    }
    await page.close();
  });
});
