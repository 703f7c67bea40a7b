import type { FormDefinition, FormField, GroupMember, TableColumn } from '../../../schemas/form-definition.ts';
import { groupItemName, type FormData, type FormGroupItem, type FormRow } from '../../../schemas/form-document.ts';
import { YES_NO } from '../../../schemas/enums.ts';
import { buildPath } from '../../../schemas/plan-path.ts';
import { FormWriter } from './form-writer.ts';
import { codecs, SheetBuilder, sheetName, type Codec, type SheetLayout, type WorkbookLayout } from './model.ts';

/**
 * A form document as the workbook layout the plan's exports use: one sheet, the kind's sections in order, each field
 * a labelled input cell, a table as a table (header row, one row per line), a repeated group as one block per item.
 * The cells are bound to a *view* of the document in which closed-list values, yes/no and fiche actions read as
 * people name them (the XLSX writer and the PDF's sheet content read values through these bindings), so the same
 * generators print a plan and any form. A yes/no, a single choice and the fiche action are drop-downs (the plan's
 * closed lists, in the hidden « Listes » sheet); a multiple choice is typed one value per line, its values stated in
 * a note under it. Pure.
 */

/** What the layout reads besides the document: how the plan's fiche actions are named. */
export type FormLayoutInput = {
  definition: FormDefinition;
  /** The document's id: the sheet's key (hidden A1), so that an import reads back only this document's workbook. */
  documentId: string;
  title: string;
  /** The running header: « Plan de Cohésion sociale de la Ville de Liège ». */
  header: string;
  data: FormData;
  ficheLabel: (id: string) => string;
  /** The names of the plan's fiches action, in order: the fiche action's drop-down. */
  ficheLabels: readonly string[];
};

export type FormLayout = { layout: WorkbookLayout; view: Record<string, unknown> };

const LAST_COL = 9;
const WIDTHS = [2, 34, 16, 16, 16, 16, 16, 16, 16];

/** The value of a field as the sheet shows it: a closed list by its labels, a fiche by its name. */
function shownValue(
  field: Pick<FormField, 'kind'> & { options?: readonly { value: string; label: string }[] },
  value: unknown,
  ficheLabel: (id: string) => string,
): unknown {
  if (value === null || value === undefined) return null;
  if (field.kind === 'choice' && field.options) {
    const label = (v: unknown) => field.options!.find((o) => o.value === v)?.label ?? String(v);
    return Array.isArray(value) ? value.map(label) : label(value);
  }
  if (field.kind === 'ficheAction') return ficheLabel(String(value));
  return value;
}

/** The list of the plan's fiches action, and the list of the yes/no fields (the plan's own name, see workbookLists). */
export const FICHES_LIST = 'FICHES_ACTION';
const YES_NO_LIST = 'OUI_NON';

/** The drop-down list of a single choice: named after the field in the definition (`section.field`, `….column`). */
const choiceList = (definitionPath: string) => `choix:${definitionPath}`;

/** A multiple choice's note: the values it takes, one per line in the cell. */
export const allowedValuesNote = (labels: readonly string[]) => `Valeurs possibles, une par ligne : ${labels.map((l) => `« ${l} »`).join(' ; ')}`;

function codecOf(field: Pick<FormField, 'kind'> & { multiple?: boolean | undefined }, definitionPath: string): Codec {
  switch (field.kind) {
    case 'bulletList':
      return codecs.lines;
    case 'yesNo':
      return codecs.yesno;
    case 'ficheAction':
      return codecs.choice(FICHES_LIST);
    case 'date':
      return codecs.date;
    case 'amount':
      return codecs.euro;
    case 'choice':
      return field.multiple ? codecs.lines : codecs.choice(choiceList(definitionPath));
    default:
      return codecs.text;
  }
}

function viewOfRow(columns: readonly TableColumn[], row: FormRow, ficheLabel: (id: string) => string): Record<string, unknown> {
  return Object.fromEntries(columns.map((c) => [c.id, shownValue(c, row[c.id], ficheLabel)]));
}

function viewOfMember(field: GroupMember, value: unknown, ficheLabel: (id: string) => string): unknown {
  if (field.kind === 'table') return ((value ?? []) as FormRow[]).map((row) => viewOfRow(field.columns, row, ficheLabel));
  return shownValue(field, value, ficheLabel);
}

