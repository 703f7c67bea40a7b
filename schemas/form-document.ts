import { z } from 'zod';
import { FORM_LIMITS, type FormDefinition, type FormField, type FormValueField, type GroupMember, type TableColumn } from './form-definition.ts';
import { FORM_STATUSES } from './form-workflow.ts';
import { formatBelgianNumber } from './numbers.ts';
import { RowId, Version, isoDate, optCents } from './primitives.ts';

/**
 * A document of a form kind (an evaluation, an application) and the schema of its content, derived from the kind's
 * definition: one key per section, one per field, every value bounded. Money is integer cents, dates ISO
 * (AAAA-MM-JJ), and a blank is `null` (an empty list `[]`), never 0 nor "".
 */

/** A scalar value: text, yes/no, amount in cents, ISO date, or blank. */
export type FormScalar = string | number | boolean | null;
export type FormRow = Record<string, FormScalar | string[]>;
export type FormGroupItem = Record<string, FormScalar | string[] | FormRow[]>;
export type FormValue = FormScalar | string[] | FormRow[] | FormGroupItem[];
/** The content of a document: section → field → value. */
export type FormData = Record<string, Record<string, FormValue>>;

const LIMIT_WORDS = (n: number) => formatBelgianNumber(n, 0);

/** A trimmed text of at most `max` characters; blank is null. */
function textValue(max: number) {
  return z
    .string()
    .trim()
    .max(max, `Texte trop long (${LIMIT_WORDS(max)} caractères au plus)`)
    .nullable()
    .default(null)
    .transform((v) => (v === '' ? null : v));
}

function bulletList(maxItems: number, maxLength: number) {
  return z
    .array(
      z
        .string()
        .trim()
        .max(maxLength, `Texte trop long (${LIMIT_WORDS(maxLength)} caractères au plus)`),
    )
    .max(maxItems, `Au plus ${LIMIT_WORDS(maxItems)} éléments`)
    .default([])
    .transform((items) => items.filter((item) => item !== ''));
}

function choiceValue(field: { options: readonly { value: string; label: string }[]; multiple?: boolean | undefined }) {
  const values = field.options.map((o) => o.value);
  const one = z.string().refine((v) => values.includes(v), {
    message: `Valeur hors liste : ${field.options.map((o) => `« ${o.label} »`).join(', ')}`,
  });
  if (!field.multiple) return one.nullable().default(null);
  return z
    .array(one)
    .max(values.length)
    .default([])
    .refine((v) => new Set(v).size === v.length, 'Une valeur est cochée deux fois');
}

/** Money in integer cents, ≥ 0 (or a Belgian text: « 1.234,56 »); blank is null. */
const amountValue = optCents;
const dateValue = isoDate.nullable().default(null);
const yesNoValue = z.boolean().nullable().default(null);
const ficheValue = RowId.nullable().default(null);

function columnValue(column: TableColumn): z.ZodType<FormRow[string], unknown> {
  switch (column.kind) {
    case 'text':
      return textValue(column.maxLength ?? FORM_LIMITS.text.default);
    case 'longText':
      return textValue(column.maxLength ?? FORM_LIMITS.longText.default);
    case 'yesNo':
      return yesNoValue;
    case 'choice':
      return choiceValue(column);
    case 'date':
      return dateValue;
    case 'amount':
      return amountValue;
  }
}

function memberValue(field: GroupMember): z.ZodType<FormGroupItem[string], unknown> {
  switch (field.kind) {
    case 'bulletList':
      return bulletList(field.maxItems ?? FORM_LIMITS.bulletItems.default, field.maxLength ?? FORM_LIMITS.bulletItem.default);
    case 'ficheAction':
      return ficheValue;
    case 'table': {
      const row = z.object(Object.fromEntries(field.columns.map((c) => [c.id, columnValue(c)]))).strict();
      const max = field.maxRows ?? FORM_LIMITS.tableRows.default;
      return z
        .array(row)
        .max(max, `Au plus ${LIMIT_WORDS(max)} lignes`)
        .default([]);
    }
    default:
      return columnValue(field);
  }
}

