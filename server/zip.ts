import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

/**
 * The little of the ZIP format that XLSX files need here: reading an archive's central directory, compressing a
 * stored archive with Node's native zlib (exceljs compresses in JavaScript, which is most of the export's time), and
 * writing checked parts as a stored archive (an upload's parts, already unpacked under limits, handed to exceljs
 * without a second inflation).
 */

export type ZipEntry = {
  name: Uint8Array;
  flags: number;
  method: number;
  time: number;
  date: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
};

const LOCAL_HEADER = 0x04034b50;
const DIRECTORY_ENTRY = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;

/** The entries of the central directory, or a French reason why the bytes are not a readable ZIP. */
export function readZipDirectory(bytes: Uint8Array, maxEntries = Infinity): { entries: ZipEntry[] } | { problem: string } {
  const damaged = { problem: 'archive incomplète ou endommagée' };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint32(0, true) !== LOCAL_HEADER) return { problem: "ce n'est pas une archive ZIP" };
  if (bytes.length < 22) return damaged;
  // The end-of-directory record sits in the last 22 + 65 535 bytes (after an optional comment).
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) return damaged;
  const count = view.getUint16(end + 10, true);
  const dirSize = view.getUint32(end + 12, true);
  const dirOffset = view.getUint32(end + 16, true);
  if (count === 0xffff || dirOffset === 0xffffffff) return { problem: 'archive ZIP64 non prise en charge' };
  if (count > maxEntries) return { problem: `trop de fichiers internes (${count})` };
  if (dirOffset + dirSize > bytes.length) return damaged;
  const entries: ZipEntry[] = [];
  let at = dirOffset;
  for (let n = 0; n < count; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== DIRECTORY_ENTRY) return damaged;
    const nameLength = view.getUint16(at + 28, true);
    entries.push({
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      time: view.getUint16(at + 12, true),
      date: view.getUint16(at + 14, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      name: bytes.subarray(at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return { entries };
}

/** One entry to write: its name, its bytes as written (deflated or not) and what its headers say. */
type EntryOut = {
  name: Uint8Array;
  /** The bytes written after the local header: deflated when `method` is 8. */
  data: Uint8Array;
  method: 0 | 8;
  flags: number;
  time: number;
  date: number;
  crc32: number;
  /** Unpacked size. */
  size: number;
};

/** Writes the local headers, the entries' bytes, the central directory and its end record. */
function assembleZip(entries: readonly EntryOut[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const local = new Uint8Array(30 + e.name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL_HEADER, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, e.flags, true);
    lv.setUint16(8, e.method, true);
    lv.setUint16(10, e.time, true);
    lv.setUint16(12, e.date, true);
    lv.setUint32(14, e.crc32, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.size, true);
    lv.setUint16(26, e.name.length, true);
    local.set(e.name, 30);
    const entry = new Uint8Array(46 + e.name.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, DIRECTORY_ENTRY, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, e.flags, true);
    cv.setUint16(10, e.method, true);
    cv.setUint16(12, e.time, true);
    cv.setUint16(14, e.date, true);
    cv.setUint32(16, e.crc32, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.size, true);
    cv.setUint16(28, e.name.length, true);
    cv.setUint32(42, offset, true);
    entry.set(e.name, 46);
    parts.push(local, e.data);
    central.push(entry);
    offset += local.length + e.data.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, END_OF_DIRECTORY, true);
  ev.setUint16(8, central.length, true);
  ev.setUint16(10, central.length, true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + dirSize + 22);
  let at = 0;
  for (const p of [...parts, ...central, end]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Re-writes an archive whose entries are all stored (uncompressed) with every entry deflated. */
export function deflateStoredZip(bytes: Uint8Array, level = 6): Uint8Array {
  const dir = readZipDirectory(bytes);
  if ('problem' in dir) throw new Error(`deflateStoredZip: ${dir.problem}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return assembleZip(
    dir.entries.map((e) => {
      if (e.method !== 0) throw new Error('deflateStoredZip: entrée déjà compressée');
      const start = e.localOffset + 30 + view.getUint16(e.localOffset + 26, true) + view.getUint16(e.localOffset + 28, true);
      const data = deflateRawSync(bytes.subarray(start, start + e.size), { level });
      // Bit 3 (sizes in a trailing descriptor) is dropped: the sizes are known and written in the headers.
      return { name: e.name, data, method: 8, flags: e.flags & ~0x0008, time: e.time, date: e.date, crc32: e.crc32, size: e.size };
    }),
  );
}

/** An archive of these parts, in this order, each deflated by Node's native zlib at `level` (1: fastest). */
export function writeDeflatedZip(parts: readonly { name: string; data: Uint8Array }[], level = 6): Uint8Array {
  return writeZip(parts.map((part) => deflatedPart(part.name, part.data, level)));
}

/** A part of an archive, its bytes deflated (what `writeZip` assembles). */
export type DeflatedPart = EntryOut;

/** `data` deflated at `level`, as one part of an archive. */
export function deflatedPart(name: string, data: Uint8Array, level: number): DeflatedPart {
  return {
    name: new TextEncoder().encode(name),
    data: deflateRawSync(data, { level }),
    method: 8,
    flags: 0x0800, // UTF-8 names
    time: 0,
    date: 0,
    crc32: crc32(data) >>> 0,
    size: data.length,
  };
}

/**
 * A part deflated as its bytes come, chunk by chunk (a large sheet is never held whole, only its compressed bytes):
 * `write` each chunk, then `finish` gives the part.
 */
export function streamedDeflatedPart(name: string, level: number): { write(chunk: Uint8Array): Promise<void>; finish(): Promise<DeflatedPart> } {
  const deflate = createDeflateRaw({ level });
  const out: Buffer[] = [];
  deflate.on('data', (c: Buffer) => out.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve);
    deflate.on('error', reject);
  });
  let crc = 0;
  let size = 0;
  return {
    write(chunk) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      return new Promise((resolve, reject) => deflate.write(chunk, (err) => (err ? reject(err) : resolve())));
    },
    async finish() {
      deflate.end();
      await ended;
      return { name: new TextEncoder().encode(name), data: Buffer.concat(out), method: 8, flags: 0x0800, time: 0, date: 0, crc32: crc >>> 0, size };
    },
  };
}

/** The archive of these parts, in this order. */
export function writeZip(parts: readonly DeflatedPart[]): Uint8Array {
  return assembleZip(parts);
}

/** A stored (uncompressed) archive of these parts, in this order: what a reader opens without inflating anything. */
export function writeStoredZip(parts: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const encoder = new TextEncoder();
  return assembleZip(
    parts.map((part) => ({
      name: encoder.encode(part.name),
      data: part.data,
      method: 0,
      flags: 0x0800, // UTF-8 names
      time: 0,
      date: 0,
      crc32: crc32(part.data) >>> 0,
      size: part.data.length,
    })),
  );
}
