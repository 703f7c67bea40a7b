import { describe, expect, it } from 'vitest';
import { loadFormDefinitions } from '../../server/form-definitions.ts';
import { expectApiError, failure, makeLiegeApp, reply, type AccountName } from '../helpers.ts';

/**
 * The review of a form document by the DiCS, as the plan's submissions: the chef de projet submits a complete
 * document (read-only from then on), the DiCS approves it or returns it with a motif, a returned one is corrected and
 * submitted again, a submitted or approved one is reopened with a motif (an approved one only by the DiCS). Each step
 * is checked against the version, kept with who and when, and written in the plan's audit trail. The DiCS asks
 * questions on one field of a document; the commune answers; the DiCS resolves or asks again.
 */

const EVALUATION = 'evaluation-groupes-de-travail';

describe('the review of a form document', () => {
  const setup = async () => {
    const t = makeLiegeApp({ forms: loadFormDefinitions() });
    const param = { planId: t.plan.id };
    const forms = (name: AccountName = 'chef') => t.apiAs(name).plans[':planId'].forms;
    const created = (await reply(forms().$post({ param, json: { kind: EVALUATION, title: 'Évaluation 2025' } }))).body;
    const documentParam = { ...param, documentId: created.id };
    const doc = (name: AccountName = 'chef') => forms(name)[':documentId'];
    /** The document filled in (its one required field) and saved: version 1. */
    const complete = async () => {
      const data = structuredClone(created.data);
      data.origines!.periode = 'sixMois';
      return (await reply(doc().$put({ param: documentParam, json: { version: 0, data } }))).body;
    };
    const history = async () => (await reply(t.apiAs('chef').plans[':planId'].history.$get({ param, query: {} }))).body;
    return { ...t, param, forms, doc, documentParam, created, complete, history };
  };

  it('runs submit → return with a motif → corrected → submitted again → approved → reopened by the DiCS, each step audited', async () => {
    const t = await setup();
    expect(t.created).toMatchObject({ statut: 'brouillon', soumisLe: null, decideLe: null, motif: null });
    const saved = await t.complete();

    const submitted = await reply(t.doc().submit.$post({ param: t.documentParam, json: { version: saved.version } }));
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ statut: 'soumis', version: 2, soumisPar: expect.any(String), soumisLe: expect.any(String) });

    // Read-only while the DiCS reads it: saves, imports and deletion are refused, naming the status.
    const save = await failure(t.doc().$put({ param: t.documentParam, json: { version: 2, data: saved.data } }));
    expect(expectApiError(save, 409, 'conflict', 'statut').message).toBe(
      'Impossible de modifier le formulaire « Évaluation 2025 » : il est soumis à la DiCS, son contenu est en lecture seule (rouvrez-le avec un motif pour le modifier)',
    );
    const exported = await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${t.created.id}/export.xlsx`);
    const form = new FormData();
    form.set('file', new File([new Uint8Array(await exported.arrayBuffer())], 'evaluation.xlsx'));
    const imported = await t.as('chef').request(`/api/plans/${t.plan.id}/forms/${t.created.id}/import.xlsx`, { method: 'POST', body: form });
    expect(imported.status).toBe(409);
    expect(((await imported.json()) as { message: string }).message).toMatch(
      /^Impossible d’importer un classeur dans le formulaire « Évaluation 2025 » : il est soumis/,
    );
    expectApiError(await failure(t.doc().$delete({ param: t.documentParam, query: { version: '2' } })), 409, 'conflict', 'statut');
    expectApiError(await failure(t.doc().submit.$post({ param: t.documentParam, json: { version: 2 } })), 409, 'conflict', 'statut');

    // Returned with a motif: editable again, the motif kept with who decided.
    const noMotif = await failure(t.doc('dics').return.$post({ param: t.documentParam, json: { version: 2, motif: ' ' } }));
    expectApiError(noMotif, 400, 'validation', 'motif');
    const returned = await reply(t.doc('dics').return.$post({ param: t.documentParam, json: { version: 2, motif: 'Complétez les objectifs du groupe 2' } }));
    expect(returned.body).toMatchObject({
      statut: 'retourne',
      version: 3,
      motif: 'Complétez les objectifs du groupe 2',
      decidePar: expect.stringMatching(/\(Agent de la DiCS\)$/),
    });
    const chefNotices = (await reply(t.apiAs('chef').me.notifications.$get())).body.notifications;
    expect(chefNotices[0]).toMatchObject({
      nature: 'retour',
      titre: 'Formulaire « Évaluation 2025 » retourné pour correction par la DiCS',
      lien: `#/plan/${t.plan.id}/formulaires/${t.created.id}`,
    });

    const data = structuredClone(saved.data);
    (data.evaluation!.groupes as { objectifs: string[] }[])[1]!.objectifs = ['Mobiliser les jeunes du quartier'];
    const corrected = await reply(t.doc().$put({ param: t.documentParam, json: { version: 3, data } }));
    expect(corrected.body).toMatchObject({ version: 4, statut: 'retourne' });
    const again = await reply(t.doc().submit.$post({ param: t.documentParam, json: { version: 4 } }));
    expect(again.body).toMatchObject({ statut: 'soumis', version: 5, motif: null, decideLe: null });

    const approved = await reply(t.doc('dics').approve.$post({ param: t.documentParam, json: { version: 5 } }));
    expect(approved.body).toMatchObject({ statut: 'approuve', version: 6, motif: null, decideLe: expect.any(String) });
    expect((await reply(t.forms('finance').$get({ param: t.param }))).body[0]).toMatchObject({ statut: 'approuve', version: 6 });

    // An approved document: only the DiCS reopens it, with a motif; the commune may not.
    const chefReopen = await failure(t.doc().reopen.$post({ param: t.documentParam, json: { version: 6, motif: 'Oubli' } }));
    expect(expectApiError(chefReopen, 403, 'forbidden').message).toBe('Le formulaire « Évaluation 2025 » est approuvé : seule la DiCS peut le rouvrir');
    const reopened = await reply(t.doc('dics').reopen.$post({ param: t.documentParam, json: { version: 6, motif: 'Erreur de période' } }));
    expect(reopened.body).toMatchObject({ statut: 'rouvert', version: 7, motif: 'Erreur de période' });
    expect(
      (await reply(t.doc().$put({ param: t.documentParam, json: { version: 7, data: { ...data, conclusions: { conclusions: ['Bilan positif'] } } } }))).status,
    ).toBe(200);

    const entries = (await t.history()).map((e) => [e.event, e.summary, e.reason ?? null]);
    expect(entries.slice(0, 7)).toEqual([
      ['modification', 'Formulaire « Évaluation 2025 » modifié', null],
      ['reouverture', 'Formulaire « Évaluation 2025 » (approuvé) rouvert : Erreur de période', 'Erreur de période'],
      ['approbation', 'Formulaire « Évaluation 2025 » approuvé par la DiCS', null],
      ['soumission', 'Formulaire « Évaluation 2025 » soumis à nouveau à la DiCS (version 4)', null],
      ['modification', 'Formulaire « Évaluation 2025 » modifié', null],
      ['retour', 'Formulaire « Évaluation 2025 » retourné à la commune : Complétez les objectifs du groupe 2', 'Complétez les objectifs du groupe 2'],
      ['soumission', 'Formulaire « Évaluation 2025 » soumis à la DiCS (version 1)', null],
    ]);
  });

  it('lets the commune take back a document the DiCS has not decided on', async () => {
    const t = await setup();
    const saved = await t.complete();
    await reply(t.doc().submit.$post({ param: t.documentParam, json: { version: saved.version } }));
    const reopened = await reply(t.doc().reopen.$post({ param: t.documentParam, json: { version: 2, motif: 'Une erreur dans les dates' } }));
    expect(reopened.body).toMatchObject({ statut: 'rouvert', version: 3 });
    expectApiError(await failure(t.doc('dics').approve.$post({ param: t.documentParam, json: { version: 3 } })), 409, 'conflict', 'statut');
  });

  it('refuses to submit a document with required fields blank, naming each', async () => {
    const t = await setup();
    const blank = await failure(t.doc().submit.$post({ param: t.documentParam, json: { version: 0 } }));
    const error = expectApiError(blank, 400, 'validation', 'data.origines.periode');
    expect(error.message).toMatch(
      /^Le formulaire « Évaluation 2025 » ne peut pas encore être soumis : 1 champ\(s\) obligatoire\(s\) à compléter \(A\. Origines du projet · Évaluation\)/,
    );
  });

  it('answers 409 to a step taken on a stale version, with the stored document', async () => {
    const t = await setup();
    const saved = await t.complete();
    const stale = await failure(t.doc().submit.$post({ param: t.documentParam, json: { version: 0 } }));
    expect(expectApiError(stale, 409, 'conflict').message).toMatch(/a été modifié\(e\) entre-temps \(version 1, vous aviez la version 0\)/);
    expect(stale.body.current).toMatchObject({ version: 1, statut: 'brouillon' });
    await reply(t.doc().submit.$post({ param: t.documentParam, json: { version: saved.version } }));
    expectApiError(await failure(t.doc('dics').approve.$post({ param: t.documentParam, json: { version: 1 } })), 409, 'conflict');
    expectApiError(await failure(t.doc('dics').return.$post({ param: t.documentParam, json: { version: 1, motif: 'x' } })), 409, 'conflict');
  });

  it('gives each step to its role only: 403 for the others, 404 for another commune', async () => {
    const t = await setup();
    const saved = await t.complete();
    const param = t.documentParam;
    for (const name of ['finance', 'partenaire', 'dics'] as const) {
      expectApiError(await failure(t.doc(name).submit.$post({ param, json: { version: saved.version } })), 403, 'forbidden');
    }
    expectApiError(await failure(t.doc('autreCommune').submit.$post({ param, json: { version: saved.version } })), 404, 'not_found');
    await reply(t.doc().submit.$post({ param, json: { version: saved.version } }));
    for (const name of ['chef', 'finance', 'partenaire'] as const) {
      expectApiError(await failure(t.doc(name).approve.$post({ param, json: { version: 2 } })), 403, 'forbidden');
      expectApiError(await failure(t.doc(name).return.$post({ param, json: { version: 2, motif: 'Non' } })), 403, 'forbidden');
      expectApiError(await failure(t.doc(name).threads.$post({ param, json: { chemin: 'origines.periode', texte: 'Pourquoi ?' } })), 403, 'forbidden');
    }
    const thread = (await reply(t.doc('dics').threads.$post({ param, json: { chemin: 'origines.periode', texte: 'Pourquoi ?' } }))).body;
    for (const name of ['finance', 'partenaire'] as const) {
      expectApiError(await failure(t.doc(name).reopen.$post({ param, json: { version: 2, motif: 'Non' } })), 403, 'forbidden');
    }
    for (const name of ['chef', 'finance', 'partenaire'] as const) {
      expectApiError(
        await failure(t.doc(name).threads[':threadId'].resolve.$post({ param: { ...param, threadId: thread.id }, json: { texte: null } })),
        403,
        'forbidden',
      );
    }
    expectApiError(
      await failure(t.doc('autreCommune').threads[':threadId'].messages.$post({ param: { ...param, threadId: thread.id }, json: { texte: 'Moi ?' } })),
      404,
      'not_found',
    );
    expectApiError(await failure(t.doc('autreCommune').threads.$get({ param })), 404, 'not_found');
    for (const name of ['chef', 'finance', 'partenaire'] as const) {
      expectApiError(await failure(t.apiAs(name).region.queue.forms.$get({ query: { programme: t.plan.programmeId } })), 403, 'forbidden');
    }
    expect((await reply(t.doc('admin').approve.$post({ param, json: { version: 2, motif: 'Vu' } }))).body.statut).toBe('approuve');
  });

  it('lists submitted documents in the DiCS’s review queue with a link, until decided', async () => {
    const t = await setup();
    const queue = () => reply(t.apiAs('dics').region.queue.forms.$get({ query: { programme: t.plan.programmeId } }));
    expect((await queue()).body).toEqual([]);
    const saved = await t.complete();
    await reply(t.doc().submit.$post({ param: t.documentParam, json: { version: saved.version } }));
    await reply(t.doc('dics').threads.$post({ param: t.documentParam, json: { chemin: 'origines.periode', texte: 'Est-ce bien à 6 mois ?' } }));
    const listed = (await queue()).body;
    expect(listed).toEqual([
      {
        planId: t.plan.id,
        documentId: t.created.id,
        porteur: expect.any(String),
        kind: EVALUATION,
        kindLabel: 'Évaluation des groupes de travail',
        title: 'Évaluation 2025',
        soumisLe: expect.any(String),
        soumisPar: expect.any(String),
        joursAttente: 0,
        questionsOuvertes: 1,
        lien: `#/plan/${t.plan.id}/formulaires/${t.created.id}`,
      },
    ]);
    expect(listed[0]!.porteur).toMatch(/Liège/);
    await reply(t.doc('dics').approve.$post({ param: t.documentParam, json: { version: 2 } }));
    expect((await queue()).body).toEqual([]);
    expectApiError(await failure(t.apiAs('dics').region.queue.forms.$get({ query: { programme: 'pcs-1990' } })), 404, 'not_found');
  });
});

