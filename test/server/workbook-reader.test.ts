import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UnavailableError } from '../../server/errors.ts';
import { readWorkbookFile } from '../../server/imports/workbook-file.ts';
import { importPlanWorkbook } from '../../server/services/workbook.ts';
import { createWorkbookReader, WorkbookReadError, type WorkbookReader, type WorkbookReaderOptions } from '../../server/workers/workbook-reader.ts';
import { makeLiegeApp } from '../helpers.ts';

/**
 * Uploaded workbooks are read in a thread of their own (server/workers/workbook-reader.ts), so that what exceljs
 * leaves behind goes back to the system when the thread ends: the thread answers what reading in the server's own
 * thread answered, reads one workbook at a time, ends when idle, and a read that hangs, runs out of memory or whose
 * thread dies fails alone with a French message; the next upload gets a new thread. The misbehaving reads come
 * from a test thread (workbook-reader-worker.ts, named only here), which reads normally any other upload.
 */

const TEST_WORKER = new URL('./workbook-reader-worker.ts', import.meta.url).href;
const TIMEOUT = 120_000;
/** Uploads the test thread misbehaves on (workbook-reader-worker.ts). */
const upload = (start: 'EXIT' | 'HANG' | 'THROW' | 'ALLOCATE') => new TextEncoder().encode(`${start}…`);

let t: ReturnType<typeof makeLiegeApp>;
let honest: Uint8Array;
const readers: WorkbookReader[] = [];
const readerOf = (options: WorkbookReaderOptions = {}) => {
  const reader = createWorkbookReader({ workerUrl: TEST_WORKER, ...options });
  readers.push(reader);
  return reader;
};

beforeAll(async () => {
  t = makeLiegeApp();
  honest = new Uint8Array(await (await t.api.plans[':planId']['export.xlsx'].$get({ param: { planId: t.plan.id } })).arrayBuffer());
}, TIMEOUT);
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()));
});

describe('the reading thread', () => {
  it(
    'answers what reading in the server’s own thread answers, refusals included',
    async () => {
      const reader = createWorkbookReader();
      readers.push(reader);
      expect(await reader.read(honest)).toEqual(await readWorkbookFile(honest));
      const truncated = honest.slice(0, honest.length / 2);
      expect(await reader.read(truncated)).toEqual(await readWorkbookFile(truncated));
      expect(reader.stats()).toMatchObject({ started: 1, read: 2, failed: 0 });
    },
    TIMEOUT,
  );

  it(
    'reads one workbook at a time: the next waits its turn',
    async () => {
      const reader = readerOf();
      const both = [reader.read(honest), reader.read(honest)];
      expect(reader.stats()).toMatchObject({ workers: 1, busy: 1, queued: 1 });
      for (const read of await Promise.all(both)) expect(read).toHaveProperty('snapshot');
      expect(reader.stats()).toMatchObject({ busy: 0, queued: 0, started: 1, read: 2 });
    },
    TIMEOUT,
  );

  it(
    'ends after its idle period; the next upload starts a new thread',
    async () => {
      const reader = readerOf({ idleTimeoutMs: 50 });
      await reader.read(honest);
      await vi.waitFor(() => expect(reader.stats().workers).toBe(0), { timeout: TIMEOUT, interval: 50 });
      expect(await reader.read(honest)).toHaveProperty('snapshot');
      expect(reader.stats()).toMatchObject({ started: 2, read: 2 });
    },
    TIMEOUT,
  );

  it(
    'refuses at once, 503 with Retry-After, an upload that would wait in a full line',
    async () => {
      const reader = readerOf({ maxQueue: 1, timeoutMs: 60_000 });
      const hanging = reader.read(upload('HANG'));
      const waiting = reader.read(honest);
      const refused = await reader.read(honest).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(UnavailableError);
      expect((refused as UnavailableError).status).toBe(503);
      expect((refused as UnavailableError).message).toMatch(
        /^Trop de classeurs sont en cours de lecture \(1 en cours, 1 en attente\) : réessayez dans \d+ secondes?$/,
      );
      expect((refused as UnavailableError).responseHeaders()['Retry-After']).toMatch(/^\d+$/);
      const stopped = Promise.all([hanging, waiting].map((read) => expect(read).rejects.toThrow(/La lecture des classeurs est arrêtée/)));
      await reader.close();
      await stopped;
    },
    TIMEOUT,
  );
});

describe('a read that goes wrong fails alone, in French; the next upload is read by a new thread', () => {
  it.each([
    ['the thread exits', 'EXIT', /^La lecture du classeur s’est arrêtée inopinément \(code 3\) : rien n’a été modifié, réessayez$/],
    ['the thread throws', 'THROW', /^La lecture du classeur s’est arrêtée inopinément \(panne simulée\) : rien n’a été modifié, réessayez$/],
  ] as const)(
    '%s: a French error on the file (500)',
    async (_, start, message) => {
      const reader = readerOf();
      const failed = await reader.read(upload(start)).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(WorkbookReadError);
      expect(failed).toMatchObject({ status: 500, code: 'internal', issues: [{ path: 'file', message: expect.stringMatching(message) }] });
      expect((failed as Error).message).toMatch(message);
      expect(await reader.read(honest)).toHaveProperty('snapshot');
      expect(reader.stats()).toMatchObject({ started: 2, read: 1, failed: 1 });
    },
    TIMEOUT,
  );

  it(
    'over time: the file is refused, the thread ended',
    async () => {
      const reader = readerOf({ timeoutMs: 1_000 });
      expect(await reader.read(upload('HANG'))).toEqual({
        problem:
          'Classeur refusé : sa lecture a dépassé 1 seconde et a été interrompue (un classeur de plan se lit en une seconde ou deux) ; enregistrez-le à nouveau dans Excel, ou signalez-le à l’administrateur',
      });
      // Thread start included in the time: the real read is given its own reader's time.
      const next = readerOf();
      expect(await next.read(honest)).toHaveProperty('snapshot');
    },
    TIMEOUT,
  );

  it(
    'over memory: the file is refused, naming the limit',
    async () => {
      const reader = readerOf({ workerMemoryMb: 64 });
      expect(await reader.read(upload('ALLOCATE'))).toEqual({
        problem: 'Classeur refusé : sa lecture a dépassé la mémoire permise (64 Mo) et a été interrompue ; le classeur est trop volumineux pour ce serveur',
      });
      expect(await reader.read(honest)).toHaveProperty('snapshot');
      expect(reader.stats()).toMatchObject({ started: 2 });
    },
    TIMEOUT,
  );

  it(
    'through the import: the preview fails with the French error, nothing is written, and the next preview works',
    async () => {
      const reader = readerOf();
      const ctx = { ...t.ctx, planId: t.plan.id, apply: false, fingerprint: null, reader };
      await expect(importPlanWorkbook({ ...ctx, bytes: upload('EXIT') })).rejects.toMatchObject({
        status: 500,
        message: expect.stringMatching(/^La lecture du classeur s’est arrêtée inopinément/),
      });
      expect(await importPlanWorkbook({ ...ctx, bytes: honest })).toMatchObject({ changes: [] });
    },
    TIMEOUT,
  );
});
