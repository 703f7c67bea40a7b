import { parentPort } from 'node:worker_threads';
import { readWorkbookFile, type WorkbookFileRead } from './workbook-file.ts';

/**
 * A workbook reading thread (server/workers/workbook-reader.ts): checks and reads one upload at a time into its
 * snapshot, so exceljs's memory (and the inflation's) lives in this thread and goes when the thread ends.
 */
export type WorkbookReadRequest = { taskId: number; bytes: Uint8Array };
export type WorkbookReadMessage = { taskId: number; type: 'done'; read: WorkbookFileRead } | { taskId: number; type: 'error'; message: string };

const port = parentPort!;
port.on('message', async ({ taskId, bytes }: WorkbookReadRequest) => {
  try {
    port.postMessage({ taskId, type: 'done', read: await readWorkbookFile(bytes) } satisfies WorkbookReadMessage);
  } catch (err) {
    port.postMessage({ taskId, type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkbookReadMessage);
  }
});
