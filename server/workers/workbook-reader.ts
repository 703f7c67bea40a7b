import type { Worker } from 'node:worker_threads';
import { formatBelgianNumber } from '../../schemas/numbers.ts';
import { AppError, UnavailableError } from '../errors.ts';
import type { WorkbookFileRead } from '../imports/workbook-file.ts';
import type { WorkbookReadMessage, WorkbookReadRequest } from '../imports/workbook-worker.ts';
import { startThread, threadEntry } from './thread-entry.ts';

/**
 * Reads uploaded workbooks (the plan's workbook, an imputation file) in a worker thread: the upload guard, exceljs and
 * the snapshot of the values (server/imports/workbook-file.ts) run there, so the native memory they leave behind —
 * inflation, exceljs's parsing, which the server's own heap gave back but its RSS did not — goes back to the system
 * when the thread ends, `idleTimeoutMs` after its last read.
 *
 * One thread, one workbook at a time: an upload that arrives while another is read waits its turn, at most `maxQueue`
 * of them; one more is refused at once (503, `Retry-After`). A read has `timeoutMs` from when the thread takes it and
 * the thread a V8 heap of `workerMemoryMb`: over either, the thread is ended and the file refused with a French reason;
 * a thread that dies fails its read with a French message (500) and the next upload gets a new thread.
 */
export type WorkbookReader = {
  /** The snapshot of the upload, or the French reason to refuse it; rejects with a French AppError (503, 500). */
  read(bytes: Uint8Array): Promise<WorkbookFileRead>;
  /** The thread, the reads and the waiting line now (for tests, benches and logs). */
  stats(): WorkbookReaderStats;
  /** Ends the thread; reads waiting or running fail. */
  close(): Promise<void>;
};

export type WorkbookReaderStats = {
  /** 1 while the thread is alive (reading or waiting for the next upload), 0 once it has ended. */
  workers: number;
  busy: number;
  queued: number;
  /** Since the reader was made: threads started, reads answered (snapshot or refusal), reads failed. */
  started: number;
  read: number;
  failed: number;
};

export type WorkbookReaderOptions = {
  /** Uploads that may wait while one is read; one more is refused (503). Default 8. */
  maxQueue?: number;
  /** Longest read, from when the thread takes it (thread start included), before the file is refused. Default 60 s. */
  timeoutMs?: number;
  /** V8 old-generation heap of the thread, in MB (`resourceLimits.maxOldGenerationSizeMb`). Default 1 024. */
  workerMemoryMb?: number;
  /** The thread ends after this long without a read (its memory goes back to the system). Default 30 s. */
  idleTimeoutMs?: number;
  /** Tests only: the module the thread runs instead of server/imports/workbook-worker.ts. */
  workerUrl?: string;
};

export const WORKBOOK_READER_DEFAULTS = {
  maxQueue: 8,
  timeoutMs: 60_000,
  workerMemoryMb: 1_024,
  idleTimeoutMs: 30_000,
} as const satisfies Required<Omit<WorkbookReaderOptions, 'workerUrl'>>;

/** A read that failed for another reason than the file: French, for the person who sent it (500 through the API). */
export class WorkbookReadError extends AppError {
  constructor(message: string) {
    super(500, 'internal', message, [{ path: 'file', message }]);
  }
}

/** The French reasons of the reader, beside the guard's and exceljs's (zip-guard.ts, workbook-file.ts). */
export const WORKBOOK_READER_MESSAGES = {
  timeout: (ms: number) =>
    `Classeur refusé : sa lecture a dépassé ${seconds(ms)} et a été interrompue (un classeur de plan se lit en une seconde ou deux) ; enregistrez-le à nouveau dans Excel, ou signalez-le à l’administrateur`,
  outOfMemory: (mb: number) =>
    `Classeur refusé : sa lecture a dépassé la mémoire permise (${formatBelgianNumber(mb, 0)} Mo) et a été interrompue ; le classeur est trop volumineux pour ce serveur`,
  crashed: (why: string) => `La lecture du classeur s’est arrêtée inopinément (${why}) : rien n’a été modifié, réessayez`,
  failed: (why: string) => `La lecture du classeur a échoué (${why}) : rien n’a été modifié, réessayez`,
  stopped: 'La lecture des classeurs est arrêtée sur ce serveur : réessayez dans un instant',
  busy: (waiting: number, retryAfter: number) =>
    `Trop de classeurs sont en cours de lecture (1 en cours, ${waiting} en attente) : réessayez dans ${seconds(retryAfter * 1000)}`,
} as const;

function seconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${s} seconde${s > 1 ? 's' : ''}`;
}

const WORKER_URL = new URL('../imports/workbook-worker.ts', import.meta.url).href;

type Task = { taskId: number; bytes: Uint8Array; resolve: (read: WorkbookFileRead) => void; reject: (err: Error) => void };

export function createWorkbookReader(options: WorkbookReaderOptions = {}): WorkbookReader {
  const { maxQueue, timeoutMs, workerMemoryMb, idleTimeoutMs } = { ...WORKBOOK_READER_DEFAULTS, ...options };
  // The thread's JavaScript (thread-entry.ts), checked or bundled now rather than by the first upload.
  const entry = threadEntry(options.workerUrl ?? WORKER_URL);
  const queue: Task[] = [];
  const counts = { started: 0, read: 0, failed: 0 };
  let worker: Worker | null = null;
  let current: Task | null = null;
  let deadline: NodeJS.Timeout | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextTaskId = 1;
  // A Liège workbook takes about a second; learnt from the reads done, for Retry-After.
  let averageReadMs = 2_000;
  let takenAt = 0;
  let closed = false;

  function spawn(): Worker {
    const w = startThread(entry, { resourceLimits: { maxOldGenerationSizeMb: workerMemoryMb } });
    counts.started++;
    w.on('message', (m: WorkbookReadMessage) => {
      const task = current;
      if (w !== worker || !task || m.taskId !== task.taskId) return;
      settle();
      if (m.type === 'done') {
        counts.read++;
        task.resolve(m.read);
      } else {
        counts.failed++;
        task.reject(new WorkbookReadError(WORKBOOK_READER_MESSAGES.failed(m.message)));
      }
      pump();
    });
    // Over memory, an uncaught error: 'error' then 'exit'; process.exit in the thread: 'exit' only.
    w.on('error', (err: Error & { code?: string }) =>
      lose(
        w,
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? { problem: WORKBOOK_READER_MESSAGES.outOfMemory(workerMemoryMb) }
          : WORKBOOK_READER_MESSAGES.crashed(err.message),
      ),
    );
    w.on('exit', (code) => lose(w, WORKBOOK_READER_MESSAGES.crashed(`code ${code}`)));
    return w;
  }

  /** Ends the thread (its 'exit' then finds it gone). */
  function retire(): void {
    clearTimeout(deadline);
    clearTimeout(idle);
    const w = worker;
    worker = null;
    current = null;
    w?.terminate().catch(() => {});
  }

  /** The thread is gone without being asked: its read is refused (over memory) or fails; the line goes on. */
  function lose(w: Worker, outcome: { problem: string } | string): void {
    if (w !== worker) return;
    const task = current;
    retire();
    if (task) {
      if (typeof outcome === 'string') {
        counts.failed++;
        task.reject(new WorkbookReadError(outcome));
      } else {
        counts.read++;
        task.resolve(outcome);
      }
    }
    pump();
  }

  function settle(): void {
    clearTimeout(deadline);
    current = null;
    averageReadMs = 0.7 * averageReadMs + 0.3 * (Date.now() - takenAt);
  }

  function pump(): void {
    if (closed || current) return;
    const task = queue.shift();
    if (!task) {
      // Nothing to read: the thread waits for the next upload, then ends.
      if (worker) {
        worker.unref();
        clearTimeout(idle);
        idle = setTimeout(() => current === null && retire(), idleTimeoutMs).unref();
      }
      return;
    }
    clearTimeout(idle);
    worker ??= spawn();
    worker.ref();
    current = task;
    takenAt = Date.now();
    deadline = setTimeout(() => {
      if (current !== task) return;
      retire();
      counts.read++;
      task.resolve({ problem: WORKBOOK_READER_MESSAGES.timeout(timeoutMs) });
      pump();
    }, timeoutMs);
    worker.postMessage({ taskId: task.taskId, bytes: task.bytes } satisfies WorkbookReadRequest);
  }

  return {
    read(bytes) {
      if (closed) return Promise.reject(new WorkbookReadError(WORKBOOK_READER_MESSAGES.stopped));
      if (current && queue.length >= maxQueue) {
        const retryAfter = Math.min(600, Math.max(1, Math.ceil(((queue.length + 1) * averageReadMs) / 1000)));
        return Promise.reject(new UnavailableError(WORKBOOK_READER_MESSAGES.busy(queue.length, retryAfter), retryAfter));
      }
      return new Promise((resolve, reject) => {
        queue.push({ taskId: nextTaskId++, bytes, resolve, reject });
        pump();
      });
    },
    stats: () => ({ workers: worker ? 1 : 0, busy: current ? 1 : 0, queued: queue.length, ...counts }),
    async close() {
      closed = true;
      const stopped = new WorkbookReadError(WORKBOOK_READER_MESSAGES.stopped);
      for (const t of queue.splice(0)) t.reject(stopped);
      const task = current;
      const w = worker;
      retire();
      task?.reject(stopped);
      await w?.terminate();
    },
  };
}

let shared: WorkbookReader | null = null;

/** The server's reader of uploaded workbooks (one per process, made at the first upload). */
export function sharedWorkbookReader(): WorkbookReader {
  shared ??= createWorkbookReader();
  return shared;
}
