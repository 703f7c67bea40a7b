import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readSampleDocument } from '../../samples/load-sample.ts';
import { ROLE_CAPABILITIES, ROLE_LABELS, roleDenial, type Role } from '../../schemas/access.ts';
import { unitBounds } from '../../schemas/numbers.ts';
import { PlanDocumentSchema, type Plan } from '../../schemas/plan.ts';
import { checkSubmission, lockedYears, type ReviewThread, type Submission } from '../../schemas/submission.ts';
import { ApiFailure, NetworkFailure } from '../../client/api.ts';
import { createReportModel, MAX_NETWORK_MISSES, obligationText, POLL_MS, type DecisionKind, type ReportModelDeps } from '../../client/pages/report/model.ts';
import { PlanStore } from '../../client/state/plan-store.ts';
import type { ReviewState } from '../../client/state/review.ts';
import { loadReferenceData } from '../../server/reference.ts';

/**
 * The yearly report page's rules, without a browser: the year shown, the checklist, what "Soumettre" may do, the
 * statuses, the decisions each role is offered, and the following of the files' generation. The server is a fake
 * review state and fake requests; the plan is the Liège sample.
 */

const reference = loadReferenceData();
const sample = PlanDocumentSchema.parse(readSampleDocument());
const programme = reference.programmes.find((p) => p.id === sample.programmeId)!;
const [FIRST, SECOND] = programme.years as [number, number, ...number[]];
const LAST = programme.years[programme.years.length - 1]!;

function makeStore(): PlanStore {
  const plan: Plan = {
    ...structuredClone(sample),
    id: 'plan-liege',
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    versions: Object.fromEntries(Object.keys(sample).map((k) => [k, 0])) as Plan['versions'],
    cellVersions: { time: {}, consumption: {}, transfer: {} },
  };
  return new PlanStore(plan, programme, reference.catalogues[programme.catalogue]!);
}

const JUSTIFIED_AT = '2026-01-02T10:00:00Z';

/**
 * Every actual of `year` filled, every missing value the form allows to excuse justified, and the sample's error
 * finding justified: nothing left open (as the browser test does through the API).
 */
function completeYear(store: PlanStore, year: number): void {
  for (const a of store.plan.actions)
    for (const i of a.indicators) {
      const cell = i.values[String(year)] ?? { target: null, actual: null, targetVersion: 0, actualVersion: 0 };
      i.values[String(year)] = { ...cell, actual: cell.target ?? Math.max(1, unitBounds(i.unit).min) };
    }
  const justify = (cle: string, constat: string) =>
    store.plan.justifications.push({
      cle,
      texte: 'Exception admise par le formulaire officiel',
      auteur: 'Cheffe de projet',
      justifieLe: JUSTIFIED_AT,
      constat,
      version: 0,
    });
  for (const f of store.justifiedChecks()) if (f.level === 'error' && !f.justification) justify(f.key, f.message);
  for (const d of checkSubmission(store.plan, year, store.justifiedChecks()).flatMap((item) => item.details)) if (d.key) justify(d.key, d.message);
}

function submission(over: Partial<Submission> & Pick<Submission, 'statut'>): Submission {
  return {
    id: `s-${over.numero ?? 1}`,
    kind: 'rapport-annuel',
    kindLabel: "Rapport annuel d'activités et financier",
    echeance: `${SECOND + 1}-03-31`,
    annee: SECOND,
    numero: 1,
    soumisLe: '2026-02-01T09:00:00Z',
    soumisPar: 'Cheffe de projet',
    fichiers: 'prets',
    progression: 1,
    message: 'Fichiers prêts',
    xlsxSha256: 'a'.repeat(64),
    pdfSha256: 'b'.repeat(64),
    decideLe: null,
    decidePar: null,
    motif: null,
    changements: [],
    ...over,
  };
}