function fieldValue(field: FormField): z.ZodType<FormValue, unknown> {
  if (field.kind !== 'group') return memberValue(field);
  const item = z.object(Object.fromEntries(field.fields.map((m) => [m.id, memberValue(m)]))).strict();
  const max = field.maxItems ?? FORM_LIMITS.groupItems.default;
  return z
    .array(item)
    .max(max, `Au plus ${LIMIT_WORDS(max)} blocs « ${field.itemLabel} »`)
    .default([]);
}

/**
 * The schema of a document's content for this kind: unknown sections or fields are refused (« Champ inconnu »),
 * missing ones are blank. Required fields are not enforced here (a draft is saved as typed): `missingFields` lists them.
 */
export function formDataSchema(definition: FormDefinition): z.ZodType<FormData, unknown> {
  return z
    .object(
      Object.fromEntries(
        definition.sections.map((section) => [
          section.id,
          z
            .object(Object.fromEntries(section.fields.map((f) => [f.id, fieldValue(f)])))
            .strict()
            .prefault({}),
        ]),
      ),
    )
    .strict();
}

/**
 * A stored content read through today's definition, field by field: a field the definition no longer has is left
 * out, a value that no longer fits its field (a list value removed, a shorter bound) is blank, every other value is
 * kept — so a change of a definition never blanks a whole document, nor is the document refused to its readers.
 */
export function formDataFromStored(definition: FormDefinition, stored: unknown): FormData {
  const whole = formDataSchema(definition).safeParse(stored);
  if (whole.success) return whole.data;
  const data: FormData = {};
  for (const section of definition.sections) {
    const raw = (stored as Record<string, Record<string, unknown> | undefined> | null)?.[section.id];
    const out: Record<string, FormValue> = {};
    for (const field of section.fields) {
      const schema = fieldValue(field);
      const parsed = schema.safeParse(raw?.[field.id]);
      out[field.id] = (parsed.success ? parsed.data : schema.parse(undefined)) as FormValue;
    }
    data[section.id] = out;
  }
  return data;
}

/** The content of a new document: every field blank, each prefilled group with one block per name. */
export function emptyFormData(
  definition: FormDefinition,
  prefill: (source: NonNullable<Extract<FormField, { kind: 'group' }>['prefill']>) => string[] = () => [],
): FormData {
  const data = formDataSchema(definition).parse({});
  for (const section of definition.sections) {
    for (const field of section.fields) {
      if (field.kind !== 'group' || !field.prefill || !field.titleField) continue;
      const names = prefill(field.prefill).slice(0, field.maxItems ?? FORM_LIMITS.groupItems.default);
      const blank = z.object(Object.fromEntries(field.fields.map((m) => [m.id, memberValue(m)]))).parse({}) as FormGroupItem;
      data[section.id]![field.id] = names.map((name) => ({ ...blank, [field.titleField!]: name.slice(0, 300) }));
    }
  }
  return data;
}

/** Whether a value is blank: null, "", or an empty list. */
export const isBlankValue = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** The required fields left blank, with their path in the document (`section.field`, `section.group.1.field`) and label. */
export function missingFields(definition: FormDefinition, data: FormData): { path: string; label: string }[] {
  const out: { path: string; label: string }[] = [];
  for (const section of definition.sections) {
    for (const field of section.fields) {
      const value = data[section.id]?.[field.id];
      if (field.required && isBlankValue(value)) out.push({ path: `${section.id}.${field.id}`, label: `${section.label} · ${field.label}` });
      if (field.kind !== 'group' || !Array.isArray(value)) continue;
      (value as FormGroupItem[]).forEach((item, i) => {
        for (const m of field.fields) {
          if (m.required && isBlankValue(item[m.id])) {
            out.push({ path: `${section.id}.${field.id}.${i}.${m.id}`, label: `${section.label} · ${groupItemName(field, item, i)} · ${m.label}` });
          }
        }
      });
    }
  }
  return out;
}

/** « Groupe de travail 2 « Maillage social » »: a block of a repeated group as people name it. */
export function groupItemName(field: Extract<FormField, { kind: 'group' }>, item: FormGroupItem | undefined, index: number): string {
  const title = field.titleField && item ? item[field.titleField] : null;
  return `${field.itemLabel} ${index + 1}${typeof title === 'string' && title ? ` « ${title} »` : ''}`;
}

