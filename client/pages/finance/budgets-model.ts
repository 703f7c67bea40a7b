import { WRITE_CAPABILITIES } from '../../../schemas/access.ts';
import { DEPENSES_LINES, RECETTES_LINES, computeBudgetFigures, type Budget } from '../../../schemas/budget.ts';
import { formatDate } from '../../../schemas/dates.ts';
import {
  BudgetVersionFieldsSchema,
  checkNewBudgetVersion,
  describeBudgetVersion,
  diffBudgets,
  versionsOfYear,
  type BudgetVersion,
  type BudgetVersionFields,
  type BudgetVersionKind,
  type VersionIssue,
} from '../../../schemas/finance.ts';
import { formatBelgianNumber, parseBelgianNumber } from '../../../schemas/numbers.ts';
import { buildPath, pathOfIssue } from '../../../schemas/plan-path.ts';
import type { PlanDocument } from '../../../schemas/plan.ts';
import type { Programme } from '../../../schemas/reference.ts';
import { ApiFailure, failureMessage } from '../../api.ts';
import type { Permissions } from '../../state/permissions.ts';

/**
 * The model of "Budgets annuels" (the view is `budgets.ts`): the versions of one year's budget in the order they
 * apply, what each changed from the previous one, and the form that records a new version — state, figures and the
 * save, without the DOM. Money is integer cents; a blank amount is null, never 0. A recorded version is never
 * changed: a correction is a new actualisation.
 */

type Side = 'recettes' | 'depenses';

/** One amount of the version form: a line of the budget, or the total as decided (blank: the sum of the lines). */
export type AmountField = ({ side: 'recettes'; key: keyof Budget['recettes'] } | { side: 'depenses'; key: keyof Budget['depenses'] }) & {
  /** The plan path of the amount in the version (`budget.recettes.subventionPcs`): where its issues are shown. */
  path: string;
  label: string;
  hint: string | null;
};

const recettesField = (key: keyof Budget['recettes'], label: string, hint: string | null = null): AmountField => ({
  side: 'recettes',
  key,
  label,
  hint,
  path: buildPath('budget', 'recettes', key),
});
const depensesField = (key: keyof Budget['depenses'], label: string, hint: string | null = null): AmountField => ({
  side: 'depenses',
  key,
  label,
  hint,
  path: buildPath('budget', 'depenses', key),
});

/** The form's amounts, by side, in the official form's order, each side ending with its decided total. */
export const AMOUNT_FIELDS: { recettes: readonly AmountField[]; depenses: readonly AmountField[] } = {
  recettes: [
    ...RECETTES_LINES.map((l) => recettesField(l.key, `${l.label} (€)`)),
    recettesField('total', 'Total des recettes tel que décidé (€)', 'Vide : la somme des lignes'),
  ],
  depenses: [
    ...DEPENSES_LINES.map((l) => depensesField(l.key, `${l.label} (€)`)),
    depensesField('total', 'Total des dépenses tel que décidé (€)', 'Vide : la somme des lignes'),
  ],
};
const ALL_AMOUNT_FIELDS = [...AMOUNT_FIELDS.recettes, ...AMOUNT_FIELDS.depenses];

const amountOf = (budget: Budget, f: AmountField): number | null => (f.side === 'recettes' ? budget.recettes[f.key] : budget.depenses[f.key]);

function setAmount(budget: Budget, f: AmountField, value: number | null): void {
  if (f.side === 'recettes') budget.recettes[f.key] = value;
  else budget.depenses[f.key] = value;
}

/** What the person typed in the form: amounts by path (Belgian notation, blank allowed) and the version's fields. */
export type VersionDraft = { amounts: Record<string, string>; libelle: string; dateDecision: string; commentaire: string };

/** The open form: which kind of version it records, where its amounts come from, and what it starts with. */
export type VersionForm = { kind: BudgetVersionKind; from: string; draft: VersionDraft };

/** The figures of the version as typed, in cents; null when an amount does not parse. */
export type VersionFigures = {
  recettesSum: number | null;
  depensesSum: number | null;
  /** The typed total when it differs from the sum of the lines (a blank sum counts as 0 against a typed total). */
  recettesTotalMismatch: number | null;
  depensesTotalMismatch: number | null;
  /** Total recettes − total dépenses (the totals that count); null when either is blank. */
  balance: number | null;
  partCommunaleRatio: number | null;
};

/** One line of the versions table: the amount of each version and, when it changed, by how much. */
export type VersionTableLine = {
  side: Side;
  key: string;
  label: string;
  isTotal: boolean;
  cells: { value: number | null; delta: number | null }[];
};

/** The button that opens the form: its label, and whether and why the person may not use it (`guardButton`). */
export type NewVersionAction = { kind: BudgetVersionKind; label: string; allowed: boolean; reason: string; temporary: boolean };

/** Issues to show by path; `badAmount`: an amount does not parse; `message`: the server's, when it refused. */
export type VersionIssues = { ok: false; issues: VersionIssue[]; badAmount: boolean; message: string | null };

