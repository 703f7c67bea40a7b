import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RegionData, RegionExportFormat } from '../../schemas/consolidation.ts';
import type { RegionExportMessage, RegionExportRequest } from '../reports/region-export-worker.ts';
import { tsxEsmApiPath } from './pdf-pool.ts';

/**
 * Runs one consolidated export in its own worker thread (TypeScript through tsx's loader, as the PDF renderers do)
 * and ends the thread with the job. How many run at once is the job service's business (services/region-exports.ts).
 */
const WORKER_URL = new URL('../reports/region-export-worker.ts', import.meta.url).href;
const BOOTSTRAP = `import(${JSON.stringify(pathToFileURL(tsxEsmApiPath()).href)}).then(({ register }) => { register(); return import(${JSON.stringify(WORKER_URL)}); })`;

export function runRegionExport(
  data: RegionData,
  format: RegionExportFormat,
  generatedAt: string,
  onProgress: (rows: number, total: number) => void = () => {},
): Promise<Uint8Array> {
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
      if (m.type === 'progress') onProgress(m.rows, m.total);
      else if (m.type === 'done') settle(() => resolve(m.bytes));
      else settle(() => reject(new Error(m.message)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', (code) => settle(() => reject(new Error(`L'export consolidé s'est arrêté (code ${code})`))));
    worker.postMessage({ data, format, generatedAt } satisfies RegionExportRequest);
  });
}
