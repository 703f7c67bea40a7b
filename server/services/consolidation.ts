import { randomUUID } from 'node:crypto';
import {
  DEFAULT_CONSOLIDATION_DIMENSIONS,
  type ConsolidationDimension,
  type ConsolidationResponse,
  type RegionData,
  type RegionExportFormat,
  type RegionExportJob,
} from '../../schemas/consolidation.ts';
import { formatPercent } from '../../schemas/numbers.ts';
import { programmeSpan, type Programme } from '../../schemas/reference.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import { runRegionExport, runRegionPivot, warmRegionThread } from '../workers/region-export-runner.ts';
import { nowOf, type ServiceContext } from './context.ts';
import { readRegionData } from './region-data.ts';
import { forgetJob, forgetOldJobs, saveJobFile, type JobFile } from './job-files.ts';
import { releaseWhenIdle } from '../idle-collect.ts';

/**
 * The DiCS's consolidation of a programme's plans: the pivot and its companions as JSON, and the flat XLSX / CSV
 * built off the request thread as jobs the page follows (at most `MAX_RUNNING` at once, the others waiting in order;
 * a job and its file are forgotten `JOB_TTL_MS` after it started).
 */

/** The programme asked for, or a 400 at `programme`. */
function requireKnownProgramme(ctx: Pick<ServiceContext, 'reference'>, programme: string): Programme {
  const found = ctx.reference.programmes.find((p) => p.id === programme);
  if (!found) {
    const message = `Programme inconnu : ${programme}`;
    throw new ValidationError(message, [{ path: 'programme', message }]);
  }
  return found;
}

function regionDataOf(ctx: Pick<ServiceContext, 'db' | 'reference'>, programme: string): RegionData {
  requireKnownProgramme(ctx, programme);
  // The thread that will consolidate starts (its TypeScript loader, its modules) while this one reads the plans.
  warmRegionThread();
  return readRegionData(ctx, programme);
}

/**
 * `GET /api/region/consolidation`: the pivot by `lignes` (default: code, indicateur, année), budgets, transfers, chart
 * data — read set-wise here, computed in a thread of its own (a second for a region of 195 plans).
 */
export function consolidateRegion(ctx: ServiceContext & { programme: string; lignes?: ConsolidationDimension[] | undefined }): Promise<ConsolidationResponse> {
  return runRegionPivot(regionDataOf(ctx, ctx.programme), ctx.lignes ?? DEFAULT_CONSOLIDATION_DIMENSIONS);
}

// ——— Exports as jobs ————————————————————————————————————————————————————————————————————————————————————————————

/** Exports built at once (two cores: one export and the server, or two exports). */
const MAX_RUNNING = 2;
/** Exports allowed to wait for a free slot; more is refused (409) until one ends. */
const MAX_WAITING = 8;
/** A job and its file are forgotten this long after it started. */
const JOB_TTL_MS = 15 * 60 * 1000;
/** The files of finished exports kept at most, in all, on disk (a region's CSV is about 40 MB): past it the oldest go. */
export const MAX_JOB_BYTES = 128 * 1024 * 1024;

/** A job, and once done its file, on disk (job-files.ts). */
type JobRecord = { job: RegionExportJob; startedAt: number; file: JobFile | null; done: Promise<void> };

/** The export jobs of one server. */
export type RegionExports = { jobs: Map<string, JobRecord>; running: number; waiting: (() => void)[]; maxJobBytes?: number };

export function createRegionExports(): RegionExports {
  const exports: RegionExports = { jobs: new Map(), running: 0, waiting: [] };
  // Expired jobs go when the server is idle too, not only at the next request about exports.
  releaseWhenIdle(exports, purgeJobs);
  return exports;
}

export type RegionExportContext = ServiceContext & { exports: RegionExports };

const CONTENT_TYPES: Record<RegionExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};
export const regionExportContentType = (format: RegionExportFormat) => CONTENT_TYPES[format];

/** "Consolidation PCS 3 2020-2026.xlsx". */
function exportFilename(programme: Programme, format: RegionExportFormat): string {
  return `Consolidation ${programme.shortName} ${programmeSpan(programme)}.${format}`;
}

/**
 * The file of a programme's consolidation, built in a worker thread: reads the plans set-wise on the caller's
 * thread (a few queries), then writes the rows in the worker. What the bench calls directly.
 */
export async function buildRegionExport(
  ctx: Pick<ServiceContext, 'db' | 'reference' | 'now'>,
  programme: string,
  format: RegionExportFormat,
  onProgress: (rows: number, total: number) => void = () => {},
): Promise<{ filename: string; bytes: Uint8Array }> {
  const data = regionDataOf(ctx, programme);
  const bytes = await runRegionExport(data, format, nowOf(ctx), onProgress);
  return { filename: exportFilename(data.programme, format), bytes };
}

/**
 * Forgets the finished jobs started more than JOB_TTL_MS ago, and the oldest finished ones past MAX_JOB_BYTES of files
 * (the newest stays, however big its file).
 */
function purgeJobs(exports: RegionExports): void {
  forgetOldJobs(exports.jobs, JOB_TTL_MS, exports.maxJobBytes ?? MAX_JOB_BYTES, (r) => r.job.state === 'running' || r.job.state === 'queued');
}

