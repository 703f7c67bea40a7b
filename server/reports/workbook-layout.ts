import { describeAction } from '../../schemas/action.ts';
import { enclosingPaths, isPathUnder, labelPath } from '../../schemas/plan-path.ts';
import { FINDING_LEVEL_LABELS, type JustifiedFinding } from '../../schemas/checks.ts';
import type { ReviewAnnex } from '../../schemas/submission.ts';
import { formatDateTime } from '../../schemas/dates.ts';
import {
  CIVILITES,
  DROIT_VISE_LABELS,
  ENGAGEMENT_DETACHEMENT,
  INDICATOR_CATEGORIES,
  PORTEUR_TYPES,
  PORTE_PAR,
  PROVINCES,
  PUBLICS_CIBLES,
  PUBLIC_DIMENSIONS,
  STATUTS_ACTION,
  YES_NO,
} from '../../schemas/enums.ts';
import { UNITS } from '../../schemas/numbers.ts';
import { listsOf } from '../../schemas/programme-lists.ts';
import type { Plan } from '../../schemas/plan.ts';
import { programmeSpan, type Catalogue, type Programme } from '../../schemas/reference.ts';
import { layoutFicheAction, unitCodec } from './layout/fiche-action.ts';
import { layoutFichePlan, PLAN_SHEET } from './layout/fiche-plan.ts';
import { IMPUTATIONS_SHEET, BUDGETS_SHEET, RECONCILIATION_SHEET, layoutImputations, layoutBudgetVersions, layoutReconciliation } from './layout/finance.ts';
import { numFmtOf } from './layout/form-writer.ts';
import { CHANGES_SHEET, QUESTIONS_SHEET, layoutChanges, layoutQuestions, layoutQuestionsForPrint } from './layout/review.ts';
import { SheetBuilder, address, sheetName, toCellValue, wrappedHeight, type Binding, type SheetLayout, type WorkbookLayout } from './layout/model.ts';

export const SYNTHESIS_SHEET = 'Synthèse indicateurs';
export const CHECKS_SHEET = 'Contrôles';
export const LISTS_SHEET = 'Listes';
/** The read-only finance sheets, written between the synthesis and the checks. */
export const FINANCE_SHEETS = [BUDGETS_SHEET, IMPUTATIONS_SHEET, RECONCILIATION_SHEET] as const;
export { IMPUTATIONS_SHEET, BUDGETS_SHEET, RECONCILIATION_SHEET };
/** The review annexes, written after "Contrôles" when they have something to show. */
export const REVIEW_SHEETS = [CHANGES_SHEET, QUESTIONS_SHEET] as const;
export { CHANGES_SHEET, QUESTIONS_SHEET };
/** The sheets the importer ignores: nothing in them is bound to the plan. */
export const READ_ONLY_SHEETS: readonly string[] = [SYNTHESIS_SHEET, CHECKS_SHEET, LISTS_SHEET, ...FINANCE_SHEETS, ...REVIEW_SHEETS];

/** Appended to a justification written for another message than the finding's current one. */
export const OUTDATED_JUSTIFICATION_MARK = '(à revoir : les chiffres ont changé depuis)';

/**
 * The closed lists offered as drop-downs, by the names the codecs use: the form's fixed lists, and the programme's
 * own wording of the lists it may change (schemas/programme-lists.ts).
 */
export function workbookLists(programme: Programme): Record<string, readonly string[]> {
  const lists = listsOf(programme);
  return {
    OUI_NON: YES_NO,
    PORTEUR_TYPES,
    PORTE_PAR,
    CIVILITES,
    PROVINCES,
    TYPES_CONTRAT: lists.typesContrat,
    ENGAGEMENT_DETACHEMENT,
    DIPLOMES: lists.diplomes,
    FONCTIONS_EQUIPE: lists.fonctionsEquipe,
    STATUTS_ACTION,
    DROIT_VISE_LABELS,
    DEGRES_IMPLICATION: lists.degresImplication,
    CADRES_EXISTANTS: lists.cadresExistants,
    DEMARCHES_PARTICIPATION: lists.demarchesParticipation,
    TYPES_ACTION: lists.typesAction,
    FREQUENCES: lists.frequences,
    CHAMPS_ACTION_PARTENAIRE: lists.champsActionPartenaire,
    PUBLIC_DIMENSIONS,
    ...Object.fromEntries(Object.entries(PUBLICS_CIBLES).map(([dimension, values]) => [`PUBLICS:${dimension}`, values])),
  };
}

