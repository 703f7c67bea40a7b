import { parentPort } from 'node:worker_threads';
import type { RegionData, RegionExportFormat } from '../../schemas/consolidation.ts';
import { writeRegionCsv, writeRegionXlsx } from './region-export.ts';

/**
 * A consolidated export thread: writes the XLSX or CSV of the gathered data, reporting the rows written, so the
 * server's event loop never carries the file's construction.
 */
export type RegionExportRequest = { data: RegionData; format: RegionExportFormat; generatedAt: string };
export type RegionExportMessage = { type: 'progress'; rows: number; total: number } | { type: 'done'; bytes: Uint8Array } | { type: 'error'; message: string };

const port = parentPort!;
port.once('message', async ({ data, format, generatedAt }: RegionExportRequest) => {
  const post = (m: RegionExportMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  try {
    const onProgress = (rows: number, total: number) => post({ type: 'progress', rows, total });
    const bytes =
      format === 'xlsx' ? await writeRegionXlsx(data, { generatedAt: new Date(generatedAt), onProgress }) : await writeRegionCsv(data, { onProgress });
    const copy = bytes.slice();
    post({ type: 'done', bytes: copy }, [copy.buffer]);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
