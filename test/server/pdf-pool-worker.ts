import { parentPort } from 'node:worker_threads';
import { type PostMessage, runRenderTask, type WorkerRequest } from '../../server/reports/pdf/render-task.ts';
import { HANGING_FORM_TITLE, MISBEHAVING_YEARS } from './pdf-pool-years.ts';

/**
 * A PDF thread for the pool's tests (`createPdfPool({ workerUrl })`, see pdf-pool.test.ts): it renders like the real
 * one (server/reports/pdf/worker.ts), except for the report years of MISBEHAVING_YEARS and a form titled
 * HANGING_FORM_TITLE. Only tests name this module.
 */
const port = parentPort!;
const post: PostMessage = (m, transfer = []) => port.postMessage(m, transfer);

function allocateForever(): never {
  const kept: number[][] = [];
  for (;;) kept.push(Array.from({ length: 100_000 }, (_, i) => i));
}

port.on('message', (request: WorkerRequest) => {
  if (request.job.kind === 'form' && request.job.form.layout.title.includes(HANGING_FORM_TITLE)) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
    return;
  }
  // The plan's input comes with a document's first step in a thread; later steps run normally.
  switch (request.input?.annee) {
    case MISBEHAVING_YEARS.hang:
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
      return;
    case MISBEHAVING_YEARS.exit:
      process.exit(3);
      return;
    case MISBEHAVING_YEARS.throw:
      setImmediate(() => {
        throw new Error('panne simulée');
      });
      return;
    case MISBEHAVING_YEARS.allocate:
      allocateForever();
      return;
    default:
      void runRenderTask(request, post);
  }
});
