import { describe, expect, it } from 'vitest';
import { startThread, threadEntry } from '../../server/workers/thread-entry.ts';
import { renderedHash, sharedFacesDocs } from './pdf-shared-faces-docs.ts';

/**
 * A PDF thread keeps, across the documents it renders, each font face's layouts of words and the font files it
 * encoded (server/reports/pdf/render.ts): a document's bytes must not depend on what the thread rendered before.
 * Each document below is rendered alone in a thread of its own, then here after every other one.
 */

const TIMEOUT = 240_000;

/** The hash of document `index` rendered by a new thread, as its first document. */
function renderAlone(index: number): Promise<string> {
  const thread = startThread(threadEntry(new URL('./pdf-render-alone.ts', import.meta.url).href), { workerData: index });
  return new Promise((resolve, reject) => {
    thread.once('message', (hash: string) => {
      resolve(hash);
      void thread.terminate();
    });
    thread.once('error', reject);
  });
}

describe('a PDF thread’s shared font faces', () => {
  it(
    'give a document the same bytes as a thread rendering it first',
    async () => {
      const docs = sharedFacesDocs();
      // The fiche plan's table of contents, a fiche action, the last part, and Latin, Greek, Arabic and emoji.
      const chosen = [1, 5, docs.length - 2, docs.length - 1];
      const alone = await Promise.all(chosen.map(renderAlone));
      for (let i = 0; i < docs.length; i++) await renderedHash(docs, i);
      for (const [k, i] of chosen.entries()) expect(await renderedHash(docs, i), `document ${i}`).toBe(alone[k]);
    },
    TIMEOUT,
  );
});