/** Waits for a free slot, in order. */
function acquire(exports: RegionExports): Promise<void> {
  if (exports.running < MAX_RUNNING) {
    exports.running++;
    return Promise.resolve();
  }
  return new Promise((resolve) => exports.waiting.push(resolve));
}

function release(exports: RegionExports): void {
  const next = exports.waiting.shift();
  if (next) next();
  else exports.running--;
}

/** `POST /api/region/exports`: starts an export and answers at once with the job the page follows. */
export function startRegionExport(ctx: RegionExportContext & { programme: string; format: RegionExportFormat }): RegionExportJob {
  const { exports } = ctx;
  purgeJobs(exports);
  // The programme is checked now, so a wrong one is a 400 rather than a failed job.
  const programme = requireKnownProgramme(ctx, ctx.programme);
  if (exports.waiting.length >= MAX_WAITING) {
    throw new ConflictError('Trop d’exports consolidés sont en attente : réessayez dans quelques instants', null);
  }
  const id = randomUUID();
  const record: JobRecord = {
    startedAt: Date.now(),
    file: null,
    done: Promise.resolve(),
    job: {
      id,
      programme: ctx.programme,
      format: ctx.format,
      state: 'queued',
      progress: 0,
      message: 'En attente d’un export libre',
      rows: 0,
      total: 0,
      elapsedMs: 0,
      fileUrl: null,
      filename: exportFilename(programme, ctx.format),
      error: null,
    },
  };
  exports.jobs.set(id, record);
  record.done = (async () => {
    await acquire(exports);
    try {
      Object.assign(record.job, { state: 'running', progress: 0.02, message: 'Lecture des plans' } satisfies Partial<RegionExportJob>);
      const { bytes } = await buildRegionExport(ctx, ctx.programme, ctx.format, (rows, total) => {
        const share = total === 0 ? 1 : rows / total;
        Object.assign(record.job, {
          rows,
          total,
          progress: Math.min(0.97, 0.05 + 0.92 * share),
          message: `Écriture des lignes : ${formatPercent(Math.round(share * 10_000), 0)}`,
        } satisfies Partial<RegionExportJob>);
      });
      // On disk until downloaded or forgotten, not in the server's memory.
      record.file = saveJobFile(bytes);
      Object.assign(record.job, {
        state: 'done',
        progress: 1,
        message: 'Terminé',
        fileUrl: `/api/region/exports/${id}/file`,
        elapsedMs: Date.now() - record.startedAt,
      } satisfies Partial<RegionExportJob>);
    } catch (err) {
      console.error(err);
      Object.assign(record.job, {
        state: 'failed',
        message: 'L’export consolidé a échoué',
        error: err instanceof Error ? err.message : String(err),
        elapsedMs: Date.now() - record.startedAt,
      } satisfies Partial<RegionExportJob>);
    } finally {
      release(exports);
      // The file is forgotten after a while even if nobody asks the server anything meanwhile.
      setTimeout(() => forgetJob(exports.jobs, id), JOB_TTL_MS).unref();
      purgeJobs(exports);
    }
  })();
  return snapshot(record);
}

function requireJob(ctx: RegionExportContext & { jobId: string }): JobRecord {
  purgeJobs(ctx.exports);
  const record = ctx.exports.jobs.get(ctx.jobId);
  if (!record) throw new NotFoundError(`Export consolidé inconnu ou expiré : ${ctx.jobId}`);
  return record;
}

function snapshot(record: JobRecord): RegionExportJob {
  const over = record.job.state === 'done' || record.job.state === 'failed';
  return { ...record.job, elapsedMs: over ? record.job.elapsedMs : Date.now() - record.startedAt };
}

/** `GET /api/region/exports/:jobId`: where the export is. */
export function getRegionExport(ctx: RegionExportContext & { jobId: string }): RegionExportJob {
  return snapshot(requireJob(ctx));
}

/** `GET /api/region/exports/:jobId/file`: the finished file; 409 while it is being built. */
export function takeRegionExportFile(ctx: RegionExportContext & { jobId: string }): RegionExportFile {
  const record = requireJob(ctx);
  if (!record.file) throw new ConflictError(`L’export n’est pas encore prêt (${record.job.message})`, snapshot(record));
  return { filename: record.job.filename, file: record.file, contentType: CONTENT_TYPES[record.job.format] };
}

/** A finished export's file on disk, its name and type. */
export type RegionExportFile = { filename: string; file: JobFile; contentType: string };

/** `GET /api/region/export.xlsx` (and `.csv`): a job like the page's, answered with its file once done. */
export async function exportRegion(ctx: RegionExportContext & { programme: string; format: RegionExportFormat }): Promise<RegionExportFile> {
  const job = startRegionExport(ctx);
  const record = ctx.exports.jobs.get(job.id)!;
  await record.done;
  if (!record.file) throw new Error(record.job.error ?? 'L’export consolidé a échoué');
  return { filename: record.job.filename, file: record.file, contentType: CONTENT_TYPES[ctx.format] };
}
