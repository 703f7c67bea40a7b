import { formatDateTime } from '../../../schemas/dates.ts';
import { MESSAGE_KIND_LABELS, THREAD_STATUS_LABELS, type ReviewAnnex, type ReviewThread } from '../../../schemas/submission.ts';
import { NUMBER_FORMATS, SheetBuilder, wrappedHeight, type LayoutCell, type SheetLayout } from './model.ts';

/**
 * The review annexes as read-only sheets: the DiCS's questions (one row per message) and, for a re-submission, the
 * values changed since the previous submission of the year. Every text comes from people (messages, names, values)
 * and is written as a plain string value, never as a formula: a message `=HYPERLINK("http://x")` stays that text.
 * The importer ignores these sheets; an empty list gives no sheet at all.
 */

export const QUESTIONS_SHEET = 'Questions DiCS';
export const CHANGES_SHEET = 'Modifications';
export const CHANGES_TITLE = 'Modifications depuis la dernière soumission';

const text = (col: number, value: string | null, style: LayoutCell['style'] = 'static', span?: number): LayoutCell => ({
  col,
  value,
  style,
  ...(span && span > 1 ? { span } : {}),
});
const headerRow = (titles: readonly string[]): LayoutCell[] => titles.map((value, i) => text(2 + i, value, 'tableHeader'));

/**
 * "Plan initial, soumission n°2, précédente du JJ/MM/AAAA à HH:MM", with what is known of the submission (its kind
 * when it names one); null for an ordinary export (no number, no previous submission).
 */
export function submissionLine({
  submissionNumber,
  previousSubmittedAt,
  submissionLabel,
}: Pick<ReviewAnnex, 'submissionNumber' | 'previousSubmittedAt' | 'submissionLabel'>): string | null {
  const parts = [
    ...(submissionLabel !== undefined && submissionNumber !== null ? [submissionLabel] : []),
    ...(submissionNumber !== null ? [`soumission n°${submissionNumber}`] : []),
    ...(previousSubmittedAt !== null ? [`précédente du ${formatDateTime(previousSubmittedAt)}`] : []),
  ];
  return parts.length === 0 ? null : parts.join(', ');
}

/** "3 valeurs modifiées (soumission n°2, précédente du JJ/MM/AAAA à HH:MM)": the changes annex's introduction. */
export function changesSummary(review: ReviewAnnex): string {
  const n = review.changes.length;
  const line = submissionLine(review);
  return `${n} valeur${n > 1 ? 's' : ''} modifiée${n > 1 ? 's' : ''}${line ? ` (${line})` : ''}`;
}

/** "2 questions, 5 messages — Question ouverte : 1, Résolu : 1": the questions annex's introduction. */
export function questionsSummary(threads: readonly ReviewThread[]): string {
  const messages = threads.reduce((n, t) => n + t.messages.length, 0);
  const byStatus = Object.entries(THREAD_STATUS_LABELS)
    .map(([status, label]) => [label, threads.filter((t) => t.statut === status).length] as const)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${label} : ${n}`);
  const plural = (n: number, word: string) => `${n} ${word}${n > 1 ? 's' : ''}`;
  return `${plural(threads.length, 'question')}, ${plural(messages, 'message')} — ${byStatus.join(', ')}`;
}

/**
 * Every message of every question, one row each (year, value questioned, status of its question, Brussels date
 * and time, author, role, nature, text), in the order of the questions and of their messages; a filter on the
 * header so a reader can keep one year or one status. The workbook's variant.
 */
export function layoutQuestions(threads: readonly ReviewThread[]): SheetLayout {
  const b = new SheetBuilder();
  b.add(headerRow(['Année', 'Valeur questionnée', 'Statut', 'Date', 'Auteur', 'Rôle', 'Nature', 'Message']));
  for (const t of threads) {
    // A question always has its first message; one without would still show as a row.
    for (const m of t.messages.length > 0 ? t.messages : [null]) {
      b.add(
        [
          { col: 2, value: t.annee, style: 'static', numFmt: NUMBER_FORMATS.year },
          text(3, t.libelle),
          text(4, THREAD_STATUS_LABELS[t.statut]),
          text(5, m && formatDateTime(m.at)),
          text(6, m?.auteur ?? null),
          text(7, m?.role ?? null),
          text(8, m && MESSAGE_KIND_LABELS[m.nature]),
          text(9, m?.texte ?? null),
        ],
        { height: Math.max(wrappedHeight(m?.texte, 70), wrappedHeight(t.libelle, 40)) },
      );
    }
  }
  return {
    name: QUESTIONS_SHEET,
    key: null,
    widths: [2, 8, 42, 18, 18, 24, 20, 12, 72],
    rows: b.rows,
    frozenRows: 1,
    landscape: true,
    autoFilter: `B1:I${b.rows.length}`,
    protect: false,
  };
}

/**
 * The printed questions: per question its value, year and status, then a table of its messages (date, author,
 * role, nature, text). The title and introduction come from the document (an annex).
 */
export function layoutQuestionsForPrint(threads: readonly ReviewThread[]): SheetLayout {
  const b = new SheetBuilder();
  const lastCol = 6;
  for (const t of threads) {
    const heading = `${t.libelle} — année ${t.annee} — ${THREAD_STATUS_LABELS[t.statut]}`;
    b.add([text(2, heading, 'subtitle', lastCol - 1)], { height: wrappedHeight(heading, 150) });
    b.add(headerRow(['Date', 'Auteur', 'Rôle', 'Nature', 'Message']));
    for (const m of t.messages) {
      b.add([text(2, formatDateTime(m.at)), text(3, m.auteur), text(4, m.role), text(5, MESSAGE_KIND_LABELS[m.nature]), text(6, m.texte)], {
        height: wrappedHeight(m.texte, 90),
      });
    }
  }
  return { name: QUESTIONS_SHEET, key: null, widths: [2, 17, 22, 18, 11, 92], rows: b.rows, frozenRows: 0, landscape: true, protect: false };
}

/**
 * The values changed since the previous submission of the year, one row each: the value as people name it
 * (schemas/plan-path.ts, never a path or an id), its old and new text as the grid shows them. The workbook's variant
 * has the title (with the submission's number and the previous one's date when known); the printed one the three
 * columns Valeur | Avant | Après under the document's annex title.
 */
export function layoutChanges(review: ReviewAnnex, variant: 'workbook' | 'print'): SheetLayout {
  const b = new SheetBuilder();
  const isWorkbook = variant === 'workbook';
  const titles = isWorkbook ? ['Valeur', 'Ancienne valeur', 'Nouvelle valeur'] : ['Valeur', 'Avant', 'Après'];
  if (isWorkbook) {
    const line = submissionLine(review);
    b.add([text(2, `${CHANGES_TITLE}${line ? ` (${line})` : ''}`, 'title', titles.length)], { height: 22 });
  }
  const header = b.add(headerRow(titles));
  for (const c of review.changes) {
    b.add([text(2, c.label), text(3, c.oldText), text(4, c.newText)], {
      height: Math.max(wrappedHeight(c.label, 45), wrappedHeight(c.oldText, 40), wrappedHeight(c.newText, 40)),
    });
  }
  return {
    name: CHANGES_SHEET,
    key: null,
    widths: isWorkbook ? [2, 60, 45, 45] : [2, 60, 45, 45],
    rows: b.rows,
    frozenRows: header,
    landscape: true,
    ...(isWorkbook ? { autoFilter: `B${header}:D${b.rows.length}` } : {}),
    protect: false,
  };
}
