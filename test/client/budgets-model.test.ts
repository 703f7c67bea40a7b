import { afterEach, describe, expect, it } from 'vitest';
import { readSampleDocument } from '../../samples/load-sample.ts';
import { ROLE_LABELS, type Me, type Role } from '../../schemas/access.ts';
import type { BudgetVersion, BudgetVersionFields } from '../../schemas/finance.ts';
import { PlanDocumentSchema, type Plan, type PlanDocument } from '../../schemas/plan.ts';
import { loadReferenceData } from '../../server/reference.ts';
import { FOUR_YEAR_PROGRAMME, templatesWithFourYearProgramme } from '../four-year-programme.ts';
import { ApiFailure, NetworkFailure } from '../../client/api.ts';
import {
  AMOUNT_FIELDS,
  createBudgetsModel,
  normaliseAmount,
  parseAmount,
  prefillOf,
  readDraftBudget,
  versionFigures,
  versionHeads,
  versionTableLines,
  type BudgetsModelDeps,
  type VersionDraft,
} from '../../client/pages/finance/budgets-model.ts';
import { setMe } from '../../client/state/me.ts';
import { permissionsOf } from '../../client/state/permissions.ts';
import { PlanStore } from '../../client/state/plan-store.ts';

/**
 * The model of "Budgets annuels", without a browser: the versions of a year line by line, the form's figures and
 * what recording a version does. On the Liège sample (PCS 2020-2025, seven years) and on a new plan of a four-year programme of the
 * tests, so that no year is written here that the programme does not give.
 */

const { programmes, catalogues } = loadReferenceData(templatesWithFourYearProgramme());
const LIEGE = PlanDocumentSchema.parse(readSampleDocument());
const programmeOf = (plan: PlanDocument) => programmes.find((p) => p.id === plan.programmeId)!;
const NEXT = programmes.find((p) => p.id === FOUR_YEAR_PROGRAMME.id)!;
/** A new plan of the next programme, with Liège's annual budget in its fiche plan. */
const nextPlan = () => PlanDocumentSchema.parse({ commune: 'Namur', programmeId: NEXT.id, budget: LIEGE.budget });

const AUTHOR = 'Claire Dumont';
const path = (side: 'recettes' | 'depenses', key: string) => `budget.${side}.${key}`;

/** Permissions that allow everything (the role's and the year's rules are tested on their own below). */
const ALLOW_ALL: BudgetsModelDeps['permissions'] = { can: () => true, canSave: () => true, yearLock: () => null, denial: (what) => `refusé : ${what}` };

/** A server that stores what it receives, as `POST …/budget-versions` answers (an id and the time of recording). */
function fakeServer() {
  const received: BudgetVersionFields[] = [];
  return {
    received,
    async postVersion(fields: BudgetVersionFields): Promise<BudgetVersion> {
      received.push(fields);
      return { ...fields, id: `v${received.length}`, enregistreLe: '2026-12-06T09:00:00+01:00' };
    },
  };
}

function modelOf(plan: PlanDocument, year: number, over: Partial<BudgetsModelDeps> = {}) {
  const server = fakeServer();
  const store = { plan: structuredClone(plan), programme: programmeOf(plan) };
  const model = createBudgetsModel({ store, year, permissions: ALLOW_ALL, author: () => AUTHOR, postVersion: server.postVersion, ...over });
  return { model, store, server };
}

/** The Liège budget's amounts as the form shows them, by path. */
const liegeAmounts = () => modelOf(LIEGE, programmeOf(LIEGE).years[0]!).model.openForm().draft.amounts;

/** The draft as opened, with the given fields and amounts changed. */
function draftOf(base: VersionDraft, change: Partial<Omit<VersionDraft, 'amounts'>> & { amounts?: Record<string, string> } = {}): VersionDraft {
  return { ...base, ...change, amounts: { ...base.amounts, ...change.amounts } };
}

