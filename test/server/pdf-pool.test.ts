import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PdfJobSchema, type PdfJob } from '../../schemas/pdf-export.ts';
import { parseConfig } from '../../server/config.ts';
import { submissions } from '../../server/db/schema.ts';
import { UnavailableError } from '../../server/errors.ts';
import { gatherPdfInput } from '../../server/services/pdf.ts';
import { readPlan } from '../../server/services/plan-store.ts';
import { seedSample } from '../../server/services/seed.ts';
import { createPdfPool, PDF_POOL_DEFAULTS, type PdfPool, type PdfPoolOptions } from '../../server/workers/pdf-pool.ts';
import { expectApiError, makeTestApp, reply } from '../helpers.ts';
import { MISBEHAVING_YEARS } from './pdf-pool-years.ts';

/**
 * The PDF renderers' bounds: a full waiting line refuses at once (503, Retry-After), a render over time or over
 * memory and a thread that dies fail their own render only, with a French message, and the next renders are done
 * by a new thread; idle or worn threads end. The misbehaving renders come from a test thread
 * (pdf-pool-worker.ts, named only here), which renders normally for the other years; the memory limit is also
 * met for real, by the real thread with a tiny heap.
 */

const TEST_WORKER = new URL('./pdf-pool-worker.ts', import.meta.url).href;
const TIMEOUT = 180_000;
const NOW = '2026-11-21T10:00:00Z';
const isPdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';

/** A test app whose renderers run the test thread, and an empty plan (a few pages: quick to render). */
async function appWithPlan(pdf: PdfPoolOptions) {
  const t = makeTestApp({ pdf: { workerUrl: TEST_WORKER, ...pdf } });
  const created = await reply(t.api.plans.$post({ json: { commune: 'Namur', programmeId: 'pcs-2020-2025' } }));
  expect(created.status).toBe(201);
  const planId = created.body.id;
  const jobs = t.api.plans[':planId']['pdf-jobs'];
  const startJob = (annee: number) => jobs.$post({ param: { planId }, json: { annee } });
  const job = async (jobId: string) => PdfJobSchema.parse((await reply(jobs[':jobId'].$get({ param: { planId, jobId } }))).body);
  /** The job once done or failed. */
  const settled = async (jobId: string): Promise<PdfJob> => {
    let last: PdfJob | null = null;
    await vi.waitFor(
      async () => {
        last = await job(jobId);
        expect(['done', 'failed']).toContain(last.state);
      },
      { timeout: TIMEOUT, interval: 200 },
    );
    return last!;
  };
  const input = (annee: number) => gatherPdfInput(t.ctx, readPlan(t.db, planId), annee);
  return { t, planId, pool: t.ctx.pdf!.pool, startJob, settled, input };
}

