import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReviewAnnex } from '../../schemas/submission.ts';
import { AppError, UnavailableError } from '../errors.ts';
import type { PlanPdfInput } from '../reports/pdf/plan-pdf.ts';
import type { WorkerMessage, WorkerRequest } from '../reports/pdf/render-task.ts';

/**
 * Renders plan PDFs in worker threads, at most `maxWorkers` at a time (two on these two-core machines), the others
 * waiting in order, at most `maxQueue` of them (beyond, the request is refused at once with a 503 and `Retry-After`);
 * an unchanged plan's PDF comes from a cache keyed by its data hash, year, status and review annexes, and two
 * requests for the same document share one render (neither takes a place in the line).
 *
 * Each render has `timeoutMs` from the moment a thread takes it, and each thread a V8 heap of `workerMemoryMb`: a
 * thread over time is terminated, one over memory or one that dies (uncaught error, `process.exit`) is gone; either
 * way its render fails with a French message, the thread is replaced when the next render needs one, and the others
 * go on. A thread idle for `idleTimeoutMs` ends (its memory goes back to the system; the next render starts a new
 * one, ~0,6 s), as does one that has rendered `maxRendersPerWorker` documents.
 */
export type RenderProgress =
  | { stage: 'waiting'; queuePosition: number }
  | { stage: 'preparing' }
  | { stage: 'layout'; fraction: number }
  | { stage: 'writing'; fraction: number };

export type RenderedPdf = { bytes: Uint8Array; cached: boolean };

export type PdfPool = {
  /**
   * The document, from the cache, joined to the same render in progress, or rendered; refused with UnavailableError
   * (503) when it would have to wait and `maxQueue` renders already do, with a PdfRenderError (500, French) when the
   * render fails, times out or its thread dies.
   */
  render(input: PlanPdfInput, generatedAt: string, onProgress?: (p: RenderProgress) => void): Promise<RenderedPdf>;
  /**
   * Throws the UnavailableError `render` would reject with, before anything else is done: for jobs and submissions,
   * which must be refused at once rather than accepted and then failed. Without `input`, any new document.
   */
  assertRoomFor(input?: PlanPdfInput): void;
  /** Threads, renders and waiting line now (for tests, benches and logs). */
  stats(): PdfPoolStats;
  /** Ends the worker threads (idle ones never keep the process alive). */
  close(): Promise<void>;
};

export type PdfPoolStats = {
  /** Threads alive, and those rendering. */
  workers: number;
  busy: number;
  /** Renders waiting for a thread. */
  queued: number;
  /** Since the pool was made: threads started, renders finished, renders failed. */
  started: number;
  rendered: number;
  failed: number;
};

export type PdfPoolOptions = {
  /** Threads rendering at once (default 2). */
  maxWorkers?: number;
  /** Documents kept in the cache (default 8). */
  cacheEntries?: number;
  /** Renders that may wait for a thread; one more is refused (503). Default 16. */
  maxQueue?: number;
  /** Longest render, from when a thread takes it, before the thread is terminated (default 120 s). */
  timeoutMs?: number;
  /** V8 old-generation heap of each thread (`resourceLimits.maxOldGenerationSizeMb`, default 512); 0: V8's own limit. */
  workerMemoryMb?: number;
  /** An idle thread ends after this long (default 30 s: its heap goes back to the system); 0: never. */
  idleTimeoutMs?: number;
  /** A thread ends after this many renders (a new one takes the next); 0 (default): never. */
  maxRendersPerWorker?: number;
  /**
   * Tests only: the module the threads run instead of server/reports/pdf/worker.ts. No setting or request reaches
   * it; `npm start` never passes it.
   */
  workerUrl?: string;
};

/** Defaults of the pool, and of the PDF_* settings (server/config.ts). */
export const PDF_POOL_DEFAULTS = {
  maxWorkers: 2,
  cacheEntries: 8,
  maxQueue: 16,
  timeoutMs: 120_000,
  workerMemoryMb: 512,
  idleTimeoutMs: 30_000,
  maxRendersPerWorker: 0,
} as const satisfies Required<Omit<PdfPoolOptions, 'workerUrl'>>;

/** A render that failed: its message is French, for the person who asked (500 through the API). */
export class PdfRenderError extends AppError {
  constructor(message: string) {
    super(500, 'internal', message);
  }
}

type Task = {
  taskId: number;
  request: WorkerRequest;
  listeners: ((p: RenderProgress) => void)[];
  resolve: (bytes: Uint8Array) => void;
  reject: (err: Error) => void;
};

type Slot = {
  worker: Worker;
  task: Task | null;
  /** When the current render was taken, for the Retry-After estimate. */
  takenAt: number;
  renders: number;
  deadline: NodeJS.Timeout | null;
  idle: NodeJS.Timeout | null;
};

