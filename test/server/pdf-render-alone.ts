import { parentPort, workerData } from 'node:worker_threads';
import { renderedHash, sharedFacesDocs } from './pdf-shared-faces-docs.ts';

/**
 * A thread that renders one document of sharedFacesDocs() as its first and only document (nothing kept by its font
 * faces yet) and answers its SHA-256 (pdf-shared-faces.test.ts). Only tests name this module.
 */
const index = workerData as number;
parentPort!.postMessage(await renderedHash(sharedFacesDocs(), index));