export type WorkbookInput = {
  plan: Plan;
  programme: Programme;
  catalogue: Catalogue;
  findings: readonly JustifiedFinding[];
  /** The DiCS's questions and, for a re-submission, the changes since the previous one. */
  review: ReviewAnnex;
};

/** The form's own sheets: "Fiche plan" and one sheet per fiche action, named so that no two names collide. */
function formSheets({ plan, programme, catalogue }: WorkbookInput): { fichePlan: SheetLayout; fiches: SheetLayout[] } {
  const taken = new Set([PLAN_SHEET, ...READ_ONLY_SHEETS].map((n) => n.toLowerCase()));
  const actionSheets = new Map(
    plan.actions.map((a) => [
      a.id,
      sheetName(
        describeAction(a)
          .replace(/^Fiche /, '')
          .replace(/[()]/g, ''),
        taken,
      ),
    ]),
  );
  const fiches = plan.actions.map((a, i) => layoutFicheAction(plan, i, programme, catalogue, actionSheets.get(a.id)!));
  return { fichePlan: layoutFichePlan(plan, programme, catalogue, actionSheets), fiches };
}

/**
 * The whole official workbook as data: "Fiche plan", one sheet per fiche action, "Synthèse indicateurs", the
 * read-only finance sheets ("Budgets annuels", "Imputations", "Rapprochement"), "Contrôles", then the read-only
 * review sheets when they have rows ("Modifications" since the previous submission, "Questions DiCS"). Pure: the
 * same input gives the same layout, which the writer renders and the importer reads back.
 */
export function buildWorkbookLayout(input: WorkbookInput): WorkbookLayout {
  const { plan, programme, findings, review } = input;
  const { fichePlan, fiches } = formSheets(input);
  const sheets = [fichePlan, ...fiches];
  sheets.push(
    layoutSynthesis(plan, programme),
    layoutBudgetVersions(plan, programme.years, { name: BUDGETS_SHEET, title: `Budgets annuels ${programmeSpan(programme)} : versions enregistrées` }),
    layoutImputations(plan, { name: IMPUTATIONS_SHEET, title: 'Imputations E-compte (comptabilité communale)' }),
    layoutReconciliation(plan, programme.years, { name: RECONCILIATION_SHEET, title: `Rapprochement financier ${programmeSpan(programme)}` }),
  );
  sheets.push(layoutChecks(plan, findings, sheets, 'workbook'));
  if (review.changes.length > 0) sheets.push(layoutChanges(review, 'workbook'));
  if (review.threads.length > 0) sheets.push(layoutQuestions(review.threads));
  const kind = review.submissionLabel ? ` — ${review.submissionLabel}` : '';
  return { title: `PCS ${plan.commune} ${programme.label}${kind}`, sheets, lists: workbookLists(programme) };
}

/** A part of the printed document: one or more sheet layouts printed one after the other from a new page. */
export type PrintSection = { name: string; parts: SheetLayout[] };

/** The printed report title of the finance section of `year`. */
export const financeSectionTitle = (year: number) => `Rapprochement financier ${year}`;

/**
 * What the PDF of a report year prints, from the same layouts as the workbook: the fiche plan, the financial
 * reconciliation of the report year (its lines, the partners, then the year's budget versions and their
 * differences), every fiche action, the checks with each justification printed under its finding, then, when they
 * have something to show, the changes since the previous submission and the DiCS's questions with their messages.
 */
