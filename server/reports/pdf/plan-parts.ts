import { createHash } from 'node:crypto';
import type { TDocumentDefinitions } from 'pdfmake/interfaces.js';

/**
 * What a part of the PDF is drawn from, and its page references. A part (see `buildPlanPdfParts`) is rendered
 * again only when its fingerprint changes; the page numbers it prints (table of contents, « p. N ») are put in
 * once the pages of every part are known, and are part of what its rendered bytes are cached under.
 */

/**
 * Bumped when what a definition gives does not show in its JSON: the fonts (templates/fonts), the table layouts'
 * rules (functions), the script runs, pdfmake's version.
 */
export const PART_FORMAT = 'parts-1|pdfmake-0.3|liberation-2.1|vazirmatn|noto-emoji';

/** SHA-256 (hex) of a part's definition: content, styles, margins, header and footer texts (functions called). */
export function fingerprintPart(doc: TDocumentDefinitions): string {
  const hash = createHash('sha256').update(PART_FORMAT);
  // The header and footer are functions of the page: their text at page 1 is what the part prints on every page.
  const size = { width: 595.28, height: 841.89, orientation: 'portrait' as const };
  const dynamic = (fn: unknown) => (typeof fn === 'function' ? (fn as (p: number, c: number, s: typeof size) => unknown)(1, 1, size) : (fn ?? null));
  hash.update(JSON.stringify({ header: dynamic(doc.header), footer: dynamic(doc.footer) }));
  const { header: _h, footer: _f, content, ...rest } = doc;
  hash.update(JSON.stringify(rest));
  hash.update(JSON.stringify(content));
  return hash.digest('hex');
}

/** Every string a content gives its nodes under `key` (`id`, `pageReference`…), in document order. */
function valuesOfKey(content: unknown, key: string): string[] {
  const found: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      const value = (node as Record<string, unknown>)[key];
      if (typeof value === 'string') found.push(value);
      for (const child of Object.values(node)) visit(child);
    }
  };
  visit(content);
  return found;
}

/** The destinations whose page number a definition prints (its `pageReference`s), in order of first use. */
export function pageReferencesOf(doc: TDocumentDefinitions): string[] {
  return [...new Set(valuesOfKey(doc.content, 'pageReference'))];
}

/** The destination ids a content defines (`id` of its nodes). */
export function destinationsOf(content: unknown): string[] {
  return valuesOfKey(content, 'id');
}

/**
 * The definition with each page reference replaced by its page number in the assembled document (a link to the
 * destination kept), as pdfmake would print it in one document. Pure: the definition given is not changed.
 */
export function withPageNumbers(doc: TDocumentDefinitions, pageOf: ReadonlyMap<string, number>): TDocumentDefinitions {
  const replace = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(replace);
    if (node === null || typeof node !== 'object' || node instanceof Date) return node;
    const { pageReference, ...rest } = node as { pageReference?: unknown };
    if (typeof pageReference === 'string') {
      const page = pageOf.get(pageReference);
      if (page === undefined) throw new Error(`Page reference id not found: ${pageReference}`);
      return { ...mapValues(rest, replace), text: String(page), linkToDestination: pageReference };
    }
    return mapValues(node as Record<string, unknown>, replace);
  };
  return { ...doc, content: replace(doc.content) as TDocumentDefinitions['content'] };
}

function mapValues(node: Record<string, unknown>, fn: (v: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = typeof v === 'function' ? v : fn(v);
  return out;
}

/** A rendered part: where its destinations fall (page index inside the part) and how many pages it has. */
export type PartPages = { pages: number; destinations: Readonly<Record<string, number>> };

/**
 * The page number (1-based, in the assembled document) of every destination, the parts taken in order; the first
 * page of each part in `starts`.
 */
export function numberPages(parts: readonly PartPages[]): { pageOf: Map<string, number>; starts: number[]; total: number } {
  const pageOf = new Map<string, number>();
  const starts: number[] = [];
  let next = 1;
  for (const part of parts) {
    starts.push(next);
    for (const [id, index] of Object.entries(part.destinations)) pageOf.set(id, next + index);
    next += part.pages;
  }
  return { pageOf, starts, total: next - 1 };
}

/** The key a part's rendered bytes are cached under: its fingerprint and the page numbers it prints. */
export function partKey(fingerprint: string, references: readonly string[], pageOf: ReadonlyMap<string, number>): string {
  if (references.length === 0) return fingerprint;
  return createHash('sha256')
    .update(fingerprint)
    .update(JSON.stringify(references.map((r) => [r, pageOf.get(r) ?? null])))
    .digest('hex');
}
