import {
  IMPUTATION_NATURES,
  IMPUTATION_NATURE_LABELS,
  ImputationFieldsSchema,
  FUNCTIONAL_CODES,
  bookedTotals,
  classifyImputation,
  functionalCodesOf,
  type Imputation,
  type ImputationFields,
  type ImputationTotals,
} from '../../../schemas/finance.ts';
import { formatBelgianNumber, formatEuros, parseBelgianNumber } from '../../../schemas/numbers.ts';
import type { PlanDocument } from '../../../schemas/plan.ts';
import { ApiFailure, failureMessage } from '../../api.ts';
import type { Option } from '../../grid/columns.ts';
import type { OrganisationKind } from '../../../schemas/porteur.ts';

/**
 * The model of "Imputations E-compte" (the view is `imputations.ts`): the lines of the year shown, their totals by
 * year and nature, a cell edited in the grid, and a new line — checked by the server's schema, then sent. Money is
 * integer cents; a year or a nature without imputation has a blank total, never 0. The nature of a line follows the
 * documented rule (`classifyImputation`) unless the officer forces it.
 */

/** The nature "Automatique": the documented rule decides (stored as null). */
export const AUTO = 'auto';

/** The functions of the porteur's accounts: 84010 and its art. 20 function (84011, or 80111 for a plan delegated to the CPAS). */
export function functionalOptionsOf(kind: OrganisationKind): Option[] {
  return functionalCodesOf(kind).map((code) => ({ value: code, label: `${code} — ${FUNCTIONAL_CODES[code]}` }));
}

/** "Automatique (Subvention PCS)" — the documented rule's answer for this line — then the natures one may force. */
export function natureOptions(line: Pick<ImputationFields, 'codeFonctionnel' | 'articleEconomique'>): Option[] {
  return [
    { value: AUTO, label: `Automatique (${IMPUTATION_NATURE_LABELS[classifyImputation(line)]})` },
    ...IMPUTATION_NATURES.map((n) => ({ value: n, label: IMPUTATION_NATURE_LABELS[n] })),
  ];
}

/** The natures offered while a new line is typed: the rule's answer for the code and the article typed so far. */
export function draftNatureOptions(codeFonctionnel: string, articleEconomique: string): Option[] {
  // The select offers the functional codes only; anything else is classified as the rule does (not art.20).
  const parsed = ImputationFieldsSchema.shape.codeFonctionnel.safeParse(codeFonctionnel);
  const code = parsed.success ? parsed.data : '84010';
  return natureOptions({ codeFonctionnel: code, articleEconomique: articleEconomique.trim() || '000-00' });
}

/** Why a line has its nature: the rule's, or chosen (and what the rule would give). */
export function natureNote(line: Imputation): string {
  return line.nature === null
    ? 'Nature déduite du code fonctionnel et de l’article (règle documentée)'
    : `Nature choisie (la règle donnerait : ${IMPUTATION_NATURE_LABELS[classifyImputation(line)]})`;
}

/** The fields a line is saved with (its id and version travel apart). */
export function fieldsOf(line: Imputation): ImputationFields {
  const { id: _id, version: _version, ...fields } = line;
  return fields;
}

/** "1.234 imputations". */
export const plural = (n: number, word: string) => `${formatBelgianNumber(n, 0)} ${word}${n > 1 ? 's' : ''}`;

/** A new line as typed in the dialog: every field as text. */
export type LineDraft = { annee: string; codeFonctionnel: string; articleEconomique: string; libelle: string; montant: string; nature: string };

/** A new line checked before sending: its fields, or the messages to show (`field` names the one to focus). */
export type LineCheck = { ok: true; fields: ImputationFields } | { ok: false; messages: string[]; field: 'montant' | null };

/** The totals of one year by nature, and whether the year belongs to the programme. */
export type TotalsRow = { year: number; inProgramme: boolean; totals: ImputationTotals };

export type ImputationsModelDeps = {
  store: { plan: Pick<PlanDocument, 'imputations'>; readonly years: readonly number[] };
  /** The year shown; null: every year. */
  year: number | null;
  /** Sends a new line (`POST …/imputations`) and answers it as stored; throws `ApiFailure` when refused. */
  postLine: (fields: ImputationFields) => Promise<Imputation>;
};

