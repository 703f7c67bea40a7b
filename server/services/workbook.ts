import type { ImportPreview, ImportResult } from '../../schemas/workbook-import.ts';
import type { ServiceContext } from './context.ts';

/** The plan as the official workbook (XLSX bytes) with its download name. */
export async function exportPlanWorkbook(ctx: ServiceContext & { planId: string }): Promise<{ filename: string; bytes: Uint8Array }> {
  throw new Error(`not yet: ${ctx.planId}`);
}

/**
 * Reads an edited export of the plan: answers the preview (every changed value), or with `apply` writes all the
 * changes in one transaction when the plan still has the preview's fingerprint.
 */
export async function importPlanWorkbook(
  ctx: ServiceContext & { planId: string; bytes: Uint8Array; apply: boolean; fingerprint: string | null },
): Promise<ImportPreview | ImportResult> {
  throw new Error(`not yet: ${ctx.planId}`);
}