const require = createRequire(import.meta.url);
const WORKER_URL = new URL('../reports/pdf/worker.ts', import.meta.url).href;
// The worker is TypeScript: it registers tsx's loader in its own thread before importing it (works under tsx,
// plain node and vitest alike).
const TSX_API_URL = pathToFileURL(tsxEsmApiPath()).href;
const bootstrap = (workerUrl: string) =>
  `import(${JSON.stringify(TSX_API_URL)}).then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); })`;

/** Seconds, said the French way. */
const seconds = (ms: number) => `${Math.round(ms / 1000)} seconde${Math.round(ms / 1000) > 1 ? 's' : ''}`;

/** The ESM entry of tsx's API (its CommonJS twin cannot register the loader from a worker). */
export function tsxEsmApiPath(): string {
  const manifest = require.resolve('tsx/package.json');
  const exported = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'];
  return resolve(dirname(manifest), exported!.import.default);
}

/**
 * What identifies a document: the same plan data, year, status and review annexes give the same pages. The review
 * (questions, messages, changes) lives outside the plan's data, so a new message or change list is a new document.
 */
export function pdfCacheKey(input: PlanPdfInput): string {
  return createHash('sha256')
    .update(`${input.dataHash}|${input.annee}|${input.status}|${reviewAnnexHash(input.review)}`)
    .digest('hex');
}

/** SHA-256 (hex) of the review annexes, whatever the order of the keys of their objects. */
export function reviewAnnexHash(review: ReviewAnnex): string {
  return createHash('sha256').update(canonicalJson(review)).digest('hex');
}

