import { buildPlanPdf, type PlanPdfInput } from './plan-pdf.ts';
import { renderPdfDocument } from './render.ts';

/**
 * One render as a PDF thread runs it: builds the document from the gathered plan input and writes it, reporting its
 * stages through `post`. The thread entry (worker.ts) feeds it the pool's requests.
 */
export type WorkerRequest = { taskId: number; input: PlanPdfInput; generatedAt: string };
export type WorkerMessage =
  | { taskId: number; type: 'stage'; stage: 'layout' | 'writing'; fraction: number }
  | { taskId: number; type: 'done'; bytes: Uint8Array }
  | { taskId: number; type: 'error'; message: string };

export type PostMessage = (m: WorkerMessage, transfer?: ArrayBuffer[]) => void;

export async function runRenderTask({ taskId, input, generatedAt }: WorkerRequest, post: PostMessage): Promise<void> {
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
}
