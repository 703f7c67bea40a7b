import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../schemas/plan.ts';
import type { Submission } from '../../schemas/submission.ts';
import { settleSubmissionFiles } from '../../server/services/submissions.ts';
import { pdfPages, savePdf } from '../pdf-tools.ts';
import { unitBounds } from '../../schemas/numbers.ts';

const pdfText = (bytes: Uint8Array, name: string) => pdfPages(savePdf(bytes, name)).join('\n');
import { call, expectApiError, getPlan, makeLiegeApp, type TestApp } from '../helpers.ts';
import { justifyMissingFicheValues } from '../checklist.ts';

/** The annual report's path: checklist, submission (snapshot + files), review, return, re-submission. */

const YEAR = 2021;

/** Every indicator's actual for the year, as the chef de projet types them (the target when there is one). */
function actualsOf(plan: Plan, year: number, bump = 0) {
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
  const url = `/api/plans/${t.plan.id}`;
  expect((await call(chef, 'PUT', `${url}/cells`, { cells: actualsOf(t.plan, YEAR) })).status).toBe(200);
  expect(await justifyMissingFicheValues((m, p, b) => call(chef, m, p, b as never), t.plan.id, YEAR)).toBe(50);
  const error = (await call(chef, 'GET', `${url}/checks`)).body.find((f: { level: string }) => f.level === 'error');
  const justified = await call(chef, 'PUT', `${url}/justifications`, {
    version: 0,
    data: { cle: error.key, texte: 'Le formulaire officiel imprimait 95 %', auteur: 'x' },
  });
  expect(justified.status).toBe(200);
  return { ...t, chef, url };
}

async function submit(app: TestApp, url: string): Promise<Submission> {
  const res = await call(app, 'POST', `${url}/submissions`, { annee: YEAR });
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(202);
  await settleSubmissionFiles(res.body.id);
  return res.body as Submission;
}

describe('the completeness checklist', () => {
  it('lists the missing actuals, the unbalanced budget and the unjustified errors, and refuses the submission', async () => {
    const t = makeLiegeApp();
    const chef = t.as('chef');
    const url = `/api/plans/${t.plan.id}`;
    const checklist = (await call(chef, 'GET', `${url}/submissions/checklist?annee=${YEAR}`)).body;
    expect(checklist.pret).toBe(false);
    const byId = Object.fromEntries(checklist.elements.map((e: { id: string }) => [e.id, e]));
    expect(byId.realises.ok).toBe(false);
    expect(byId.realises.details).toHaveLength(175);
    expect(byId.realises.details[0].message).toMatch(
      /^Fiche 1\.1\.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021$/,
    );
    // What the printed form really lacks: fiches printed with their header only, and a few fields of others.
    expect(byId['fiche-plan'].ok).toBe(true);
    expect(byId.actions.ok).toBe(true);
    expect(byId.fiches.ok).toBe(false);
    expect(byId.fiches.details).toHaveLength(50);
    expect(byId.fiches.details.map((d: { message: string }) => d.message)).toContain('Fiche 5.5.02 : au moins un indicateur');
    expect(byId.budget.ok).toBe(true);
    expect(byId.constats.ok).toBe(false);
    expect(byId.constats.details[0].message).toMatch(/Ex-ante : le total est 95,0\u00a0%/);
    const refused = await call(chef, 'POST', `${url}/submissions`, { annee: YEAR });
    expectApiError(refused, 400, 'validation');
    expect(refused.body.message).toMatch(/^Le rapport 2021 ne peut pas encore être soumis/);
    expect(refused.body.issues).toHaveLength(175 + 50 + 1);
    expect((await call(chef, 'GET', `${url}/submissions`)).body).toEqual([]);
  });

  it('says so for a year outside the programme', async () => {
    const t = makeLiegeApp();
    expectApiError(await call(t.as('chef'), 'GET', `/api/plans/${t.plan.id}/submissions/checklist?annee=2026`), 400, 'validation', 'annee');
  });
});

