import { parentPort } from 'node:worker_threads';
import { buildPlanPdf, type PlanPdfInput } from './plan-pdf.ts';
import { renderPdfDocument } from './render.ts';

/**
 * A PDF render thread: builds the document from the gathered plan input and writes it, reporting its stages, so
 * the server's event loop never carries the layout.
 */
export type WorkerRequest = { taskId: number; input: PlanPdfInput; generatedAt: string };
export type WorkerMessage =
  | { taskId: number; type: 'stage'; stage: 'layout' | 'writing'; fraction: number }
  | { taskId: number; type: 'done'; bytes: Uint8Array }
  | { taskId: number; type: 'error'; message: string };

const port = parentPort!;
port.on('message', async ({ taskId, input, generatedAt }: WorkerRequest) => {
  const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  try {
    let laidOut = -1;
    const onSheetLayout = (index: number, count: number) => {
      if (index === laidOut) return;
      laidOut = index;
      post({ taskId, type: 'stage', stage: 'layout', fraction: index / count });
    };
    const doc = buildPlanPdf(input, { generatedAt, onSheetLayout });
    post({ taskId, type: 'stage', stage: 'layout', fraction: 0 });
    const bytes = await renderPdfDocument(doc, (fraction) => post({ taskId, type: 'stage', stage: 'writing', fraction }));
    const copy = bytes.slice();
    post({ taskId, type: 'done', bytes: copy }, [copy.buffer]);
  } catch (err) {
    post({ taskId, type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});