export function buildPrintLayout(input: WorkbookInput & { annee: number }): PrintSection[] {
  const { plan, findings, annee, review } = input;
  const { fichePlan, fiches } = formSheets(input);
  const financeName = financeSectionTitle(annee);
  const finance: PrintSection = {
    name: financeName,
    parts: [
      layoutReconciliation(plan, [annee], { name: financeName, title: financeName }),
      layoutBudgetVersions(plan, [annee], { name: `${financeName} (budget)`, title: null }),
    ],
  };
  const sections: PrintSection[] = [{ name: fichePlan.name, parts: [fichePlan] }, finance, ...fiches.map((f) => ({ name: f.name, parts: [f] }))];
  const checks = layoutChecks(
    plan,
    findings,
    sections.flatMap((s) => s.parts),
    'print',
  );
  sections.push({ name: checks.name, parts: [checks] });
  if (review.changes.length > 0) sections.push({ name: CHANGES_SHEET, parts: [layoutChanges(review, 'print')] });
  if (review.threads.length > 0) sections.push({ name: QUESTIONS_SHEET, parts: [layoutQuestionsForPrint(review.threads)] });
  return sections;
}

type InputCell = { sheet: string; cell: string; binding: Binding };

/** Every input cell of the sheets by its plan path (the first one when a path had two). */
function inputCellsOf(sheets: readonly SheetLayout[]): Map<string, InputCell> {
  const cells = new Map<string, InputCell>();
  for (const sheet of sheets) {
    sheet.rows.forEach((row, r) => {
      for (const c of row.cells)
        if (c.bind && !cells.has(c.bind.path)) cells.set(c.bind.path, { sheet: sheet.name, cell: address(c.col, r + 1), binding: c.bind });
    });
  }
  return cells;
}

/** Where the input cell of a plan path is: `{ sheet, cell }`, or null when the path has no cell of its own. */
export function locateInputCell(layout: WorkbookLayout, path: string): InputCell | null {
  return inputCellsOf(layout.sheets).get(path) ?? null;
}

/** One flat row per indicator × year, ready for a pivot table. Read-only: the fiches are where values are typed. */
function layoutSynthesis(plan: Plan, programme: Programme): SheetLayout {
  const b = new SheetBuilder();
  const headers = ['Code action', 'Opérateur', 'Catégorie', 'Indicateur', 'Unité', 'Année', 'Cible', 'Réalisé'];
  b.add(headers.map((value, i) => ({ col: 2 + i, value, style: 'tableHeader' as const })));
  for (const a of plan.actions) {
    const who = a.fiche.operateur.organisme ?? (a.fiche.operateur.equipePcs ? 'Équipe PCS' : '');
    for (const ind of a.indicators) {
      const codec = unitCodec(ind.unit);
      const numFmt = numFmtOf(codec);
      const category = INDICATOR_CATEGORIES.find((c) => c.code === ind.category)?.label ?? ind.category;
      const unit = UNITS.find((u) => u.code === ind.unit)?.label ?? ind.unit;
      for (const year of programme.years) {
        const cell = ind.values[String(year)];
        const value = (v: number | null | undefined) => ({ value: toCellValue(codec, v ?? null), style: 'static' as const, ...(numFmt ? { numFmt } : {}) });
        b.add([
          { col: 2, value: a.code, style: 'static' },
          { col: 3, value: who, style: 'static' },
          { col: 4, value: category, style: 'static' },
          { col: 5, value: ind.label, style: 'static' },
          { col: 6, value: unit, style: 'static' },
          { col: 7, value: year, style: 'static', numFmt: '0' },
          { col: 8, ...value(cell?.target) },
          { col: 9, ...value(cell?.actual) },
        ]);
      }
    }
  }
  return {
    name: SYNTHESIS_SHEET,
    key: null,
    widths: [2, 11, 30, 26, 60, 14, 8, 13, 13],
    rows: b.rows,
    frozenRows: 1,
    landscape: true,
    autoFilter: `B1:I${Math.max(1, b.rows.length)}`,
    protect: false,
  };
}