/** One value of a document by path, as the audit trail stores it (a list as JSON text, as the plan's lists). */
export type FormFlatValue = string | number | boolean | null;

/**
 * The document as one value per path (`section.field`, `section.table.<row>.<column>`, `section.group.<n>.<field>`),
 * with each path's French label: what the audit trail compares and names.
 */
export function flattenFormData(definition: FormDefinition, data: FormData): Map<string, { value: FormFlatValue; label: string }> {
  const out = new Map<string, { value: FormFlatValue; label: string }>();
  const put = (path: string, label: string, value: unknown) => {
    if (isBlankValue(value)) return;
    out.set(path, { value: Array.isArray(value) ? JSON.stringify(value) : (value as FormFlatValue), label });
  };
  const putField = (path: string, label: string, field: GroupMember, value: unknown) => {
    if (field.kind !== 'table') return put(path, `${label} · ${field.label}`, shownChoice(field, value));
    ((value ?? []) as FormRow[]).forEach((row, r) => {
      for (const c of field.columns) put(`${path}.${r}.${c.id}`, `${label} · ${field.label} · ligne ${r + 1} · ${c.label}`, shownChoice(c, row[c.id]));
    });
  };
  for (const section of definition.sections) {
    for (const field of section.fields) {
      const path = `${section.id}.${field.id}`;
      const value = data[section.id]?.[field.id];
      if (field.kind !== 'group') {
        putField(path, section.label, field, value);
        continue;
      }
      ((value ?? []) as FormGroupItem[]).forEach((item, i) => {
        const label = `${section.label} · ${groupItemName(field, item, i)}`;
        for (const m of field.fields) putField(`${path}.${i}.${m.id}`, label, m, item[m.id]);
      });
    }
  }
  return out;
}

/** The field or table column a document path (`section.field`, `section.group.<n>.field`, `….table.<r>.column`) holds. */
export function formFieldAt(definition: FormDefinition, path: string): FormValueField | null {
  const [sectionId, fieldId, ...rest] = path.split('.');
  const field = definition.sections.find((s) => s.id === sectionId)?.fields.find((f) => f.id === fieldId);
  if (!field) return null;
  const inTable = (member: GroupMember, tail: string[]): FormValueField | null =>
    member.kind === 'table'
      ? tail.length === 2
        ? (member.columns.find((c: TableColumn) => c.id === tail[1]) ?? null)
        : null
      : tail.length === 0
        ? member
        : null;
  if (field.kind === 'group') {
    const member = field.fields.find((m) => m.id === rest[1]);
    return member && rest.length >= 2 ? inTable(member, rest.slice(2)) : null;
  }
  return inTable(field, rest);
}

/** A closed list's value as people read it (its label); any other value as it is. */
function shownChoice(field: { kind: string; options?: readonly { value: string; label: string }[] }, value: unknown): unknown {
  if (field.kind !== 'choice' || !field.options) return value;
  const label = (v: unknown) => field.options!.find((o) => o.value === v)?.label ?? v;
  return Array.isArray(value) ? value.map(label) : label(value);
}

/** A stored document, as the API answers it. */
export const FormDocumentSchema = z.object({
  id: RowId,
  planId: RowId,
  kind: z.string(),
  title: z.string(),
  data: z.record(z.string(), z.record(z.string(), z.unknown())),
  version: Version,
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  /** Its review by the DiCS (schemas/form-workflow.ts). */
  statut: z.enum(FORM_STATUSES),
  soumisLe: z.string().nullable(),
  soumisPar: z.string().nullable(),
  decideLe: z.string().nullable(),
  decidePar: z.string().nullable(),
  motif: z.string().nullable(),
});
export type FormDocument = Omit<z.output<typeof FormDocumentSchema>, 'data'> & {
  data: FormData;
  /** The required fields left blank (path in `data`, label). */
  manquants: { path: string; label: string }[];
};

/** A document in a plan's list, without its content. */
export type FormDocumentSummary = Omit<FormDocument, 'data' | 'manquants'> & { kindLabel: string };

/** The title of a document: short text, required. */
export const FormTitle = z.string().trim().min(1, 'Le titre est obligatoire').max(200, 'Titre trop long (200 caractères au plus)');
