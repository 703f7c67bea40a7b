import { describePath, describeScope } from '../../schemas/audit.ts';
import { renderHistoryWorkbook } from '../reports/history-xlsx.ts';
import { getHistory } from './audit.ts';
import { nowOf, requireProgramme, type ServiceContext } from './context.ts';
import { readPlan } from './plan-store.ts';
import { exportFilename } from './workbook.ts';

/**
 * The plan's trail (the entries `getHistory` answers for the same filter) as an XLSX download:
 * "PCS Liège <années> - historique.xlsx".
 */
export async function exportHistoryWorkbook(
  ctx: ServiceContext & { planId: string; chemin?: string | undefined; limite: number },
): Promise<{ filename: string; bytes: Uint8Array }> {
  const entries = getHistory(ctx);
  const plan = readPlan(ctx.db, ctx.planId);
  const programme = requireProgramme(ctx, plan.programmeId);
  const bytes = await renderHistoryWorkbook({
    planName: exportFilename(plan, programme, ''),
    entries,
    scope: ctx.chemin ? describeScope(describePath(plan, ctx.chemin)) : null,
    generatedAt: new Date(nowOf(ctx)),
  });
  return { filename: exportFilename(plan, programme, ' - historique.xlsx'), bytes };
}
