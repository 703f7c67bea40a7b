import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ConsolidationDimension, ConsolidationResponse, RegionData, RegionExportFormat } from '../../schemas/consolidation.ts';
import type { RegionExportMessage, RegionExportRequest } from '../reports/region-export-worker.ts';
import { tsxEsmApiPath } from './pdf-pool.ts';

/**
 * Runs one consolidation task — a flat file, or the pivot — in its own worker thread (TypeScript through tsx's loader,
 * as the PDF renderers do) and ends the thread with the task. How many files are built at once is the job service's
 * business (services/consolidation.ts).
 */
const WORKER_URL = new URL('../reports/region-export-worker.ts', import.meta.url).href;
const BOOTSTRAP = `import(${JSON.stringify(pathToFileURL(tsxEsmApiPath()).href)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL)}); })`;

/** Posts `request` to a new consolidation thread; `onMessage` settles with a value, or not (progress). */
function runInThread<T>(request: RegionExportRequest, onMessage: (m: RegionExportMessage) => { value: T } | null): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(BOOTSTRAP, { eval: true });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (m: RegionExportMessage) => {
      if (m.type === 'error') return settle(() => reject(new Error(m.message)));
      const out = onMessage(m);
      if (out) settle(() => resolve(out.value));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`La consolidation s'est arrêtée (code ${code})`))));
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
