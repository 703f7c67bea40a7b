import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ActionInput } from '../../schemas/action.ts';
import type { Finding } from '../../schemas/checks.ts';
import type { IndicatorInput } from '../../schemas/indicator.ts';
import { PlanDocumentSchema, type PlanDocument, type PlanDocumentInput } from '../../schemas/plan.ts';
import { CatalogueSchema, ProgrammesSchema, type Programme } from '../../schemas/reference.ts';

/**
 * Small hand-made documents for the pure-rule tests. Reference data is read from `templates/` with the same schemas
 * as the server, so the tests use the real programme years and catalogue, never year literals of their own.
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));

export const PROGRAMMES = ProgrammesSchema.parse(readJson('templates/programmes.json'));
export const CATALOGUE = CatalogueSchema.parse(readJson('templates/catalogues/pcs-2020-2025.json'));

export function programme(id: string): Programme {
  const found = PROGRAMMES.find((p) => p.id === id);
  if (!found) throw new Error(`programme ${id} absent de templates/programmes.json`);
  return found;
}
/** The programme in force: 2020-2025 extended through 2026, seven years. */
export const PCS_2020_2025 = programme('pcs-2020-2025');
/** A four-year programme of the tests only (test/four-year-programme.ts), with its own catalogue. */
export { FOUR_YEAR_CATALOGUE, FOUR_YEAR_PROGRAMME } from '../four-year-programme.ts';

/** A valid plan document: only the header, every section at its defaults, plus `overrides`. */
export function makePlan(overrides: Partial<PlanDocumentInput> = {}): PlanDocument {
  return PlanDocumentSchema.parse({ commune: 'Testville', programmeId: PCS_2020_2025.id, ...overrides });
}

type Value = number | string | null;

/** `{ "2020": { target }, ... }` for the given years, one value each (or one value per year). */
export function targets(years: readonly number[], values: Value | readonly Value[]): IndicatorInput['values'] {
  const out: Record<string, { target: Value }> = {};
  years.forEach((y, i) => {
    out[String(y)] = { target: Array.isArray(values) ? (values[i] ?? null) : (values as Value) };
  });
  return out;
}

/** An indicator row (count by default) with the given fields. */
export function indicator(id: string, fields: Partial<IndicatorInput> = {}): IndicatorInput {
  return { id, category: 'realisation', label: `Indicateur ${id}`, unit: 'count', ...fields };
}

/** A standard row of the "Indicateurs d'activité" with yearly targets over every year of the PCS 2020-2025. */
export function standardRow(
  id: string,
  standard: 'temps-consacre' | 'part-budget' | 'montant-convention',
  yearly: Value | readonly Value[],
  exAnte: Value = null,
): IndicatorInput {
  return indicator(id, {
    category: 'activite',
    unit: standard === 'montant-convention' ? 'money' : 'percent',
    standard,
    exAnte,
    values: yearly === null ? {} : targets(PCS_2020_2025.years, yearly),
  });
}

/** An action of axe 1 (code 1.1.05, in the catalogue), carried by a named operator. */
export function action(id: string, overrides: Partial<ActionInput> = {}): ActionInput {
  const fiche = { operateur: { organisme: `Opérateur ${id}` }, ...overrides.fiche };
  return { id, code: '1.1.05', ...overrides, fiche };
}

/** An action whose operator is funded by the transfer `transferId`, with extra fiche fields. */
export function fundedAction(
  id: string,
  transferId: string,
  indicators: IndicatorInput[] = [],
  fiche: Omit<NonNullable<ActionInput['fiche']>, 'operateur'> = {},
): ActionInput {
  return action(id, { indicators, fiche: { operateur: { organisme: `Opérateur ${id}`, transferId }, ...fiche } });
}

export type TransferRow = { id: string; montant: number | null; art20?: boolean | null; partenaire?: string };

/**
 * A plan whose budget agrees with its transfers (subventions aux institutions = Σ transfers, art.20 = Σ art.20
 * transfers, recettes = dépenses), so that a check test sees only the findings of the rule it is about.
 */
export function planWithTransfers(transfers: TransferRow[], actions: ActionInput[] = [], overrides: Partial<PlanDocumentInput> = {}): PlanDocument {
  const sum = (rows: TransferRow[]) => rows.reduce((s, t) => s + (t.montant ?? 0), 0);
  const art20 = sum(transfers.filter((t) => t.art20 === true));
  const others = sum(transfers) - art20;
  return makePlan({
    budget: { recettes: { subventionsArt20: art20, autres: others }, depenses: { subventionsInstitutions: art20 + others } },
    transferts: transfers.map((t) => ({ partenaire: `Partenaire ${t.id}`, art20: false, ...t })),
    actions,
    ...overrides,
  });
}

/** The part of a finding a rule test asserts on (the message is French prose, checked separately where useful). */
export function brief(findings: readonly Finding[]) {
  return findings.map(({ rule, level, path }) => ({ rule, level, path }));
}
