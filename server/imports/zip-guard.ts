import yauzl from 'yauzl';
import { formatBelgianNumber } from '../../schemas/numbers.ts';
import { writeStoredZip } from '../zip.ts';

/**
 * The guard of every uploaded workbook (XLSX): an XLSX is a ZIP, and a small ZIP can unpack to gigabytes or hold a
 * sheet of a million rows. The archive is unpacked here, part by part, with yauzl, counting the bytes it ACTUALLY
 * produces (the sizes its directory declares are never trusted: a part that unpacks to more or fewer bytes than
 * declared is refused as falsified) and stopping as soon as a limit is passed. Sheets are counted (rows, cells) on the
 * unpacked stream, without building any document. Links to other workbooks, data connections, macros and ActiveX/OLE
 * objects are refused by name. What passes is handed on as a stored archive of the checked parts, so that exceljs
 * reads exactly these bytes and inflates nothing again.
 */

/**
 * Caps, far above what a plan needs: the Liège export (29 actions, 36 sheets) holds 54 parts that unpack to ~1,8 MB,
 * its largest part 0,4 MB, its longest sheet 1.226 rows, its fullest sheet 9.808 cells, 40.298 cells in all. A large
 * plan (four times Liège) stays far below every cap; a hostile file stops at the first one passed.
 */
export const WORKBOOK_LIMITS = {
  /** All parts together, unpacked. */
  unpackedBytes: 32 * 1024 * 1024,
  /** One part, unpacked. */
  partBytes: 16 * 1024 * 1024,
  /** Parts (files and folders) in the archive. */
  parts: 1_000,
  /** `<row>` elements of one sheet. */
  rowsPerSheet: 20_000,
  /** `<c>` elements of one sheet. */
  cellsPerSheet: 200_000,
  /** `<c>` elements of all sheets. */
  cells: 500_000,
};
export type WorkbookLimits = typeof WORKBOOK_LIMITS;

