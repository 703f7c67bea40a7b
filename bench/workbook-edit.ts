import ExcelJS from 'exceljs';
import type { Plan } from '../schemas/plan.ts';
import { catalogueOf, loadReferenceData, type ReferenceData } from '../server/reference.ts';
import { buildWorkbookLayout, locateInputCell } from '../server/reports/workbook-layout.ts';
import type { WorkbookLayout } from '../server/reports/layout/model.ts';
import { EMPTY_REVIEW_ANNEX } from '../schemas/submission.ts';

/**
 * The layout of a plan's workbook, to find the cell of a plan path (tests, benchmarks). The programmes are those of
 * `templates/` unless `reference` gives others (a test's own programme).
 */
export function layoutOf(plan: Plan, reference: ReferenceData = loadReferenceData()): WorkbookLayout {
  const programme = reference.programmes.find((p) => p.id === plan.programmeId)!;
  return buildWorkbookLayout({ plan, programme, catalogue: catalogueOf(reference, programme), findings: [], review: EMPTY_REVIEW_ANNEX });
}

/** `{ sheet, cell }` of the input cell of `path` in the plan's workbook; throws when the path has no cell. */
export function cellOf(plan: Plan, path: string, reference?: ReferenceData): { sheet: string; cell: string } {
  const at = locateInputCell(layoutOf(plan, reference), path);
  if (!at) throw new Error(`Aucune cellule pour ${path}`);
  return { sheet: at.sheet, cell: at.cell };
}

/** Opens the bytes of a workbook with exceljs (which reads an ArrayBuffer: a copy of exactly these bytes). */
export async function openWorkbook(bytes: Uint8Array | ArrayBuffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes instanceof ArrayBuffer ? bytes : new Uint8Array(bytes).buffer);
  return wb;
}

/** Edits cells of an exported workbook with exceljs, as a user would type them (numbers in euros, %, text…). */
export async function editWorkbookCells(
  bytes: Uint8Array,
  edits: { path: string; value: ExcelJS.CellValue }[],
  plan: Plan,
  reference?: ReferenceData,
): Promise<Uint8Array> {
  const wb = await openWorkbook(bytes);
  for (const e of edits) {
    const { sheet, cell } = cellOf(plan, e.path, reference);
    wb.getWorksheet(sheet)!.getCell(cell).value = e.value;
  }
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}
