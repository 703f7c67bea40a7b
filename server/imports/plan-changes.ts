import { PlanDocumentSchema, type Plan, type PlanDocument } from '../../schemas/plan.ts';
import type { ImportChange } from '../../schemas/workbook-import.ts';
import { displayValue, valueAt } from '../reports/layout/model.ts';
import { sameValue } from '../../schemas/same-value.ts';
import { labelPath } from '../../schemas/plan-path.ts';
import type { ReadValue, WorkbookProblem } from './xlsx.ts';

/** The plan document inside a stored plan (without its id, timestamps and versions of sections). */
export function documentOf(plan: Plan): PlanDocument {
  const { id: _id, createdAt: _c, updatedAt: _u, versions: _v, cellVersions: _cv, ...doc } = plan;
  return doc;
}

/** Sets `value` at `path` of a plain document, creating the objects on the way (a year not yet reported). */
function setAt(doc: unknown, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = doc as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) {
    if (node[part] === null || node[part] === undefined || typeof node[part] !== 'object') node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}

/**
 * The path of `flattenPlan` (rows named by id: `actions.<id>.indicators.<id>.values.<année>.actual`) of a path of the
 * document (rows named by position, as the workbook's bindings are: `actions.3.indicators.2.values.<année>.actual`),
 * so that the write rules of schemas/access.ts can judge a value read from a workbook.
 */
export function flatPathOf(doc: unknown, path: string): string {
  let node: unknown = doc;
  return path
    .split('.')
    .map((part) => {
      const parent = node;
      node = parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[part] : undefined;
      const id = Array.isArray(parent) && node !== null && typeof node === 'object' ? (node as { id?: unknown }).id : undefined;
      return typeof id === 'string' ? id : part;
    })
    .join('.');
}

/** An absent list reads as an empty one, an absent value as blank. */
const normalised = (v: ReadValue, value: unknown) => value ?? (v.binding.codec.kind === 'lines' ? [] : null);

/**
 * The plan with the workbook's values put in place and validated by the plan's own schema: every value that
 * differs from the stored plan is a change; every refusal of the schema is a problem at the cell it came from.
 */
export function computeImportChanges(
  plan: Plan,
  values: readonly ReadValue[],
): { edited: PlanDocument | null; changes: ImportChange[]; problems: WorkbookProblem[] } {
  const before = documentOf(plan);
  const draft = structuredClone(before) as unknown;
  // Only differing values are put in place, so an untouched workbook leaves the document as it was.
  for (const v of values) if (!sameValue(normalised(v, valueAt(before, v.binding.path)), v.value)) setAt(draft, v.binding.path, v.value);
  const parsed = PlanDocumentSchema.safeParse(draft);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      const source = values
        .filter((v) => path === v.binding.path || path.startsWith(`${v.binding.path}.`))
        .sort((a, b) => b.binding.path.length - a.binding.path.length)[0];
      return source
        ? { sheet: source.sheet, cell: source.cell, message: `${source.binding.label} : ${issue.message}` }
        : { sheet: '', cell: null, message: `${labelPath(before, path)} : ${issue.message}` };
    });
    return { edited: null, changes: [], problems };
  }
  const edited = parsed.data;
  const changes: ImportChange[] = [];
  for (const v of values) {
    const old = normalised(v, valueAt(before, v.binding.path));
    const now = normalised(v, valueAt(edited, v.binding.path));
    if (sameValue(old, now)) continue;
    const codec = v.binding.codec;
    changes.push({
      sheet: v.sheet,
      cell: v.cell,
      path: v.binding.path,
      label: v.binding.label,
      before: displayValue(codec, old),
      after: displayValue(codec, now),
      refusal: null,
    });
  }
  return { edited, changes, problems: [] };
}
