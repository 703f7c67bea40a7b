import { crc32, deflateRawSync } from 'node:zlib';

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

/** Re-writes an archive whose entries are all stored (uncompressed) with every entry deflated. */
export function deflateStoredZip(bytes: Uint8Array, level = 6): Uint8Array {
  const dir = readZipDirectory(bytes);
  if ('problem' in dir) throw new Error(`deflateStoredZip: ${dir.problem}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of dir.entries) {
    if (e.method !== 0) throw new Error('deflateStoredZip: entrée déjà compressée');
    const start = e.localOffset + 30 + view.getUint16(e.localOffset + 26, true) + view.getUint16(e.localOffset + 28, true);
    const data = deflateRawSync(bytes.subarray(start, start + e.size), { level });
    // Bit 3 (sizes in a trailing descriptor) is dropped: the sizes are known and written in the headers.
    const flags = e.flags & ~0x0008;
    const local = new Uint8Array(30 + e.name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL_HEADER, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, flags, true);
    lv.setUint16(8, 8, true);
    lv.setUint16(10, e.time, true);
    lv.setUint16(12, e.date, true);
    lv.setUint32(14, e.crc32, true);
    lv.setUint32(18, data.length, true);
    lv.setUint32(22, e.size, true);
    lv.setUint16(26, e.name.length, true);
    local.set(e.name, 30);
    const entry = new Uint8Array(46 + e.name.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, DIRECTORY_ENTRY, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, flags, true);
    cv.setUint16(10, 8, true);
    cv.setUint16(12, e.time, true);
    cv.setUint16(14, e.date, true);
    cv.setUint32(16, e.crc32, true);
    cv.setUint32(20, data.length, true);
    cv.setUint32(24, e.size, true);
    cv.setUint16(28, e.name.length, true);
    cv.setUint32(42, offset, true);
    entry.set(e.name, 46);
    parts.push(local, data);
    central.push(entry);
    offset += local.length + data.length;
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

/** A stored (uncompressed) archive of these parts, in this order: what a reader opens without inflating anything. */
export function writeStoredZip(parts: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const encoder = new TextEncoder();
  const locals: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const part of parts) {
    const name = encoder.encode(part.name);
    const crc = crc32(part.data) >>> 0;
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL_HEADER, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(6, 0x0800, true); // UTF-8 names
    lv.setUint32(14, crc, true);
    lv.setUint32(18, part.data.length, true);
    lv.setUint32(22, part.data.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const entry = new Uint8Array(46 + name.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, DIRECTORY_ENTRY, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x0800, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, part.data.length, true);
    cv.setUint32(24, part.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    entry.set(name, 46);
    locals.push(local, part.data);
    central.push(entry);
    offset += local.length + part.data.length;
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
  for (const p of [...locals, ...central, end]) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
