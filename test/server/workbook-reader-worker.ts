import { parentPort } from 'node:worker_threads';
import { readWorkbookFile } from '../../server/imports/workbook-file.ts';
import type { WorkbookReadMessage, WorkbookReadRequest } from '../../server/imports/workbook-worker.ts';

/**
 * A workbook reading thread for the reader's tests (`createWorkbookReader({ workerUrl })`, see
 * workbook-reader.test.ts): it reads like the real one (server/imports/workbook-worker.ts), except for uploads that
 * start with one of MISBEHAVING_UPLOADS (the test spells them out: importing this module would start listening). Only
 * tests name this module.
 */
const MISBEHAVING_UPLOADS = { exit: 'EXIT', hang: 'HANG', throw: 'THROW', allocate: 'ALLOCATE' } as const;

const port = parentPort;
port?.on('message', async ({ taskId, bytes }: WorkbookReadRequest) => {
  const start = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (start.startsWith(MISBEHAVING_UPLOADS.exit)) process.exit(3);
  if (start.startsWith(MISBEHAVING_UPLOADS.hang)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  if (start.startsWith(MISBEHAVING_UPLOADS.throw)) {
    setImmediate(() => {
      throw new Error('panne simulée');
    });
    return;
  }
  if (start.startsWith(MISBEHAVING_UPLOADS.allocate)) {
    const kept: number[][] = [];
    for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => i));
  }
  port.postMessage({ taskId, type: 'done', read: await readWorkbookFile(bytes) } satisfies WorkbookReadMessage);
});
