import { parentPort } from 'node:worker_threads';
import { consolidate, type ConsolidationDimension, type ConsolidationResponse, type RegionData, type RegionExportFormat } from '../../schemas/consolidation.ts';
import { writeRegionCsv, writeRegionXlsx } from './region-export.ts';

/**
 * A consolidation thread: computes the pivot of the gathered data, or writes its XLSX or CSV reporting the rows
 * written, so the server's event loop never carries the consolidation of many plans.
 */
export type RegionExportRequest =
  | { task: 'file'; data: RegionData; format: RegionExportFormat; generatedAt: string }
  | { task: 'pivot'; data: RegionData; lignes: readonly ConsolidationDimension[] };
export type RegionExportMessage =
  | { type: 'progress'; rows: number; total: number }
  | { type: 'done'; bytes: Uint8Array }
  | { type: 'pivot'; result: ConsolidationResponse }
  | { type: 'error'; message: string };

const port = parentPort!;
// Kept warm between tasks by the runner: one task at a time, each answered by `done`, `pivot` or `error`.
port.on('message', async (request: RegionExportRequest) => {
  const post = (m: RegionExportMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  try {
    if (request.task === 'pivot') {
      post({ type: 'pivot', result: consolidate(request.data, request.lignes) });
      return;
    }
    const { data, format, generatedAt } = request;
    const onProgress = (rows: number, total: number) => post({ type: 'progress', rows, total });
    const bytes =
      format === 'xlsx' ? await writeRegionXlsx(data, { generatedAt: new Date(generatedAt), onProgress }) : await writeRegionCsv(data, { onProgress });
    // A file of its own memory goes to the main thread as is (transferred, not copied); a pooled one is copied.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
    post({ type: 'done', bytes: own }, [own.buffer as ArrayBuffer]);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
