import { formDataSchema, formFieldAt, isBlankValue, type FormData, type FormDocument } from '../../schemas/form-document.ts';
import type { FormValueField } from '../../schemas/form-definition.ts';
import { setValueAtPath, valueAtPath } from '../../schemas/plan-path.ts';
import type { ImportChange, ImportPreview, ImportResult } from '../../schemas/workbook-import.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { readWorkbookValues, type WorkbookProblem } from '../imports/xlsx.ts';
import { sharedWorkbookReader } from '../workers/workbook-reader.ts';
import { displayValue } from '../reports/layout/model.ts';
import type { ServiceContext } from './context.ts';
import { formExportSources } from './form-exports.ts';
import { requireEditable, saveFormDocument } from './form-documents.ts';

/**
 * A form document's workbook, edited in Excel or LibreOffice, read back through the layout it was written with
 * (the same reader as the plan's import: every bound cell by its row key, the apostrophe of inert texts taken off):
 * the preview lists each value that differs, applying saves them as one change of the document, with its version.
 * Rows and blocks are not added or removed by an import (the page does that).
 */

/** A value as the sheet shows it back to the document's own: closed-list labels to their keys, a fiche's name to its id. */
function storedValue(field: FormValueField, value: unknown, ficheIdOf: (label: string) => string | null): unknown {
  if (value === null || value === undefined) return field.kind === 'bulletList' ? [] : null;
  if (field.kind === 'choice' && field.options) {
    const key = (v: unknown) => field.options!.find((o) => o.label === v || o.value === v)?.value ?? String(v);
    return Array.isArray(value) ? value.map(key) : key(value);
  }
  if (field.kind === 'ficheAction') return ficheIdOf(String(value)) ?? String(value);
  return value;
}

const same = (a: unknown, b: unknown) => (isBlankValue(a) && isBlankValue(b)) || JSON.stringify(a) === JSON.stringify(b);

function problemsError(problems: WorkbookProblem[]): ValidationError {
  const issues = problems.map((p) => ({ path: p.cell ? `${p.sheet}!${p.cell}` : p.sheet, message: p.message }));
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (et ${issues.length - 1} autre(s) problème(s))` : '';
  return new ValidationError(`Import refusé, rien n'a été modifié. ${first.path} : ${first.message}${more}`, issues);
}

/**
 * Previews (or, with `apply` and the preview's `fingerprint` — the document's version —, applies) an edited export
 * of the document. 400 with each problem at its cell (`Feuille!C12`), 409 when the document changed since the preview.
 */
export async function importFormDocumentXlsx(
  ctx: ServiceContext & { planId: string; documentId: string; bytes: Uint8Array; apply: boolean; fingerprint?: string | undefined },
): Promise<ImportPreview | ImportResult> {
  // Read in the uploads' thread, as the plan's workbook is (server/workers/workbook-reader.ts).
  const opened = await sharedWorkbookReader().read(ctx.bytes);
  if ('problem' in opened) throw new ValidationError(opened.problem, [{ path: 'file', message: opened.problem }]);
  if (ctx.apply && !ctx.fingerprint) {
    throw new ValidationError("L'empreinte de l'aperçu est requise pour appliquer l'import", [{ path: 'fingerprint', message: 'Empreinte manquante' }]);
  }
  const { document, definition, form, ficheIdOf } = formExportSources(ctx);
  // A submitted or approved document takes no import, not even a preview (the page shows it read-only).
  requireEditable(ctx, document, 'd’importer un classeur dans');
  const read = readWorkbookValues(opened.snapshot, form.layout);
  if (read.problems.length) throw problemsError(read.problems);
  const data = structuredClone(document.data) as FormData;
  const changes: ImportChange[] = [];
  for (const v of read.values) {
    const before = valueAtPath(form.view, v.binding.path);
    if (same(before, v.value)) continue;
    const field = formFieldAt(definition, v.binding.path);
    if (!field) continue;
    setValueAtPath(data, v.binding.path, storedValue(field, v.value, ficheIdOf));
    changes.push({
      sheet: v.sheet,
      cell: v.cell,
      path: v.binding.path,
      label: v.binding.label,
      before: displayValue(v.binding.codec, before),
      after: displayValue(v.binding.codec, v.value),
      refusal: null,
    });
  }
  const parsed = formDataSchema(definition).safeParse(data);
  if (!parsed.success) {
    const cellOf = new Map(read.values.map((v) => [v.binding.path, `${v.sheet}!${v.cell}`]));
    throw problemsError(
      parsed.error.issues.map((i) => {
        // An item of a list (`….nature.0`) is in its field's cell.
        const bound = i.path.map((_, n) => i.path.slice(0, i.path.length - n).join('.')).find((p) => cellOf.has(p));
        const where = (bound && cellOf.get(bound)) ?? '';
        const [sheet, cell] = where.split('!');
        return { sheet: sheet || form.layout.sheets[0]!.name, cell: cell ?? null, message: i.message };
      }),
    );
  }
  const fingerprint = String(document.version);
  if (!ctx.apply) return { fingerprint, changes };
  if (ctx.fingerprint !== fingerprint) {
    throw new ConflictError("Le document a été modifié depuis l'aperçu : relancez l'aperçu avant d'appliquer", { fingerprint });
  }
  if (changes.length) saveFormDocument({ ...ctx, origin: 'import', version: document.version, data: parsed.data });
  return { fingerprint, changes, applied: true };
}

export type { FormDocument };