/** The server's review state, as the page sees it: what `refresh` answers next is set by the test. */
function fakeReview(initial: Submission[] = [], threads: ReviewThread[] = []) {
  let submissions = initial;
  const listeners = new Set<() => void>();
  const answers: (Submission[] | Error)[] = [];
  const state: ReviewState = {
    submissions: () => submissions,
    threads: () => threads,
    lockedYears: () => lockedYears(submissions),
    threadsAt: () => [],
    async refresh() {
      const next = answers.shift();
      if (next instanceof Error) throw next;
      if (next) submissions = next;
      for (const l of listeners) l();
    },
    ready: async () => {},
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { state, answerNext: (next: Submission[] | Error) => answers.push(next) };
}

/** What a role may do, by the server's table of capabilities. */
function permissionsOf(role: Role): ReportModelDeps['permissions'] {
  const can = (c: string) => ROLE_CAPABILITIES[role].some((x) => x === c);
  return { can, canSave: (c) => can(c), denial: (what) => roleDenial(ROLE_LABELS[role], what) };
}

function setup(
  opts: { role?: Role; year?: number | null; submissions?: Submission[]; threads?: ReviewThread[]; complete?: boolean; pending?: number; now?: Date } = {},
) {
  const store = makeStore();
  const year = opts.year === undefined ? SECOND : opts.year;
  if (opts.complete) completeYear(store, year ?? SECOND);
  const review = fakeReview(opts.submissions, opts.threads);
  const calls: { submit: number[]; decide: [DecisionKind, string, string | null][] } = { submit: [], decide: [] };
  const toasts: string[] = [];
  let pending = opts.pending ?? 0;
  const api = {
    submit: vi.fn(async (y: number) => {
      calls.submit.push(y);
    }),
    decide: vi.fn(async (kind: DecisionKind, id: string, motif: string | null) => {
      calls.decide.push([kind, id, motif]);
    }),
  };
  const saves = { pending: () => pending, waitForAll: vi.fn(async () => pending === 0) };
  const model = createReportModel({
    store,
    requestedYear: year,
    review: review.state,
    permissions: permissionsOf(opts.role ?? 'chef-de-projet'),
    api,
    saves,
    toast: (t) => toasts.push(t),
    now: opts.now ?? new Date('2026-06-15T12:00:00Z'),
  });
  return { store, model, review, api, calls, toasts, saves, setPending: (n: number) => (pending = n) };
}

describe('reportModel', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('the year shown', () => {
    it('shows the year the address asks for when it belongs to the programme', () => {
      expect(setup({ year: FIRST }).model.year).toBe(FIRST);
    });

    it('shows the last finished calendar year inside the programme when the address asks for none or for another', () => {
      // Today is in the programme's last year: the report due is the year before.
      const inLastYear = new Date(`${LAST}-06-15T12:00:00Z`);
      expect(setup({ year: null, now: inLastYear }).model.year).toBe(LAST - 1);
      expect(setup({ year: 1999, now: inLastYear }).model.year).toBe(LAST - 1);
      // Today is after the programme: its last year; before it, its first.
      expect(setup({ year: null, now: new Date(`${LAST + 1}-02-01T12:00:00Z`) }).model.year).toBe(LAST);
      expect(setup({ year: null, now: new Date(`${FIRST}-02-01T12:00:00Z`) }).model.year).toBe(FIRST);
    });

    it('offers every year of the programme, none from a literal', () => {
      expect(setup().model.years).toEqual(programme.years);
    });
  });

  describe('the checklist', () => {
    it('lists as open the items whose mandatory values are missing, with each value to fill', () => {
      const { model } = setup();
      model.start();
      const open = model.checklist().filter((i) => !i.ok);
      // The sample prints some fiches with their header only, has no actuals yet, and one error of the checks.
      expect(open.map((i) => i.id)).toEqual(['fiches', 'realises', 'constats']);
      for (const item of open) expect(item.details.length).toBeGreaterThan(0);
    });

    it('closes an item once its values are filled or justified, after the checklist is computed again', () => {
      const { model, store } = setup();
      model.start();
      completeYear(store, SECOND);
      expect(model.checklist().some((i) => !i.ok)).toBe(true);
      model.recomputeChecklist();
      expect(model.checklist().every((i) => i.ok)).toBe(true);
    });
  });

  describe('submit', () => {
    it('is disabled while items are open, naming them', () => {
      const { model } = setup();
      model.start();
      const state = model.submitState();
      expect(state.kind).toBe('button');
      if (state.kind !== 'button') return;
      expect(state.disabled).toBe(true);
      expect(state.reason).toMatch(/^Complétez d’abord les éléments marqués ✗ ci-dessus : .+ ; .+\.$/);
    });

    it('is enabled for a complete year never submitted', () => {
      const { model } = setup({ complete: true });
      model.start();
      expect(model.submitState()).toEqual({ kind: 'button', reason: null, disabled: false });
    });

    it.each([
      ['soumis', `est en cours d’examen par la DiCS : rouvrez-le avec un motif pour le soumettre à nouveau.`],
      ['approuve', `est approuvé par la DiCS : seule la DiCS peut le rouvrir.`],
    ] as const)('is disabled when the latest submission is %s', (statut, reason) => {
      const { model } = setup({ complete: true, submissions: [submission({ statut })] });
      model.start();
      expect(model.submitState()).toEqual({ kind: 'button', reason: `Le rapport ${SECOND} ${reason}`, disabled: true });
    });

    it('is enabled again once the DiCS returned the report', () => {
      const { model } = setup({ complete: true, submissions: [submission({ statut: 'retourne' })] });
      model.start();
      expect(model.submitState()).toEqual({ kind: 'button', reason: null, disabled: false });
    });

    it('waits for the files of the previous submission being generated', () => {
      const { model } = setup({ complete: true, submissions: [submission({ statut: 'rouvert', fichiers: 'en-cours' })] });
      model.start();
      expect(model.submitState()).toEqual({
        kind: 'button',
        reason: 'Les fichiers de la soumission précédente sont en cours de génération.',
        disabled: true,
      });
    });

    it('is not offered to a role that may not submit, saying why', () => {
      const { model } = setup({ role: 'dics' });
      model.start();
      expect(model.submitState()).toEqual({
        kind: 'unavailable',
        text: `Votre rôle (${ROLE_LABELS.dics}) ne permet pas de soumettre le rapport annuel`,
      });
    });

    it('sends the year, says so, and follows the generation of the files until they are ready', async () => {
      const { model, review, calls, toasts } = setup({ complete: true });
      model.start();
      const generating = submission({ statut: 'soumis', fichiers: 'en-cours', progression: 0.4, message: 'Génération du PDF…' });
      review.answerNext([generating]);
      review.answerNext([{ ...generating, fichiers: 'prets', progression: 1 }]);
      await model.submit();
      expect(calls.submit).toEqual([SECOND]);
      expect(toasts).toEqual([`Rapport ${SECOND} soumis à la DiCS : génération du classeur et du PDF…`]);
      expect(model.progress()).toEqual({ value: 0.4, message: 'Génération du PDF…' });
      expect(model.status()).toEqual({ label: 'Soumis — en cours d’examen par la DiCS', key: 'soumis' });
      await vi.advanceTimersByTimeAsync(POLL_MS);
      expect(model.progress()).toBeNull();
      expect(toasts.at(-1)).toBe(`Rapport ${SECOND} : classeur et PDF enregistrés`);
    });

    it('sends nothing while edits are still waiting to be saved, and says why', async () => {
      const { model, calls } = setup({ complete: true, pending: 2 });
      model.start();
      await model.submit();
      expect(calls.submit).toEqual([]);
      expect(model.alert()?.text).toContain('Des modifications ne sont pas encore enregistrées : attendez « Enregistré » puis soumettez à nouveau.');
      expect(model.progress()).toBeNull();
      expect(model.isBusy()).toBe(false);
    });

    it('shows the server’s refusal with the values it names', async () => {
      const { model, api } = setup({ complete: true });
      model.start();
      const issues = [{ path: 'actions.0.fiche.description', message: 'Description manquante' }];
      api.submit.mockRejectedValueOnce(new ApiFailure(400, { code: 'validation', message: 'Le rapport est incomplet', issues }));
      await model.submit();
      expect(model.alert()).toEqual({ text: 'Le rapport est incomplet', issues });
    });
  });

  describe('statuses', () => {
    it('reads « Non soumis » before any submission, and the latest submission’s status after', () => {
      expect(setup().model.status()).toEqual({ label: 'Non soumis', key: 'brouillon' });
      const subs = [submission({ statut: 'retourne', numero: 1 }), submission({ statut: 'approuve', numero: 2 })];
      expect(setup({ submissions: subs }).model.status()).toEqual({ label: 'Approuvé par la DiCS', key: 'approuve' });
    });

    it('says the year is read-only while its report is under review or approved, and not otherwise', () => {
      expect(setup({ submissions: [submission({ statut: 'soumis' })] }).model.lockNote()).toBe(
        `Les valeurs ${SECOND} du plan sont en lecture seule tant que le rapport est en cours d’examen.`,
      );
      expect(setup({ submissions: [submission({ statut: 'approuve' })] }).model.lockNote()).toBe(
        `Les valeurs ${SECOND} du plan sont en lecture seule tant que le rapport est approuvé.`,
      );
      expect(setup({ submissions: [submission({ statut: 'retourne' })] }).model.lockNote()).toBeNull();
    });

    it('lists the year’s submissions newest first, decisions on the latest only, and only the year’s', () => {
      const subs = [
        submission({ statut: 'retourne', numero: 1 }),
        submission({ statut: 'soumis', numero: 2 }),
        submission({ id: 'other-year', annee: FIRST, statut: 'soumis', numero: 1 }),
      ];
      const entries = setup({ role: 'dics', submissions: subs }).model.submissions();
      expect(entries.map((e) => [e.submission.numero, e.isLatest, e.decisions])).toEqual([
        [2, true, ['approve', 'return', 'reopen']],
        [1, false, []],
      ]);
    });
  });

  describe('what each role may decide', () => {
    it.each([
      ['dics', 'soumis', ['approve', 'return', 'reopen']],
      ['dics', 'approuve', ['reopen']],
      ['chef-de-projet', 'soumis', ['reopen']],
      ['chef-de-projet', 'approuve', []],
      ['finance', 'soumis', []],
      ['partenaire', 'soumis', []],
      ['dics', 'retourne', []],
    ] as const)('%s on a report %s: %j', (role, statut, decisions) => {
      const { model } = setup({ role, submissions: [submission({ statut })] });
      expect(model.decisionsOf(submission({ statut }))).toEqual(decisions);
    });

    it('lets the person justify a missing value only with the capability to justify', () => {
      expect(setup({ role: 'finance' }).model.canJustify()).toBe(true);
      expect(setup({ role: 'dics' }).model.canJustify()).toBe(false);
      expect(setup({ role: 'dics' }).model.justifyDenial()).toBe(`Votre rôle (${ROLE_LABELS.dics}) ne permet pas de justifier une valeur manquante`);
    });
  });

  describe('decisions', () => {
    it('sends the decision with its motif on the submission, then reloads the review state', async () => {
      const s = submission({ statut: 'soumis' });
      const { model, review, calls } = setup({ role: 'dics', submissions: [s] });
      model.start();
      review.answerNext([{ ...s, statut: 'retourne', decideLe: '2026-02-03T10:00:00Z', decidePar: 'Agent DiCS', motif: 'À revoir' }]);
      await model.decide('return', s, async (send) => {
        await send('À revoir');
        return true;
      });
      expect(calls.decide).toEqual([['return', s.id, 'À revoir']]);
      expect(model.status().key).toBe('retourne');
    });

    it('changes nothing when the dialog is cancelled', async () => {
      const s = submission({ statut: 'soumis' });
      const { model, calls } = setup({ role: 'dics', submissions: [s] });
      await model.decide('approve', s, async () => false);
      expect(calls.decide).toEqual([]);
    });
  });

  describe('following the generation of the files', () => {
    it('keeps polling through a short network cut, then says the state could not be loaded', async () => {
      const generating = submission({ statut: 'soumis', fichiers: 'en-cours', progression: 0.2, message: 'Génération…' });
      const { model, review } = setup({ submissions: [generating] });
      for (let i = 0; i < MAX_NETWORK_MISSES; i++) review.answerNext(new NetworkFailure('hors ligne'));
      model.start();
      await vi.advanceTimersByTimeAsync(POLL_MS * (MAX_NETWORK_MISSES - 2));
      expect(model.alert()).toBeNull();
      await vi.advanceTimersByTimeAsync(POLL_MS * 2);
      expect(model.alert()?.text).toBe(`L’état du rapport ${SECOND} n’a pas pu être chargé : Le serveur ne répond pas : vérifiez la connexion puis réessayez.`);
    });

    it('says once when the files of a watched submission failed', async () => {
      const generating = submission({ statut: 'soumis', fichiers: 'en-cours' });
      const { model, review } = setup({ submissions: [generating] });
      review.answerNext([generating]);
      review.answerNext([{ ...generating, fichiers: 'echec' }]);
      model.start();
      await vi.advanceTimersByTimeAsync(POLL_MS);
      expect(model.alert()?.text).toBe('La génération des fichiers de la soumission a échoué.');
      expect(model.progress()).toBeNull();
    });

    it('stops polling once disposed', async () => {
      const generating = submission({ statut: 'soumis', fichiers: 'en-cours' });
      const { model, review } = setup({ submissions: [generating] });
      const refresh = vi.spyOn(review.state, 'refresh');
      model.start();
      await vi.advanceTimersByTimeAsync(0);
      const before = refresh.mock.calls.length;
      model.dispose();
      await vi.advanceTimersByTimeAsync(POLL_MS * 5);
      expect(refresh.mock.calls.length).toBe(before);
    });
  });

  it('lists the DiCS’s questions of the year only', () => {
    const thread = (annee: number, id: string): ReviewThread => ({
      id,
      annee,
      chemin: 'budget.recettes.subventionPcs',
      libelle: 'Budget · Recettes · Subvention PCS',
      statut: 'ouvert',
      ouvertLe: '2026-02-02T09:00:00Z',
      ouvertPar: 'Agent DiCS',
      messages: [],
    });
    const { model } = setup({ threads: [thread(SECOND, 't1'), thread(FIRST, 't2')] });
    expect(model.threads().map((t) => t.id)).toEqual(['t1']);
  });
});

