import { describe, expect, it } from 'vitest';
import type { Plan } from '../../schemas/plan.ts';
import type { Submission } from '../../schemas/submission.ts';
import { settleSubmissionFiles } from '../../server/services/submissions.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';
import { expectApiError, failure, makeTestApp, reply, type Api } from '../helpers.ts';

/**
 * Every kind of submission the programme declares runs the review workflow on its own: the draft PCS 2027 asks for
 * an initial plan (2027 only), a yearly financial justification (budget only) and a final evaluation (2032 only).
 */

const JUSTIFICATION = 'justification-financiere';

/** A Liège plan on the draft PCS 2027 whose budget balances, and nothing else filled. */
async function plan2027() {
  const t = makeTestApp();
  const chefApi = t.apiAs('chef');
  const res = await reply(chefApi.plans.$post({ json: { commune: 'Liège', programmeId: 'pcs-2027' } }));
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(201);
  const plan = res.body as Plan;
  const api = chefApi.plans[':planId'];
  const param = { planId: plan.id };
  const budget = {
    recettes: { total: 100_000_00, subventionPcs: 75_000_00, partCommunale: 25_000_00 },
    depenses: { total: 100_000_00, personnel: 100_000_00 },
  };
  const put = await reply(api.sections[':section'].$put({ param: { ...param, section: 'budget' }, json: { version: plan.versions.budget, data: budget } }));
  expect(put.status).toBe(200);
  return { ...t, chefApi, api, dics: t.apiAs('dics').plans[':planId'], param, plan };
}

async function submitKind(api: Api['plans'][':planId'], planId: string, annee: number, kind?: string): Promise<Submission> {
  const res = await reply(api.submissions.$post({ param: { planId }, json: kind === undefined ? { annee } : { annee, kind } }));
  expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(202);
  await settleSubmissionFiles(res.body.id);
  return res.body;
}

/** A time share of the chef de projet for `year`, as the grid sends it. */
const timeCell = (year: number, value: number, version = 0) => ({ grid: 'time' as const, row: 'terrain', period: String(year), value, version });

