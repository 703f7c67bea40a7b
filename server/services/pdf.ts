import { randomUUID } from 'node:crypto';
import { type Programme, yearOutsideProgramme } from '../../schemas/reference.ts';
import { defaultReportYear, PDF_STAGE_LABELS, type PdfJob, type PdfStage } from '../../schemas/pdf-export.ts';
import type { Plan } from '../../schemas/plan.ts';
import { formatPercent } from '../../schemas/numbers.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { PlanPdfInput } from '../reports/pdf/plan-pdf.ts';
import { createPdfPool, type PdfPool, type PdfPoolOptions, type RenderProgress } from '../workers/pdf-pool.ts';
import { nowOf, type ServiceContext } from './context.ts';
import { readPlan } from './plan-store.ts';
import { exportFilename, fingerprintOf, gatherWorkbookInput } from './workbook.ts';
import { forgetJob, forgetOldJobs, saveJobFile, type JobFile } from './job-files.ts';
import { releaseWhenIdle } from '../idle-collect.ts';

/**
 * The PDF renderer and the jobs it runs for people waiting on the page; one per server. Only the services that
 * render receive it (next to their ServiceContext), so the shared context does not depend on this module.
 */
export type PdfExports = { pool: PdfPool; jobs: Map<string, JobRecord>; maxJobBytes?: number };

/** What the PDF services work with: the usual context and the server's renderer. */
export type PdfContext = ServiceContext & { pdf: PdfExports };

/** A job, and once done its PDF, on disk (job-files.ts). */
type JobRecord = { job: PdfJob; startedAt: number; file: JobFile | null };

/** A renderer with no job yet. */
export function createPdfExports(options: PdfPoolOptions = {}): PdfExports {
  const exports: PdfExports = { pool: createPdfPool(options), jobs: new Map() };
  // Expired jobs go when the server is idle too, not only at the next request about PDF jobs.
  releaseWhenIdle(exports, (e) => purgeJobs(e.jobs, e.maxJobBytes));
  return exports;
}

/** A finished job's PDF stays downloadable this long. */
const JOB_TTL_MS = 15 * 60 * 1000;
/**
 * The PDFs of finished jobs kept at most, in all, on disk (the Liège PDF is about 1 MB): past it the oldest finished
 * jobs are forgotten before their time, so that many renders in a quarter of an hour do not fill the disk.
 */
export const MAX_JOB_BYTES = 32 * 1024 * 1024;

/**
 * The report year asked for, or by default the last finished calendar year inside the programme (the annual
 * report is written the year after); a year outside the programme is refused at `annee`.
 */
export function resolveReportYear(ctx: ServiceContext, programme: Programme, annee: number | undefined): number {
  const years = programme.years;
  if (annee !== undefined) {
    if (!years.includes(annee)) {
      throw new ValidationError(yearOutsideProgramme(programme, annee), [
        { path: 'annee', message: `Choisissez une année de ${years[0]} à ${years[years.length - 1]}` },
      ]);
    }
    return annee;
  }
  return defaultReportYear(years, new Date(nowOf(ctx)).getUTCFullYear());
}

/** Everything the PDF of a plan is drawn from, gathered and checked on the request's thread. */
export function gatherPdfInput(ctx: ServiceContext, plan: Plan, annee: number | undefined): PlanPdfInput {
  const input = gatherWorkbookInput(ctx, plan);
  return { ...input, annee: resolveReportYear(ctx, input.programme, annee), status: 'draft', dataHash: fingerprintOf(plan) };
}

/** "PCS Liège <années> - rapport <année>.pdf". */
export function pdfFilename(input: PlanPdfInput): string {
  return exportFilename(input.plan, input.programme, ` - rapport ${input.annee}.pdf`);
}

/** The plan's official PDF, waiting for it (served from the cache when the plan has not changed); 503 when the line is full. */
export async function exportPlanPdf(ctx: PdfContext & { planId: string; annee?: number | undefined }) {
  const input = gatherPdfInput(ctx, readPlan(ctx.db, ctx.planId), ctx.annee);
  const { bytes, cached } = await ctx.pdf.pool.render(input, nowOf(ctx));
  return { filename: pdfFilename(input), bytes, cached };
}

/**
 * Starts a render and answers at once with a job whose progress the page follows; 503 (Retry-After) without a job
 * when the renderers' waiting line is full.
 */