export type ImputationsModel = ReturnType<typeof createImputationsModel>;

export function createImputationsModel({ store, year, postLine }: ImputationsModelDeps) {
  const { years } = store;
  return {
    year,
    years,
    /** A new line is of the year shown, else of the programme's last year. */
    defaultYear: year ?? years[years.length - 1]!,

    /** The lines of the year shown (every line when every year is shown), in the plan's order. */
    visible(): Imputation[] {
      return store.plan.imputations.filter((l) => year === null || l.annee === year);
    },

    /** "3 imputations en <année>". */
    countText(lines: number): string {
      return `${plural(lines, 'imputation')}${year === null ? '' : ` en ${year}`}`;
    },

    totalsTitle: year === null ? 'Totaux par année et par nature' : `Totaux ${year} par nature`,

    /** Every programme year (and any other year a line has), or the year shown, with its totals by nature. */
    totalsRows(): TotalsRow[] {
      const present = new Set(store.plan.imputations.map((l) => l.annee));
      return [...new Set([...years, ...present])]
        .sort((a, b) => a - b)
        .filter((y) => year === null || y === year)
        .map((y) => ({ year: y, inProgramme: years.includes(y), totals: bookedTotals(store.plan.imputations, y) }));
    },

    /**
     * A cell of the grid changed: the line takes the value when the schema accepts the line so changed (the year
     * as a number, "Automatique" as null); otherwise the line is unchanged and the message says why.
     */
    applyChange(line: Imputation, key: string, value: unknown): { ok: true } | { ok: false; message: string } {
      const typed = key === 'annee' ? (value === null ? null : Number(value)) : key === 'nature' ? (value === AUTO ? null : value) : value;
      const parsed = ImputationFieldsSchema.safeParse({ ...fieldsOf(line), [key]: typed });
      if (!parsed.success) return { ok: false, message: parsed.error.issues[0]?.message ?? 'Valeur refusée' };
      Object.assign(line, parsed.data);
      return { ok: true };
    },

    /** How the save queue and the confirmation name a line. */
    labelOf: (line: Imputation) => `l’imputation « ${line.libelle ?? line.articleEconomique} »`,
    describeForRemoval: (line: Imputation) => `l’imputation ${line.annee} ${line.articleEconomique} « ${line.libelle ?? ''} » (${formatEuros(line.montant)})`,

    /** A new line: the amount is required (blank is not zero), then the server's schema. */
    checkNewLine(draft: LineDraft): LineCheck {
      const amount = draft.montant.trim() === '' ? { ok: false as const, message: 'Le montant est obligatoire' } : parseBelgianNumber(draft.montant, 2);
      if (!amount.ok) return { ok: false, messages: [`Montant : ${amount.message}`], field: 'montant' };
      const parsed = ImputationFieldsSchema.safeParse({
        annee: Number(draft.annee),
        codeFonctionnel: draft.codeFonctionnel,
        articleEconomique: draft.articleEconomique,
        libelle: draft.libelle.trim() === '' ? null : draft.libelle,
        montant: amount.value,
        nature: draft.nature === AUTO ? null : draft.nature,
      });
      if (!parsed.success) return { ok: false, messages: parsed.error.issues.map((i) => i.message), field: null };
      return { ok: true, fields: parsed.data };
    },

    /** Sends a checked line; once stored, it joins the plan's lines. */
    async addLine(fields: ImputationFields): Promise<{ ok: true; line: Imputation } | { ok: false; messages: string[] }> {
      try {
        const line = await postLine(fields);
        store.plan.imputations = [...store.plan.imputations, line];
        return { ok: true, line };
      } catch (err) {
        return { ok: false, messages: err instanceof ApiFailure && err.body.issues.length ? err.body.issues.map((i) => i.message) : [failureMessage(err)] };
      }
    },

    /** A line deleted on the server leaves the plan. */
    forgetLine(lineId: string): void {
      store.plan.imputations = store.plan.imputations.filter((l) => l.id !== lineId);
    },
  };
}
