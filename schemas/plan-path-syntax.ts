/**
 * The syntax of plan paths (see plan-path.ts, which re-exports all of this): building, splitting, prefixes, rows by
 * position or by id. It needs no plan type, so that the schemas the plan document is made of (finance, budget) can
 * name their own paths without an import circle through plan.ts.
 */

/** The separator of the parts of a path. */
export const SEPARATOR = '.';

// ——— Building ————————————————————————————————————————————————————————————————————————————————————————————————————

/** `buildPath('actions', id, 'indicators', id2)` → `actions.<id>.indicators.<id2>`; a part may itself be a path. */
export function buildPath(...parts: readonly (string | number)[]): string {
  return parts.map(String).join(SEPARATOR);
}

/** `prefix` extended by `parts`; an empty prefix is the root of the document, so no leading dot (`k`, not `.k`). */
export function extendPath(prefix: string, ...parts: readonly (string | number)[]): string {
  return prefix === '' ? buildPath(...parts) : buildPath(prefix, ...parts);
}

/** The path of an issue of a zod parse (`['actions', 3, 'statut']` → `actions.3.statut`), as the API's `issues[].path`. */
export function pathOfIssue(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join(SEPARATOR);
}

/** The path prefix of one fiche action (its list row, fiche, indicators and their values). */
export const actionPathPrefix = (actionId: string) => buildPath('actions', actionId);

/** A field of a fiche action's list row or of its fiche: `actionFieldPath(id, 'fiche', 'description')`. */
export const actionFieldPath = (actionId: string, ...fields: readonly (string | number)[]) => buildPath(actionPathPrefix(actionId), ...fields);

/** The list of a fiche's indicators (`actions.<id>.indicators`): adding, removing or moving one is written there. */
export const indicatorsPath = (actionId: string) => actionFieldPath(actionId, 'indicators');

/** One indicator (`actions.<id>.indicators.<id>`), or one of its fields with `fields`. */
export const indicatorPath = (actionId: string, indicatorId: string, ...fields: readonly (string | number)[]) =>
  buildPath(indicatorsPath(actionId), indicatorId, ...fields);

/** The path of an indicator's target or actual for a year. */
export const indicatorValuePath = (actionId: string, indicatorId: string, year: number | string, kind: 'target' | 'actual') =>
  indicatorPath(actionId, indicatorId, 'values', year, kind);

/** A row of a list of the plan (`transferts.<id>`, `formations.<id>`, `identite.representants.3`), or one of its fields. */
export const listRowPath = (list: string, row: string | number, ...fields: readonly (string | number)[]) => buildPath(list, row, ...fields);

/** A partner's transfer row (`transferts.<id>`), or one of its fields. */
export const transferPath = (transferId: string, ...fields: readonly (string | number)[]) => listRowPath('transferts', transferId, ...fields);

/** What a transfer gives its partner in one year (`transferts.<id>.parAnnee.<année>`). */
export const transferYearPath = (transferId: string, year: number | string) => transferPath(transferId, 'parAnnee', year);

/** One line of the plan's budget (`budget.recettes.<ligne>`). */
export const budgetLinePath = (side: string, line: string) => buildPath('budget', side, line);

/** The chef de projet's share of time in one category for a period (`repartitionTemps.<catégorie>.<année | ex-ante>`). */
export const timeSharePath = (category: string, period: string | number) => buildPath('repartitionTemps', category, period);

/** The E-compte consumption of a year (`consommation.<année>`). */
export const consumptionPath = (year: number | string) => buildPath('consommation', year);

/** The budget versions of a year (`budgetsAnnuels.<année>`), or one of them with its id: the audit trail keys them by year. */
export const budgetVersionPath = (year: number | string, versionId?: string) =>
  versionId === undefined ? buildPath('budgetsAnnuels', year) : buildPath('budgetsAnnuels', year, versionId);

/** An E-compte imputation line (`imputations.<année>.<id>`), or one of its fields. */
export const imputationPath = (year: number | string, lineId: string, ...fields: readonly (string | number)[]) =>
  buildPath('imputations', year, lineId, ...fields);

/** A line of a year's financial reconciliation (`finance.<année>.<ligne>`). */
export const financeLinePath = (year: number | string, line: string) => buildPath('finance', year, line);

/** What stands for a dot of a justification's key inside one part of a path. */
export const JUSTIFICATION_KEY_SEPARATOR = '·';

/** A justification's key as one part of a path: its finding key, with `·` for the key's own dots. */
export const justificationPathKey = (cle: string) => cle.replaceAll(SEPARATOR, JUSTIFICATION_KEY_SEPARATOR);

/** The path of a justification (`justifications.<clé>`), as `flattenPlan` names it. */
export const justificationPath = (cle: string) => buildPath('justifications', justificationPathKey(cle));

// ——— Splitting and prefixes ———————————————————————————————————————————————————————————————————————————————————

