import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReviewAnnex } from '../../schemas/submission.ts';
import type { PlanPdfInput } from '../reports/pdf/plan-pdf.ts';
import type { WorkerMessage, WorkerRequest } from '../reports/pdf/worker.ts';

/**
 * Renders plan PDFs in worker threads, at most `maxWorkers` at a time (two on these two-core machines), the others
 * waiting in order; an unchanged plan's PDF comes from a cache keyed by its data hash, year, status and review
 * annexes, and two requests for the same document share one render.
 */

export type RenderProgress =
  | { stage: 'waiting'; queuePosition: number }
  | { stage: 'preparing' }
  | { stage: 'layout'; fraction: number }
  | { stage: 'writing'; fraction: number };

export type RenderedPdf = { bytes: Uint8Array; cached: boolean };

export type PdfPool = {
  render(input: PlanPdfInput, generatedAt: string, onProgress?: (p: RenderProgress) => void): Promise<RenderedPdf>;
  /** Ends the worker threads (idle ones never keep the process alive). */
  close(): Promise<void>;
  /** Render threads alive now, busy or idle. */
  threads(): number;
};

export type PdfPoolOptions = {
  maxWorkers?: number;
  cacheEntries?: number;
  /** An idle render thread ends after this long without a task: its heap (hundreds of MiB after a render) is given back. */
  idleMs?: number;
  /** A render thread ends after this many renders, so what its heap keeps from one render to the next stays bounded. */
  rendersPerWorker?: number;
};

type Task = {
  taskId: number;
  request: WorkerRequest;
  listeners: ((p: RenderProgress) => void)[];
  resolve: (bytes: Uint8Array) => void;
  reject: (err: Error) => void;
};

type Slot = { worker: Worker; task: Task | null; renders: number; idleTimer: NodeJS.Timeout | null };

const require = createRequire(import.meta.url);
const WORKER_URL = new URL('../reports/pdf/worker.ts', import.meta.url).href;
// The worker is TypeScript: it registers tsx's loader in its own thread before importing it (works under tsx,
// plain node and vitest alike).
const TSX_API_URL = pathToFileURL(tsxEsmApiPath()).href;
const BOOTSTRAP = `import(${JSON.stringify(TSX_API_URL)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL)}); })`;

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

export function createPdfPool({ maxWorkers = 2, cacheEntries = 8, idleMs = 30_000, rendersPerWorker = 20 }: PdfPoolOptions = {}): PdfPool {
  const slots: Slot[] = [];
  const queue: Task[] = [];
  const cache = new Map<string, Uint8Array>();
  const inFlight = new Map<string, { promise: Promise<Uint8Array>; listeners: ((p: RenderProgress) => void)[] }>();
  let nextTaskId = 1;
  let closed = false;

  const notifyQueue = () => queue.forEach((t, i) => t.listeners.forEach((l) => l({ stage: 'waiting', queuePosition: i + 1 })));

  function spawn(): Slot {
    const worker = new Worker(BOOTSTRAP, { eval: true });
    const slot: Slot = { worker, task: null, renders: 0, idleTimer: null };
    worker.on('message', (m: WorkerMessage) => {
      const task = slot.task;
      if (!task || m.taskId !== task.taskId) return;
      if (m.type === 'stage') {
        const p: RenderProgress = { stage: m.stage, fraction: m.fraction };
        task.listeners.forEach((l) => l(p));
        return;
      }
      finish(slot);
      if (m.type === 'done') task.resolve(m.bytes);
      else task.reject(new Error(m.message));
    });
    const fail = (err: Error) => {
      const task = slot.task;
      slots.splice(slots.indexOf(slot), 1);
      slot.task = null;
      task?.reject(err);
      pump();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (slots.includes(slot)) fail(new Error(`Le moteur de rendu PDF s'est arrêté (code ${code})`));
    });
    worker.unref();
    slots.push(slot);
    return slot;
  }

  function finish(slot: Slot) {
    slot.task = null;
    slot.worker.unref();
    slot.renders++;
    if (slot.renders >= rendersPerWorker) retire(slot);
    pump();
    if (slot.task === null && slots.includes(slot)) slot.idleTimer = setTimeout(() => retire(slot), idleMs).unref();
  }

  /** Ends an idle thread (no longer a slot, so its exit is no failure); a new one starts when work comes. */
  function retire(slot: Slot) {
    const at = slots.indexOf(slot);
    if (at < 0 || slot.task) return;
    slots.splice(at, 1);
    void slot.worker.terminate();
  }

  function pump() {
    while (!closed && queue.length > 0) {
      const slot = slots.find((s) => s.task === null) ?? (slots.length < maxWorkers ? spawn() : null);
      if (!slot) break;
      const task = queue.shift()!;
      if (slot.idleTimer) clearTimeout(slot.idleTimer);
      slot.idleTimer = null;
      slot.task = task;
      // A busy worker keeps the process alive (the CLI waits for its PDF); an idle one does not.
      slot.worker.ref();
      task.listeners.forEach((l) => l({ stage: 'preparing' }));
      slot.worker.postMessage(task.request);
      notifyQueue();
    }
  }

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
      if (closed) throw new Error('Le moteur de rendu PDF est arrêté');
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
    threads: () => slots.length,
    async close() {
      closed = true;
      for (const t of queue.splice(0)) t.reject(new Error('Le moteur de rendu PDF est arrêté'));
      await Promise.all(
        slots.splice(0).map((s) => {
          if (s.idleTimer) clearTimeout(s.idleTimer);
          return s.worker.terminate();
        }),
      );
    },
  };
}
