import { describe, expect, it, vi } from 'vitest';
import { createRegionExports, getRegionExport, startRegionExport, takeRegionExportFile } from '../../server/services/consolidation.ts';
import { getPdfJob, startPdfJob, takePdfJobFile } from '../../server/services/pdf.ts';
import type { PdfPool } from '../../server/workers/pdf-pool.ts';
import { makeLiegeApp } from '../helpers.ts';

/**
 * What the server keeps in memory stays bounded under a long run (npm run bench:soak): finished jobs' files are kept
 * within a byte budget. (Render threads that end when idle: test/server/pdf-pool.test.ts; the sign-in throttle's
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
    const second = startPdfJob(ctx);
    await vi.waitFor(() => expect(pdf.jobs.get(second.id)?.bytes).toBeTruthy());
    expect(() => getPdfJob({ ...ctx, jobId: first.id })).toThrow(/inconnue ou expirée/);
    expect(takePdfJobFile({ ...ctx, jobId: second.id }).bytes.length).toBe(6);
  });

  it('forgets the oldest finished consolidated exports past the byte budget, keeping the newest', async () => {
    const t = makeLiegeApp();
    const exports = { ...createRegionExports(), maxJobBytes: 1 };
    const ctx = { ...t.ctx, exports, programme: t.plan.programmeId, format: 'csv' as const };
    const first = startRegionExport(ctx);
    await exports.jobs.get(first.id)!.done;
    const second = startRegionExport(ctx);
    await exports.jobs.get(second.id)!.done;
    expect(() => getRegionExport({ ...ctx, jobId: first.id })).toThrow(/inconnu ou expiré/);
    expect(takeRegionExportFile({ ...ctx, jobId: second.id }).bytes.length).toBeGreaterThan(0);
  }, 120_000);
});
