import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { removeDeadJobDirectories, saveJobFile, type JobFile } from '../../server/services/job-files.ts';
import { createRegionExports, getRegionExport, startRegionExport, takeRegionExportFile } from '../../server/services/consolidation.ts';
import { getPdfJob, startPdfJob, takePdfJobFile } from '../../server/services/pdf.ts';
import type { PdfPool } from '../../server/workers/pdf-pool.ts';
import { makeLiegeApp } from '../helpers.ts';

/** A finished job's file as it lies on the disk. */
const readJobFile = (file: JobFile) => new Uint8Array(readFileSync(file.path));

/**
 * What the server keeps in memory stays bounded under a long run (npm run bench:soak): finished jobs' files are kept
 * within a byte budget, and on disk rather than in the process. (Render threads that end when idle: test/server/pdf-pool.test.ts; the sign-in throttle's
 * failures are rows pruned after their window: test/server/production.test.ts.)
 */

describe('memory that comes back', () => {
  it('forgets the oldest finished PDF jobs past the byte budget, keeping the newest', async () => {
    const t = makeLiegeApp();
    // The pool's own interface, answering at once: what is tested is the jobs' bookkeeping, not the render.
    const pool: PdfPool = {
      render: async () => ({ bytes: new Uint8Array(6), cached: false }),
      renderForm: async () => new Uint8Array(6),
      assertRoomFor: () => {},
      stats: () => ({ workers: 0, busy: 0, queued: 0, started: 0, rendered: 0, failed: 0, partsRendered: 0, partsCached: 0, partCacheBytes: 0 }),
      close: async () => {},
    };
    const pdf = { pool, jobs: new Map(), maxJobBytes: 10 };
    const ctx = { ...t.ctx, pdf, planId: t.plan.id };
    const first = startPdfJob(ctx);
    await vi.waitFor(() => expect(getPdfJob({ ...ctx, jobId: first.id }).state).toBe('done'));
    const firstFile = takePdfJobFile({ ...ctx, jobId: first.id }).file;
    expect(existsSync(firstFile.path)).toBe(true);
    const second = startPdfJob(ctx);
    await vi.waitFor(() => expect(pdf.jobs.get(second.id)?.file).toBeTruthy());
    expect(() => getPdfJob({ ...ctx, jobId: first.id })).toThrow(/inconnue ou expirée/);
    // A forgotten job's file is removed from the disk.
    expect(existsSync(firstFile.path)).toBe(false);
    expect(readJobFile(takePdfJobFile({ ...ctx, jobId: second.id }).file)).toEqual(new Uint8Array(6));
  });

  it('forgets the oldest finished consolidated exports past the byte budget, keeping the newest', async () => {
    const t = makeLiegeApp();
    const exports = { ...createRegionExports(), maxJobBytes: 1 };
    const ctx = { ...t.ctx, exports, programme: t.plan.programmeId, format: 'csv' as const };
    const first = startRegionExport(ctx);
    await exports.jobs.get(first.id)!.done;
    const firstFile = takeRegionExportFile({ ...ctx, jobId: first.id }).file;
    const second = startRegionExport(ctx);
    await exports.jobs.get(second.id)!.done;
    expect(() => getRegionExport({ ...ctx, jobId: first.id })).toThrow(/inconnu ou expiré/);
    expect(existsSync(firstFile.path)).toBe(false);
    const { file } = takeRegionExportFile({ ...ctx, jobId: second.id });
    expect(readJobFile(file).length).toBe(file.size);
    expect(file.size).toBeGreaterThan(0);
  }, 120_000);

  it('keeps finished files on disk, readable by the server only; the folders of dead servers go', () => {
    // A folder as a server that died (kill -9) leaves it: its process number is no longer in use.
    const dead = join(tmpdir(), `cohesio-jobs-${2 ** 22 + 12_345}-deadbeef`);
    mkdirSync(dead, { recursive: true });
    writeFileSync(join(dead, 'left'), 'x');
    const file = saveJobFile(new Uint8Array([1, 2, 3]));
    expect(readJobFile(file)).toEqual(new Uint8Array([1, 2, 3]));
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file.path)).mode & 0o777).toBe(0o700);
    expect(dirname(file.path).startsWith(join(tmpdir(), `cohesio-jobs-${process.pid}-`))).toBe(true);
    // A link named like a dead server's folder (a shared temporary folder): neither it nor what it points to is touched.
    const target = mkdtempSync(join(tmpdir(), 'cohesio-test-target-'));
    writeFileSync(join(target, 'keep'), 'x');
    const link = join(tmpdir(), `cohesio-jobs-${2 ** 22 + 12_346}-link`);
    rmSync(link, { force: true });
    symlinkSync(target, link);
    // What a server does before its first file: the dead server's folder goes, this one's stays.
    removeDeadJobDirectories();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(join(target, 'keep'))).toBe(true);
    rmSync(link, { force: true });
    rmSync(target, { recursive: true, force: true });
    expect(readJobFile(file)).toEqual(new Uint8Array([1, 2, 3]));
  });
});
