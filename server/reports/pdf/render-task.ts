import type { FormLayout } from '../layout/form-document.ts';
import { assemblePdf, parsedParts } from './assemble.ts';
import { buildFormPdf } from './form-pdf.ts';
import { buildPageNumbers, buildPlanPdfParts, type ChartMemo, type PlanPdfInfo, type PlanPdfInput, type PlanPdfPart } from './plan-pdf.ts';
import { destinationsOf, fingerprintPart, pageReferencesOf, withPageNumbers } from './plan-parts.ts';
import { renderPdfCountingPages } from './render.ts';

/**
 * One step of a document as a PDF thread runs it; the thread entry (worker.ts) feeds it the pool's requests. A
 * document is planned (its parts built and fingerprinted, shared out between the threads), its parts rendered (by both threads at once), its page
 * numbers drawn, then the whole assembled. A thread keeps the parts of the last documents it was given (so the
 * plan's input is sent to a thread once per document: `input` on its first step there), the charts it drew and its
 * last assembly's parsed parts; render.ts keeps its font faces' layouts of words and font files.
 */
export type WorkerRequest = { taskId: number; docId: number; input?: PlanPdfInput; generatedAt: string; job: WorkerJob };

export type WorkerJob =
  /** The parts of index `shard` modulo `shards` built and fingerprinted (the threads share a document's planning). */
  | { kind: 'plan'; shard: number; shards: number }
  /** Part `index` (0: the cover), with the page numbers of the destinations it refers to. */
  | { kind: 'part'; index: number; pageOf: [string, number][] }
  | { kind: 'numbers'; landscape: boolean[] }
  | { kind: 'assemble'; parts: Uint8Array[]; numbers: Uint8Array; info: PlanPdfInfo; expected: [string, number][] }
  | FormPdfJob;

/** A whole form document in one step: its layout (plain data) made a PDF definition in the thread (form-pdf.ts). */
export type FormPdfJob = { kind: 'form'; form: FormLayout; header: string };

/** What the pool learns of a part before rendering it. */
export type PartMeta = {
  fingerprint: string;
  /** Destinations whose page number the part prints. */
  references: string[];
  /** Destinations the part defines: a section's title, on its first page. */
  destinations: string[];
  landscape: boolean;
};

export type WorkerMessage =
  /** The document's number of parts, and what the planning learnt of its shard's, by index. */
  | { taskId: number; type: 'planned'; count: number; parts: [number, PartMeta][] }
  | { taskId: number; type: 'done'; bytes: Uint8Array; pages: number }
  | { taskId: number; type: 'error'; message: string };

export type PostMessage = (m: WorkerMessage, transfer?: ArrayBuffer[]) => void;

/** Documents whose parts a thread keeps (the pool counts the same way, see `DOCUMENTS_KEPT` in pdf-pool.ts). */
export const DOCUMENTS_KEPT = 2;
const kept = new Map<number, PlanPdfPart[]>();
/** What this thread's last assembly parsed: a one-cell change reassembles mostly the same parts. */
const parsedForAssembly = parsedParts();
/** The charts this thread drew: a one-cell change draws one again at most. */
const chartsDrawn: ChartMemo = new Map();

/** The document's parts, built from its input on its first step in this thread. */
function partsOf({ docId, input, generatedAt }: WorkerRequest): PlanPdfPart[] {
  if (input && !kept.has(docId)) {
    kept.set(docId, buildPlanPdfParts(input, { generatedAt, charts: chartsDrawn }));
    while (kept.size > DOCUMENTS_KEPT) kept.delete(kept.keys().next().value!);
  }
  const parts = kept.get(docId);
  if (!parts) throw new Error(`document ${docId} inconnu de ce moteur de rendu`);
  return parts;
}

export async function runRenderTask(request: WorkerRequest, post: PostMessage): Promise<void> {
  const { taskId, job } = request;
  const done = (bytes: Uint8Array, pages: number) => {
    const copy = bytes.slice();
    post({ taskId, type: 'done', bytes: copy, pages }, [copy.buffer]);
  };
  try {
    switch (job.kind) {
      case 'plan': {
        const all = partsOf(request);
        const parts = all.flatMap(({ doc, landscape }, index): [number, PartMeta][] =>
          index % job.shards === job.shard
            ? [[index, { fingerprint: fingerprintPart(doc), references: pageReferencesOf(doc), destinations: destinationsOf(doc.content), landscape }]]
            : [],
        );
        post({ taskId, type: 'planned', count: all.length, parts });
        return;
      }
      case 'part': {
        const part = partsOf(request)[job.index];
        if (!part) throw new Error(`partie ${job.index} inconnue`);
        const doc = job.pageOf.length > 0 ? withPageNumbers(part.doc, new Map(job.pageOf)) : part.doc;
        const { bytes, pages } = await renderPdfCountingPages(doc);
        done(bytes, pages);
        return;
      }
      case 'numbers': {
        const { bytes, pages } = await renderPdfCountingPages(buildPageNumbers(job.landscape));
        done(bytes, pages);
        return;
      }
      case 'assemble': {
        const bytes = await assemblePdf(job.parts, job.numbers, job.info, new Map(job.expected), parsedForAssembly);
        done(bytes, 0);
        return;
      }
      case 'form': {
        const { bytes, pages } = await renderPdfCountingPages(buildFormPdf(job.form, { header: job.header, generatedAt: request.generatedAt }));
        done(bytes, pages);
        return;
      }
    }
  } catch (err) {
    post({ taskId, type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
}