/** The document with every value as people read it, under the same paths as the document. */
export function formDocumentView(definition: FormDefinition, data: FormData, ficheLabel: (id: string) => string): Record<string, unknown> {
  const view: Record<string, Record<string, unknown>> = {};
  for (const section of definition.sections) {
    const out: Record<string, unknown> = {};
    for (const field of section.fields) {
      const value = data[section.id]?.[field.id];
      out[field.id] =
        field.kind === 'group'
          ? ((value ?? []) as FormGroupItem[]).map((item) => Object.fromEntries(field.fields.map((m) => [m.id, viewOfMember(m, item[m.id], ficheLabel)])))
          : viewOfMember(field, value, ficheLabel);
    }
    view[section.id] = out;
  }
  return view;
}

/** The closed lists of a definition's drop-downs, by the names its codecs use. */
function closedLists(definition: FormDefinition, ficheLabels: readonly string[]): Record<string, readonly string[]> {
  const lists: Record<string, readonly string[]> = {};
  const visit = (field: GroupMember | TableColumn, definitionPath: string) => {
    if (field.kind === 'yesNo') lists[YES_NO_LIST] = YES_NO;
    if (field.kind === 'ficheAction') lists[FICHES_LIST] = ficheLabels;
    if (field.kind === 'choice' && !('multiple' in field && field.multiple)) lists[choiceList(definitionPath)] = field.options.map((o) => o.label);
    if (field.kind === 'table') for (const c of field.columns) visit(c, buildPath(definitionPath, c.id));
  };
  for (const section of definition.sections) {
    for (const field of section.fields) {
      const path = buildPath(section.id, field.id);
      if (field.kind === 'group') for (const m of field.fields) visit(m, buildPath(path, m.id));
      else visit(field, path);
    }
  }
  return lists;
}

function writeMember(w: FormWriter, path: string, definitionPath: string, field: GroupMember, view: unknown): void {
  if (field.kind === 'longText') {
    w.longText(field.label, path);
    return;
  }
  if (field.kind !== 'table') {
    w.field(field.label, path, codecOf(field, definitionPath), { long: field.kind === 'bulletList' });
    if (field.kind === 'choice' && field.multiple) w.note(allowedValuesNote(field.options.map((o) => o.label)));
    return;
  }
  w.subtitle(field.label);
  w.header(field.columns.map((c) => c.label));
  const rows = ((valueAt(view, path) ?? []) as unknown[]).length;
  if (rows === 0) w.note('Aucune ligne.');
  for (let r = 0; r < rows; r++) {
    w.b.add(
      field.columns.map((c, i) =>
        w.input(2 + i, buildPath(path, r, c.id), codecOf(c, buildPath(definitionPath, c.id)), `${field.label}, ligne ${r + 1}, ${c.label}`),
      ),
      { key: buildPath(path, r) },
    );
  }
}

function valueAt(doc: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined), doc);
}

/** The workbook layout of a form document (one sheet named after the kind) and the view its cells are bound to. */
export function buildFormLayout(input: FormLayoutInput): FormLayout {
  const { definition } = input;
  const view = formDocumentView(definition, input.data, input.ficheLabel);
  const b = new SheetBuilder();
  const w = new FormWriter(b, view, LAST_COL, `${definition.label} « ${input.title} »`, WIDTHS);
  const key = `formulaire:${input.documentId}`;
  b.add([{ col: 2, value: input.header, style: 'runningHeader', span: LAST_COL - 1 }], { key });
  b.add([{ col: 2, value: definition.label, style: 'title', span: LAST_COL - 1 }], { height: 22 });
  b.add([{ col: 2, value: input.title, style: 'subtitle', span: LAST_COL - 1 }]);
  for (const section of definition.sections) {
    w.section(section.label);
    if (section.help) w.note(section.help);
    for (const field of section.fields) {
      const path = buildPath(section.id, field.id);
      if (field.kind !== 'group') {
        writeMember(w, path, path, field, view);
        continue;
      }
      const items = ((valueAt(input.data, path) ?? []) as FormGroupItem[]).length;
      if (items === 0) w.note(`Aucun bloc « ${field.itemLabel} ».`);
      for (let i = 0; i < items; i++) {
        w.subtitle(groupItemName(field, (valueAt(input.data, path) as FormGroupItem[])[i], i));
        for (const m of field.fields) writeMember(w, buildPath(path, i, m.id), buildPath(path, m.id), m, view);
      }
    }
  }
  const sheet: SheetLayout = {
    name: sheetName(definition.label, new Set()),
    key,
    widths: WIDTHS,
    rows: b.rows,
    frozenRows: 0,
    landscape: false,
    protect: false,
  };
  return { layout: { title: `${definition.label} — ${input.title}`, sheets: [sheet], lists: closedLists(definition, input.ficheLabels) }, view };
}
