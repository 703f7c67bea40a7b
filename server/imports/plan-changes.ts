import { PlanDocumentSchema, type Plan, type PlanDocument } from '../../schemas/plan.ts';
import type { ImportChange } from '../../schemas/workbook-import.ts';
import { displayValue } from '../reports/layout/model.ts';
import { sameValue } from '../../schemas/same-value.ts';
import { flattenPlan, idPathOf, isPathWithin, labelPath, pathOfIssue, setValueAtPath, valueAtPath } from '../../schemas/plan-path.ts';
import { diffPlans } from '../../schemas/audit.ts';
import { findListIssues } from '../../schemas/integrity.ts';
import type { Programme } from '../../schemas/reference.ts';
import type { ReadValue, WorkbookProblem } from './xlsx.ts';

/** The plan document inside a stored plan (without its id, timestamps and versions of sections). */
export function documentOf(plan: Plan): PlanDocument {
  const { id: _id, createdAt: _c, updatedAt: _u, versions: _v, cellVersions: _cv, ...doc } = plan;
  return doc;
}

/** An absent list reads as an empty one, an absent value as blank. */
const normalised = (v: ReadValue, value: unknown) => value ?? (v.binding.codec.kind === 'lines' ? [] : null);

/**
 * The plan with the workbook's values put in place and validated by the plan's own schema: every value that
 * differs from the stored plan is a change; every refusal of the schema is a problem at the cell it came from.
 */
export function computeImportChanges(
  plan: Plan,
  programme: Programme,
  values: readonly ReadValue[],
): { edited: PlanDocument | null; changes: ImportChange[]; problems: WorkbookProblem[] } {
  const before = documentOf(plan);
  const draft = structuredClone(before) as unknown;
  // Only differing values are put in place, so an untouched workbook leaves the document as it was.
  for (const v of values) if (!sameValue(normalised(v, valueAtPath(before, v.binding.path)), v.value)) setValueAtPath(draft, v.binding.path, v.value);
  const parsed = PlanDocumentSchema.safeParse(draft);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path = pathOfIssue(issue.path);
      const source = values.filter((v) => isPathWithin(path, v.binding.path)).sort((a, b) => b.binding.path.length - a.binding.path.length)[0];
      return source
        ? { sheet: source.sheet, cell: source.cell, message: `${source.binding.label} : ${issue.message}` }
        : { sheet: '', cell: null, message: `${labelPath(before, path)} : ${issue.message}` };
    });
    return { edited: null, changes: [], problems };
  }
  const edited = parsed.data;
  // A value of a programme list typed where the cell takes free lines (modes of communication…) is checked as a write is.
  const listIssues = findListIssues(edited, programme, diffPlans(flattenPlan(before), flattenPlan(edited)));
  if (listIssues.length) {
    const problems = listIssues.map((issue) => {
      const source = values.find((v) => isPathWithin(issue.path, idPathOf(before, v.binding.path)));
      return { sheet: source?.sheet ?? '', cell: source?.cell ?? null, message: issue.message };
    });
    return { edited: null, changes: [], problems };
  }
  const changes: ImportChange[] = [];
  for (const v of values) {
    const old = normalised(v, valueAtPath(before, v.binding.path));
    const now = normalised(v, valueAtPath(edited, v.binding.path));
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
