import { parentPort } from 'node:worker_threads';
import { type PostMessage, runRenderTask, type WorkerRequest } from './render-task.ts';

/**
 * A PDF render thread: runs the pool's requests one at a time (see render-task.ts), so the server's event loop never
 * carries the layout.
 */
const port = parentPort!;
const post: PostMessage = (m, transfer = []) => port.postMessage(m, transfer);
port.on('message', (request: WorkerRequest) => runRenderTask(request, post));