/** The parts of an upload that mean content an import must never carry, each with what people call it. */
const FORBIDDEN_PARTS: { test: RegExp; what: string; fix: string }[] = [
  {
    test: /(^|\/)externalLinks\//i,
    what: 'des liaisons vers d’autres classeurs',
    fix: 'rompez les liaisons (Données › Modifier les liens) puis enregistrez-le à nouveau',
  },
  {
    test: /(^|\/)(connections\.xml$|queryTables\/)/i,
    what: 'des connexions de données',
    fix: 'supprimez les requêtes et connexions (Données › Requêtes et connexions) puis enregistrez-le à nouveau',
  },
  {
    test: /(^|\/)(vbaProject\.bin|vbaProjectSignature\.bin|vbaData\.xml)$|(^|\/)macrosheets\//i,
    what: 'des macros',
    fix: 'enregistrez-le au format « Classeur Excel (.xlsx) », sans macros',
  },
  { test: /(^|\/)(activeX|embeddings)\//i, what: 'des objets ActiveX ou OLE incorporés', fix: 'supprimez ces objets puis enregistrez-le à nouveau' },
];

/** Content types of the same things, should a part carry them under another name. */
const FORBIDDEN_CONTENT_TYPES: { test: RegExp; what: string; fix: string }[] = [
  { test: /macroEnabled|vbaProject|ms-office\.vbaProject|ms-excel\.(?:macrosheet|intlmacrosheet)/i, what: 'des macros', fix: FORBIDDEN_PARTS[2]!.fix },
  { test: /externalLink/i, what: 'des liaisons vers d’autres classeurs', fix: FORBIDDEN_PARTS[0]!.fix },
  { test: /spreadsheetml\.(?:connections|queryTable)/i, what: 'des connexions de données', fix: FORBIDDEN_PARTS[1]!.fix },
  { test: /activeX|oleObject/i, what: 'des objets ActiveX ou OLE incorporés', fix: FORBIDDEN_PARTS[3]!.fix },
];

const mo = (bytes: number) => `${formatBelgianNumber(bytes / 1024 / 1024, 0)} Mo`;
const n = (count: number) => formatBelgianNumber(count, 0);

/** Why an upload is refused, in French, as the import answers it. */
export const UPLOAD_MESSAGES = {
  notXlsx: (why: string) => `Le fichier n'est pas un classeur XLSX (format Excel 2007 et suivants) : ${why}`,
  oleCompound:
    "Le fichier n'est pas un classeur XLSX : c'est un classeur protégé par mot de passe ou au format .xls (Excel 97-2003) ; enregistrez-le au format .xlsx, sans mot de passe",
  forbidden: (what: string, part: string, fix: string) => `Classeur refusé : il contient ${what} (${part}) ; ${fix}`,
  tooManyParts: (max: number) => `Classeur refusé : l'archive compte plus de ${n(max)} fichiers internes (un classeur de plan en compte une soixantaine)`,
  unpackedTooBig: (max: number) => `Classeur refusé : il se décompresse en plus de ${mo(max)} (un classeur de plan fait environ 2 Mo décompressé)`,
  partTooBig: (part: string, max: number) => `Classeur refusé : le fichier interne ${part} se décompresse en plus de ${mo(max)}`,
  sizeLie: (part: string) =>
    `Classeur refusé : le fichier interne ${part} ne se décompresse pas à la taille que l'archive déclare (archive falsifiée ou endommagée)`,
  tooManyRows: (part: string, max: number) =>
    `Classeur refusé : la feuille ${part} compte plus de ${n(max)} lignes (une feuille d'un classeur de plan en compte au plus quelques milliers)`,
  tooManySheetCells: (part: string, max: number) =>
    `Classeur refusé : la feuille ${part} compte plus de ${n(max)} cellules (une feuille d'un classeur de plan en compte au plus quelques dizaines de milliers)`,
  tooManyCells: (max: number) => `Classeur refusé : il compte plus de ${n(max)} cellules (un classeur de plan en compte quelques dizaines de milliers)`,
  encrypted: (part: string) => `Classeur refusé : le fichier interne ${part} est chiffré ; enregistrez le classeur sans mot de passe`,
  badName: (part: string) => `Classeur refusé : nom de fichier interne dangereux (« ${part} »)`,
  duplicate: (part: string) => `Classeur refusé : le fichier interne ${part} figure deux fois dans l'archive`,
  nested: (part: string) => `Classeur refusé : le fichier interne ${part} est lui-même une archive`,
  doctype: (part: string) => `Classeur refusé : le fichier interne ${part} contient une déclaration DOCTYPE, qu'aucun classeur Excel n'écrit`,
  compression: (part: string, method: number) =>
    `Classeur refusé : le fichier interne ${part} est compressé d'une manière qu'Excel n'utilise pas (méthode ${method})`,
  damaged: 'archive incomplète ou endommagée',
} as const;

class Refusal extends Error {}
const refuse = (message: string): never => {
  throw new Refusal(message);
};

const isOleCompound = (b: Uint8Array) => b.length >= 8 && b[0] === 0xd0 && b[1] === 0xcf && b[2] === 0x11 && b[3] === 0xe0;
const isZipStart = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;

/**
 * Unpacks and checks an uploaded workbook under `limits`: answers the checked parts as a stored archive (for exceljs),
 * or the French reason to refuse it.
 */
export async function checkWorkbookArchive(bytes: Uint8Array, limits: WorkbookLimits = WORKBOOK_LIMITS): Promise<{ stored: Uint8Array } | { problem: string }> {
  if (isOleCompound(bytes)) return { problem: UPLOAD_MESSAGES.oleCompound };
  if (!isZipStart(bytes)) return { problem: UPLOAD_MESSAGES.notXlsx("ce n'est pas une archive ZIP") };
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      lazyEntries: true,
      autoClose: false,
      validateEntrySizes: true,
      strictFileNames: true,
    });
  } catch {
    return { problem: UPLOAD_MESSAGES.notXlsx(UPLOAD_MESSAGES.damaged) };
  }
  let current = '';
  try {
    if (zip.entryCount > limits.parts) refuse(UPLOAD_MESSAGES.tooManyParts(limits.parts));
    // First the whole directory, which costs no inflation: names, forbidden parts, encryption, methods, declared sizes.
    const entries: yauzl.Entry[] = [];
    const seen = new Set<string>();
    let declared = 0;
    for await (const entry of zip.eachEntry()) {
      const name = entry.fileName;
      current = name;
      const key = name.toLowerCase();
      if (seen.has(key)) refuse(UPLOAD_MESSAGES.duplicate(name));
      seen.add(key);
      if (name.endsWith('/')) continue;
      const forbidden = FORBIDDEN_PARTS.find((f) => f.test.test(name));
      if (forbidden) refuse(UPLOAD_MESSAGES.forbidden(forbidden.what, name, forbidden.fix));
      if (entry.isEncrypted()) refuse(UPLOAD_MESSAGES.encrypted(name));
      if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) refuse(UPLOAD_MESSAGES.compression(name, entry.compressionMethod));
      // The declared sizes only ever refuse early; what is read is counted on the bytes themselves.
      if (entry.uncompressedSize > limits.partBytes) refuse(UPLOAD_MESSAGES.partTooBig(name, limits.partBytes));
      declared += entry.uncompressedSize;
      if (declared > limits.unpackedBytes) refuse(UPLOAD_MESSAGES.unpackedTooBig(limits.unpackedBytes));
      entries.push(entry);
    }
    // Then the parts, each under the limits counted on what inflation produces.
    const parts: { name: string; data: Uint8Array }[] = [];
    const budget = { unpacked: 0, cells: 0 };
    for (const entry of entries) {
      const name = entry.fileName;
      current = name;
      const data = await unpackPart(zip, entry, name, limits, budget);
      if (isZipStart(data)) refuse(UPLOAD_MESSAGES.nested(name));
      if (name === '[Content_Types].xml') {
        const found = forbiddenContentType(new TextDecoder().decode(data));
        if (found) refuse(UPLOAD_MESSAGES.forbidden(found.what, found.part, found.fix));
      }
      parts.push({ name, data });
    }
    return { stored: writeStoredZip(parts) };
  } catch (e) {
    if (e instanceof Refusal) return { problem: e.message };
    return { problem: zipErrorMessage(e, current) };
  } finally {
    zip.close();
  }
}

