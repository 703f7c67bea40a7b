import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { CellEdit } from '../../schemas/cells.ts';
import type { Plan } from '../../schemas/plan.ts';
import type { Submission } from '../../schemas/submission.ts';
import { settleSubmissionFiles } from '../../server/services/submissions.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';
import { unitBounds } from '../../schemas/numbers.ts';

const pdfText = (bytes: Uint8Array, name: string) => pdfPages(savePdf(bytes, name)).join('\n');
import { clientOf, expectApiError, failure, getPlan, makeLiegeApp, reply, sendRaw, type Api } from '../helpers.ts';
import { justifyMissingFicheValues } from '../checklist.ts';

/** The annual report's path: checklist, submission (snapshot + files), review, return, re-submission. */

const YEAR = 2021;

/** Every indicator's actual for the year, as the chef de projet types them (the target when there is one). */
function actualsOf(plan: Plan, year: number, bump = 0): CellEdit[] {
  return plan.actions.flatMap((a) =>
    a.indicators.map((i) => {
      const cell = i.values[String(year)];
      return {
        grid: 'indicator-actual',
        row: i.id,
        period: String(year),
        value: (cell?.target ?? Math.max(1, unitBounds(i.unit).min)) + bump,
        version: cell?.actualVersion ?? 0,
      };
    }),
  );
}

/**
 * Liège with its 2021 actuals filled, the mandatory values its printed fiches lack excused, and its one error (ex-ante
 * time shares at 95 %) justified.
 */
async function readyLiege() {
  const t = makeLiegeApp();
  const chef = t.as('chef');
  const chefApi = clientOf(chef);
  const param = { planId: t.plan.id };
  expect((await reply(chefApi.plans[':planId'].cells.$put({ param, json: { cells: actualsOf(t.plan, YEAR) } }))).status).toBe(200);
  // justifyMissingFicheValues is shared with the browser tests, which send through their own server: it takes an untyped sender.
  expect(await justifyMissingFicheValues((m, p, b) => sendRaw(chef, m, p, b), t.plan.id, YEAR)).toBe(50);
  const error = (await reply(chefApi.plans[':planId'].checks.$get({ param }))).body.find((f) => f.level === 'error')!;
  const justified = await reply(
    chefApi.plans[':planId'].justifications.$put({
      param,
      json: { version: 0, data: { cle: error.key, texte: 'Le formulaire officiel imprimait 95 %', auteur: 'x' } },
    }),
  );
  expect(justified.status).toBe(200);
  return { ...t, chef, chefApi, param };
}

async function submit(api: Api, planId: string): Promise<Submission> {
  const res = await reply(api.plans[':planId'].submissions.$post({ param: { planId }, json: { annee: YEAR } }));
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(202);
  await settleSubmissionFiles(res.body.id);
  return res.body;
}

describe('the completeness checklist', () => {
  it('lists the missing actuals, the unbalanced budget and the unjustified errors, and refuses the submission', async () => {
    const t = makeLiegeApp();
    const chefApi = t.apiAs('chef');
    const param = { planId: t.plan.id };
    const checklist = (await reply(chefApi.plans[':planId'].submissions.checklist.$get({ param, query: { annee: String(YEAR) } }))).body;
    expect(checklist.pret).toBe(false);
    const byId = Object.fromEntries(checklist.elements.map((e) => [e.id, e]));
    expect(byId.realises!.ok).toBe(false);
    expect(byId.realises!.details).toHaveLength(175);
    expect(byId.realises!.details[0]!.message).toMatch(
      /^Fiche 1\.1\.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021$/,
    );
    // What the printed form really lacks: fiches printed with their header only, and a few fields of others.
    expect(byId['fiche-plan']!.ok).toBe(true);
    expect(byId.actions!.ok).toBe(true);
    expect(byId.fiches!.ok).toBe(false);
    expect(byId.fiches!.details).toHaveLength(50);
    expect(byId.fiches!.details.map((d) => d.message)).toContain('Fiche 5.5.02 : au moins un indicateur');
    expect(byId.budget!.ok).toBe(true);
    expect(byId.constats!.ok).toBe(false);
    expect(byId.constats!.details[0]!.message).toMatch(/Ex-ante : le total est 95,0\u00a0%/);
    const refused = await failure(chefApi.plans[':planId'].submissions.$post({ param, json: { annee: YEAR } }));
    expectApiError(refused, 400, 'validation');
    expect(refused.body.message).toMatch(/^Le rapport 2021 ne peut pas encore être soumis/);
    expect(refused.body.issues).toHaveLength(175 + 50 + 1);
    expect((await reply(chefApi.plans[':planId'].submissions.$get({ param, query: {} }))).body).toEqual([]);
  });

  it('says so for a year outside the programme (the year after its last), and not for its last year', async () => {
    const t = makeLiegeApp();
    const { years } = t.reference.programmes.find((p) => p.id === t.plan.programmeId)!;
    const checklist = (annee: number) =>
      t.apiAs('chef').plans[':planId'].submissions.checklist.$get({ param: { planId: t.plan.id }, query: { annee: String(annee) } });
    const last = years[years.length - 1]!;
    const outside = expectApiError(await failure(checklist(last + 1)), 400, 'validation', 'annee');
    expect(outside.message).toBe(`L'année ${last + 1} n'appartient pas au programme (2020-2026)`);
    expect((await reply(checklist(last))).status).toBe(200);
  });
});

