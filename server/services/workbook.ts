import { attachJustifications, checkPlan } from '../../schemas/checks.ts';
import type { Plan } from '../../schemas/plan.ts';
import { programmeSpan, type Programme } from '../../schemas/reference.ts';
import { ROLE_REFUSAL, type ImportChange, type ImportPreview, type ImportResult } from '../../schemas/workbook-import.ts';
import { canWritePath, writeScopeOf } from '../../schemas/access.ts';
import { buildWorkbookLayout, type WorkbookInput } from '../reports/workbook-layout.ts';
import { renderWorkbook } from '../reports/xlsx.ts';
import { createHash } from 'node:crypto';
import type { DbOrTx } from '../db/open.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { computeImportChanges } from '../imports/plan-changes.ts';
import { idPathOf } from '../../schemas/plan-path.ts';
import { readWorkbookValues, type WorkbookProblem } from '../imports/xlsx.ts';
import { sharedWorkbookReader, type WorkbookReader } from '../workers/workbook-reader.ts';
import { mutatePlan } from './mutate.ts';
import { readReviewThreads } from './review.ts';
import { EMPTY_REVIEW_ANNEX } from '../../schemas/submission.ts';
import { readPlan, requirePlanRow, writePlanEdits } from './plan-store.ts';
import { nowOf, requireProgramme, type ServiceContext } from './context.ts';
import { catalogueOf } from '../reference.ts';
import type { ByteCache } from '../byte-cache.ts';

/**
 * What the workbook of a stored plan is built from: the plan, its programme, the catalogue, the findings with their
 * justifications and the DiCS's questions.
 */
export function gatherWorkbookInput(ctx: ServiceContext, plan: Plan): WorkbookInput {
  return withFindings(gatherWorkbookSources(ctx, plan));
}

/** The workbook's sources but the findings, which follow from them (the checks are computed only when rendering). */
type WorkbookSources = Omit<WorkbookInput, 'findings'>;

function gatherWorkbookSources(ctx: ServiceContext, plan: Plan): WorkbookSources {
  const programme = requireProgramme(ctx, plan.programmeId);
  const catalogue = catalogueOf(ctx.reference, programme);
  return { plan, programme, catalogue, review: { ...EMPTY_REVIEW_ANNEX, threads: readReviewThreads(ctx.db, plan.id) } };
}

function withFindings(sources: WorkbookSources): WorkbookInput {
  const { plan, programme, catalogue } = sources;
  return { ...sources, findings: attachJustifications(checkPlan(plan, programme, catalogue), plan.justifications) };
}

/**
 * Identifies everything a plan's workbook is built from (the plan with its versions and dates, its programme, the
 * catalogue, the DiCS's questions): equal keys give the same workbook, so it may come from the cache.
 */
export function workbookCacheKey(sources: WorkbookSources): string {
  const { plan, programme, catalogue, review } = sources;
  return createHash('sha256')
    .update(JSON.stringify([plan, programme, catalogue, review]))
    .digest('hex');
}

/** Rendered workbooks kept by `workbookCacheKey`: 32 MiB, about a hundred plans the size of Liège's (286 kB). */
export const WORKBOOK_CACHE_BYTES = 32 * 1024 * 1024;