/** JSON with the keys of every object sorted, so equal data gives equal text. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function createPdfPool(options: PdfPoolOptions = {}): PdfPool {
  const { maxWorkers, cacheEntries, maxQueue, timeoutMs, workerMemoryMb, idleTimeoutMs, maxRendersPerWorker } = { ...PDF_POOL_DEFAULTS, ...options };
  const source = bootstrap(options.workerUrl ?? WORKER_URL);
  const slots: Slot[] = [];
  const queue: Task[] = [];
  const cache = new Map<string, Uint8Array>();
  const inFlight = new Map<string, { promise: Promise<Uint8Array>; listeners: ((p: RenderProgress) => void)[] }>();
  const counts = { started: 0, rendered: 0, failed: 0 };
  // A Liège render takes ~2 s warm, ~3 s cold; learnt from the renders done, for Retry-After.
  let averageRenderMs = 5_000;
  let nextTaskId = 1;
  let closed = false;

  const notifyQueue = () => queue.forEach((t, i) => t.listeners.forEach((l) => l({ stage: 'waiting', queuePosition: i + 1 })));

  function spawn(): Slot {
    const limits = workerMemoryMb > 0 ? { resourceLimits: { maxOldGenerationSizeMb: workerMemoryMb } } : {};
    const worker = new Worker(source, { eval: true, ...limits });
    const slot: Slot = { worker, task: null, takenAt: 0, renders: 0, deadline: null, idle: null };
    counts.started++;
    worker.on('message', (m: WorkerMessage) => {
      const task = slot.task;
      if (!task || m.taskId !== task.taskId) return;
      if (m.type === 'stage') {
        const p: RenderProgress = { stage: m.stage, fraction: m.fraction };
        task.listeners.forEach((l) => l(p));
        return;
      }
      finish(slot);
      if (m.type === 'done') {
        counts.rendered++;
        task.resolve(m.bytes);
      } else {
        counts.failed++;
        task.reject(new PdfRenderError(`La génération du PDF a échoué : ${m.message}`));
      }
      pump();
    });
    // Over memory, an uncaught error in the thread: 'error' then 'exit'; process.exit in the thread: 'exit' only.
    worker.on('error', (err: Error & { code?: string }) => {
      const message =
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `La génération du PDF a dépassé la mémoire permise au moteur de rendu (${workerMemoryMb} Mo) et a été interrompue : le document est trop volumineux pour ce serveur, signalez-le à l’administrateur`
          : `Le moteur de rendu PDF s’est arrêté sur une erreur (${err.message}) : la génération a échoué, réessayez`;
      lose(slot, message);
    });
    worker.on('exit', (code) => lose(slot, `Le moteur de rendu PDF s’est arrêté inopinément (code ${code}) : la génération a échoué, réessayez`));
    worker.unref();
    slots.push(slot);
    return slot;
  }

  /** The thread is gone without being asked: its render fails, the line goes on (with a new thread if needed). */
  function lose(slot: Slot, message: string) {
    if (!slots.includes(slot)) return;
    const task = slot.task;
    retire(slot);
    if (task) {
      counts.failed++;
      task.reject(new PdfRenderError(message));
    }
    pump();
  }

  /** Takes the thread out of the pool and ends it (its 'exit' then finds it gone). */
  function retire(slot: Slot) {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    clearTimeout(slot.deadline ?? undefined);
    clearTimeout(slot.idle ?? undefined);
    slot.task = null;
    slot.worker.terminate().catch(() => {});
  }

  function finish(slot: Slot) {
    clearTimeout(slot.deadline ?? undefined);
    slot.deadline = null;
    slot.task = null;
    slot.renders++;
    const took = Date.now() - slot.takenAt;
    averageRenderMs = 0.7 * averageRenderMs + 0.3 * took;
    if (maxRendersPerWorker > 0 && slot.renders >= maxRendersPerWorker) {
      retire(slot);
      return;
    }
    slot.worker.unref();
    if (idleTimeoutMs > 0) slot.idle = setTimeout(() => slot.task === null && retire(slot), idleTimeoutMs).unref();
  }

  function take(slot: Slot, task: Task) {
    clearTimeout(slot.idle ?? undefined);
    slot.idle = null;
    slot.task = task;
    slot.takenAt = Date.now();
    slot.deadline = setTimeout(() => {
      if (slot.task !== task) return;
      retire(slot);
      counts.failed++;
      task.reject(
        new PdfRenderError(
          `La génération du PDF a dépassé ${seconds(timeoutMs)} et a été interrompue : réessayez plus tard, ou signalez-le à l’administrateur`,
        ),
      );
      pump();
    }, timeoutMs);
    // A busy worker keeps the process alive (the CLI waits for its PDF); an idle one does not.
    slot.worker.ref();
    task.listeners.forEach((l) => l({ stage: 'preparing' }));
    slot.worker.postMessage(task.request);
  }

  function pump() {
    let taken = false;
    while (!closed && queue.length > 0) {
      const slot = slots.find((s) => s.task === null) ?? (slots.length < maxWorkers ? spawn() : null);
      if (!slot) break;
      take(slot, queue.shift()!);
      taken = true;
    }
    if (taken) notifyQueue();
  }

  /** A new render would wait, and the line is full. */
  function full(): boolean {
    return queue.length >= maxQueue && slots.length >= maxWorkers && slots.every((s) => s.task !== null);
  }

  function refusal(): UnavailableError {
    const busy = slots.filter((s) => s.task).length;
    const retryAfter = Math.min(600, Math.max(1, Math.ceil(((queue.length + busy) / maxWorkers) * (averageRenderMs / 1000))));
    return new UnavailableError(
      `Trop de documents PDF sont en cours de génération (${busy} en cours, ${queue.length} en attente) : réessayez dans ${seconds(retryAfter * 1000)}`,
      retryAfter,
    );
  }

  /** Needs no place in the line: in the cache, or being rendered for someone else. */
  const needsNoPlace = (key: string) => cache.has(key) || inFlight.has(key);

  function enqueue(input: PlanPdfInput, generatedAt: string, listeners: Task['listeners']): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const taskId = nextTaskId++;
      queue.push({ taskId, request: { taskId, input, generatedAt }, listeners, resolve, reject });
      notifyQueue();
      pump();
    });
  }

  return {
    async render(input, generatedAt, onProgress = () => {}) {
      if (closed) throw new PdfRenderError('Le moteur de rendu PDF est arrêté');
      const key = pdfCacheKey(input);
      const hit = cache.get(key);
      if (hit) {
        // Most recently used last.
        cache.delete(key);
        cache.set(key, hit);
        return { bytes: hit, cached: true };
      }
      const running = inFlight.get(key);
      if (running) {
        running.listeners.push(onProgress);
        return { bytes: await running.promise, cached: false };
      }
      if (full()) throw refusal();
      const listeners = [onProgress];
      const promise = enqueue(input, generatedAt, listeners);
      inFlight.set(key, { promise, listeners });
      try {
        const bytes = await promise;
        cache.set(key, bytes);
        while (cache.size > cacheEntries) cache.delete(cache.keys().next().value!);
        return { bytes, cached: false };
      } finally {
        inFlight.delete(key);
      }
    },
    assertRoomFor(input) {
      if (closed) throw new PdfRenderError('Le moteur de rendu PDF est arrêté');
      if (input && needsNoPlace(pdfCacheKey(input))) return;
      if (full()) throw refusal();
    },
    stats: () => ({ workers: slots.length, busy: slots.filter((s) => s.task).length, queued: queue.length, ...counts }),
    async close() {
      closed = true;
      const stopped = new PdfRenderError('Le moteur de rendu PDF est arrêté');
      for (const t of queue.splice(0)) t.reject(stopped);
      await Promise.all(
        slots.splice(0).map((s) => {
          clearTimeout(s.deadline ?? undefined);
          clearTimeout(s.idle ?? undefined);
          s.task?.reject(stopped);
          s.task = null;
          return s.worker.terminate();
        }),
      );
    },
  };
}
