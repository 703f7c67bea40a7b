import type { FormDefinition } from './form-definition.ts';
import { groupItemName, type FormData, type FormGroupItem } from './form-document.ts';

/**
 * The fields of one document a question of the DiCS may be about, each with its path in the content and its label as
 * the audit trail words it (« B. Evaluation · Groupe de travail 2 « Prévention jeunesse » · Objectifs »): every field
 * of a section but a repeated group, and every field of each block the document holds (a table as a whole).
 */
export function formFieldPaths(definition: FormDefinition, data: FormData): { path: string; label: string }[] {
  const out: { path: string; label: string }[] = [];
  for (const section of definition.sections) {
    for (const field of section.fields) {
      const path = `${section.id}.${field.id}`;
      if (field.kind !== 'group') {
        out.push({ path, label: `${section.label} · ${field.label}` });
        continue;
      }
      const items = (data[section.id]?.[field.id] ?? []) as FormGroupItem[];
      items.forEach((item, i) => {
        for (const m of field.fields) out.push({ path: `${path}.${i}.${m.id}`, label: `${section.label} · ${groupItemName(field, item, i)} · ${m.label}` });
      });
    }
  }
  return out;
}

/** « Formulaire « Évaluation 2025 » »: how a document is named in labels and the audit trail. */
export const formDocumentName = (title: string) => `Formulaire « ${title} »`;
