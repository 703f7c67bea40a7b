import type { WorkbookLayout } from './layout/model.ts';
import { LISTS_SHEET } from './workbook-layout.ts';
import { writeDeflatedZip } from '../zip.ts';
import { workbookParts } from './workbook-xml.ts';

export { spreadsheetText } from './workbook-xml.ts';

/**
 * Renders a workbook layout to XLSX bytes: the SpreadsheetML parts written from the layout (workbook-xml.ts), each
 * deflated by Node's native zlib. Pure: reads no database, clock or environment (the date of the document is an
 * option). User text is always written as a string value, never as a formula; formulas come only from the layout,
 * each with its computed result so that readers that do not recalculate show the figures.
 */

export type RenderOptions = { generatedAt: Date };

export async function renderWorkbook(layout: WorkbookLayout, { generatedAt }: RenderOptions): Promise<Uint8Array> {
  const encoder = new TextEncoder();
  const parts = workbookParts(layout, LISTS_SHEET, generatedAt).map((p) => ({ name: p.name, data: encoder.encode(p.xml) }));
  // Level 1: a third of level 6's time for a file 15 % larger.
  return writeDeflatedZip(parts, 1);
}
