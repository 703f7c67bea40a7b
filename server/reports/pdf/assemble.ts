import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import {
  PDFArray,
  PDFContentStream,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  type PDFObject,
  ParseSpeeds,
  PDFRawStream,
  PDFRef,
  PDFStreamWriter,
  PDFString,
} from 'pdf-lib';
import type { PlanPdfInfo } from './plan-pdf.ts';

/**
 * One PDF from its parts rendered apart (see `buildPlanPdfParts`): their pages in order, each stamped with its
 * page of `numbers` (« Page N / total », drawn by pdfmake in the document's font: `buildPageNumbers`), the named
 * destinations of every part gathered in one tree over the copied pages (the links of the table of contents and
 * of « Voir la fiche » name them), and the document's info. Pure on bytes: the same parts give the same file.
 * `expected` is where the page numbers printed in the parts say each destination is; a destination elsewhere is
 * an error rather than a wrong table of contents. `parsed` is what the caller's earlier assembly parsed (a render
 * thread keeps one, render-task.ts); it is updated to this assembly's, and the file does not depend on it.
 */
export async function assemblePdf(
  parts: readonly Uint8Array[],
  numbers: Uint8Array,
  info: PlanPdfInfo,
  expected: ReadonlyMap<string, number>,
  parsed: ParsedParts = parsedParts(),
): Promise<Uint8Array> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const stamps = await numberStamps(out, numbers, parsed);
  // One content stream for every page: it draws the page's own stamp, named alike on every page.
  const stamp = PDFName.of('NumeroDePage');
  const drawStamp = out.context.register(out.context.stream(`q /${stamp.asString().slice(1)} Do Q`));
  const destinations: [string, PDFObject][] = [];
  let next = 0;
  const parsedNow = new Map<string, PDFDocument>();
  for (const bytes of parts) {
    const key = sha256(bytes);
    const part = parsedNow.get(key) ?? parsed.parts.get(key) ?? (await PDFDocument.load(bytes, LOAD));
    parsedNow.set(key, part);
    const copied = await out.copyPages(part, part.getPageIndices());
    const pageOf = new Map(part.getPages().map((p, i) => [p.ref.toString(), i]));
    for (const [name, dest] of namedDestinations(part)) {
      const target = dest.get(0);
      const index = target instanceof PDFRef ? pageOf.get(target.toString()) : undefined;
      if (index === undefined) throw new Error(`Destination ${name} sans page`);
      const want = expected.get(name);
      if (want !== undefined && want !== next + index + 1) throw new Error(`Destination ${name} en page ${next + index + 1}, annoncée en page ${want}`);
      const moved = PDFArray.withContext(out.context);
      moved.push(copied[index]!.ref);
      for (let i = 1; i < dest.size(); i++) moved.push(dest.get(i));
      destinations.push([name, moved]);
    }
    for (const page of copied) {
      const numbersPage = stamps[next++];
      if (!numbersPage) throw new Error('Numérotation plus courte que le document');
      out.addPage(page);
      page.node.setXObject(stamp, numbersPage);
      page.node.addContentStream(drawStamp);
    }
  }
  if (next !== stamps.length) throw new Error(`Numérotation de ${stamps.length} pages pour ${next} pages`);
  parsed.parts = parsedNow;
  keepFontFilesOnce(out);
  if (destinations.length > 0) {
    // One leaf of the name tree, its names in byte order (ASCII ids).
    destinations.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const names = PDFArray.withContext(out.context);
    for (const [name, dest] of destinations) {
      names.push(PDFString.of(name));
      names.push(dest);
    }
    const tree = out.context.obj({ Names: names });
    out.catalog.set(PDFName.of('Names'), out.context.obj({ Dests: out.context.register(tree) }));
  }
  out.setTitle(info.title);
  out.setAuthor(info.author);
  out.setSubject(info.subject);
  out.setCreator(info.creator);
  out.setProducer(info.producer);
  out.setCreationDate(new Date(info.creationDate));
  out.setModificationDate(new Date(info.modDate));
  // As save() writes, with object streams of OBJECTS_PER_STREAM objects rather than 50: pdf-lib compresses each with
  // pako, whose set-up per stream was most of the writing.
  await out.flush();
  return PDFStreamWriter.forContext(out.context, Number.POSITIVE_INFINITY, true, OBJECTS_PER_STREAM).serializeToBuffer();
}

/**
 * Each page of `numbers` as a form XObject of `out`, to be drawn over a page of the document: pdf-lib's embedPdf,
 * with its page's drawing inflated and deflated by Node's zlib rather than pako (whose set-up per stream took most of
 * an assembly). A page drawn otherwise than in Flate or pdf-lib's own streams goes through embedPdf.
 */
