import { z } from 'zod';
import { formatBelgianNumber } from './numbers.ts';
import './primitives.ts';

/**
 * A kind of form as data (`templates/forms/<id>.json`): the neighbouring documents of a plan — the evaluation of its
 * working groups, a project application — described as sections of typed fields, so that one engine validates,
 * stores, shows and exports any of them. An administrator adds a kind by adding a file; a broken file stops the
 * server at start with the file and the field (server/form-definitions.ts). Identifiers are code (camelCase), labels
 * are the documents' own French words.
 */

/** Identifier of a section, field, column or option key: camelCase, as JSON keys of the documents. */
export const FormKey = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]{0,39}$/, 'Identifiant invalide : une lettre minuscule puis lettres et chiffres (40 au plus, sans espace ni accent)');
/** Identifier of a form kind: its file's name (`evaluation-groupes`), kebab-case. */
export const FormKindId = z.string().regex(/^[a-z][a-z0-9-]{0,59}$/, 'Identifiant invalide : minuscules, chiffres et tirets (60 au plus)');
const Label = z.string().trim().min(1, 'Libellé obligatoire').max(500, 'Libellé trop long (500 caractères au plus)');
const Help = z.string().trim().max(2000, 'Texte d’aide trop long (2 000 caractères au plus)').optional();

/** Bounds an administrator may choose within: what one document may hold stays small enough to store and print. */
export const FORM_LIMITS = {
  /** Longest short text (default) and longest any short text may be. */
  text: { default: 300, max: 2000 },
  longText: { default: 20_000, max: 50_000 },
  bulletItem: { default: 2000, max: 5000 },
  bulletItems: { default: 50, max: 200 },
  tableRows: { default: 100, max: 500 },
  groupItems: { default: 30, max: 100 },
} as const;

const lengthBound = (max: number) =>
  z
    .number()
    .int('Nombre entier attendu')
    .min(1, 'Au moins 1')
    .max(max, `Au plus ${formatBelgianNumber(max, 0)}`);

const base = { id: FormKey, label: Label, help: Help, required: z.boolean().optional() };

/** One value of a closed list: its stored value and the words shown (the document's own). */
export const ChoiceOptionSchema = z.object({ value: FormKey, label: Label }).strict();

const TextField = z.object({ ...base, kind: z.literal('text'), maxLength: lengthBound(FORM_LIMITS.text.max).optional() }).strict();
const LongTextField = z.object({ ...base, kind: z.literal('longText'), maxLength: lengthBound(FORM_LIMITS.longText.max).optional() }).strict();
const BulletListField = z
  .object({
    ...base,
    kind: z.literal('bulletList'),
    maxItems: lengthBound(FORM_LIMITS.bulletItems.max).optional(),
    maxLength: lengthBound(FORM_LIMITS.bulletItem.max).optional(),
  })
  .strict();
const YesNoField = z.object({ ...base, kind: z.literal('yesNo') }).strict();
const ChoiceField = z
  .object({
    ...base,
    kind: z.literal('choice'),
    /** Several values may be ticked (check boxes), else one (a drop-down). */
    multiple: z.boolean().optional(),
    options: z.array(ChoiceOptionSchema).min(1, 'Au moins une valeur').max(100, 'Au plus 100 valeurs'),
  })
  .strict();
const DateField = z.object({ ...base, kind: z.literal('date') }).strict();
const AmountField = z.object({ ...base, kind: z.literal('amount') }).strict();
/** The plan's fiche action a document names (an application: the fiche it would fund); checked against the plan. */
const FicheActionField = z.object({ ...base, kind: z.literal('ficheAction') }).strict();

/** A table's column: the scalar kinds only. */
export const TableColumnSchema = z.discriminatedUnion(
  'kind',
  [
    TextField.omit({ help: true }),
    LongTextField.omit({ help: true }),
    YesNoField.omit({ help: true }),
    ChoiceField.omit({ help: true, multiple: true }),
    DateField.omit({ help: true }),
    AmountField.omit({ help: true }),
  ],
  { error: 'Genre de colonne inconnu : text, longText, yesNo, choice, date ou amount' },
);
export type TableColumn = z.output<typeof TableColumnSchema>;

const TableField = z
  .object({
    ...base,
    kind: z.literal('table'),
    columns: z.array(TableColumnSchema).min(1, 'Au moins une colonne').max(20, 'Au plus 20 colonnes'),
    maxRows: lengthBound(FORM_LIMITS.tableRows.max).optional(),
  })
  .strict();

const FIELD_KINDS_TEXT = 'text, longText, bulletList, yesNo, choice, date, amount, ficheAction, table';
/** A field inside a repeated group: any kind but another group. */
export const GroupMemberSchema = z.discriminatedUnion(
  'kind',
  [TextField, LongTextField, BulletListField, YesNoField, ChoiceField, DateField, AmountField, FicheActionField, TableField],
  {
    error: `Genre de champ inconnu dans un groupe : ${FIELD_KINDS_TEXT}`,
  },
);
export type GroupMember = z.output<typeof GroupMemberSchema>;

