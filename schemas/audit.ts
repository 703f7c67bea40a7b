import { z } from 'zod';
import type { PlanDocument } from './plan.ts';
import { ficheLabel, labelPath, splitPath, type FlatPlan, type FlatValue } from './plan-path.ts';
import { RECETTES_LINES, DEPENSES_LINES } from './budget.ts';
import { formatEuros, formatPercent, formatUnitValue } from './numbers.ts';
import { NO, YES } from './enums.ts';
import { formatDate } from './dates.ts';
import type { FormValueField } from './form-definition.ts';

/**
 * The audit trail's view of a plan: the document flattened to one value per stable path (row ids, never positions),
 * so that the difference between two states of a plan — before and after a change, or a submitted snapshot and
 * today — is a list of `path: old → new`. The same paths drive the write rules (schemas/access.ts), the read-only
 * years of a submitted report and the history panel of a cell or a fiche.
 */

export const CHANGE_ORIGINS = ['grille', 'import', 'api', 'systeme'] as const;
export type ChangeOrigin = (typeof CHANGE_ORIGINS)[number];
export const CHANGE_ORIGIN_LABELS: Record<ChangeOrigin, string> = {
  grille: 'Application',
  import: 'Import de fichier',
  api: 'API',
  systeme: 'Cohésio',
};

/** Header of a request naming the screen it comes from, and the optional reason of a change (URI-encoded UTF-8). */
export const ORIGIN_HEADER = 'x-cohesio-origine';
export const REASON_HEADER = 'x-cohesio-motif';
export const MAX_REASON_LENGTH = 500;

export type { FlatPlan, FlatValue } from './plan-path.ts';
/** The audit trail's paths are built in schemas/plan-path.ts; its callers know it under this module. */
export { flattenPlan } from './plan-path.ts';

export type ValueChange = { path: string; old: FlatValue; new: FlatValue };

/** What changed from `before` to `after`, in the order of `after` then what was removed. */
export function diffPlans(before: FlatPlan, after: FlatPlan): ValueChange[] {
  const changes: ValueChange[] = [];
  for (const [path, v] of after) {
    const old = before.get(path) ?? null;
    if (old !== v) changes.push({ path, old, new: v });
  }
  for (const [path, v] of before) if (!after.has(path)) changes.push({ path, old: v, new: null });
  return changes;
}

/** The programme year of a path: read in schemas/plan-path.ts, known to its callers under this module. */
export { yearOfPath } from './plan-path.ts';

// ——— Describing a path to people ————————————————————————————————————————————————————————————————————————————————

const BUDGET_LABELS: Record<string, string> = Object.fromEntries([...RECETTES_LINES, ...DEPENSES_LINES].map((l) => [l.key, l.label]));

/**
 * French name of a path for the history panel, the changes annex, the checklist and errors: the one labelling of
 * schemas/plan-path.ts ("Fiche 1.3.03 · indicateur 2 « … » · Réalisé <année>"). Kept under this name for its callers;
 * `storedLabel` is what was recorded with the path, used when its row has been deleted since.
 */
export function describePath(plan: Pick<PlanDocument, 'actions' | 'transferts'> & Partial<PlanDocument>, path: string, storedLabel?: string | null): string {
  return labelPath(plan, path, { storedLabel: storedLabel ?? null });
}

/** Paths whose numbers are money in cents (the budgets, transfers, consumption, imputations). */
function isMoneyPath(parts: readonly string[]): boolean {
  const [head] = parts;
  if (head === 'budget' || head === 'consommation' || head === 'budgetsAnnuels')
    return parts.some((p) => p in BUDGET_LABELS || p === 'total') || head === 'consommation';
  if (head === 'transferts') return parts[2] === 'montant' || parts[2] === 'parAnnee';
  return head === 'imputations' && parts[3] === 'montant';
}

/**
 * A value as people read it: "€ 1.234,56", "12,5 %", "Oui", "vide"; a reference to a row by its name ("Transfert à
 * « CPAS »", "Fiche 1.3.03"), never its id. A value of a form document (`formulaires.<id>.…`) is read through the
 * field its definition gives it (`formField`, see getHistory): the path alone does not say an amount from a count.
 */