/** The first declaration of `[Content_Types].xml` whose content type is forbidden, with the part (or extension) it names. */
function forbiddenContentType(text: string): { what: string; fix: string; part: string } | null {
  for (const m of text.matchAll(/<(?:\w+:)?(?:Override|Default)\b[^>]*>/g)) {
    const type = /ContentType="([^"]*)"/.exec(m[0])?.[1] ?? '';
    const found = FORBIDDEN_CONTENT_TYPES.find((f) => f.test.test(type));
    if (!found) continue;
    const target = /PartName="([^"]*)"/.exec(m[0])?.[1] ?? `*.${/Extension="([^"]*)"/.exec(m[0])?.[1] ?? '?'}`;
    return { what: found.what, fix: found.fix, part: `${target.replace(/^\//, '')}, type ${type}` };
  }
  return null;
}

/** yauzl's own refusals, in French. */
function zipErrorMessage(e: unknown, part: string): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/too many bytes|not enough bytes/.test(message)) return UPLOAD_MESSAGES.sizeLie(part);
  if (/invalid characters in fileName|absolute path|invalid relative path|strictFileNames/.test(message)) {
    return UPLOAD_MESSAGES.badName(message.replace(/^.*?: /, ''));
  }
  return UPLOAD_MESSAGES.notXlsx(UPLOAD_MESSAGES.damaged);
}

const SHEET_PART = /^xl\/(?:worksheets|chartsheets|dialogsheets)\/[^/]+\.xml$/i;
const XML_PART = /\.(?:xml|rels|vml)$/i;

/** One part, unpacked chunk by chunk under the limits; sheets counted, XML scanned for a DOCTYPE, as the bytes come. */
async function unpackPart(zip: yauzl.ZipFile, entry: yauzl.Entry, name: string, limits: WorkbookLimits, budget: { unpacked: number; cells: number }) {
  const isSheet = SHEET_PART.test(name);
  const xml = isSheet || XML_PART.test(name) ? new XmlCounter() : null;
  const checkXml = (cellsBefore: number) => {
    if (!xml) return;
    if (xml.doctype) refuse(UPLOAD_MESSAGES.doctype(name));
    if (!isSheet) return;
    budget.cells += xml.cells - cellsBefore;
    if (xml.rows > limits.rowsPerSheet) refuse(UPLOAD_MESSAGES.tooManyRows(name, limits.rowsPerSheet));
    if (xml.cells > limits.cellsPerSheet) refuse(UPLOAD_MESSAGES.tooManySheetCells(name, limits.cellsPerSheet));
    if (budget.cells > limits.cells) refuse(UPLOAD_MESSAGES.tooManyCells(limits.cells));
  };
  const stream = await zip.openReadStreamPromise(entry);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      budget.unpacked += chunk.length;
      if (size > limits.partBytes) refuse(UPLOAD_MESSAGES.partTooBig(name, limits.partBytes));
      if (budget.unpacked > limits.unpackedBytes) refuse(UPLOAD_MESSAGES.unpackedTooBig(limits.unpackedBytes));
      const cellsBefore = xml?.cells ?? 0;
      xml?.feed(chunk);
      checkXml(cellsBefore);
      chunks.push(chunk);
    }
  } finally {
    // Stops the inflation at once when a limit is passed.
    stream.destroy();
  }
  const cellsBefore = xml?.cells ?? 0;
  xml?.end();
  checkXml(cellsBefore);
  return Buffer.concat(chunks, size);
}

/** Start tags `<row…>`, `<c…>` (any namespace prefix) and `<!DOCTYPE`. */
const TAG = /<(?:[A-Za-z_][\w.-]{0,15}:)?(row|c)[\s/>]|<!(DOCTYPE)/g;
/** Longer than any match of TAG: text kept from one chunk to the next so that a tag cut in two is counted once. */
const CARRY = 32;

/**
 * Counts rows and cells of a sheet's XML as it streams, without parsing it: a match is counted once it starts before
 * the last CARRY characters of what has been seen (so it is whole), the rest waits for the next chunk.
 */
export class XmlCounter {
  rows = 0;
  cells = 0;
  doctype = false;
  private carry = '';

  feed(chunk: Uint8Array): void {
    // latin1: one character per byte, and every character TAG looks for is ASCII.
    const text = this.carry + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    const safe = text.length - CARRY;
    if (safe <= 0) {
      this.carry = text;
      return;
    }
    this.count(text, safe);
    this.carry = text.slice(safe);
  }

  end(): void {
    this.count(this.carry, this.carry.length);
    this.carry = '';
  }

  private count(text: string, before: number): void {
    TAG.lastIndex = 0;
    for (let m = TAG.exec(text); m !== null && m.index < before; m = TAG.exec(text)) {
      if (m[1] === 'row') this.rows++;
      else if (m[1] === 'c') this.cells++;
      else this.doctype = true;
    }
  }
}
