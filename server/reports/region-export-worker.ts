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
    // A file of its own memory goes to the main thread as is (transferred, not copied); a pooled one is copied.
    const own = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
    post({ type: 'done', bytes: own }, [own.buffer as ArrayBuffer]);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
