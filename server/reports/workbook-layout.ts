import { describeAction } from '../../schemas/cells.ts';
import { FINDING_LEVEL_LABELS, type Finding } from '../../schemas/checks.ts';
import {
  CADRES_EXISTANTS,
  CHAMPS_ACTION_PARTENAIRE,
  CIVILITES,
  DEGRES_IMPLICATION,
  DEMARCHES_PARTICIPATION,
  DIPLOMES,
  DROIT_VISE_LABELS,
  ENGAGEMENT_DETACHEMENT,
  FONCTIONS_EQUIPE,
  FREQUENCES,
  INDICATOR_CATEGORIES,
  PORTEUR_TYPES,
  PORTE_PAR,
  PROVINCES,
  PUBLICS_CIBLES,
  PUBLIC_DIMENSIONS,
  STATUTS_ACTION,
  TYPES_ACTION,
  TYPES_CONTRAT,
  YES_NO,
} from '../../schemas/enums.ts';
import { UNITS } from '../../schemas/numbers.ts';
import type { Plan } from '../../schemas/plan.ts';
import type { Catalogue, Programme } from '../../schemas/reference.ts';
import { layoutFicheAction, unitCodec } from './layout/fiche-action.ts';
import { layoutFichePlan, PLAN_SHEET } from './layout/fiche-plan.ts';
import { numFmtOf } from './layout/form-writer.ts';
import { SheetBuilder, address, sheetName, toCellValue, type Binding, type SheetLayout, type WorkbookLayout } from './layout/model.ts';

export const SYNTHESIS_SHEET = 'Synthèse indicateurs';
export const CHECKS_SHEET = 'Contrôles';
export const LISTS_SHEET = 'Listes';

/** The closed lists offered as drop-downs, by the names the codecs use. */
export const WORKBOOK_LISTS: Record<string, readonly string[]> = {
  OUI_NON: YES_NO,
  PORTEUR_TYPES,
  PORTE_PAR,
  CIVILITES,
  PROVINCES,
  TYPES_CONTRAT,
  ENGAGEMENT_DETACHEMENT,
  DIPLOMES,
  FONCTIONS_EQUIPE,
  STATUTS_ACTION,
  DROIT_VISE_LABELS,
  DEGRES_IMPLICATION,
  CADRES_EXISTANTS,
  DEMARCHES_PARTICIPATION,
  TYPES_ACTION,
  FREQUENCES,
  CHAMPS_ACTION_PARTENAIRE,
  PUBLIC_DIMENSIONS,
  ...Object.fromEntries(Object.entries(PUBLICS_CIBLES).map(([dimension, values]) => [`PUBLICS:${dimension}`, values])),
};

export type WorkbookInput = { plan: Plan; programme: Programme; catalogue: Catalogue; findings: readonly Finding[] };

/**
 * The whole official workbook as data: "Fiche plan", one sheet per fiche action, "Synthèse indicateurs",
 * "Contrôles". Pure: the same plan gives the same layout, which the writer renders and the importer reads back.
 */
export function buildWorkbookLayout({ plan, programme, catalogue, findings }: WorkbookInput): WorkbookLayout {
  const taken = new Set([PLAN_SHEET, SYNTHESIS_SHEET, CHECKS_SHEET, LISTS_SHEET].map((n) => n.toLowerCase()));
  const actionSheets = new Map(plan.actions.map((a) => [a.id, sheetName(describeAction(a).replace(/^Fiche /, '').replace(/[()]/g, ''), taken)]));
  const fiches = plan.actions.map((a, i) => layoutFicheAction(plan, i, programme, catalogue, actionSheets.get(a.id)!));
  const sheets = [layoutFichePlan(plan, programme, catalogue, actionSheets), ...fiches];
  sheets.push(layoutSynthesis(plan, programme), layoutChecks(findings, sheets));
  return { title: `PCS ${plan.commune} ${programme.label}`, sheets, lists: WORKBOOK_LISTS };
}

type InputCell = { sheet: string; cell: string; binding: Binding };

/** Every input cell of the sheets by its plan path (the first one when a path had two). */
function inputCellsOf(sheets: readonly SheetLayout[]): Map<string, InputCell> {
  const cells = new Map<string, InputCell>();
  for (const sheet of sheets) {
    sheet.rows.forEach((row, r) => {
      for (const c of row.cells) if (c.bind && !cells.has(c.bind.path)) cells.set(c.bind.path, { sheet: sheet.name, cell: address(c.col, r + 1), binding: c.bind });
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

/** The findings of the checks, with the sheet and cell where each can be corrected. */
function layoutChecks(findings: readonly Finding[], sheets: SheetLayout[]): SheetLayout {
  const b = new SheetBuilder();
  b.add(['Niveau', 'Message', 'Emplacement dans le plan', 'Cellule'].map((value, i) => ({ col: 2 + i, value, style: 'tableHeader' as const })));
  const cellOf = inputCellsOf(sheets);
  for (const f of findings) {
    const at = nearestCell(cellOf, f.path);
    b.add(
      [
        { col: 2, value: FINDING_LEVEL_LABELS[f.level], style: 'static' },
        { col: 3, value: f.message, style: 'static' },
        { col: 4, value: f.path, style: 'static' },
        at ? { col: 5, value: `${at.sheet}!${at.cell}`, link: `${at.sheet}!${at.cell}`, style: 'static' } : { col: 5, value: null, style: 'static' },
      ],
      { height: 32 },
    );
  }
  if (findings.length === 0) b.add([{ col: 2, value: 'Aucune remarque : le plan respecte toutes les règles.', style: 'static', span: 4 }]);
  return { name: CHECKS_SHEET, key: null, widths: [2, 15, 90, 40, 28], rows: b.rows, frozenRows: 1, landscape: true, protect: false };
}

/** The cell of a path, or of its closest parent that has one (a finding on `actions.3.indicators` → none). */
function nearestCell(cellOf: Map<string, InputCell>, path: string) {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const hit = cellOf.get(parts.slice(0, n).join('.'));
    if (hit) return hit;
  }
  return null;
}