describe('budgetsModel', () => {
  describe('years come from the programme', () => {
    it('offers the years of the plan’s programme, whatever its length', () => {
      expect(modelOf(nextPlan(), NEXT.years[1]!).model.years()).toEqual(NEXT.years);
      expect(modelOf(LIEGE, programmeOf(LIEGE).years[0]!).model.years()).toEqual(programmeOf(LIEGE).years);
    });

    it('dates a decision from the year before the budget’s year to the year after', () => {
      const year = NEXT.years[1]!;
      expect(modelOf(nextPlan(), year).model.dateBounds).toEqual({ min: `${year - 1}-01-01`, max: `${year + 1}-12-31` });
    });

    it('refuses a version of a year outside the programme, before sending anything', () => {
      const outside = NEXT.years[NEXT.years.length - 1]! + 1;
      const { model, server } = modelOf(nextPlan(), outside);
      const draft = model.openForm().draft;
      const checked = model.check(draftOf(draft, { dateDecision: `${outside}-01-15` }));
      expect(checked.ok).toBe(false);
      expect(!checked.ok && checked.issues.map((i) => i.path)).toEqual(['annee']);
      expect(server.received).toHaveLength(0);
    });
  });

  describe('the new version', () => {
    it('is the prévisionnel of the year while none is recorded, prefilled from the fiche plan’s annual budget', () => {
      const year = NEXT.years[1]!;
      const { model } = modelOf(nextPlan(), year);
      expect(model.versions()).toEqual([]);
      expect(model.newVersionAction()).toMatchObject({ kind: 'previsionnel', label: `Enregistrer le prévisionnel ${year}`, allowed: true });
      const form = model.openForm();
      expect(form.kind).toBe('previsionnel');
      expect(form.from).toBe('le budget annuel de la fiche plan');
      expect(form.draft.libelle).toBe('Budget initial');
      expect(form.draft.amounts[path('recettes', 'subventionPcs')]).toBe('1.666.037,68');
      expect(form.draft.amounts[path('recettes', 'autres')]).toBe('0,00');
    });

    it('leaves blank a typed total that only repeats the sum of the lines (the sum counts), and keeps one that differs', () => {
      const prefilled = prefillOf(LIEGE.budget);
      expect(prefilled.recettes.total).toBeNull();
      expect(prefilled.depenses.total).toBeNull();
      const decided = structuredClone(LIEGE.budget);
      decided.recettes.total = 242499675;
      expect(prefillOf(decided).recettes.total).toBe(242499675);
    });

    it('has one field per line of the official form and one for each decided total, each named by its plan path', () => {
      expect(AMOUNT_FIELDS.recettes.map((f) => f.path)).toEqual([
        'budget.recettes.subventionPcs',
        'budget.recettes.partCommunale',
        'budget.recettes.subventionsArt20',
        'budget.recettes.autres',
        'budget.recettes.total',
      ]);
      expect(AMOUNT_FIELDS.depenses.map((f) => f.path)).toEqual([
        'budget.depenses.personnel',
        'budget.depenses.fonctionnement',
        'budget.depenses.investissement',
        'budget.depenses.subventionsInstitutions',
        'budget.depenses.total',
      ]);
    });
  });

  describe('figures of the version as typed', () => {
    it('sums the Liège budget to the cent: € 2.424.996,74 on each side, balanced, part communale 38,83 %', () => {
      const { model } = modelOf(LIEGE, programmeOf(LIEGE).years[0]!);
      const f = model.figures(model.openForm().draft.amounts);
      expect(f).toEqual({
        recettesSum: 242499674,
        depensesSum: 242499674,
        recettesTotalMismatch: null,
        depensesTotalMismatch: null,
        balance: 0,
        partCommunaleRatio: 3883,
      });
    });

    it('sums cents exactly (0,10 + 0,20 is 0,30, not 0,30000000000000004)', () => {
      const { budget } = readDraftBudget(LIEGE.budget, {
        [path('recettes', 'subventionPcs')]: '0,10',
        [path('recettes', 'partCommunale')]: '0,20',
      });
      expect(budget && versionFigures(budget).recettesSum).toBe(30);
    });

    it('reports a balance off by one cent', () => {
      const { model } = modelOf(LIEGE, programmeOf(LIEGE).years[0]!);
      const amounts = { ...model.openForm().draft.amounts, [path('recettes', 'autres')]: '0,01' };
      expect(model.figures(amounts)?.balance).toBe(1);
    });

    it('says a typed total that differs from the sum of the lines', () => {
      const { model } = modelOf(LIEGE, programmeOf(LIEGE).years[0]!);
      const amounts = { ...model.openForm().draft.amounts, [path('depenses', 'total')]: '2.424.996,75' };
      expect(model.figures(amounts)).toMatchObject({ depensesTotalMismatch: 242499675, balance: -1 });
    });

    it('has no figures while an amount does not parse, and names the field', () => {
      const { model } = modelOf(LIEGE, programmeOf(LIEGE).years[0]!);
      const amounts = { ...model.openForm().draft.amounts, [path('recettes', 'autres')]: '1,234.56' };
      expect(model.figures(amounts)).toBeNull();
      expect(readDraftBudget(LIEGE.budget, amounts).issues.map((i) => i.path)).toEqual([path('recettes', 'autres')]);
    });
  });

  describe('blank is not zero', () => {
    it('reads a blank amount as null and "0,00" as 0', () => {
      expect(parseAmount('  ')).toEqual({ ok: true, value: null });
      expect(parseAmount('0,00')).toEqual({ ok: true, value: 0 });
    });

    it('has no sum when every line of a side is blank, and a typed total then differs from it', () => {
      const blank = Object.fromEntries(AMOUNT_FIELDS.recettes.map((f) => [f.path, '']));
      const { budget } = readDraftBudget(LIEGE.budget, { ...liegeAmounts(), ...blank, [path('recettes', 'total')]: '10,00' });
      expect(budget?.recettes.subventionPcs).toBeNull();
      expect(budget && versionFigures(budget)).toMatchObject({ recettesSum: null, recettesTotalMismatch: 1000, balance: 1000 - 242499674 });
    });

    it('has no balance when a side has no total', () => {
      const blank = Object.fromEntries(AMOUNT_FIELDS.depenses.map((f) => [f.path, '']));
      const { budget } = readDraftBudget(LIEGE.budget, { ...liegeAmounts(), ...blank });
      expect(budget && versionFigures(budget).balance).toBeNull();
    });

    it('shows an amount in Belgian notation once typed, and leaves blank and unreadable text as typed', () => {
      expect(normaliseAmount('1234,5')).toBe('1.234,50');
      expect(normaliseAmount('')).toBe('');
      expect(normaliseAmount('1,234.56')).toBe('1,234.56');
    });
  });

  describe('what a save does', () => {
    it('sends nothing while the date of the decision is missing, and says so on the date field', () => {
      const { model, server } = modelOf(nextPlan(), NEXT.years[0]!);
      const checked = model.check(model.openForm().draft);
      expect(checked).toEqual({
        ok: false,
        issues: [{ path: 'dateDecision', message: 'La date de la décision est obligatoire' }],
        badAmount: false,
        message: null,
      });
      expect(server.received).toHaveLength(0);
    });

    it('sends nothing while an amount does not parse; the issue is on the amount’s field', () => {
      const year = NEXT.years[0]!;
      const { model } = modelOf(nextPlan(), year);
      const draft = draftOf(model.openForm().draft, { dateDecision: `${year - 1}-12-15`, amounts: { [path('depenses', 'personnel')]: 'douze' } });
      const checked = model.check(draft);
      expect(checked.ok).toBe(false);
      expect(!checked.ok && checked.badAmount).toBe(true);
      expect(!checked.ok && checked.issues.map((i) => i.path)).toEqual([path('depenses', 'personnel')]);
    });

    it('records the prévisionnel as typed, in the signed-in person’s name, and adds it to the plan’s versions', async () => {
      const year = NEXT.years[0]!;
      const { model, store, server } = modelOf(nextPlan(), year);
      const draft = draftOf(model.openForm().draft, { dateDecision: `${year - 1}-12-15`, commentaire: '  ' });
      const checked = model.check(draft);
      if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
      const outcome = await model.record(checked.fields);

      expect(server.received).toEqual([
        {
          annee: year,
          nature: 'previsionnel',
          libelle: 'Budget initial',
          dateDecision: `${year - 1}-12-15`,
          budget: prefillOf(LIEGE.budget),
          // A blank comment is no comment.
          commentaire: null,
          auteur: AUTHOR,
        },
      ]);
      expect(outcome).toMatchObject({ ok: true, message: `Prévisionnel — Budget initial (15/12/${year - 1}) enregistré` });
      expect(store.plan.budgetsAnnuels.map((v) => v.id)).toEqual(['v1']);
      expect(model.form()).toBeNull();
      expect(model.newVersionAction()).toMatchObject({ kind: 'actualisation', label: 'Nouvelle actualisation' });
    });

    it('records an actualisation from the latest version; the table shows what it changed, line by line', async () => {
      const year = NEXT.years[0]!;
      const { model } = modelOf(nextPlan(), year);
      const save = async (change: Parameters<typeof draftOf>[1]) => {
        const checked = model.check(draftOf(model.openForm().draft, change));
        if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
        return model.record(checked.fields);
      };
      await save({ dateDecision: `${year - 1}-12-15` });
      const form = model.openForm();
      expect(form.kind).toBe('actualisation');
      expect(form.from).toBe(`la dernière version (Prévisionnel — Budget initial (15/12/${year - 1}))`);
      expect(form.draft.libelle).toBe('');
      const outcome = await save({ libelle: 'Modification budgétaire n°1', dateDecision: `${year}-06-30`, amounts: { [path('recettes', 'autres')]: '1,00' } });
      expect(outcome).toMatchObject({ ok: true, message: `Actualisation 1 — Modification budgétaire n°1 (30/06/${year}) enregistrée` });

      const ofYear = model.versions();
      expect(versionHeads(ofYear)).toEqual([
        { label: 'Prévisionnel', date: `15/12/${year - 1}` },
        { label: 'Actualisation 1', date: `30/06/${year}` },
      ]);
      const lines = versionTableLines(ofYear);
      const changed = lines.filter((l) => l.cells.some((c) => c.delta !== null)).map((l) => [`${l.side}.${l.key}`, l.cells.map((c) => c.delta)]);
      expect(changed).toEqual([
        ['recettes.autres', [null, 100]],
        ['recettes.total', [null, 100]],
      ]);
      const autres = lines.find((l) => l.side === 'recettes' && l.key === 'autres')!;
      expect(autres.label).toBe('Recettes : Autre(s) subv./recette(s)');
      expect(autres.cells.map((c) => c.value)).toEqual([0, 100]);
    });

    it('refuses an actualisation dated before the prévisionnel, on the date field', async () => {
      const year = NEXT.years[0]!;
      const { model } = modelOf(nextPlan(), year);
      const first = model.check(draftOf(model.openForm().draft, { dateDecision: `${year}-03-01` }));
      if (!first.ok) throw new Error('prévisionnel refusé');
      await model.record(first.fields);
      const checked = model.check(draftOf(model.openForm().draft, { libelle: 'MB 1', dateDecision: `${year}-02-01` }));
      expect(checked.ok).toBe(false);
      expect(!checked.ok && checked.issues.map((i) => i.path)).toEqual(['dateDecision']);
    });

    it('keeps the form open and the plan unchanged when the server refuses, with its issues and message', async () => {
      const year = NEXT.years[0]!;
      const refusal = new ApiFailure(400, { code: 'validation', message: 'Refusé', issues: [{ path: 'libelle', message: 'Libellé refusé' }] });
      const { model, store } = modelOf(nextPlan(), year, { postVersion: () => Promise.reject(refusal) });
      const checked = model.check(draftOf(model.openForm().draft, { dateDecision: `${year}-01-10` }));
      if (!checked.ok) throw new Error('refusé avant envoi');
      expect(await model.record(checked.fields)).toEqual({
        ok: false,
        issues: [{ path: 'libelle', message: 'Libellé refusé' }],
        badAmount: false,
        message: 'Refusé',
      });
      expect(store.plan.budgetsAnnuels).toEqual([]);
      expect(model.form()).not.toBeNull();
    });

    it('says when the server cannot be reached', async () => {
      const year = NEXT.years[0]!;
      const { model } = modelOf(nextPlan(), year, { postVersion: () => Promise.reject(new NetworkFailure('offline')) });
      const checked = model.check(draftOf(model.openForm().draft, { dateDecision: `${year}-01-10` }));
      if (!checked.ok) throw new Error('refusé avant envoi');
      expect(await model.record(checked.fields)).toEqual({ ok: false, failure: 'Le serveur ne répond pas : vérifiez la connexion puis réessayez.' });
    });
  });

  describe('who may record a version', () => {
    afterEach(() => setMe(null));

    const meAs = (role: Role): Me => ({
      userId: 'u1',
      email: 'x@example.be',
      nom: 'X',
      role,
      organisationId: role === 'dics' || role === 'admin' ? null : 'org-1',
      partenaire: role === 'partenaire' ? 'ASBL Partenaire' : null,
      roleLabel: ROLE_LABELS[role],
      organisation: null,
      capabilities: [],
    });
    /** The open plan as the interface holds it, so that the permissions are the interface's own (the server's rules). */
    const storeOf = (doc: PlanDocument): PlanStore => {
      const versions = { header: 1 } as Plan['versions'];
      const plan: Plan = { ...doc, id: 'plan-1', createdAt: '', updatedAt: '', versions, cellVersions: { time: {}, consumption: {}, transfer: {} } };
      return new PlanStore(plan, programmeOf(doc), catalogues[programmeOf(doc).catalogue]!);
    };

    it.each([
      ['chef-de-projet', true],
      ['finance', true],
      ['admin', true],
      ['partenaire', false],
      ['dics', false],
    ] as const)('%s: may record a version → %s', (role, allowed) => {
      setMe(meAs(role));
      const store = storeOf(nextPlan());
      const { model } = modelOf(nextPlan(), NEXT.years[0]!, { permissions: permissionsOf(store) });
      const action = model.newVersionAction();
      expect(action.allowed).toBe(allowed);
      // A role that may never record one does not see the button (not temporary).
      expect(action.temporary).toBe(allowed);
      if (!allowed) expect(action.reason).toBe(`Votre rôle (${ROLE_LABELS[role]}) ne permet pas d’enregistrer une version du budget`);
    });

    it('keeps the button, disabled with the reason, when the year’s report is under review', () => {
      const lock = 'Rapport soumis à la DiCS : les valeurs sont en lecture seule';
      const asked: string[] = [];
      const { model } = modelOf(nextPlan(), NEXT.years[0]!, {
        permissions: {
          ...ALLOW_ALL,
          yearLock: (p) => {
            asked.push(p);
            return lock;
          },
          canSave: () => false,
        },
      });
      expect(model.newVersionAction()).toMatchObject({ allowed: false, temporary: true, reason: lock });
      expect(asked).toEqual([`budgetsAnnuels.${NEXT.years[0]}`]);
    });
  });
});