describe('reportModel on a programme declaring several kinds of submission', () => {
  const draft = reference.programmes.find((p) => p.id === 'pcs-2027')!;
  const [first2027] = draft.years as [number, ...number[]];

  function setupKinds(opts: { kind?: string | null; year?: number | null; submissions?: Submission[] } = {}) {
    const plan: Plan = {
      ...structuredClone(sample),
      id: 'plan-2027',
      programmeId: draft.id,
      createdAt: '2026-01-01T00:00:00Z',
      updatedAt: '2026-01-01T00:00:00Z',
      versions: Object.fromEntries(Object.keys(sample).map((k) => [k, 0])) as Plan['versions'],
      cellVersions: { time: {}, consumption: {}, transfer: {} },
    };
    const store = new PlanStore(plan, draft, reference.catalogues[draft.catalogue]!);
    const review = fakeReview(opts.submissions);
    const sent: [number, string][] = [];
    const model = createReportModel({
      store,
      requestedYear: opts.year ?? null,
      requestedKind: opts.kind ?? null,
      review: review.state,
      permissions: permissionsOf('chef-de-projet'),
      api: {
        submit: async (y, kind) => {
          sent.push([y, kind]);
        },
        decide: async () => {},
      },
      saves: { pending: () => 0, waitForAll: async () => true },
      toast: () => {},
      now: new Date('2026-06-15T12:00:00Z'),
    });
    return { model, sent };
  }

  it('shows the programme’s first kind when it has no annual report, on the one year a unique kind covers', () => {
    const { model } = setupKinds({ year: first2027 + 2 });
    expect(model.kinds.map((k) => k.id)).toEqual(['plan-initial', 'justification-financiere', 'evaluation-finale']);
    expect(model.kind.id).toBe('plan-initial');
    expect([model.year, model.years, model.title, model.dueDate]).toEqual([first2027, [first2027], `Plan initial ${first2027}`, `${first2027}-03-31`]);
  });

  it('checks only the kind’s items and sends the kind with the year', async () => {
    const { model, sent } = setupKinds({ kind: 'justification-financiere', year: first2027 + 1 });
    model.start();
    expect([model.year, model.years]).toEqual([first2027 + 1, draft.years]);
    expect(model.checklist().map((i) => i.id)).toEqual(['budget']);
    await model.submit();
    expect(sent).toEqual([[first2027 + 1, 'justification-financiere']]);
    model.dispose();
  });

  it('lists only the kind’s submissions of the year, and what is still to hand in soonest first', () => {
    const justification = submission({ statut: 'soumis', kind: 'justification-financiere', kindLabel: 'Justification financière annuelle', annee: first2027 });
    const { model } = setupKinds({ kind: 'plan-initial', submissions: [justification] });
    expect(model.submissions()).toEqual([]);
    expect(model.status().key).toBe('brouillon');
    // In June 2026 the 2027 initial plan is due within the year; the justifications are not yet.
    expect(model.obligations().map(obligationText)).toEqual([`À remettre : Plan initial ${first2027} pour le 31/03/${first2027}`]);
    expect(setupKinds({ kind: 'justification-financiere', year: first2027, submissions: [justification] }).model.submissions()).toHaveLength(1);
  });
});