export function formatPathValue(
  plan: Pick<PlanDocument, 'actions'> & Partial<PlanDocument>,
  path: string,
  value: FlatValue,
  formField?: FormValueField | null,
): string {
  if (value === null) return 'vide';
  if (typeof value === 'boolean') return value ? YES : NO;
  if (formField) return formatFormValue(plan, formField, value);
  if (typeof value === 'string') {
    const leaf = splitPath(path).pop();
    if (leaf === 'transferId') {
      const partner = plan.transferts?.find((t) => t.id === value)?.partenaire;
      return partner ? `Transfert à « ${partner} »` : 'transfert supprimé';
    }
    if (leaf === 'indicatorId') {
      // A baseline's indicator (`actions.<id>.fiche.valeursDeReference.<n>.indicatorId`), named, never its id.
      const parts = splitPath(path);
      const indicator = plan.actions.find((a) => a.id === parts[1])?.indicators.find((i) => i.id === value);
      return indicator ? `Indicateur « ${indicator.label} »` : 'indicateur supprimé';
    }
    if (leaf === 'actionIds') {
      try {
        const ids = JSON.parse(value) as string[];
        return ids
          .map((id) => (plan.actions.find((a) => a.id === id) ? ficheLabel(plan, plan.actions.find((a) => a.id === id)!) : 'fiche supprimée'))
          .join(', ');
      } catch {
        return value;
      }
    }
    if (value.startsWith('[')) {
      try {
        return (JSON.parse(value) as unknown[]).join(', ');
      } catch {
        return value;
      }
    }
    return value;
  }
  const parts = splitPath(path);
  if (isMoneyPath(parts)) return formatEuros(value);
  if (parts[0] === 'repartitionTemps') return formatPercent(value);
  if (parts[0] === 'actions' && parts[2] === 'fiche' && parts[3] === 'valeursDeReference' && parts[5] === 'valeur') {
    const action = plan.actions.find((a) => a.id === parts[1]);
    const baseline = action?.fiche.valeursDeReference[Number(parts[4])];
    const unit = action?.indicators.find((i) => i.id === baseline?.indicatorId)?.unit;
    if (unit) return formatUnitValue(value, unit);
  }
  if (parts[0] === 'actions' && parts[2] === 'indicators') {
    const unit = plan.actions.find((a) => a.id === parts[1])?.indicators.find((i) => i.id === parts[3])?.unit;
    if (unit && (parts[4] === 'values' || parts[4] === 'exAnte')) return formatUnitValue(value, unit);
  }
  return String(value);
}

/**
 * A form document's value in the trail (schemas/form-document.ts `flattenFormData`): an amount in cents as euros, a
 * date the Belgian way, the fiche action by its name, a list (JSON of its items, closed-list labels) item by item.
 */
function formatFormValue(plan: Pick<PlanDocument, 'actions'>, field: FormValueField, value: string | number): string {
  if (typeof value === 'number') return field.kind === 'amount' ? formatEuros(value) : String(value);
  if (field.kind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (field.kind === 'ficheAction') {
    const action = plan.actions.find((a) => a.id === value);
    return action ? ficheLabel(plan, action) : 'fiche supprimée';
  }
  if (field.kind === 'bulletList' || field.kind === 'choice') {
    try {
      const items: unknown = JSON.parse(value);
      if (Array.isArray(items)) return items.join(' ; ');
    } catch {
      // A single choice: its label.
    }
  }
  return value;
}

/** The path prefix of one fiche action (its list row, fiche, indicators and their values). */
export { actionPathPrefix } from './plan-path.ts';

// ——— Stored history ————————————————————————————————————————————————————————————————————————————————————————————

export const AUDIT_EVENTS = ['modification', 'soumission', 'reouverture', 'retour', 'approbation', 'question', 'reponse', 'resolution', 'echeance'] as const;
export type AuditEvent = (typeof AUDIT_EVENTS)[number];

/** How the events read in the history panel and its XLSX export. */
export const AUDIT_EVENT_LABELS: Record<AuditEvent, string> = {
  modification: 'Modification',
  soumission: 'Soumission',
  reouverture: 'Réouverture',
  retour: 'Retour pour correction',
  approbation: 'Approbation',
  question: 'Question de la DiCS',
  reponse: 'Réponse',
  resolution: 'Question résolue',
  echeance: 'Échéance',
};

/** "Modification", or "Soumission — Rapport <année> soumis…" when the entry says what it is about. */
export function describeEvent(entry: Pick<AuditEntry, 'event' | 'summary'>): string {
  const label = AUDIT_EVENT_LABELS[entry.event];
  return entry.summary ? `${label} — ${entry.summary}` : label;
}

/** "Fiche 1.1.05 (CALIF)" for `actions.<id>`: a path prefix named without the trailing " › " of an empty field. */
export function describeScope(label: string): string {
  return label.replace(/\s*›\s*$/, '');
}

/** One change as the history panel and the export show it. */
export type AuditEntry = {
  id: number;
  at: string;
  event: AuditEvent;
  userName: string;
  userRole: string;
  origin: ChangeOrigin;
  reason: string | null;
  /** What the entry is about when it is not a value change ("Rapport <année> soumis"). */
  summary: string | null;
  values: { path: string; label: string; old: FlatValue; new: FlatValue; oldText: string; newText: string }[];
};

export const HistoryQuerySchema = z
  .object({
    /** Only the entries touching this path or the paths under it (`actions.<id>` = one fiche). */
    chemin: z.string().max(400).optional(),
    limite: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .strict();