describe('submitting, returning and re-submitting the 2021 report', () => {
  it('freezes the year, stores the files with their SHA-256, and the next submission lists the changes', async () => {
    const t = await readyLiege();
    const { chef, chefApi, param } = t;
    const plans = chefApi.plans[':planId'];
    const first = await submit(chefApi, param.planId);
    expect(first).toMatchObject({ annee: YEAR, numero: 1, statut: 'soumis', soumisPar: 'Claire Dumont (cheffe de projet PCS, Liège)', changements: [] });
    const [stored] = (await reply(plans.submissions.$get({ param, query: {} }))).body;
    expect(stored!.fichiers).toBe('prets');
    const submission = (s: Submission) => ({ param: { ...param, submissionId: s.id } });

    // The files as generated, with their hash.
    const pdf = await plans.submissions[':submissionId']['report.pdf'].$get(submission(first));
    const pdfBytes = new Uint8Array(await pdf.arrayBuffer());
    expect(pdf.headers.get('x-cohesio-sha256')).toBe(createHash('sha256').update(pdfBytes).digest('hex'));
    expect(pdf.headers.get('x-cohesio-sha256')).toBe(stored!.pdfSha256);
    expect(pdfText(pdfBytes, 'soumission-2021-1.pdf')).toMatch(/Soumis à la Direction de la Cohésion sociale/);
    const xlsx = await plans.submissions[':submissionId']['report.xlsx'].$get(submission(first));
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    expect(wb.getWorksheet('Fiche plan')).toBeDefined();

    // The year is read-only, whatever the route; another year is not.
    const plan = await getPlan(chef, t.plan.id);
    const indicator = plan.actions[0]!.indicators[0]!;
    const locked = await failure(
      plans.cells.$put({
        param,
        json: { cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2021', value: 5, version: indicator.values['2021']!.actualVersion }] },
      }),
    );
    expectApiError(locked, 409, 'year_locked');
    expect(locked.body.message).toBe(
      'Fiche 1.1.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021 : le rapport 2021 est soumis à la DiCS, ses valeurs sont en lecture seule (rouvrez-le avec un motif pour les modifier)',
    );
    const other = await reply(
      plans.cells.$put({ param, json: { cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2022', value: 5, version: 0 }] } }),
    );
    expect(other.status).toBe(200);
    const deleteAction = await failure(
      plans.actions[':actionId'].$delete({ param: { ...param, actionId: plan.actions[0]!.id }, query: { version: String(plan.actions[0]!.version) } }),
    );
    expectApiError(deleteAction, 409, 'year_locked');
    expectApiError(await failure(plans.submissions.$post({ param, json: { annee: YEAR } })), 409, 'conflict');

    // The DiCS asks about one value and returns the report; the chef answers and corrects.
    const dics = t.apiAs('dics').plans[':planId'];
    const chemin = `actions.${plan.actions[0]!.id}.indicators.${indicator.id}.values.2021.actual`;
    const thread = await reply(dics.threads.$post({ param, json: { annee: YEAR, chemin, texte: 'Cette valeur paraît élevée : pouvez-vous vérifier ?' } }));
    expect(thread.status).toBe(201);
    expect(thread.body).toMatchObject({
      libelle: 'Fiche 1.1.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021',
      statut: 'ouvert',
      ouvertPar: 'Luc Renard (DiCS)',
    });
    expectApiError(await failure(plans.threads.$post({ param, json: { annee: YEAR, chemin, texte: 'x' } })), 403, 'forbidden');
    expectApiError(await failure(plans.submissions[':submissionId'].approve.$post({ ...submission(first), json: {} })), 403, 'forbidden');
    expectApiError(await failure(dics.submissions[':submissionId'].return.$post({ ...submission(first), json: { motif: ' ' } })), 400, 'validation', 'motif');
    const returned = await reply(
      dics.submissions[':submissionId'].return.$post({ ...submission(first), json: { motif: 'Une valeur à vérifier (voir la question)' } }),
    );
    expect(returned.body).toMatchObject({
      statut: 'retourne',
      motif: 'Une valeur à vérifier (voir la question)',
      decidePar: 'Luc Renard (DiCS) (Agent de la DiCS)',
    });

    const threadParam = { param: { ...param, threadId: thread.body.id } };
    const answered = await reply(plans.threads[':threadId'].messages.$post({ ...threadParam, json: { texte: 'Erreur de saisie : corrigé à 3.' } }));
    expect(answered.body.statut).toBe('repondu');
    const fixed = await reply(
      plans.cells.$put({
        param,
        json: { cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2021', value: 3, version: indicator.values['2021']!.actualVersion }] },
      }),
    );
    expect(fixed.status).toBe(200);

    const second = await submit(chefApi, param.planId);
    expect(second.numero).toBe(2);
    const changedCell = second.changements.find((c) => c.path === chemin);
    expect(changedCell).toMatchObject({
      label: 'Fiche 1.1.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021',
      newText: '3',
    });
    // The 2022 value typed in between is a change too.
    expect(second.changements.some((c) => c.path.endsWith('.values.2022.actual'))).toBe(true);
    const secondPdf = pdfText(
      new Uint8Array(await (await plans.submissions[':submissionId']['report.pdf'].$get(submission(second))).arrayBuffer()),
      'soumission-2021-2.pdf',
    );
    expect(secondPdf).toMatch(/Modifications depuis la dernière soumission/);
    expect(secondPdf).toMatch(/Questions de la DiCS/);
    // The first submission's files are kept as they were.
    const again = await plans.submissions[':submissionId']['report.pdf'].$get(submission(first));
    expect(
      createHash('sha256')
        .update(new Uint8Array(await again.arrayBuffer()))
        .digest('hex'),
    ).toBe(stored!.pdfSha256);

    // The DiCS resolves the question and approves; only the DiCS can reopen an approved report.
    expect((await reply(dics.threads[':threadId'].resolve.$post({ ...threadParam, json: { texte: 'Merci' } }))).body.statut).toBe('resolu');
    expect((await reply(dics.submissions[':submissionId'].approve.$post({ ...submission(second), json: {} }))).body.statut).toBe('approuve');
    expectApiError(await failure(plans.submissions[':submissionId'].reopen.$post({ ...submission(second), json: { motif: 'Oubli' } })), 403, 'forbidden');
    expectApiError(await failure(plans.submissions[':submissionId'].approve.$post({ ...submission(first), json: {} })), 403, 'forbidden');

    // Every step is in the trail.
    const history = (await reply(plans.history.$get({ param, query: {} }))).body;
    const events = history.map((e) => e.event).reverse();
    expect(events.filter((e) => e !== 'modification')).toEqual(['soumission', 'question', 'retour', 'reponse', 'soumission', 'resolution', 'approbation']);
  }, 180_000);

  it('lets the chef reopen a submitted year with a reason, audited, and keeps the snapshot immutable', async () => {
    const t = await readyLiege();
    const { param } = t;
    const plans = t.chefApi.plans[':planId'];
    const first = await submit(t.chefApi, param.planId);
    const reopenUrl = `/api/plans/${param.planId}/submissions/${first.id}/reopen`;
    // A reopening without its required motif: a body the typed client refuses to send.
    expectApiError(await sendRaw(t.chef, 'POST', reopenUrl, {}), 400, 'validation', 'motif');
    const submission = { param: { ...param, submissionId: first.id } };
    const reopened = await reply(plans.submissions[':submissionId'].reopen.$post({ ...submission, json: { motif: 'Budget à actualiser' } }));
    expect(reopened.body.statut).toBe('rouvert');
    const history = (await reply(plans.history.$get({ param, query: {} }))).body;
    expect(history[0]).toMatchObject({ event: 'reouverture', reason: 'Budget à actualiser' });
    expect(() => t.db.$client.prepare('update submissions set snapshot = ? where id = ?').run('{}', first.id)).toThrow(/never changes/);
    expect(() => t.db.$client.prepare('update submissions set pdf_sha256 = ? where id = ?').run('x', first.id)).toThrow(/never change/);
    const snapshot = (await reply(plans.submissions[':submissionId']['snapshot.json'].$get(submission))).body;
    expect(snapshot.actions).toHaveLength(29);
    // A plan with a submitted report is an official record.
    expectApiError(await failure(t.api.plans[':planId'].$delete({ param })), 409, 'conflict');
  }, 120_000);
});
