import type { FormField, TableColumn } from '../../schemas/form-definition.ts';
import type { FormGroupItem, FormRow } from '../../schemas/form-document.ts';
import type { Column } from '../grid/columns.ts';

/**
 * What the form documents' page needs besides the DOM: a table field as grid columns (amounts in cents shown the
 * Belgian way, closed lists as drop-downs, dates, yes/no), a blank row or block, and how a save's refusal reads.
 */

/** The grid's columns of a table field of a definition. */
export function tableColumns(columns: readonly TableColumn[]): Column<FormRow>[] {
  return columns.map((c): Column<FormRow> => {
    const base = { key: c.id, title: c.required ? `${c.label} *` : c.label };
    switch (c.kind) {
      case 'amount':
        return { ...base, kind: 'number', scale: 2 };
      case 'date':
        return { ...base, kind: 'date' };
      case 'yesNo':
        return { ...base, kind: 'yesno' };
      case 'choice':
        return { ...base, kind: 'select', options: c.options };
      default:
        return { ...base, kind: 'text', ...(c.maxLength ? { maxLength: c.maxLength } : {}) };
    }
  });
}

/** A blank row of a table: every column null (blank is never 0 nor ""). */
export function blankRow(columns: readonly TableColumn[]): FormRow {
  return Object.fromEntries(columns.map((c) => [c.id, c.kind === 'choice' && 'multiple' in c && c.multiple ? [] : null]));
}

/** A blank block of a repeated group: lists empty, every other value null. */
export function blankGroupItem(field: Extract<FormField, { kind: 'group' }>): FormGroupItem {
  return Object.fromEntries(field.fields.map((m) => [m.id, m.kind === 'bulletList' || m.kind === 'table' || (m.kind === 'choice' && m.multiple) ? [] : null]));
}

/** « Données invalides (data.evaluation.groupes.1.nom) : … » → the path inside the document (`evaluation.groupes.1.nom`). */
export function documentPathOf(issuePath: string): string {
  return issuePath.replace(/^data\./, '');
}

/** How the page's status line reads. */
export type SaveState =
  | { kind: 'saved' }
  | { kind: 'pending' }
  | { kind: 'saving' }
  | { kind: 'refused'; message: string }
  | { kind: 'conflict'; message: string };

export function saveStateText(state: SaveState): string {
  switch (state.kind) {
    case 'saved':
      return 'Enregistré';
    case 'pending':
      return 'Modifications en attente…';
    case 'saving':
      return 'Enregistrement…';
    case 'refused':
      return `Non enregistré : ${state.message}`;
    case 'conflict':
      return `Non enregistré : ${state.message} — rechargez la page pour reprendre la version enregistrée`;
  }
}
