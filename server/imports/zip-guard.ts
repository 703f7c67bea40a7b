import { readZipDirectory } from '../zip.ts';

/**
 * Looks at an uploaded file's ZIP directory before any XLSX reader unpacks it: an XLSX is a ZIP, and a small ZIP
 * can unpack to gigabytes. Answers a French reason to refuse the file, or null when it may be read.
 */

/** What an honest workbook of a plan can unpack to: far above a large plan (the Liège export unpacks to ~2 MB). */
export const MAX_UNPACKED_BYTES = 100 * 1024 * 1024;
export const MAX_ZIP_ENTRIES = 2_000;

export function checkZipArchive(bytes: Uint8Array): string | null {
  const dir = readZipDirectory(bytes, MAX_ZIP_ENTRIES);
  if ('problem' in dir) return `Le fichier n'est pas un classeur XLSX (format Excel 2007 et suivants) : ${dir.problem}`;
  const unpacked = dir.entries.reduce((n, e) => n + e.size, 0);
  if (unpacked > MAX_UNPACKED_BYTES) {
    return `Le classeur décompressé dépasse ${MAX_UNPACKED_BYTES / 1024 / 1024} Mo : il ne peut pas être celui d'un plan`;
  }
  return null;
}