/** Where a repeated group's blocks come from when a document is created: the plan's own lists. */
export const PREFILL_SOURCES = ['reunionsOrganisees', 'partenaires'] as const;
export type PrefillSource = (typeof PREFILL_SOURCES)[number];

const GroupField = z
  .object({
    ...base,
    kind: z.literal('group'),
    /** How one block is called (« Groupe de travail »): « Groupe de travail 2 ». */
    itemLabel: Label,
    /** The text field naming each block (its title in the page, the workbook and the PDF). */
    titleField: FormKey.optional(),
    fields: z.array(GroupMemberSchema).min(1, 'Au moins un champ').max(40, 'Au plus 40 champs'),
    maxItems: lengthBound(FORM_LIMITS.groupItems.max).optional(),
    /** One block per row of the plan's list, its `titleField` set to the row's name, when a document is created. */
    prefill: z.enum(PREFILL_SOURCES, { error: `Source inconnue : ${PREFILL_SOURCES.join(' ou ')}` }).optional(),
  })
  .strict();

export const FormFieldSchema = z.discriminatedUnion(
  'kind',
  [TextField, LongTextField, BulletListField, YesNoField, ChoiceField, DateField, AmountField, FicheActionField, TableField, GroupField],
  { error: `Genre de champ inconnu : ${FIELD_KINDS_TEXT} ou group` },
);
export type FormField = z.output<typeof FormFieldSchema>;
export type FieldKind = FormField['kind'];

export const FormSectionSchema = z
  .object({
    id: FormKey,
    label: Label,
    help: Help,
    fields: z.array(FormFieldSchema).min(1, 'Au moins un champ').max(60, 'Au plus 60 champs'),
  })
  .strict();
export type FormSection = z.output<typeof FormSectionSchema>;

/** `path` of a duplicate in `items` (by id), for the refusal to name it. */
function requireUniqueIds(items: readonly { id: string }[], ctx: z.RefinementCtx, path: PropertyKey[], what: string): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', path: [...path, i, 'id'], message: `${what} « ${item.id} » apparaît deux fois` });
    seen.add(item.id);
  });
}

function checkChoices(field: { kind: string; options?: readonly { value: string }[] }, ctx: z.RefinementCtx, path: PropertyKey[]): void {
  if (field.kind !== 'choice' || !field.options) return;
  requireUniqueIds(
    field.options.map((o) => ({ id: o.value })),
    ctx,
    [...path, 'options'],
    'La valeur',
  );
}

export const FormDefinitionSchema = z
  .object({
    id: FormKindId,
    /** The kind as people name it: « Évaluation des groupes de travail ». */
    label: Label,
    description: Help,
    /** The title a new document gets (the person may change it). */
    defaultTitle: Label,
    sections: z.array(FormSectionSchema).min(1, 'Au moins une section').max(30, 'Au plus 30 sections'),
  })
  .strict()
  .superRefine((def, ctx) => {
    requireUniqueIds(def.sections, ctx, ['sections'], 'La section');
    def.sections.forEach((section, s) => {
      const at: PropertyKey[] = ['sections', s, 'fields'];
      requireUniqueIds(section.fields, ctx, at, 'Le champ');
      section.fields.forEach((field, f) => {
        checkChoices(field, ctx, [...at, f]);
        if (field.kind === 'table') {
          requireUniqueIds(field.columns, ctx, [...at, f, 'columns'], 'La colonne');
          field.columns.forEach((c, i) => checkChoices(c, ctx, [...at, f, 'columns', i]));
        }
        if (field.kind !== 'group') return;
        requireUniqueIds(field.fields, ctx, [...at, f, 'fields'], 'Le champ');
        field.fields.forEach((member, m) => {
          checkChoices(member, ctx, [...at, f, 'fields', m]);
          if (member.kind === 'table') requireUniqueIds(member.columns, ctx, [...at, f, 'fields', m, 'columns'], 'La colonne');
        });
        if (field.titleField !== undefined) {
          const title = field.fields.find((m) => m.id === field.titleField);
          if (title?.kind !== 'text') {
            ctx.addIssue({
              code: 'custom',
              path: [...at, f, 'titleField'],
              message: `« ${field.titleField} » n’est pas un champ texte (kind « text ») du groupe`,
            });
          }
        }
        if (field.prefill !== undefined && field.titleField === undefined) {
          ctx.addIssue({ code: 'custom', path: [...at, f, 'prefill'], message: 'Un groupe prérempli nomme son champ titre (titleField)' });
        }
      });
    });
  });
export type FormDefinition = z.output<typeof FormDefinitionSchema>;

/** What `GET /api/form-kinds` answers: every kind with its definition. */
export type FormKindList = FormDefinition[];

/** A field or table column as the values of a document see it: its kind, and a closed list's options. */
export type FormValueField = Pick<FormField, 'kind'> & { options?: readonly { value: string; label: string }[] };