/** "PCS Liège <années>" + `tail`: the download name of a plan's export, without characters file systems refuse. */
export function exportFilename(plan: Plan, programme: Programme, tail: string): string {
  return `PCS ${plan.commune} ${programmeSpan(programme)}${tail}`.replace(/[\\/:*?"<>|]/g, '-');
}

/** "PCS Liège <années>.xlsx": the download name of a plan's workbook. */
export function workbookFilename(plan: Plan, input: WorkbookInput): string {
  return exportFilename(plan, input.programme, '.xlsx');
}

/**
 * The plan as the official workbook (XLSX bytes) with its download name. With a `cache`, an unchanged plan's workbook
 * is the one rendered before (its document date is then that of the first render); the bytes are shared: read only.
 */
export async function exportPlanWorkbook(
  ctx: ServiceContext & { planId: string; cache?: ByteCache },
): Promise<{ filename: string; bytes: Uint8Array; cached: boolean }> {
  const plan = readPlan(ctx.db, ctx.planId);
  const sources = gatherWorkbookSources(ctx, plan);
  const filename = exportFilename(plan, sources.programme, '.xlsx');
  const render = () => renderWorkbook(buildWorkbookLayout(withFindings(sources)), { generatedAt: new Date(nowOf(ctx)) });
  if (!ctx.cache) return { filename, bytes: await render(), cached: false };
  const { bytes, cached } = await ctx.cache.getOrProduce(workbookCacheKey(sources), render);
  return { filename, bytes, cached };
}

/**
 * Reads an edited export of the plan: answers the preview (every changed value, each with its refusal when the
 * person's role may not write it), or with `apply` writes all the applicable changes in one transaction when the
 * plan still has the preview's fingerprint. A refused change is reported, never written. The file is checked and read
 * in the reading thread (`reader`, the server's by default: server/workers/workbook-reader.ts).
 */
export async function importPlanWorkbook(
  ctx: ServiceContext & { planId: string; bytes: Uint8Array; apply: boolean; fingerprint: string | null; reader?: WorkbookReader },
): Promise<ImportPreview | ImportResult> {
  requirePlanRow(ctx.db, ctx.planId);
  const opened = await (ctx.reader ?? sharedWorkbookReader()).read(ctx.bytes);
  if ('problem' in opened) throw new ValidationError(opened.problem, [{ path: 'file', message: opened.problem }]);
  if (ctx.apply && !ctx.fingerprint)
    throw new ValidationError("L'empreinte de l'aperçu est requise pour appliquer l'import", [{ path: 'fingerprint', message: 'Empreinte manquante' }]);

  // Reading and comparing are synchronous from here, inside one transaction: the plan cannot change meanwhile.
  const preview = (db: DbOrTx) => {
    const plan = readPlan(db, ctx.planId);
    const input = gatherWorkbookInput(ctx, plan);
    const layout = buildWorkbookLayout(input);
    const read = readWorkbookValues(opened.snapshot, layout);
    if (read.problems.length) throw problemsError(read.problems);
    const all = computeImportChanges(plan, input.programme, read.values);
    if (all.problems.length) throw problemsError(all.problems);
    // What the person's role may not write is listed, refused, and left out of what is written.
    const refused = refusedPaths(ctx, plan, all.changes);
    let edited = all.edited!;
    if (refused.size) {
      const allowed = computeImportChanges(
        plan,
        input.programme,
        read.values.filter((v) => !refused.has(v.binding.path)),
      );
      if (allowed.problems.length) throw problemsError(allowed.problems);
      edited = allowed.edited!;
    }
    const changes = all.changes.map((c) => (refused.has(c.path) ? { ...c, refusal: ROLE_REFUSAL } : c));
    return { plan, edited, changes, fingerprint: fingerprintOf(plan) };
  };
  if (!ctx.apply) {
    const { changes, fingerprint } = preview(ctx.db);
    return { fingerprint, changes };
  }
  let previewed: ImportChange[] = [];
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const { plan, edited, changes, fingerprint } = preview(db);
      if (fingerprint !== ctx.fingerprint) {
        throw new ConflictError("Le plan a été modifié depuis l'aperçu : relancez l'aperçu avant d'appliquer", { fingerprint });
      }
      previewed = changes;
      writePlanEdits(db, plan, edited);
      return { applied: true as const, fingerprint: fingerprintOf(readPlan(db, ctx.planId)), changes };
    },
    {
      // Nothing applicable (every change refused, or none): nothing is written, not even the plan's date.
      unchanged: () => ({ applied: true as const, fingerprint: ctx.fingerprint!, changes: previewed }),
    },
  );
}

/** The changes' document paths (`actions.3.fiche.description`) that the signed-in person's role may not write. */
function refusedPaths(ctx: ServiceContext, plan: Plan, changes: readonly ImportChange[]): Set<string> {
  const actor = ctx.actor;
  if (!actor) return new Set();
  const scope = writeScopeOf(plan, actor);
  return new Set(changes.filter((c) => !canWritePath(actor, idPathOf(plan, c.path), scope)).map((c) => c.path));
}

/** Identifies the plan's content and versions: a preview is applied only to the plan it was computed against. */
export function fingerprintOf(plan: Plan): string {
  const { createdAt: _c, updatedAt: _u, ...content } = plan;
  return createHash('sha256').update(JSON.stringify(content)).digest('hex');
}

function problemsError(problems: WorkbookProblem[]): ValidationError {
  const issues = problems.map((p) => ({ path: p.cell ? `${p.sheet}!${p.cell}` : p.sheet, message: p.message }));
  const first = issues[0]!;
  const more = issues.length > 1 ? ` — et ${issues.length - 1} autre(s) problème(s)` : '';
  return new ValidationError(`Import refusé, rien n'a été modifié. ${first.path ? `${first.path} : ` : ''}${first.message}${more}`, issues);
}
