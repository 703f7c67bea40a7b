import { createHash } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { ReviewAnnex } from '../../schemas/submission.ts';
import { AppError, UnavailableError } from '../errors.ts';
import { releaseWhenIdle } from '../idle-collect.ts';
import { planPdfInfo, type PlanPdfInput } from '../reports/pdf/plan-pdf.ts';
import { numberPages, partKey } from '../reports/pdf/plan-parts.ts';
import { DOCUMENTS_KEPT, type FormPdfJob, type PartMeta, type WorkerJob, type WorkerMessage, type WorkerRequest } from '../reports/pdf/render-task.ts';
import { startThread, threadEntry } from './thread-entry.ts';

/**
 * Renders plan PDFs (and form documents, in one step each) in worker threads, at most `maxWorkers` at a time (two on these two-core machines), the others
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
   * A form document, rendered by a thread in one step under the same bounds (line, time, memory), never cached:
   * refused with UnavailableError (503) when the line is full, PdfRenderError (500, French) when the render fails.
   */
  renderForm(job: FormPdfJob, generatedAt: string): Promise<Uint8Array>;
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
  /** Since the pool was made: parts of documents rendered by a thread, and taken from the parts' cache. */
  partsRendered: number;
  partsCached: number;
  /** Bytes of rendered parts kept. */
  partCacheBytes: number;
};

