import { afterEach, describe, expect, it, vi } from 'vitest';
import { createByteCache } from '../../server/byte-cache.ts';
import { releaseIdleMemory } from '../../server/idle-collect.ts';
import { createRegionExports, getRegionExport, startRegionExport } from '../../server/services/consolidation.ts';
import { createPdfExports, gatherPdfInput, getPdfJob, startPdfJob } from '../../server/services/pdf.ts';
import { readPlan } from '../../server/services/plan-store.ts';
import { createPdfPool, type PdfPool } from '../../server/workers/pdf-pool.ts';
import { makeLiegeApp, makeTestApp, reply } from '../helpers.ts';

/**
 * Once the server has been idle a while (server/idle-collect.ts), what it kept for a busy spell goes: the caches of
 * rendered files forget them (the next request renders again), and finished jobs past their time go without waiting
 * for a request. What is being rendered, and jobs still in their time, stay.
 */

afterEach(() => {
  vi.useRealTimers();
});

describe('memory let go when the server is idle', () => {
  it('a cache of rendered files forgets them, and renders again on the next request', async () => {
    const cache = createByteCache(1024);
    let renders = 0;
    const produce = async () => {
      renders++;
      return new Uint8Array(100);
    };
    expect((await cache.getOrProduce('a', produce)).cached).toBe(false);
    expect((await cache.getOrProduce('a', produce)).cached).toBe(true);
    expect(cache.size).toBe(100);

    expect(releaseIdleMemory()).toBeGreaterThan(0);
    expect(cache.size).toBe(0);
    expect(await cache.getOrProduce('a', produce)).toMatchObject({ cached: false });
    expect(renders).toBe(2);
  });

  it('the PDF renderers forget their documents and parts, and render the same document again', async () => {
    const t = makeTestApp();
    const created = await reply(t.api.plans.$post({ json: { commune: 'Namur', programmeId: 'pcs-2020-2025' } }));
    const input = gatherPdfInput(t.ctx, readPlan(t.db, created.body.id), 2021);
    const pool = createPdfPool({ maxWorkers: 1 });
    try {
      const first = await pool.render(input, '2026-11-21T10:00:00Z');
      expect((await pool.render(input, '2026-11-21T10:00:00Z')).cached).toBe(true);
      expect(pool.stats().partCacheBytes).toBeGreaterThan(0);

      releaseIdleMemory();
      expect(pool.stats().partCacheBytes).toBe(0);
      const again = await pool.render(input, '2026-11-21T10:00:00Z');
      expect(again.cached).toBe(false);
      expect(again.bytes.length).toBe(first.bytes.length);
      expect(pool.stats()).toMatchObject({ rendered: 2, partsCached: 0 });
    } finally {
      await pool.close();
    }
  }, 120_000);

  it('finished PDF jobs past their time go without a request; those in their time stay', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const t = makeLiegeApp();
    const pdf = createPdfExports();
    // The pool's own interface, answering at once: what is tested is the jobs' bookkeeping, not the render.
    const pool: PdfPool = {
      render: async () => ({ bytes: new Uint8Array(6), cached: false }),
      renderForm: async () => new Uint8Array(6),
      assertRoomFor: () => {},
      stats: () => ({ workers: 0, busy: 0, queued: 0, started: 0, rendered: 0, failed: 0, partsRendered: 0, partsCached: 0, partCacheBytes: 0 }),
      close: async () => {},
    };
    pdf.pool = pool;
    const ctx = { ...t.ctx, pdf, planId: t.plan.id };
    const old = startPdfJob(ctx);
    await vi.waitFor(() => expect(getPdfJob({ ...ctx, jobId: old.id }).state).toBe('done'));
    vi.setSystemTime(Date.now() + 10 * 60_000);
    const recent = startPdfJob(ctx);
    await vi.waitFor(() => expect(getPdfJob({ ...ctx, jobId: recent.id }).state).toBe('done'));
    vi.setSystemTime(Date.now() + 6 * 60_000);

    releaseIdleMemory();
    expect([...pdf.jobs.keys()]).toEqual([recent.id]);
  });

  it('finished consolidated exports past their time go without a request', async () => {
    const t = makeLiegeApp();
    const exports = createRegionExports();
    const ctx = { ...t.ctx, exports, programme: t.plan.programmeId, format: 'csv' as const };
    const job = startRegionExport(ctx);
    await exports.jobs.get(job.id)!.done;
    expect(getRegionExport({ ...ctx, jobId: job.id }).state).toBe('done');

    releaseIdleMemory();
    expect(exports.jobs.size).toBe(1);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 16 * 60_000);
    releaseIdleMemory();
    expect(exports.jobs.size).toBe(0);
  }, 120_000);
});
