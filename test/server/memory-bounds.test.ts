import { describe, expect, it, vi } from 'vitest';
import { LoginThrottle } from '../../server/services/auth.ts';
import { createRegionExports, getRegionExport, startRegionExport, takeRegionExportFile } from '../../server/services/consolidation.ts';
import { gatherPdfInput, getPdfJob, startPdfJob, takePdfJobFile } from '../../server/services/pdf.ts';
import { createPdfPool, type PdfPool } from '../../server/workers/pdf-pool.ts';
import { makeLiegeApp } from '../helpers.ts';

/**
 * What the server keeps in memory stays bounded under a long run (npm run bench:soak): render threads end when idle
 * and after a number of renders (their heap goes with them), the sign-in throttle forgets what left its window.
 */

describe('memory that comes back', () => {
  it('ends a PDF render thread after its renders and when idle; the next render starts a new one', async () => {
    const t = makeLiegeApp();
    const input = gatherPdfInput(t.ctx, t.plan, undefined);
    const render = (pool: PdfPool) => pool.render(input, '2026-01-01T00:00:00.000Z');
    const once = createPdfPool({ maxWorkers: 1, rendersPerWorker: 1 });
    const idle = createPdfPool({ maxWorkers: 1, idleMs: 100 });
    try {
      expect((await render(once)).bytes.length).toBeGreaterThan(0);
      expect(once.threads()).toBe(0);
      expect((await render(idle)).bytes.length).toBeGreaterThan(0);
      expect(idle.threads()).toBe(1);
      await vi.waitFor(() => expect(idle.threads()).toBe(0), { timeout: 30_000, interval: 50 });
    } finally {
      await Promise.all([once.close(), idle.close()]);
    }
  }, 240_000);

  it('forgets the oldest finished PDF jobs past the byte budget, keeping the newest', async () => {
    const t = makeLiegeApp();
    // The pool's own interface, answering at once: what is tested is the jobs' bookkeeping, not the render.
    const pool: PdfPool = { render: async () => ({ bytes: new Uint8Array(6), cached: false }), close: async () => {}, threads: () => 0 };
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

  it('forgets the sign-in failures that left the window, even of e-mails never tried again', () => {
    const throttle = new LoginThrottle(1000, 5, 100);
    for (let i = 0; i < 3000; i++) throttle.fail(`inconnu${i}@exemple.be`, `10.0.${i >> 8}.${i & 255}`, 0);
    expect(throttle.size).toBeGreaterThan(1000);
    throttle.fail('encore@exemple.be', '10.1.0.1', 5000);
    expect(throttle.size).toBe(2);
    // Inside the window nothing is forgotten: the limits still hold.
    for (let i = 0; i < 5; i++) throttle.fail('chef@liege.demo', '10.2.0.1', 6000);
    expect(() => throttle.check('chef@liege.demo', '10.2.0.2', 6500)).toThrow(/Trop de tentatives/);
  });
});