export function startPdfJob(ctx: PdfContext & { planId: string; annee?: number | undefined }): PdfJob {
  const { pool, jobs } = ctx.pdf;
  purgeJobs(jobs, ctx.pdf.maxJobBytes);
  const input = gatherPdfInput(ctx, readPlan(ctx.db, ctx.planId), ctx.annee);
  // Refused now rather than accepted and failed; nothing is awaited between this and the render taking its place.
  pool.assertRoomFor(input);
  const id = randomUUID();
  const record: JobRecord = {
    startedAt: Date.now(),
    file: null,
    job: {
      id,
      planId: ctx.planId,
      annee: input.annee,
      state: 'queued',
      stage: 'waiting',
      progress: 0,
      message: PDF_STAGE_LABELS.waiting,
      queuePosition: 0,
      cached: false,
      elapsedMs: 0,
      fileUrl: null,
      filename: pdfFilename(input),
      error: null,
    },
  };
  jobs.set(id, record);
  const onProgress = (p: RenderProgress) => Object.assign(record.job, progressOf(p));
  pool
    .render(input, nowOf(ctx), onProgress)
    .then(({ bytes, cached }) => {
      // On disk until downloaded or forgotten: the server's memory does not hold the PDFs waiting for their reader
      // (a disk that refuses the file fails the job, below).
      record.file = saveJobFile(bytes);
      return cached;
    })
    .then(
      (cached) => {
        // Forgotten on time even if no request comes to purge it; the oldest go first past the byte budget.
        setTimeout(() => forgetJob(jobs, id), JOB_TTL_MS).unref();
        purgeJobs(jobs, ctx.pdf.maxJobBytes);
        Object.assign(record.job, {
          state: 'done',
          stage: 'done',
          progress: 1,
          message: cached ? `${PDF_STAGE_LABELS.done} (document inchangé, repris du cache)` : PDF_STAGE_LABELS.done,
          cached,
          queuePosition: 0,
          fileUrl: `/api/plans/${encodeURIComponent(ctx.planId)}/pdf-jobs/${id}/file`,
          elapsedMs: Date.now() - record.startedAt,
        } satisfies Partial<PdfJob>);
      },
      (err: unknown) => {
        console.error(err);
        Object.assign(record.job, {
          state: 'failed',
          message: 'La génération du PDF a échoué',
          error: err instanceof Error ? err.message : String(err),
          elapsedMs: Date.now() - record.startedAt,
        } satisfies Partial<PdfJob>);
      },
    );
  return snapshot(record);
}

/** Where a job is now. */
export function getPdfJob(ctx: PdfContext & { planId: string; jobId: string }): PdfJob {
  return snapshot(requireJob(ctx));
}

/** A finished job's PDF (its file on disk); 409 while it is still rendering. */
export function takePdfJobFile(ctx: PdfContext & { planId: string; jobId: string }): { filename: string; file: JobFile } {
  const record = requireJob(ctx);
  if (!record.file) throw new ConflictError(`Le PDF n'est pas encore prêt (${record.job.message})`, snapshot(record));
  return { filename: record.job.filename, file: record.file };
}

function requireJob(ctx: PdfContext & { planId: string; jobId: string }): JobRecord {
  const { jobs } = ctx.pdf;
  purgeJobs(jobs, ctx.pdf.maxJobBytes);
  const record = jobs.get(ctx.jobId);
  if (!record || record.job.planId !== ctx.planId) throw new NotFoundError(`Génération PDF inconnue ou expirée : ${ctx.jobId}`);
  return record;
}

function snapshot(record: JobRecord): PdfJob {
  const isOver = record.job.state === 'done' || record.job.state === 'failed';
  const elapsedMs = isOver ? record.job.elapsedMs : Date.now() - record.startedAt;
  return { ...record.job, elapsedMs };
}

/** Forgets the jobs started more than JOB_TTL_MS ago, and the oldest finished ones past `maxBytes` of PDFs. */
function purgeJobs(jobs: Map<string, JobRecord>, maxBytes = MAX_JOB_BYTES) {
  forgetOldJobs(jobs, JOB_TTL_MS, maxBytes);
}

/** Stage weights: the layout is most of the work, writing the pages the rest. */
function progressOf(p: RenderProgress): Partial<PdfJob> {
  const at = (stage: PdfStage, progress: number, detail = ''): Partial<PdfJob> => ({
    state: stage === 'waiting' ? 'queued' : 'rendering',
    stage,
    progress,
    message: `${PDF_STAGE_LABELS[stage]}${detail}`,
  });
  switch (p.stage) {
    case 'waiting':
      return { ...at('waiting', 0, ` (${p.queuePosition} document${p.queuePosition > 1 ? 's' : ''} avant le vôtre)`), queuePosition: p.queuePosition };
    case 'preparing':
      return { ...at('preparing', 0.02), queuePosition: 0 };
    case 'layout':
      return at('layout', 0.05 + 0.8 * p.fraction, ` : ${formatPercent(Math.round(p.fraction * 10000), 0)}`);
    case 'writing':
      return at('writing', 0.85 + 0.15 * p.fraction, ` : ${formatPercent(Math.round(p.fraction * 10000), 0)}`);
  }
}