describe('the checklist of a kind of submission', () => {
  it('holds only the items the kind requires: the financial justification asks for the balanced budget alone', async () => {
    const { api, param } = await plan2027();
    const justification = (await reply(api.submissions.checklist.$get({ param, query: { annee: '2027', kind: JUSTIFICATION } }))).body;
    expect(justification).toMatchObject({ kind: JUSTIFICATION, annee: 2027, pret: true });
    expect(justification.elements.map((e) => e.id)).toEqual(['budget']);
    const initial = (await reply(api.submissions.checklist.$get({ param, query: { annee: '2027', kind: 'plan-initial' } }))).body;
    expect(initial.pret).toBe(false);
    expect(initial.elements.map((e) => e.id)).toEqual(['fiche-plan', 'actions', 'fiches', 'budget']);
  });

  it('refuses a kind the programme does not declare, and the annual report by default where the programme has none', async () => {
    const { api, param } = await plan2027();
    const unknown = await failure(api.submissions.checklist.$get({ param, query: { annee: '2027', kind: 'rapport-trimestriel' } }));
    expectApiError(unknown, 400, 'validation', 'kind');
    expect(unknown.body.message).toBe(
      'Type de soumission inconnu pour ce programme : rapport-trimestriel (types : plan-initial, justification-financiere, evaluation-finale)',
    );
    const byDefault = await failure(api.submissions.$post({ param, json: { annee: 2027 } }));
    expectApiError(byDefault, 400, 'validation', 'kind');
    expect(byDefault.body.message).toMatch(/^Type de soumission inconnu pour ce programme : rapport-annuel \(types : plan-initial, /);
    expectApiError(await failure(api.submissions.$get({ param, query: { kind: 'rapport-annuel' } })), 400, 'validation', 'kind');
  });

  it('refuses a year the kind does not cover: the initial plan is 2027 only, the final evaluation 2032 only', async () => {
    const { api, param } = await plan2027();
    const initial = await failure(api.submissions.$post({ param, json: { annee: 2028, kind: 'plan-initial' } }));
    expectApiError(initial, 400, 'validation', 'annee');
    expect(initial.body.message).toBe("L'année 2028 n'est pas couverte par « Plan initial » (année : 2027)");
    expectApiError(await failure(api.submissions.checklist.$get({ param, query: { annee: '2031', kind: 'evaluation-finale' } })), 400, 'validation', 'annee');
    const outside = await failure(api.submissions.$post({ param, json: { annee: 2026, kind: JUSTIFICATION } }));
    expectApiError(outside, 400, 'validation', 'annee');
    expect(outside.body.message).toBe("L'année 2026 n'appartient pas au programme (2027-2032)");
  });
});

describe('submitting, approving and reopening a financial justification', () => {
  it('runs the workflow for its kind: the year is locked while it is under review or approved, reopened it is not', async () => {
    const { api, dics, param } = await plan2027();
    // The full initial plan would be refused (empty fiche plan), the justification goes through.
    expectApiError(await failure(api.submissions.$post({ param, json: { annee: 2027, kind: 'plan-initial' } })), 400, 'validation');
    const first = await submitKind(api, param.planId, 2027, JUSTIFICATION);
    expect(first).toMatchObject({
      kind: JUSTIFICATION,
      kindLabel: 'Justification financière annuelle',
      echeance: '2028-06-30',
      annee: 2027,
      numero: 1,
      statut: 'soumis',
      changements: [],
    });
    const listed = (await reply(api.submissions.$get({ param, query: { kind: JUSTIFICATION } }))).body;
    expect(listed.map((s) => [s.kind, s.annee, s.numero, s.fichiers])).toEqual([[JUSTIFICATION, 2027, 1, 'prets']]);
    expect((await reply(api.submissions.$get({ param, query: { kind: 'plan-initial' } }))).body).toEqual([]);

    // Its files name the kind.
    const fileParam = { param: { ...param, submissionId: first.id } };
    const pdf = await api.submissions[':submissionId']['report.pdf'].$get(fileParam);
    expect(decodeURIComponent(pdf.headers.get('content-disposition')!)).toContain(
      'PCS Liège 2027-2032 - justification financière annuelle 2027 - soumission 1.pdf',
    );
    const text = pdfPages(savePdf(new Uint8Array(await pdf.arrayBuffer()), 'justification-2027-1.pdf')).join('\n');
    expect(text).toMatch(/Justification financière annuelle\s+2027/);
    const xlsx = await api.submissions[':submissionId']['report.xlsx'].$get(fileParam);
    expect(decodeURIComponent(xlsx.headers.get('content-disposition')!)).toContain('justification financière annuelle 2027 - soumission 1.xlsx');

    // 2027 is read-only while the justification is under review; 2028 is not.
    const locked = await failure(api.cells.$put({ param, json: { cells: [timeCell(2027, 6000)] } }));
    expectApiError(locked, 409, 'year_locked');
    expect(locked.body.message).toMatch(/ : « Justification financière annuelle 2027 » est soumis à la DiCS, ses valeurs sont en lecture seule/);
    expect((await reply(api.cells.$put({ param, json: { cells: [timeCell(2028, 6000)] } }))).status).toBe(200);
    expectApiError(await failure(api.submissions.$post({ param, json: { annee: 2027, kind: JUSTIFICATION } })), 409, 'conflict');

    const submission = { param: { ...param, submissionId: first.id } };
    const approved = await reply(dics.submissions[':submissionId'].approve.$post({ ...submission, json: { motif: 'Conforme' } }));
    expect(approved.body).toMatchObject({ kind: JUSTIFICATION, statut: 'approuve', motif: 'Conforme' });
    const stillLocked = await failure(api.cells.$put({ param, json: { cells: [timeCell(2027, 6000)] } }));
    expectApiError(stillLocked, 409, 'year_locked');
    expect(stillLocked.body.message).toMatch(/« Justification financière annuelle 2027 » est approuvé par la DiCS/);
    // Only the DiCS reopens an approved submission.
    const refused = await failure(api.submissions[':submissionId'].reopen.$post({ ...submission, json: { motif: 'Erreur' } }));
    expectApiError(refused, 403, 'forbidden');
    expect(refused.body.message).toBe('« Justification financière annuelle 2027 » est approuvé : seule la DiCS peut le rouvrir');
    const reopened = await reply(dics.submissions[':submissionId'].reopen.$post({ ...submission, json: { motif: 'Une dépense à corriger' } }));
    expect(reopened.body).toMatchObject({ statut: 'rouvert' });
    const edited = await reply(api.cells.$put({ param, json: { cells: [timeCell(2027, 5000)] } }));
    expect(edited.status).toBe(200);

    // The next justification of 2027 lists what changed since the previous one of the same kind and year.
    const second = await submitKind(api, param.planId, 2027, JUSTIFICATION);
    expect(second.numero).toBe(2);
    expect(second.changements.map((c) => [c.path, c.newText])).toEqual([
      ['repartitionTemps.terrain.2027', expect.stringMatching(/^50/)],
      ['repartitionTemps.terrain.2028', expect.stringMatching(/^60/)],
    ]);
    const history = (await reply(api.history.$get({ param, query: {} }))).body;
    expect(JSON.stringify(history)).toContain('Justification financière annuelle 2027 soumis à la DiCS (soumission n°2, 2 valeur(s) modifiée(s)');
  });

  it('compares a re-submission with the previous one of the same kind and year only', async () => {
    const { api, dics, param } = await plan2027();
    const first2027 = await submitKind(api, param.planId, 2027, JUSTIFICATION);
    await reply(dics.submissions[':submissionId'].return.$post({ param: { ...param, submissionId: first2027.id }, json: { motif: 'À revoir' } }));
    expect((await reply(api.cells.$put({ param, json: { cells: [timeCell(2027, 4000)] } }))).status).toBe(200);
    // The 2028 justification is the first of its year: no changes annex, whatever 2027's submissions hold.
    const first2028 = await submitKind(api, param.planId, 2028, JUSTIFICATION);
    expect(first2028).toMatchObject({ numero: 1, changements: [], echeance: '2029-06-30' });
    const second2027 = await submitKind(api, param.planId, 2027, JUSTIFICATION);
    expect(second2027.numero).toBe(2);
    expect(second2027.changements.map((c) => c.path)).toEqual(['repartitionTemps.terrain.2027']);
    const all = (await reply(api.submissions.$get({ param, query: {} }))).body;
    expect(all.map((s) => [s.kind, s.annee, s.numero, s.statut])).toEqual([
      [JUSTIFICATION, 2027, 1, 'retourne'],
      [JUSTIFICATION, 2027, 2, 'soumis'],
      [JUSTIFICATION, 2028, 1, 'soumis'],
    ]);
  });
});

describe('the obligations of a plan', () => {
  it('lists every kind × covered year with its due date and where it stands', async () => {
    const { api, param } = await plan2027();
    await submitKind(api, param.planId, 2027, JUSTIFICATION);
    const obligations = (await reply(api.obligations.$get({ param }))).body;
    expect(obligations.map((o) => [o.kind, o.annee, o.echeance])).toEqual([
      ['plan-initial', 2027, '2027-03-31'],
      ...[2027, 2028, 2029, 2030, 2031, 2032].map((y) => [JUSTIFICATION, y, `${y + 1}-06-30`]),
      ['evaluation-finale', 2032, '2033-06-30'],
    ]);
    const justification2027 = obligations.find((o) => o.kind === JUSTIFICATION && o.annee === 2027)!;
    expect(justification2027).toMatchObject({ kindLabel: 'Justification financière annuelle', statut: 'soumis', numero: 1, enRetard: false });
    expect(justification2027.submissionId).not.toBeNull();
    // Nothing else submitted: in preparation once its year has begun, not begun before (the clock is today's).
    const today = new Date().toISOString().slice(0, 10);
    const initial = obligations.find((o) => o.kind === 'plan-initial')!;
    expect(initial).toMatchObject({ statut: today < '2027-01-01' ? 'non-commence' : 'brouillon', submissionId: null, numero: null });
    expect(initial.enRetard).toBe(today > '2027-03-31');
  });

  it('answers the annual report of a PCS 2020-2025 plan, due on 31 March of the next year', async () => {
    const t = makeTestApp();
    const res = await reply(t.apiAs('chef').plans.$post({ json: { commune: 'Liège', programmeId: 'pcs-2020-2025' } }));
    const planId = (res.body as Plan).id;
    const obligations = (await reply(t.apiAs('chef').plans[':planId'].obligations.$get({ param: { planId } }))).body;
    expect(obligations.map((o) => [o.kind, o.annee, o.echeance])).toEqual(
      t.reference.programmes.find((p) => p.id === 'pcs-2020-2025')!.years.map((y) => ['rapport-annuel', y, `${y + 1}-03-31`]),
    );
    expect(obligations.every((o) => o.statut === 'brouillon' && o.enRetard === new Date().toISOString().slice(0, 10) > o.echeance)).toBe(true);
  });
});