/**
 * The findings of the checks, with the sheet and cell where each can be corrected and its justification. The
 * workbook gives the justification its own columns; the printed copy a line under the finding.
 */
function layoutChecks(plan: Plan, findings: readonly JustifiedFinding[], sheets: readonly SheetLayout[], variant: 'workbook' | 'print'): SheetLayout {
  const b = new SheetBuilder();
  const titles = ['Niveau', 'Message', 'Emplacement dans le plan', 'Cellule', ...(variant === 'workbook' ? ['Justification', 'Justifiée par', 'Le'] : [])];
  b.add(titles.map((value, i) => ({ col: 2 + i, value, style: 'tableHeader' as const })));
  const cellOf = locationsOf(sheets);
  for (const f of findings) {
    const at = nearestCell(cellOf, f.path);
    const j = f.justification;
    const justification = j ? `${j.texte}${j.outdated ? ` ${OUTDATED_JUSTIFICATION_MARK}` : ''}` : null;
    b.add(
      [
        { col: 2, value: FINDING_LEVEL_LABELS[f.level], style: 'static' },
        { col: 3, value: f.message, style: 'static' },
        { col: 4, value: labelPath(plan, f.path), style: 'static' },
        at ? { col: 5, value: `${at.sheet}!${at.cell}`, link: `${at.sheet}!${at.cell}`, style: 'static' } : { col: 5, value: null, style: 'static' },
        ...(variant === 'workbook'
          ? [
              { col: 6, value: justification, style: 'static' as const },
              { col: 7, value: j?.auteur ?? null, style: 'static' as const },
              { col: 8, value: j ? formatDateTime(j.justifieLe) : null, style: 'static' as const },
            ]
          : []),
      ],
      { height: Math.max(32, wrappedHeight(f.message, 95), variant === 'workbook' ? wrappedHeight(justification, 60) : 0) },
    );
    if (variant === 'print' && j) {
      const line = `Justification (${j.auteur}, ${formatDateTime(j.justifieLe)}) : ${justification}`;
      b.add(
        [
          { col: 2, value: null, style: 'static' },
          { col: 3, value: line, style: 'note', span: 3 },
        ],
        { height: wrappedHeight(line, 150) },
      );
    }
  }
  const lastCol = 1 + titles.length;
  if (findings.length === 0) b.add([{ col: 2, value: 'Aucune remarque : le plan respecte toutes les règles.', style: 'static', span: lastCol - 1 }]);
  const widths = [2, 15, 90, 40, 28, ...(variant === 'workbook' ? [60, 22, 18] : [])];
  return { name: CHECKS_SHEET, key: null, widths, rows: b.rows, frozenRows: 1, landscape: true, protect: false };
}

/**
 * Where each plan path shows: its input cell, else (for the reconciliation's `finance.<year>.<line>`) the row of
 * the reconciliation that shows the line.
 */
function locationsOf(sheets: readonly SheetLayout[]): Map<string, InputCell | { sheet: string; cell: string }> {
  const cells: Map<string, InputCell | { sheet: string; cell: string }> = inputCellsOf(sheets);
  for (const sheet of sheets) {
    sheet.rows.forEach((row, r) => {
      if (row.key !== undefined && isPathUnder(row.key, 'finance') && !cells.has(row.key)) cells.set(row.key, { sheet: sheet.name, cell: address(2, r + 1) });
    });
  }
  return cells;
}

/** The cell of a path, or of its closest parent that has one (a finding on `actions.3.indicators` → none). */
function nearestCell<T>(cellOf: Map<string, T>, path: string): T | null {
  for (const p of enclosingPaths(path)) {
    const hit = cellOf.get(p);
    if (hit) return hit;
  }
  return null;
}
