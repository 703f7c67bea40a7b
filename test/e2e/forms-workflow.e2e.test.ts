import { describe, expect, it } from 'vitest';
import type { FormDocument } from '../../schemas/form-document.ts';
import type { FormThread } from '../../schemas/form-workflow.ts';
import { browserSuite, getPlan, openPage, screenshot } from './harness.ts';

/**
 * The review of a form document in real Chromium against the real server: the chef de projet submits the evaluation
 * (it turns read-only), the DiCS finds it under « Formulaires soumis » in the review queue, returns it with a motif
 * and asks a question on one working group's objectives, and the chef de projet reads the motif and answers.
 */
const suite = browserSuite();

const DICS = 'dics@wallonie.demo';
const MOTIF = 'Les objectifs du deuxième groupe manquent';
const QUESTION = 'Quels objectifs pour ce groupe de travail ?';
const ANSWER = 'Ils seront fixés à la réunion de mars.';

describe('the review of a form document', () => {
  it('is submitted by the chef, returned with a motif and questioned by the DiCS, answered by the chef', { timeout: 180_000 }, async () => {
    const { server } = suite;
    const plan = await getPlan(server);
    const base = `/api/plans/${server.planId}/forms`;
    const created = (await server.api<FormDocument>('POST', base, { kind: 'evaluation-groupes-de-travail', title: 'Évaluation 2025' })).body;
    const data = structuredClone(created.data);
    data.origines!.periode = 'sixMois';
    await server.api('PUT', `${base}/${created.id}`, { version: created.version, data });
    const href = `${server.url}/#/plan/${server.planId}/formulaires/${created.id}`;

    // The chef de projet submits: the document turns read-only.
    const chef = await openPage(suite.browser, suite.errors, server);
    await chef.goto(href);
    const status = chef.getByTestId('form-review-status');
    await expect.poll(() => status.getAttribute('data-status')).toBe('brouillon');
    await chef.getByTestId('form-submit').click();
    await chef.getByTestId('confirm-dialog').getByRole('button', { name: 'Soumettre' }).click();
    await expect.poll(() => chef.getByTestId('form-review-status').getAttribute('data-status')).toBe('soumis');
    expect(await chef.getByLabel('Évaluation *').isDisabled()).toBe(true);
    expect(await chef.getByTestId('form-submit').count()).toBe(0);

    // The DiCS finds it in the review queue, returns it with a motif and asks about one field.
    const dics = await openPage(suite.browser, suite.errors, server, DICS);
    await dics.goto(`${server.url}/#/region/queue/${plan.programmeId}`);
    const row = dics.getByTestId('form-queue-row');
    await row.waitFor();
    expect(await row.innerText()).toContain('Évaluation 2025');
    await row.getByTestId('form-queue-open').click();
    await dics.getByTestId('form-approve').waitFor();
    await dics.getByTestId('form-return').click();
    const returnDialog = dics.getByTestId('form-return-dialog');
    await returnDialog.getByTestId('decision-motif').fill(MOTIF);
    await returnDialog.getByTestId('decision-confirm').click();
    await expect.poll(() => dics.getByTestId('form-review-status').getAttribute('data-status')).toBe('retourne');
    const group = plan.reunionsOrganisees[1]!.thematique;
    await dics.getByTestId('thread-field').selectOption({ label: `B. Evaluation · Groupe de travail 2 « ${group} » · Objectifs` });
    await dics.getByTestId('thread-question').fill(QUESTION);
    await dics.getByTestId('thread-ask').click();
    const asked = dics.getByTestId('thread');
    await asked.waitFor();
    expect(await asked.getByTestId('thread-status').innerText()).toBe('Question ouverte');
    await screenshot(dics, 'form-workflow-returned');
    await dics.getByTestId('form-review').scrollIntoViewIfNeeded();
    await screenshot(dics, 'form-workflow-status');

    // The chef de projet reads the motif and the question, and answers.
    await chef.reload();
    await expect.poll(() => chef.getByTestId('form-review-status').getAttribute('data-status')).toBe('retourne');
    expect(await chef.getByTestId('form-review-motif').innerText()).toBe(MOTIF);
    expect(await chef.getByLabel('Évaluation *').isDisabled()).toBe(false);
    // The question is marked beside its field (the second working group's objectives) and listed under the document.
    const marker = chef.getByTestId('form-group-item').nth(1).getByTestId('form-field-thread');
    await marker.waitFor();
    expect(await marker.innerText()).toBe('Question de la DiCS : Question ouverte');
    const thread = chef.getByTestId('thread');
    await thread.waitFor();
    expect(await thread.innerText()).toContain(QUESTION);
    await thread.getByTestId('thread-reply').fill(ANSWER);
    await thread.getByTestId('thread-send').click();
    await expect.poll(() => chef.getByTestId('thread-status').innerText()).toBe('Réponse donnée');
    await screenshot(chef, 'form-workflow-answered');

    const stored = (await server.api<FormDocument>('GET', `${base}/${created.id}`)).body;
    expect(stored).toMatchObject({ statut: 'retourne', motif: MOTIF });
    const threads = (await server.api<FormThread[]>('GET', `${base}/${created.id}/threads`)).body;
    expect(threads.map((t) => [t.chemin, t.statut, t.messages.map((m) => m.texte)])).toEqual([
      ['evaluation.groupes.1.objectifs', 'repondu', [QUESTION, ANSWER]],
    ]);
  });
});