describe('the DiCS’s questions on a field of a document', () => {
  it('asks on a field of a block, named as the audit names it; the commune answers; the DiCS asks again, then resolves', async () => {
    const t = makeLiegeApp({ forms: loadFormDefinitions() });
    const param = { planId: t.plan.id };
    const created = (await reply(t.apiAs('chef').plans[':planId'].forms.$post({ param, json: { kind: EVALUATION, title: 'Évaluation 2025' } }))).body;
    const documentParam = { ...param, documentId: created.id };
    const doc = (name: AccountName) => t.apiAs(name).plans[':planId'].forms[':documentId'];
    const group = t.plan.reunionsOrganisees[1]!.thematique;

    const opened = await reply(
      doc('dics').threads.$post({ param: documentParam, json: { chemin: 'evaluation.groupes.1.objectifs', texte: 'Quels objectifs ?' } }),
    );
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({
      documentId: created.id,
      chemin: 'evaluation.groupes.1.objectifs',
      libelle: `Formulaire « Évaluation 2025 » · B. Evaluation · Groupe de travail 2 « ${group} » · Objectifs`,
      statut: 'ouvert',
    });
    const threadParam = { ...documentParam, threadId: opened.body.id };

    const answered = await reply(doc('finance').threads[':threadId'].messages.$post({ param: threadParam, json: { texte: 'Voir le compte rendu du 3 mars' } }));
    expect(answered.body.statut).toBe('repondu');
    const asked = await reply(doc('dics').threads[':threadId'].messages.$post({ param: threadParam, json: { texte: 'Lequel ?' } }));
    expect(asked.body.statut).toBe('ouvert');
    await reply(doc('chef').threads[':threadId'].messages.$post({ param: threadParam, json: { texte: 'Celui de mars' } }));
    const resolved = await reply(doc('dics').threads[':threadId'].resolve.$post({ param: threadParam, json: { texte: null } }));
    expect(resolved.body.statut).toBe('resolu');
    expect(resolved.body.messages.map((m) => [m.nature, m.texte])).toEqual([
      ['question', 'Quels objectifs ?'],
      ['reponse', 'Voir le compte rendu du 3 mars'],
      ['question', 'Lequel ?'],
      ['reponse', 'Celui de mars'],
      ['resolution', 'Question résolue'],
    ]);
    expectApiError(await failure(doc('chef').threads[':threadId'].messages.$post({ param: threadParam, json: { texte: 'Encore' } })), 409, 'conflict');
    expectApiError(await failure(doc('chef').threads[':threadId'].resolve.$post({ param: threadParam, json: { texte: null } })), 403, 'forbidden');
    const listed = await reply(doc('partenaire').threads.$get({ param: documentParam }));
    expect(listed.body.map((th) => th.statut)).toEqual(['resolu']);

    const history = (await reply(t.apiAs('chef').plans[':planId'].history.$get({ param, query: {} }))).body;
    expect(history.slice(0, 2).map((e) => [e.event, e.summary])).toEqual([
      ['resolution', `Question résolue : « Formulaire « Évaluation 2025 » · B. Evaluation · Groupe de travail 2 « ${group} » · Objectifs »`],
      ['reponse', `Réponse sur « Formulaire « Évaluation 2025 » · B. Evaluation · Groupe de travail 2 « ${group} » · Objectifs » : Celui de mars`],
    ]);
    expect(history.find((e) => e.event === 'question')!.summary).toBe(
      `Nouvelle question sur « Formulaire « Évaluation 2025 » · B. Evaluation · Groupe de travail 2 « ${group} » · Objectifs » : Lequel ?`,
    );
  });

  it('refuses a question on a field the document does not hold', async () => {
    const t = makeLiegeApp({ forms: loadFormDefinitions() });
    const param = { planId: t.plan.id };
    const created = (await reply(t.apiAs('chef').plans[':planId'].forms.$post({ param, json: { kind: EVALUATION } }))).body;
    const threads = t.apiAs('dics').plans[':planId'].forms[':documentId'].threads;
    const documentParam = { ...param, documentId: created.id };
    const blocks = (created.data.evaluation!.groupes as unknown[]).length;
    for (const chemin of ['origines.inconnu', `evaluation.groupes.${blocks}.objectifs`, 'evaluation.groupes', 'autre.periode']) {
      const refused = await failure(threads.$post({ param: documentParam, json: { chemin, texte: 'Pourquoi ?' } }));
      expect(expectApiError(refused, 400, 'validation', 'chemin').message, chemin).toMatch(/^Le champ questionné n’existe pas dans le formulaire/);
    }
    expectApiError(await failure(threads.$post({ param: documentParam, json: { chemin: '../x', texte: 'Pourquoi ?' } })), 400, 'validation', 'chemin');
  });
});