/** The parts of a path: `actions.<id>.statut` → `['actions', '<id>', 'statut']` (the inverse of `buildPath`). */
export function splitPath(path: string): string[] {
  return path.split(SEPARATOR);
}

/**
 * The programme year a path belongs to (an indicator value, a time share, a transfer, a budget version…), if any;
 * a justification's key is read too (its parts are joined by `·`).
 */
export function yearOfPath(path: string, years: readonly number[]): number | null {
  for (const part of splitPath(path).flatMap((p) => p.split(JUSTIFICATION_KEY_SEPARATOR))) {
    if (/^\d{4}$/.test(part) && years.includes(Number(part))) return Number(part);
  }
  return null;
}

/** Whether `path` is `prefix` or a path under it: `actions.a1.statut` is within `actions.a1`, `actions.a10` is not. */
export function isPathWithin(path: string, prefix: string): boolean {
  return path === prefix || isPathUnder(path, prefix);
}

/** Whether `path` is strictly under `prefix` (a value of the row, not the row): `finance.<année>.<ligne>` is under `finance`. */
export function isPathUnder(path: string, prefix: string): boolean {
  return path.startsWith(prefix + SEPARATOR);
}

/** The path and the paths enclosing it, closest first: `a.b.c` → `a.b.c`, `a.b`, `a`. */
export function enclosingPaths(path: string): string[] {
  const parts = splitPath(path);
  return parts.map((_, i) => buildPath(...parts.slice(0, parts.length - i)));
}

/** The value at a path of a plain document (rows by position, as a document names them); undefined when absent. */
export function valueAtPath(doc: unknown, path: string): unknown {
  // Part by part without splitting the path: the printed sheets read every cell through here.
  let node: unknown = doc;
  let start = 0;
  for (;;) {
    if (node === null || node === undefined || typeof node !== 'object') return undefined;
    const end = path.indexOf(SEPARATOR, start);
    node = (node as Record<string, unknown>)[end < 0 ? path.slice(start) : path.slice(start, end)];
    if (end < 0) return node;
    start = end + SEPARATOR.length;
  }
}

/** Sets `value` at `path` of a plain document, creating the objects on the way (a year not yet reported). */
export function setValueAtPath(doc: unknown, path: string, value: unknown): void {
  const parts = splitPath(path);
  let node = doc as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || node[part] === undefined || typeof node[part] !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

// ——— Positions and ids ——————————————————————————————————————————————————————————————————————————————————————————

/** A document path with each row position replaced by `name(id)` of the row it points at (a row without id keeps it). */
function namingRows(doc: unknown, path: string, name: (id: string) => string): string {
  let node: unknown = doc;
  return buildPath(
    ...splitPath(path).map((part) => {
      const parent = node;
      node = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[part] : undefined;
      const id = Array.isArray(parent) && node !== null && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
      return typeof id === 'string' ? name(id) : part;
    }),
  );
}

/**
 * The audit trail's path (rows by id: `actions.<id>.indicators.<id>.values.<année>.actual`) of a document path (rows
 * by position, as API issues and the workbook's bindings are: `actions.3.indicators.2.values.<année>.actual`).
 */
export function idPathOf(doc: unknown, positionPath: string): string {
  return namingRows(doc, positionPath, (id) => id);
}

/**
 * The document path (rows by position, as pages find a field or a cell) of an audit path (rows by id): the inverse of
 * `idPathOf`. A part that is already a position stays; one naming no row (deleted since) stays as it is.
 */
export function positionPathOf(doc: unknown, idPath: string): string {
  let node: unknown = doc;
  return buildPath(
    ...splitPath(idPath).map((part) => {
      if (Array.isArray(node)) {
        const list: unknown[] = node;
        const byId = list.findIndex((row) => row !== null && typeof row === 'object' && (row as { id?: unknown }).id === part);
        const index = byId >= 0 ? byId : /^\d+$/.test(part) ? Number(part) : -1;
        node = index >= 0 ? list[index] : undefined;
        return index >= 0 ? String(index) : part;
      }
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
      return part;
    }),
  );
}

/**
 * `actions.3.indicators.2.exAnte` → `actions.#<id>.indicators.#<id>.exAnte`: positions replaced by the ids of the
 * rows they point at, so that a finding keeps its identity when rows are added, moved or removed.
 */
export function stablePath(doc: unknown, positionPath: string): string {
  return namingRows(doc, positionPath, (id) => `#${id}`);
}

/** The stable form of an id path of a fiche or an indicator: `actions.<id>.indicators.<id>…` → `actions.#<id>.indicators.#<id>…`. */
export function stablePathOfIds(idPath: string): string {
  const parts = splitPath(idPath);
  return buildPath(...parts.map((p, i) => ((parts[i - 1] === 'actions' || parts[i - 1] === 'indicators') && i % 2 === 1 ? `#${p}` : p)));
}