describe('a full waiting line', () => {
  let app: Awaited<ReturnType<typeof appWithPlan>>;
  beforeAll(async () => {
    // One thread, held by a render that never ends; one place in the line.
    app = await appWithPlan({ maxWorkers: 1, maxQueue: 1 });
  });
  afterAll(async () => {
    await app?.pool.close();
  });

  it('refuses a new export, job or submission at once with 503, Retry-After and a French message', async () => {
    const { t, planId, pool, startJob } = app;
    const holding = await reply(startJob(MISBEHAVING_YEARS.hang));
    expect(holding.status).toBe(202);
    const waiting = await reply(startJob(2021));
    expect(waiting.status).toBe(202);
    expect(waiting.body).toMatchObject({ state: 'queued', queuePosition: 1 });
    expect(pool.stats()).toMatchObject({ workers: 1, busy: 1, queued: 1 });

    const refusedJob = await t.app.request(`/api/plans/${planId}/pdf-jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ annee: 2025 }),
    });
    const body = expectApiError({ status: refusedJob.status, body: await refusedJob.json() }, 503, 'unavailable');
    expect(body.message).toMatch(/^Trop de documents PDF sont en cours de génération \(1 en cours, 1 en attente\) : réessayez dans \d+ secondes?$/);
    expect(Number(refusedJob.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Refused, not accepted and failed: no job was made for it.
    expect(t.ctx.pdf!.jobs.size).toBe(2);

    const refusedExport = await t.app.request(`/api/plans/${planId}/export.pdf?annee=2025`);
    expect(refusedExport.status).toBe(503);
    expect(Number(refusedExport.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expectApiError({ status: refusedExport.status, body: await refusedExport.json() }, 503, 'unavailable');

    // Submissions check the same line before freezing anything, once their checklist passes: a plan not ready
    // still hears what it lacks.
    expect(() => pool.assertRoomFor()).toThrow(UnavailableError);
    const notReady = await reply(t.api.plans[':planId'].submissions.$post({ param: { planId }, json: { annee: 2021 } }));
    expectApiError(notReady, 400, 'validation');
    expect(t.db.select().from(submissions).all()).toHaveLength(0);
  });

  it('still accepts a document already being rendered or waiting: it shares that render and takes no place', async () => {
    const { t, startJob, pool, input } = app;
    const again = await reply(startJob(2021));
    expect(again.status).toBe(202);
    expect(t.ctx.pdf!.jobs.size).toBe(3);
    expect(() => pool.assertRoomFor(input(2021))).not.toThrow();
    expect(pool.stats().queued).toBe(1);
  });

  it('fails the waiting jobs with a French message when the renderers stop', async () => {
    const { t, pool, settled } = app;
    await pool.close();
    for (const id of t.ctx.pdf!.jobs.keys()) {
      const job = await settled(id);
      expect(job).toMatchObject({ state: 'failed', message: 'La génération du PDF a échoué', error: 'Le moteur de rendu PDF est arrêté' });
    }
  });
});

describe('a render over time', () => {
  it(
    'fails its job with a French message; a new thread renders the next job',
    async () => {
      const { pool, startJob, settled, t } = await appWithPlan({ maxWorkers: 1, timeoutMs: 15_000 });
      try {
        const stuck = await reply(startJob(MISBEHAVING_YEARS.hang));
        const next = await reply(startJob(2021));
        expect(next.body.state).toBe('queued');
        const failed = await settled(stuck.body.id);
        expect(failed).toMatchObject({ state: 'failed', message: 'La génération du PDF a échoué' });
        expect(failed.error).toBe('La génération du PDF a dépassé 15 secondes et a été interrompue : réessayez plus tard, ou signalez-le à l’administrateur');
        const done = await settled(next.body.id);
        expect(done.state).toBe('done');
        const file = await t.app.request(done.fileUrl!);
        expect(file.status).toBe(200);
        expect(isPdf(new Uint8Array(await file.arrayBuffer()))).toBe(true);
        expect(pool.stats()).toMatchObject({ started: 2, rendered: 1, failed: 1 });
      } finally {
        await pool.close();
      }
    },
    TIMEOUT,
  );
});

describe('a thread that dies', () => {
  it(
    'fails only its own render, whether it exits, throws or runs out of memory; the next render is done',
    async () => {
      const { pool, input } = await appWithPlan({ maxWorkers: 1, workerMemoryMb: 128 });
      try {
        const [exited, threw, outOfMemory, next] = await Promise.allSettled([
          pool.render(input(MISBEHAVING_YEARS.exit), NOW),
          pool.render(input(MISBEHAVING_YEARS.throw), NOW),
          pool.render(input(MISBEHAVING_YEARS.allocate), NOW),
          pool.render(input(2021), NOW),
        ]);
        const reason = (r: PromiseSettledResult<unknown>) => (r.status === 'rejected' ? (r.reason as Error).message : 'rendu');
        expect(reason(exited)).toBe('Le moteur de rendu PDF s’est arrêté inopinément (code 3) : la génération a échoué, réessayez');
        expect(reason(threw)).toBe('Le moteur de rendu PDF s’est arrêté sur une erreur (panne simulée) : la génération a échoué, réessayez');
        expect(reason(outOfMemory)).toBe(
          'La génération du PDF a dépassé la mémoire permise au moteur de rendu (128 Mo) et a été interrompue : le document est trop volumineux pour ce serveur, signalez-le à l’administrateur',
        );
        expect(next.status).toBe('fulfilled');
        expect(isPdf((next as PromiseFulfilledResult<{ bytes: Uint8Array }>).value.bytes)).toBe(true);
        // Each death took its thread; each next render started a new one.
        expect(pool.stats()).toMatchObject({ started: 4, rendered: 1, failed: 3, queued: 0 });
      } finally {
        await pool.close();
      }
    },
    TIMEOUT,
  );

  it(
    'fails the whole Liège plan with the memory message when the real thread has a tiny heap',
    async () => {
      const t = makeTestApp();
      const plan = seedSample(t.ctx);
      const pool = createPdfPool({ maxWorkers: 1, workerMemoryMb: 32 });
      try {
        await expect(pool.render(gatherPdfInput(t.ctx, plan, 2021), NOW)).rejects.toThrow(
          /^La génération du PDF a dépassé la mémoire permise au moteur de rendu \(32 Mo\) et a été interrompue/,
        );
        expect(pool.stats()).toMatchObject({ workers: 0, failed: 1 });
      } finally {
        await pool.close();
        await t.ctx.pdf!.pool.close();
      }
    },
    TIMEOUT,
  );
});

describe('idle and worn threads', () => {
  let pool: PdfPool | null = null;
  afterAll(async () => {
    await pool?.close();
  });

  it(
    'ends a thread idle for idleTimeoutMs, and starts one for the next render',
    async () => {
      const { input, pool: own } = await appWithPlan({ maxWorkers: 1, idleTimeoutMs: 200 });
      pool = own;
      expect(isPdf((await own.render(input(2021), NOW)).bytes)).toBe(true);
      await vi.waitFor(() => expect(own.stats().workers).toBe(0), { timeout: 30_000, interval: 50 });
      expect(isPdf((await own.render(input(2025), NOW)).bytes)).toBe(true);
      expect(own.stats()).toMatchObject({ started: 2, rendered: 2 });
    },
    TIMEOUT,
  );

  it(
    'ends a thread after maxRendersPerWorker renders',
    async () => {
      const { input, pool: own } = await appWithPlan({ maxWorkers: 1, maxRendersPerWorker: 1, idleTimeoutMs: 0 });
      await pool?.close();
      pool = own;
      await own.render(input(2021), NOW);
      expect(own.stats().workers).toBe(0);
      await own.render(input(2025), NOW);
      expect(own.stats()).toMatchObject({ started: 2, rendered: 2, workers: 0 });
    },
    TIMEOUT,
  );
});

describe('the PDF_* settings', () => {
  it('default to the pool defaults and are read from the environment', () => {
    expect(parseConfig({}).pdf).toEqual(PDF_POOL_DEFAULTS);
    expect(
      parseConfig({
        PDF_WORKERS: '1',
        PDF_QUEUE_MAX: '4',
        PDF_TIMEOUT_SECONDS: '300',
        PDF_WORKER_MEMORY_MB: '768',
        PDF_IDLE_SECONDS: '0',
        PDF_RENDERS_PER_WORKER: '50',
      }).pdf,
    ).toEqual({ ...PDF_POOL_DEFAULTS, maxWorkers: 1, maxQueue: 4, timeoutMs: 300_000, workerMemoryMb: 768, idleTimeoutMs: 0, maxRendersPerWorker: 50 });
    expect(() => parseConfig({ PDF_WORKER_MEMORY_MB: '16' })).toThrow(/PDF_WORKER_MEMORY_MB/);
  });
});