describe('submitting, returning and re-submitting the 2021 report', () => {
  it('freezes the year, stores the files with their SHA-256, and the next submission lists the changes', async () => {
    const t = await readyLiege();
    const { chef, url } = t;
    const first = await submit(chef, url);
    expect(first).toMatchObject({ annee: YEAR, numero: 1, statut: 'soumis', soumisPar: 'Claire Dumont (cheffe de projet PCS, Liège)', changements: [] });
    const [stored] = (await call(chef, 'GET', `${url}/submissions`)).body as Submission[];
    expect(stored!.fichiers).toBe('prets');

    // The files as generated, with their hash.
    const pdf = await chef.request(`${url}/submissions/${first.id}/report.pdf`);
    const pdfBytes = new Uint8Array(await pdf.arrayBuffer());
    expect(pdf.headers.get('x-cohesio-sha256')).toBe(createHash('sha256').update(pdfBytes).digest('hex'));
    expect(pdf.headers.get('x-cohesio-sha256')).toBe(stored!.pdfSha256);
    expect(pdfText(pdfBytes, 'soumission-2021-1.pdf')).toMatch(/Soumis à la Direction de la Cohésion sociale/);
    const xlsx = await chef.request(`${url}/submissions/${first.id}/report.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await xlsx.arrayBuffer()) as ArrayBuffer);
    expect(wb.getWorksheet('Fiche plan')).toBeDefined();

    // The year is read-only, whatever the route; another year is not.
    const plan = await getPlan(chef, t.plan.id);
    const indicator = plan.actions[0]!.indicators[0]!;
    const locked = await call(chef, 'PUT', `${url}/cells`, {
      cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2021', value: 5, version: indicator.values['2021']!.actualVersion }],
    });
    expectApiError(locked, 409, 'year_locked');
    expect(locked.body.message).toBe(
      'Fiche 1.1.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021 : le rapport 2021 est soumis à la DiCS, ses valeurs sont en lecture seule (rouvrez-le avec un motif pour les modifier)',
    );
    const other = await call(chef, 'PUT', `${url}/cells`, { cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2022', value: 5, version: 0 }] });
    expect(other.status).toBe(200);
    const deleteAction = await call(chef, 'DELETE', `${url}/actions/${plan.actions[0]!.id}?version=${plan.actions[0]!.version}`);
    expectApiError(deleteAction, 409, 'year_locked');
    expectApiError(await call(chef, 'POST', `${url}/submissions`, { annee: YEAR }), 409, 'conflict');

    // The DiCS asks about one value and returns the report; the chef answers and corrects.
    const dics = t.as('dics');
    const chemin = `actions.${plan.actions[0]!.id}.indicators.${indicator.id}.values.2021.actual`;
    const thread = await call(dics, 'POST', `${url}/threads`, { annee: YEAR, chemin, texte: 'Cette valeur paraît élevée : pouvez-vous vérifier ?' });
    expect(thread.status).toBe(201);
    expect(thread.body).toMatchObject({
      libelle: 'Fiche 1.1.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021',
      statut: 'ouvert',
      ouvertPar: 'Luc Renard (DiCS)',
    });
    expectApiError(await call(chef, 'POST', `${url}/threads`, { annee: YEAR, chemin, texte: 'x' }), 403, 'forbidden');
    expectApiError(await call(chef, 'POST', `${url}/submissions/${first.id}/approve`, {}), 403, 'forbidden');
    expectApiError(await call(dics, 'POST', `${url}/submissions/${first.id}/return`, { motif: ' ' }), 400, 'validation', 'motif');
    const returned = await call(dics, 'POST', `${url}/submissions/${first.id}/return`, { motif: 'Une valeur à vérifier (voir la question)' });
    expect(returned.body).toMatchObject({
      statut: 'retourne',
      motif: 'Une valeur à vérifier (voir la question)',
      decidePar: 'Luc Renard (DiCS) (Agent de la DiCS)',
    });

    const answered = await call(chef, 'POST', `${url}/threads/${thread.body.id}/messages`, { texte: 'Erreur de saisie : corrigé à 3.' });
    expect(answered.body.statut).toBe('repondu');
    const fixed = await call(chef, 'PUT', `${url}/cells`, {
      cells: [{ grid: 'indicator-actual', row: indicator.id, period: '2021', value: 3, version: indicator.values['2021']!.actualVersion }],
    });
    expect(fixed.status).toBe(200);

    const second = await submit(chef, url);
    expect(second.numero).toBe(2);
    const changedCell = second.changements.find((c) => c.path === chemin);
    expect(changedCell).toMatchObject({
      label: 'Fiche 1.1.05 · indicateur 1 « Nombre de personnes différentes qui ont fréquenté le cours » · Réalisé 2021',
      newText: '3',
    });
    // The 2022 value typed in between is a change too.
    expect(second.changements.some((c) => c.path.endsWith('.values.2022.actual'))).toBe(true);
    const secondPdf = pdfText(new Uint8Array(await (await chef.request(`${url}/submissions/${second.id}/report.pdf`)).arrayBuffer()), 'soumission-2021-2.pdf');
    expect(secondPdf).toMatch(/Modifications depuis la dernière soumission/);
    expect(secondPdf).toMatch(/Questions de la DiCS/);
    // The first submission's files are kept as they were.
    const again = await chef.request(`${url}/submissions/${first.id}/report.pdf`);
    expect(
      createHash('sha256')
        .update(new Uint8Array(await again.arrayBuffer()))
        .digest('hex'),
    ).toBe(stored!.pdfSha256);

    // The DiCS resolves the question and approves; only the DiCS can reopen an approved report.
    expect((await call(dics, 'POST', `${url}/threads/${thread.body.id}/resolve`, { texte: 'Merci' })).body.statut).toBe('resolu');
    expect((await call(dics, 'POST', `${url}/submissions/${second.id}/approve`, {})).body.statut).toBe('approuve');
    expectApiError(await call(chef, 'POST', `${url}/submissions/${second.id}/reopen`, { motif: 'Oubli' }), 403, 'forbidden');
    expectApiError(await call(chef, 'POST', `${url}/submissions/${first.id}/approve`, {}), 403, 'forbidden');

    // Every step is in the trail.
    const history = (await call(chef, 'GET', `${url}/history`)).body as { event: string; summary: string | null }[];
    const events = history.map((e) => e.event).reverse();
    expect(events.filter((e) => e !== 'modification')).toEqual(['soumission', 'question', 'retour', 'reponse', 'soumission', 'resolution', 'approbation']);
  }, 180_000);

  it('lets the chef reopen a submitted year with a reason, audited, and keeps the snapshot immutable', async () => {
    const t = await readyLiege();
    const first = await submit(t.chef, t.url);
    expectApiError(await call(t.chef, 'POST', `${t.url}/submissions/${first.id}/reopen`, {}), 400, 'validation', 'motif');
    const reopened = await call(t.chef, 'POST', `${t.url}/submissions/${first.id}/reopen`, { motif: 'Budget à actualiser' });
    expect(reopened.body.statut).toBe('rouvert');
    const history = (await call(t.chef, 'GET', `${t.url}/history`)).body as { event: string; reason: string | null }[];
    expect(history[0]).toMatchObject({ event: 'reouverture', reason: 'Budget à actualiser' });
    expect(() => t.db.$client.prepare('update submissions set snapshot = ? where id = ?').run('{}', first.id)).toThrow(/never changes/);
    expect(() => t.db.$client.prepare('update submissions set pdf_sha256 = ? where id = ?').run('x', first.id)).toThrow(/never change/);
    const snapshot = (await call(t.chef, 'GET', `${t.url}/submissions/${first.id}/snapshot.json`)).body as Plan;
    expect(snapshot.actions).toHaveLength(29);
    // A plan with a submitted report is an official record.
    expectApiError(await call(t.app, 'DELETE', t.url), 409, 'conflict');
  }, 120_000);
});