/** A draft checked before sending: the fields to send, or why not. */
export type DraftCheck = { ok: true; fields: BudgetVersionFields } | VersionIssues;

/** What recording came to: the stored version and its toast, the server's issues, or why it could not answer. */
export type SaveOutcome = { ok: true; version: BudgetVersion; message: string } | VersionIssues | { ok: false; failure: string };

export type BudgetsModelDeps = {
  store: { plan: Pick<PlanDocument, 'budget' | 'budgetsAnnuels'>; readonly programme: Programme };
  year: number;
  permissions: Pick<Permissions, 'can' | 'canSave' | 'yearLock' | 'denial'>;
  /** The signed-in person's name, recorded as the author. */
  author: () => string;
  /** Sends the new version (`POST …/budget-versions`) and answers the stored one; throws `ApiFailure` when refused. */
  postVersion: (fields: BudgetVersionFields) => Promise<BudgetVersion>;
};

/** "1.234,56" from cents; blank for null. */
const typed = (cents: number | null) => (cents === null ? '' : formatBelgianNumber(cents, 2));

/** A typed amount: blank is null (not yet decided), otherwise Belgian notation in cents. */
export function parseAmount(text: string): { ok: true; value: number | null } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: true, value: null };
  return parseBelgianNumber(t, 2);
}

/** An amount as shown once typed ("1234,5" → "1.234,50"); left as typed when it does not parse. */
export function normaliseAmount(text: string): string {
  const r = parseAmount(text);
  return r.ok && r.value !== null ? typed(r.value) : text;
}

/** Typed totals that only repeat the sum of the lines are left blank in a new version (the sum counts). */
export function prefillOf(budget: Budget): Budget {
  const copy = structuredClone(budget);
  const f = computeBudgetFigures({ budget: copy, transferts: [] });
  if (copy.recettes.total !== null && copy.recettes.total === f.recettesSum) copy.recettes.total = null;
  if (copy.depenses.total !== null && copy.depenses.total === f.depensesSum) copy.depenses.total = null;
  return copy;
}

/** The budget of a draft, from `base`; the amounts that do not parse are issues on their path. */
export function readDraftBudget(base: Budget, amounts: Readonly<Record<string, string>>): { budget: Budget | null; issues: VersionIssue[] } {
  const budget = structuredClone(base);
  const issues: VersionIssue[] = [];
  for (const f of ALL_AMOUNT_FIELDS) {
    const r = parseAmount(amounts[f.path] ?? '');
    if (r.ok) setAmount(budget, f, r.value);
    else issues.push({ path: f.path, message: r.message });
  }
  return { budget: issues.length ? null : budget, issues };
}

/** The totals of a version's budget, as the form shows them while it is typed. */
export function versionFigures(budget: Budget): VersionFigures {
  const f = computeBudgetFigures({ budget, transferts: [] });
  const mismatch = (total: number | null, sum: number | null) => (total !== null && total !== (sum ?? 0) ? total : null);
  return {
    recettesSum: f.recettesSum,
    depensesSum: f.depensesSum,
    recettesTotalMismatch: mismatch(budget.recettes.total, f.recettesSum),
    depensesTotalMismatch: mismatch(budget.depenses.total, f.depensesSum),
    balance: f.totalRecettes !== null && f.totalDepenses !== null ? f.totalRecettes - f.totalDepenses : null,
    partCommunaleRatio: f.partCommunaleRatio,
  };
}

/** The versions of a year, line by line: the first version's amounts, then each one's amounts and changes. */
export function versionTableLines(ofYear: readonly BudgetVersion[]): VersionTableLine[] {
  if (ofYear.length === 0) return [];
  const diffs = ofYear.map((v, i) => (i === 0 ? null : diffBudgets(ofYear[i - 1]!.budget, v.budget)));
  return diffBudgets(ofYear[0]!.budget, ofYear[0]!.budget).map((line, li) => {
    const isTotal = line.key === 'total';
    return {
      side: line.side,
      key: line.key,
      label: isTotal ? line.label : `${line.side === 'recettes' ? 'Recettes' : 'Dépenses'} : ${line.label}`,
      isTotal,
      cells: ofYear.map((_, vi) => {
        const change = diffs[vi]?.[li] ?? null;
        const changed = change !== null && change.delta !== null && change.delta !== 0;
        return { value: vi === 0 ? line.after : (change?.after ?? null), delta: changed ? change.delta : null };
      }),
    };
  });
}

/** The head of each version's column: "Prévisionnel" or "Actualisation <rang>", and its date of decision. */
export function versionHeads(ofYear: readonly BudgetVersion[]): { label: string; date: string }[] {
  let rank = 0;
  return ofYear.map((v) => {
    if (v.nature === 'actualisation') rank += 1;
    return { label: v.nature === 'previsionnel' ? 'Prévisionnel' : `Actualisation ${rank}`, date: formatDate(v.dateDecision) };
  });
}

export type BudgetsModel = ReturnType<typeof createBudgetsModel>;

