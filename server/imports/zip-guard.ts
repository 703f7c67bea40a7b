/**
 * Looks at an uploaded file's ZIP directory before any XLSX reader unpacks it: an XLSX is a ZIP, and a small ZIP
 * can unpack to gigabytes. Answers a French reason to refuse the file, or null when it may be read.
 */

/** What an honest workbook of a plan can unpack to: far above a large plan (the Liège export unpacks to ~3 MB). */
export const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
export const MAX_ZIP_ENTRIES = 2_000;

const LOCAL_HEADER = 0x04034b50;
const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;

export function checkZipArchive(bytes: Uint8Array): string | null {
  const notXlsx = "Le fichier n'est pas un classeur XLSX (format Excel 2007 et suivants)";
  if (bytes.length < 22) return notXlsx;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== LOCAL_HEADER) return notXlsx;

  // The end-of-directory record sits in the last 22 + 65 535 bytes (after an optional comment).
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === END_OF_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) return `${notXlsx} : archive incomplète ou endommagée`;
  const entries = view.getUint16(end + 10, true);
  const dirSize = view.getUint32(end + 12, true);
  const dirOffset = view.getUint32(end + 16, true);
  if (entries === 0xffff || dirOffset === 0xffffffff) return `${notXlsx} : archive ZIP64 non prise en charge`;
  if (entries > MAX_ZIP_ENTRIES) return `Le classeur contient trop de fichiers internes (${entries})`;
  if (dirOffset + dirSize > bytes.length) return `${notXlsx} : archive incomplète ou endommagée`;

  let total = 0;
  let at = dirOffset;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== DIRECTORY_ENTRY) return `${notXlsx} : répertoire de l'archive endommagé`;
    total += view.getUint32(at + 24, true);
    if (total > MAX_UNPACKED_BYTES) {
      return `Le classeur décompressé dépasse ${MAX_UNPACKED_BYTES / 1024 / 1024} Mo : il ne peut pas être celui d'un plan`;
    }
    at += 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return null;
}