async function numberStamps(out: PDFDocument, numbers: Uint8Array, parsed: ParsedParts): Promise<PDFRef[]> {
  const key = sha256(numbers);
  if (parsed.numbers?.key !== key) parsed.numbers = { key, doc: await PDFDocument.load(numbers, LOAD), drawings: [] };
  const { doc: numbering, drawings } = parsed.numbers;
  const pages = await out.copyPages(numbering, numbering.getPageIndices());
  const stamps: PDFRef[] = [];
  for (const [index, page] of pages.entries()) {
    const { Contents, Resources } = page.node.normalizedEntries();
    // The page's drawing, deflated once for the numbering's bytes (null: one it cannot read).
    if (drawings[index] === undefined) {
      const drawing = Contents ? contentsOf(Contents) : null;
      drawings[index] = drawing ? deflateSync(drawing) : null;
    }
    const deflated = drawings[index];
    if (!deflated) {
      stamps.push((await out.embedPage(page)).ref);
      continue;
    }
    const form = { Type: 'XObject', Subtype: 'Form', FormType: 1, BBox: page.node.MediaBox(), Matrix: [1, 0, 0, 1, 0, 0], Resources, Filter: 'FlateDecode' };
    stamps.push(out.context.register(out.context.stream(deflated, form)));
  }
  return stamps;
}

/** A page's content streams joined (each ended by a newline, as embedPdf does), or null for one it cannot read. */
function contentsOf(contents: PDFArray): Buffer | null {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < contents.size(); i++) {
    const stream = contents.lookup(i);
    if (stream instanceof PDFContentStream) chunks.push(stream.getUnencodedContents());
    else if (stream instanceof PDFRawStream) {
      const filter = stream.dict.get(PDFName.of('Filter'));
      if (filter === undefined) chunks.push(stream.contents);
      else if (filter === PDFName.of('FlateDecode') && !stream.dict.has(PDFName.of('DecodeParms'))) chunks.push(inflateSync(stream.contents));
      else return null;
    } else return null;
    chunks.push(NEWLINE);
  }
  return Buffer.concat(chunks);
}

const NEWLINE = Uint8Array.of(0x0a);
/** Objects per object stream of the assembled file (pdf-lib's save() puts 50: more streams, more pako set-ups). */
const OBJECTS_PER_STREAM = 500;

/**
 * What an assembly parsed, by the SHA-256 of the bytes: the parts (after a one-cell change all but one or two are the
 * same bytes again) and the page numbers, with their pages' drawings deflated. Copying pages out of a parsed document
 * clones what it copies and leaves the source as it was, so a parsed part serves the next assembly and the file is
 * the same as with a fresh parse. Only the last assembly's are kept.
 */
export type ParsedParts = {
  parts: Map<string, PDFDocument>;
  numbers: { key: string; doc: PDFDocument; drawings: (Buffer | null)[] } | null;
};

/** Nothing parsed yet. */
export const parsedParts = (): ParsedParts => ({ parts: new Map(), numbers: null });

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Parsed in one go (pdf-lib yields to the event loop every 100 objects otherwise: this runs in a render thread). */
const LOAD = { updateMetadata: false, parseSpeed: ParseSpeeds.Fastest } as const;

/**
 * Each part embeds its fonts; parts printing the same glyphs embed the same font files (see SHARED_GLYPHS in
 * render.ts): every font file and character map whose bytes are those of an earlier one is replaced by it.
 */
function keepFontFilesOnce(doc: PDFDocument): void {
  const first = new Map<string, PDFRef>();
  const dropped = new Set<string>();
  const canonical = (ref: PDFObject | undefined): PDFRef | null => {
    if (!(ref instanceof PDFRef)) return null;
    const stream = doc.context.lookup(ref);
    if (!(stream instanceof PDFRawStream)) return null;
    const key = createHash('sha256').update(stream.dict.toString()).update(stream.contents).digest('hex');
    const kept = first.get(key);
    if (!kept) {
      first.set(key, ref);
      return null;
    }
    if (kept !== ref) dropped.add(ref.toString());
    return kept === ref ? null : kept;
  };
  const refs: PDFRef[] = [];
  for (const [ref, object] of doc.context.enumerateIndirectObjects()) {
    refs.push(ref);
    if (!(object instanceof PDFDict)) continue;
    for (const field of [PDFName.of('FontFile2'), PDFName.of('ToUnicode')]) {
      const kept = canonical(object.get(field));
      if (kept) object.set(field, kept);
    }
  }
  for (const ref of refs) if (dropped.has(ref.toString())) doc.context.delete(ref);
}

/** The named destinations of a document (its catalog's /Names /Dests tree, leaves and kids), by name. */
function namedDestinations(doc: PDFDocument): [string, PDFArray][] {
  const names = doc.catalog.lookupMaybe(PDFName.of('Names'), PDFDict);
  const root = names?.lookupMaybe(PDFName.of('Dests'), PDFDict);
  const found: [string, PDFArray][] = [];
  const visit = (node: PDFDict) => {
    const leaf = node.lookupMaybe(PDFName.of('Names'), PDFArray);
    for (let i = 0; leaf && i + 1 < leaf.size(); i += 2) {
      const key = leaf.lookup(i);
      const value = leaf.lookup(i + 1);
      const dest = value instanceof PDFDict ? value.lookupMaybe(PDFName.of('D'), PDFArray) : value;
      if ((key instanceof PDFString || key instanceof PDFHexString) && dest instanceof PDFArray) found.push([key.decodeText(), dest]);
    }
    const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
    for (let i = 0; kids && i < kids.size(); i++) visit(kids.lookup(i, PDFDict));
  };
  if (root) visit(root);
  return found;
}
