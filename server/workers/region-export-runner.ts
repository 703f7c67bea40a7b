import type { Worker } from 'node:worker_threads';
import type { ConsolidationDimension, ConsolidationResponse, RegionData, RegionExportFormat } from '../../schemas/consolidation.ts';
import type { RegionExportMessage, RegionExportRequest } from '../reports/region-export-worker.ts';
import { startThread, threadEntry } from './thread-entry.ts';

/**
 * Runs each consolidation task — a flat file, or the pivot — in a worker thread (its TypeScript bundled once into
 * JavaScript, as the PDF renderers' is: thread-entry.ts), off the server's event loop; a thread is kept warm half a
 * minute for the next task. How many files are built at once is the job service's business (services/consolidation.ts).
 */
const WORKER_URL = new URL('../reports/region-export-worker.ts', import.meta.url).href;

/** Threads kept after their task, for the next one: starting one (its modules, the schemas) takes a while. */
const MAX_IDLE_THREADS = 2;
/** An idle thread ends after this long without a task (its heap is given back: the PDF threads wait as long). */
const IDLE_MS = 30_000;
const idle: { worker: Worker; timer: NodeJS.Timeout }[] = [];

function takeThread(): Worker {
  const kept = idle.pop();
  if (!kept) return startThread(threadEntry(WORKER_URL));
  clearTimeout(kept.timer);
  return kept.worker;
}

function keepThread(worker: Worker): void {
  if (idle.length >= MAX_IDLE_THREADS) {
    void worker.terminate();
    return;
  }
  const entry = {
    worker,
    timer: setTimeout(() => {
      idle.splice(idle.indexOf(entry), 1);
      void worker.terminate();
    }, IDLE_MS).unref(),
  };
  // An idle thread does not keep the process alive.
  worker.unref();
  idle.push(entry);
}

/** Starts a consolidation thread now unless one is idle, so that the next task finds it started (or starting). */
export function warmRegionThread(): void {
  if (idle.length === 0) keepThread(startThread(threadEntry(WORKER_URL)));
}

/**
 * Posts `request` to a consolidation thread (a warm one if any); `onMessage` settles with a value, or not (progress).
 * A thread that answered is kept for the next task; one that failed or stopped is ended.
 */
function runInThread<T>(request: RegionExportRequest, onMessage: (m: RegionExportMessage) => { value: T } | null): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = takeThread();
    worker.ref();
    let settled = false;
    const settle = (ok: boolean, fn: () => void) => {
      if (settled) return;
      settled = true;
      worker.off('message', onWorkerMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      fn();
      if (ok) keepThread(worker);
      else void worker.terminate();
    };
    const onWorkerMessage = (m: RegionExportMessage) => {
      if (m.type === 'error') return settle(false, () => reject(new Error(m.message)));
      const out = onMessage(m);
      if (out) settle(true, () => resolve(out.value));
    };
    const onError = (err: Error) => settle(false, () => reject(err));
    const onExit = (code: number) => settle(false, () => reject(new Error(`La consolidation s'est arrêtée (code ${code})`)));
    worker.on('message', onWorkerMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}

/** The XLSX or CSV of the gathered data, built in its own thread; `onProgress` follows the rows written. */
export function runRegionExport(
  data: RegionData,
  format: RegionExportFormat,
  generatedAt: string,
  onProgress: (rows: number, total: number) => void = () => {},
): Promise<Uint8Array> {
  return runInThread({ task: 'file', data, format, generatedAt }, (m) => {
    if (m.type === 'progress') onProgress(m.rows, m.total);
    return m.type === 'done' ? { value: m.bytes } : null;
  });
}

/** The pivot of the gathered data by `lignes`, computed in its own thread. */
export function runRegionPivot(data: RegionData, lignes: readonly ConsolidationDimension[]): Promise<ConsolidationResponse> {
  return runInThread({ task: 'pivot', data, lignes }, (m) => (m.type === 'pivot' ? { value: m.result } : null));
}