export type PdfPoolOptions = {
  /** Threads rendering at once (default 2). */
  maxWorkers?: number;
  /** Documents kept in the cache (default 8). */
  cacheEntries?: number;
  /** MB of rendered parts (cover, sections, page numbers) kept, least recently used dropped first (default 64). */
  partCacheMb?: number;
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
  partCacheMb: 64,
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

/** A document being made: planned, its parts rendered or taken from the cache, numbered, assembled. */
type Doc = {
  id: number;
  /** The plan's input; null for a document rendered in one step (a form). */
  input: PlanPdfInput | null;
  generatedAt: string;
  listeners: ((p: RenderProgress) => void)[];
  resolve: (bytes: Uint8Array) => void;
  reject: (err: Error) => void;
  /** A thread has taken one of its steps; ended (done or failed). */
  started: boolean;
  settled: boolean;
  startedAt: number;
  /** Steps ready for a thread, and steps a thread is running. */
  pending: Task[];
  parts: PartState[] | null;
  /** Progress told so far (never goes back). */
  told: number;
  assembling: boolean;
};

/** Where a part is: what the plan said of it, its rendering (final: with the document's page numbers). */
type PartState = {
  meta: PartMeta;
  /** Pages, when known (rendered, cached, or remembered for its fingerprint). */
  pages: number | null;
  /** The bytes with the page numbers they print (key), once final. */
  result: CachedPart | null;
  /** A render of it is waiting or running, under this key; the key of its last render for this document. */
  rendering: string | null;
  rendered: string | null;
};

type CachedPart = { key: string; bytes: Uint8Array; pages: number };

type Task = { taskId: number; doc: Doc; job: WorkerJob; onDone: (m: Extract<WorkerMessage, { type: 'planned' | 'done' }>) => void };

type Slot = {
  worker: Worker;
  task: Task | null;
  /** When the current step was taken. */
  takenAt: number;
  /** Documents it has worked on, and those of them not ended. */
  documents: number;
  current: Set<Doc>;
  /** Documents whose input the thread holds, oldest first (as the thread keeps them: DOCUMENTS_KEPT). */
  inputs: number[];
  deadline: NodeJS.Timeout | null;
  idle: NodeJS.Timeout | null;
};

const WORKER_URL = new URL('../reports/pdf/worker.ts', import.meta.url).href;

/** Seconds, said the French way. */
const seconds = (ms: number) => `${Math.round(ms / 1000)} seconde${Math.round(ms / 1000) > 1 ? 's' : ''}`;

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
  const { maxWorkers, cacheEntries, partCacheMb, maxQueue, timeoutMs, workerMemoryMb, idleTimeoutMs, maxRendersPerWorker } = {
    ...PDF_POOL_DEFAULTS,
    ...options,
  };
  // The threads' JavaScript, checked (or bundled) now, when the server starts, rather than by the first render.
  const entry = threadEntry(options.workerUrl ?? WORKER_URL);
  const slots: Slot[] = [];
  /** Documents not ended, in the order they came. */
  const docs: Doc[] = [];
  const cache = new Map<string, Uint8Array>();
  const parts = createPartCache(partCacheMb * 1024 * 1024);
  // A quiet server renders again on demand (server/idle-collect.ts); renders in progress go on.
  releaseWhenIdle(cache, (c) => c.clear());
  releaseWhenIdle(parts, (p) => p.clear());
  /** Pages of a part by its fingerprint (its page count does not depend on the page numbers it prints). */
  const pagesByFingerprint = new Map<string, number>();
  /** Pages a part had the last time, by plan and destination: the guess for a part not yet rendered. */
  const lastPages = new Map<string, number>();
  const inFlight = new Map<string, { promise: Promise<Uint8Array>; listeners: ((p: RenderProgress) => void)[] }>();
  const counts = { started: 0, rendered: 0, failed: 0, partsRendered: 0, partsCached: 0 };
  // A Liège document takes ~1 s; learnt from the documents made, for Retry-After.
  let averageRenderMs = 5_000;
  let nextTaskId = 1;
  let nextDocId = 1;
  let closed = false;

  const waiting = () => docs.filter((d) => !d.started);
  const notifyQueue = () => waiting().forEach((d, i) => d.listeners.forEach((l) => l({ stage: 'waiting', queuePosition: i + 1 })));
  const tell = (doc: Doc, p: RenderProgress) => doc.listeners.forEach((l) => l(p));

  function spawn(): Slot {
    const limits = workerMemoryMb > 0 ? { resourceLimits: { maxOldGenerationSizeMb: workerMemoryMb } } : {};
    const worker = startThread(entry, limits);
    const slot: Slot = { worker, task: null, takenAt: 0, documents: 0, current: new Set(), inputs: [], deadline: null, idle: null };
    counts.started++;
    worker.on('message', (m: WorkerMessage) => {
      const task = slot.task;
      if (!task || m.taskId !== task.taskId) return;
      release(slot);
      if (!task.doc.settled) {
        if (m.type === 'error') fail(task.doc, new PdfRenderError(`La génération du PDF a échoué : ${m.message}`));
        else {
          try {
            task.onDone(m);
          } catch (err) {
            fail(task.doc, new PdfRenderError(`La génération du PDF a échoué : ${err instanceof Error ? err.message : String(err)}`));
          }
        }
      }
      rest(slot);
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

  /** The thread is gone without being asked: its document fails, the others go on (with a new thread if needed). */
  function lose(slot: Slot, message: string) {
    if (!slots.includes(slot)) return;
    const task = slot.task;
    retire(slot);
    if (task) fail(task.doc, new PdfRenderError(message));
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

  /** The step is over: the thread is free. */
  function release(slot: Slot) {
    clearTimeout(slot.deadline ?? undefined);
    slot.deadline = null;
    slot.task = null;
  }

  /** A free thread: ended when worn out and done with its documents, else idle (and ended after idleTimeoutMs). */
  function rest(slot: Slot) {
    if (slot.task || !slots.includes(slot)) return;
    if (worn(slot) && slot.current.size === 0) {
      retire(slot);
      return;
    }
    slot.worker.unref();
    clearTimeout(slot.idle ?? undefined);
    if (idleTimeoutMs > 0) slot.idle = setTimeout(() => slot.task === null && retire(slot), idleTimeoutMs).unref();
  }

  const worn = (slot: Slot) => maxRendersPerWorker > 0 && slot.documents >= maxRendersPerWorker;

  function take(slot: Slot, task: Task) {
    const { doc } = task;
    clearTimeout(slot.idle ?? undefined);
    slot.idle = null;
    slot.task = task;
    slot.takenAt = Date.now();
    if (!slot.current.has(doc)) {
      slot.current.add(doc);
      slot.documents++;
    }
    slot.deadline = setTimeout(() => {
      if (slot.task !== task) return;
      retire(slot);
      fail(
        doc,
        new PdfRenderError(
          `La génération du PDF a dépassé ${seconds(timeoutMs)} et a été interrompue : réessayez plus tard, ou signalez-le à l’administrateur`,
        ),
      );
      pump();
    }, timeoutMs);
    // A busy worker keeps the process alive (the CLI waits for its PDF); an idle one does not.
    slot.worker.ref();
    if (!doc.started) {
      doc.started = true;
      doc.startedAt = Date.now();
      tell(doc, { stage: 'preparing' });
    }
    // The plan's input goes once to each thread per document (the thread keeps DOCUMENTS_KEPT of them).
    const needsInput = task.job.kind === 'plan' || task.job.kind === 'part';
    const sendInput = needsInput && !slot.inputs.includes(doc.id);
    if (sendInput) {
      slot.inputs.push(doc.id);
      while (slot.inputs.length > DOCUMENTS_KEPT) slot.inputs.shift();
    }
    const request: WorkerRequest = {
      taskId: task.taskId,
      docId: doc.id,
      generatedAt: doc.generatedAt,
      job: task.job,
      ...(sendInput && doc.input ? { input: doc.input } : {}),
    };
    slot.worker.postMessage(request);
  }

  /** The next step for `slot`: of the oldest document first, so a document started ends before the next starts. */
  function nextTaskFor(slot: Slot): Task | null {
    for (const doc of docs) {
      if (doc.pending.length === 0) continue;
      if (worn(slot) && !slot.current.has(doc)) continue;
      return doc.pending.shift()!;
    }
    return null;
  }

  function pump() {
    if (closed) return;
    const before = waiting().length;
    for (;;) {
      let slot: Slot | null = null;
      let task: Task | null = null;
      for (const s of slots) {
        if (s.task) continue;
        task = nextTaskFor(s);
        if (task) {
          slot = s;
          break;
        }
      }
      if (!task && slots.length < maxWorkers && docs.some((d) => d.pending.length > 0)) {
        slot = spawn();
        task = nextTaskFor(slot);
      }
      if (!slot || !task) break;
      take(slot, task);
    }
    if (waiting().length !== before) notifyQueue();
  }

  function schedule(doc: Doc, job: WorkerJob, onDone: Task['onDone']) {
    doc.pending.push({ taskId: nextTaskId++, doc, job, onDone });
  }

  function settle(doc: Doc) {
    doc.settled = true;
    doc.pending.length = 0;
    const i = docs.indexOf(doc);
    if (i >= 0) docs.splice(i, 1);
    for (const slot of slots) {
      if (slot.current.delete(doc)) rest(slot);
    }
  }

  function fail(doc: Doc, err: Error) {
    if (doc.settled) return;
    settle(doc);
    counts.failed++;
    doc.reject(err);
  }

  function succeed(doc: Doc, bytes: Uint8Array) {
    if (doc.settled) return;
    settle(doc);
    counts.rendered++;
    averageRenderMs = 0.7 * averageRenderMs + 0.3 * (Date.now() - doc.startedAt);
    doc.resolve(bytes);
  }

  /** Parts done (final) over parts, as the layout's progress. */
  function progress(doc: Doc) {
    const states = doc.parts!;
    const fraction = states.filter((s) => s.result).length / states.length;
    if (fraction > doc.told) {
      doc.told = fraction;
      tell(doc, { stage: 'layout', fraction });
    }
  }

  /** The plan is known: cached parts are taken, the others rendered; parts printing page numbers wait for them. */
  function planned(doc: Doc, metas: PartMeta[]) {
    const planId = doc.input!.plan.id;
    doc.parts = metas.map((meta) => ({ meta, pages: pagesByFingerprint.get(meta.fingerprint) ?? null, result: null, rendering: null, rendered: null }));
    doc.parts.forEach((state, index) => {
      if (state.meta.references.length > 0) return;
      const hit = parts.get(state.meta.fingerprint);
      if (hit) {
        state.result = hit;
        state.pages = hit.pages;
        counts.partsCached++;
      } else renderPart(doc, index, []);
    });
    // A part printing page numbers whose pages are not known is rendered at once with the numbers the pages of last
    // time give (its page count does not depend on them): when they are right, that render is the final one.
    const guess = numberPages(
      doc.parts.map((s) => ({ pages: s.pages ?? lastPages.get(`${planId}|${partName(s.meta)}`) ?? 1, destinations: firstPage(s.meta) })),
    ).pageOf;
    doc.parts.forEach((state, index) => {
      if (state.meta.references.length > 0 && state.pages === null)
        renderPart(
          doc,
          index,
          state.meta.references.map((r) => [r, guess.get(r) ?? 0]),
        );
    });
    progress(doc);
    numberIfReady(doc);
  }

  function renderPart(doc: Doc, index: number, pageOf: [string, number][]) {
    const state = doc.parts![index]!;
    const key = partKey(state.meta.fingerprint, state.meta.references, new Map(pageOf));
    state.rendering = key;
    // Parts printing page numbers first: the others' numbers wait for their pages.
    const job: WorkerJob = { kind: 'part', index, pageOf };
    const onDone: Task['onDone'] = (m) => {
      if (m.type !== 'done') throw new Error('réponse inattendue');
      counts.partsRendered++;
      const rendered: CachedPart = { key, bytes: m.bytes, pages: m.pages };
      parts.set(key, rendered);
      pagesByFingerprint.set(state.meta.fingerprint, m.pages);
      while (pagesByFingerprint.size > 4096) pagesByFingerprint.delete(pagesByFingerprint.keys().next().value!);
      lastPages.set(`${doc.input!.plan.id}|${partName(state.meta)}`, m.pages);
      while (lastPages.size > 4096) lastPages.delete(lastPages.keys().next().value!);
      state.pages = m.pages;
      state.rendered = key;
      if (state.rendering === key) state.rendering = null;
      if (state.meta.references.length === 0) state.result = rendered;
      progress(doc);
      numberIfReady(doc);
    };
    if (state.meta.references.length > 0) doc.pending.unshift({ taskId: nextTaskId++, doc, job, onDone });
    else schedule(doc, job, onDone);
  }

  /** Every part's pages known: the parts printing page numbers get their final ones; all final: numbered, assembled. */
  function numberIfReady(doc: Doc) {
    const states = doc.parts!;
    if (doc.assembling || states.some((s) => s.pages === null)) return;
    const { pageOf } = numberPages(states.map((s) => ({ pages: s.pages!, destinations: firstPage(s.meta) })));
    let waitingFor = false;
    states.forEach((state, index) => {
      if (state.result) return;
      const refs = state.meta.references;
      const numbers: [string, number][] = refs.map((r) => [r, pageOf.get(r) ?? 0]);
      const key = partKey(state.meta.fingerprint, refs, new Map(numbers));
      const hit = parts.get(key);
      if (hit) {
        state.result = hit;
        // Rendered for this very document with the right numbers (the guess was right), or found in the cache.
        if (state.rendered !== key) counts.partsCached++;
        return;
      }
      waitingFor = true;
      if (state.rendering !== key) renderPart(doc, index, numbers);
    });
    progress(doc);
    if (waitingFor || states.some((s) => !s.result)) return;
    doc.assembling = true;
    const landscape = states.flatMap((s) => Array.from({ length: s.pages! }, () => s.meta.landscape));
    const numbersKey = `numbers|${landscape.map((l) => (l ? 'L' : 'P')).join('')}`;
    const assemble = (numbers: Uint8Array) => {
      tell(doc, { stage: 'writing', fraction: 0 });
      schedule(
        doc,
        {
          kind: 'assemble',
          parts: states.map((s) => s.result!.bytes),
          numbers,
          info: planPdfInfo(doc.input!, doc.generatedAt),
          expected: [...pageOf],
        },
        (m) => {
          if (m.type !== 'done') throw new Error('réponse inattendue');
          succeed(doc, m.bytes);
        },
      );
    };
    const numbers = parts.get(numbersKey);
    if (numbers) assemble(numbers.bytes);
    else
      schedule(doc, { kind: 'numbers', landscape }, (m) => {
        if (m.type !== 'done') throw new Error('réponse inattendue');
        if (m.pages !== landscape.length) throw new Error(`numérotation de ${m.pages} pages pour ${landscape.length}`);
        parts.set(numbersKey, { key: numbersKey, bytes: m.bytes, pages: m.pages });
        assemble(m.bytes);
      });
  }

  /** A new render would wait, and the line is full. */
  function full(): boolean {
    return waiting().length >= maxQueue && slots.length >= maxWorkers && slots.every((s) => s.task !== null);
  }

  function refusal(): UnavailableError {
    const busy = slots.filter((s) => s.task).length;
    const queued = waiting().length;
    const rendering = docs.length - queued;
    const retryAfter = Math.min(600, Math.max(1, Math.ceil(((queued + rendering) / maxWorkers) * (averageRenderMs / 1000))));
    return new UnavailableError(
      `Trop de documents PDF sont en cours de génération (${Math.max(busy, rendering)} en cours, ${queued} en attente) : réessayez dans ${seconds(retryAfter * 1000)}`,
      retryAfter,
    );
  }

  /** Needs no place in the line: in the cache, or being rendered for someone else. */
  const needsNoPlace = (key: string) => cache.has(key) || inFlight.has(key);

  /** A plan's first step: each thread plans a share of the parts (the definitions it builds are those it will likely render). */
  function planInShares(doc: Doc): void {
    const shards = maxWorkers;
    const metas: PartMeta[] = [];
    let answered = 0;
    for (let shard = 0; shard < shards; shard++)
      schedule(doc, { kind: 'plan', shard, shards }, (m) => {
        if (m.type !== 'planned') throw new Error('réponse inattendue');
        for (const [index, meta] of m.parts) metas[index] = meta;
        if (++answered < shards) return;
        if (metas.length !== m.count || Array.from(metas).some((meta) => meta === undefined)) throw new Error('plan incomplet');
        planned(doc, metas);
      });
  }

  /** A document in the line; `start` schedules its first steps. */
  function enqueue(input: PlanPdfInput | null, generatedAt: string, listeners: Doc['listeners'], start: (doc: Doc) => void): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      const doc: Doc = {
        id: nextDocId++,
        input,
        generatedAt,
        listeners,
        resolve,
        reject,
        started: false,
        settled: false,
        startedAt: 0,
        pending: [],
        parts: null,
        told: 0,
        assembling: false,
      };
      docs.push(doc);
      start(doc);
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
      const promise = enqueue(input, generatedAt, listeners, planInShares);
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
    renderForm(job, generatedAt) {
      if (closed) return Promise.reject(new PdfRenderError('Le moteur de rendu PDF est arrêté'));
      if (full()) return Promise.reject(refusal());
      return enqueue(null, generatedAt, [], (doc) =>
        schedule(doc, job, (m) => {
          if (m.type !== 'done') throw new Error('réponse inattendue');
          succeed(doc, m.bytes);
        }),
      );
    },
    assertRoomFor(input) {
      if (closed) throw new PdfRenderError('Le moteur de rendu PDF est arrêté');
      if (input && needsNoPlace(pdfCacheKey(input))) return;
      if (full()) throw refusal();
    },
    stats: () => ({
      workers: slots.length,
      busy: slots.filter((s) => s.task).length,
      queued: waiting().length,
      ...counts,
      partCacheBytes: parts.bytes(),
    }),
    async close() {
      closed = true;
      const stopped = new PdfRenderError('Le moteur de rendu PDF est arrêté');
      for (const doc of [...docs]) fail(doc, stopped);
      await Promise.all(
        slots.splice(0).map((s) => {
          clearTimeout(s.deadline ?? undefined);
          clearTimeout(s.idle ?? undefined);
          s.task = null;
          return s.worker.terminate();
        }),
      );
    },
  };
}

/** What names a part across renders of a plan: its destination (a section's title), the cover otherwise. */
const partName = (meta: PartMeta) => meta.destinations[0] ?? 'couverture';

/** A section's destinations are on its first page (its title starts it). */
const firstPage = (meta: PartMeta): Record<string, number> => Object.fromEntries(meta.destinations.map((d) => [d, 0]));

/** Rendered parts, least recently used dropped first past `budget` bytes. */
function createPartCache(budget: number) {
  const entries = new Map<string, CachedPart>();
  let total = 0;
  return {
    get(key: string): CachedPart | undefined {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key: string, part: CachedPart) {
      const old = entries.get(key);
      if (old) {
        total -= old.bytes.byteLength;
        entries.delete(key);
      }
      entries.set(key, part);
      total += part.bytes.byteLength;
      while (total > budget && entries.size > 0) {
        const [oldest, dropped] = entries.entries().next().value!;
        entries.delete(oldest);
        total -= dropped.bytes.byteLength;
      }
    },
    bytes: () => total,
    clear() {
      entries.clear();
      total = 0;
    },
  };
}