/** The page's state (the open form) over the plan of the store; every figure is derived from the plan when asked. */
export function createBudgetsModel(deps: BudgetsModelDeps) {
  const { store, year, permissions } = deps;
  let form: VersionForm | null = null;
  let base: Budget | null = null;
  const yearPath = buildPath('budgetsAnnuels', year);

  const versions = () => versionsOfYear(store.plan.budgetsAnnuels, year);
  const describe = (v: BudgetVersion) => describeBudgetVersion(store.plan.budgetsAnnuels, v);

  const closeForm = (): void => {
    form = null;
    base = null;
  };

  return {
    year,
    /** The programme's years: the pages of the other years. */
    years: (): readonly number[] => store.programme.years,
    versions,
    describe,
    form: () => form,
    /** A decision dated from the year before to the year after (a budget is voted before its year). */
    dateBounds: { min: `${year - 1}-01-01`, max: `${year + 1}-12-31` },

    newVersionAction(): NewVersionAction {
      const hasPrevisionnel = versions().some((v) => v.nature === 'previsionnel');
      const roleMay = permissions.can(WRITE_CAPABILITIES.budgetVersion);
      const lock = permissions.yearLock(yearPath);
      return {
        kind: hasPrevisionnel ? 'actualisation' : 'previsionnel',
        label: hasPrevisionnel ? 'Nouvelle actualisation' : `Enregistrer le prévisionnel ${year}`,
        allowed: permissions.canSave(WRITE_CAPABILITIES.budgetVersion, yearPath),
        reason: roleMay && lock ? lock : permissions.denial('enregistrer une version du budget'),
        // The role may, but not now (the year's report is under review): the button stays, disabled.
        temporary: roleMay,
      };
    },

    /** Opens the form, prefilled from the latest version of the year, else from the fiche plan's annual budget. */
    openForm(): VersionForm {
      const ofYear = versions();
      const latest = ofYear[ofYear.length - 1];
      const kind: BudgetVersionKind = ofYear.some((v) => v.nature === 'previsionnel') ? 'actualisation' : 'previsionnel';
      base = prefillOf(latest ? latest.budget : store.plan.budget);
      const budget = base;
      form = {
        kind,
        from: latest ? `la dernière version (${describe(latest)})` : 'le budget annuel de la fiche plan',
        draft: {
          amounts: Object.fromEntries(ALL_AMOUNT_FIELDS.map((f) => [f.path, typed(amountOf(budget, f))])),
          libelle: kind === 'previsionnel' ? 'Budget initial' : '',
          dateDecision: '',
          commentaire: '',
        },
      };
      return form;
    },

    closeForm,

    /** The figures of the amounts as typed; null while one does not parse. */
    figures(amounts: Readonly<Record<string, string>>): VersionFigures | null {
      const { budget } = readDraftBudget(base ?? store.plan.budget, amounts);
      return budget ? versionFigures(budget) : null;
    },

    /**
     * Checks the draft by the server's own rules (amounts readable, then the schema, then `checkNewBudgetVersion`):
     * the fields to send, or the issues to show by path. Nothing is sent while an issue remains.
     */
    check(draft: VersionDraft): DraftCheck {
      if (!form) throw new Error('no version form open');
      const read = readDraftBudget(base ?? store.plan.budget, draft.amounts);
      const fields = {
        annee: year,
        nature: form.kind,
        libelle: draft.libelle,
        dateDecision: draft.dateDecision,
        budget: read.budget,
        commentaire: draft.commentaire.trim() === '' ? null : draft.commentaire,
        auteur: deps.author(),
      };
      const parsed = BudgetVersionFieldsSchema.safeParse(fields);
      const issues = parsed.success
        ? checkNewBudgetVersion(store.plan.budgetsAnnuels, parsed.data, store.programme)
        : parsed.error.issues
            // An unreadable amount is already said on its field.
            .filter((i) => !(read.budget === null && i.path[0] === 'budget'))
            .map((i) => ({
              path: pathOfIssue(i.path),
              // The date picker gives AAAA-MM-JJ or nothing: a format message would puzzle.
              message: i.path[0] === 'dateDecision' && fields.dateDecision === '' ? 'La date de la décision est obligatoire' : i.message,
            }));
      if (read.budget === null || !parsed.success || issues.length > 0) {
        return { ok: false, issues: [...read.issues, ...issues], badAmount: read.budget === null, message: null };
      }
      return { ok: true, fields: parsed.data };
    },

    /** Sends checked fields; once stored, the version joins the plan's versions and the form closes. */
    async record(fields: BudgetVersionFields): Promise<SaveOutcome> {
      try {
        const stored = await deps.postVersion(fields);
        store.plan.budgetsAnnuels = [...store.plan.budgetsAnnuels, stored];
        closeForm();
        return { ok: true, version: stored, message: `${describe(stored)} enregistré${stored.nature === 'actualisation' ? 'e' : ''}` };
      } catch (err) {
        if (err instanceof ApiFailure && err.body.issues.length > 0) {
          return { ok: false, issues: err.body.issues, badAmount: false, message: err.body.message };
        }
        return { ok: false, failure: failureMessage(err) };
      }
    },
  };
}
