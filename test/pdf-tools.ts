import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Reads generated PDFs back with poppler's tools (installed by .ci/run), as a reviewer's viewer would:
 * the text of each page, the fonts, the page sizes, and pictures of pages kept in test-output/.
 */

export const PDF_OUTPUT_DIR = resolve('test-output/pdf');

export function savePdf(bytes: Uint8Array, name: string): string {
  mkdirSync(PDF_OUTPUT_DIR, { recursive: true });
  const file = join(PDF_OUTPUT_DIR, name);
  writeFileSync(file, bytes);
  return file;
}

/** The text of every page (pdftotext -layout), in page order. */
export function pdfPages(file: string): string[] {
  const text = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const pages = text.split('\f');
  if (pages[pages.length - 1]!.trim() === '') pages.pop();
  return pages;
}

export type PdfFont = { name: string; type: string; embedded: boolean };

/** The fonts pdffonts lists. */
export function pdfFonts(file: string): PdfFont[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '');
  return lines.map((line) => {
    // name, type (may contain spaces), encoding, emb, sub, uni, object ID: the flags are the 3rd-to-5th last fields.
    const parts = line.trim().split(/\s+/);
    return { name: parts[0]!, type: parts.slice(1, -6).join(' '), embedded: parts[parts.length - 5] === 'yes' };
  });
}

/** Width and height in points of every page. */
export function pdfPageSizes(file: string): { width: number; height: number }[] {
  const info = execFileSync('pdfinfo', ['-f', '1', '-l', '100000', file], { encoding: 'utf8' });
  return [...info.matchAll(/^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/gm)].map((m) => ({ width: Number(m[1]), height: Number(m[2]) }));
}

/** Renders page `page` (1-based) to `test-output/pdf/<name>.png` and answers the file. */
export function savePageImage(file: string, page: number, name: string): string {
  const prefix = join(PDF_OUTPUT_DIR, name);
  execFileSync('pdftoppm', ['-r', '60', '-png', '-singlefile', '-f', String(page), '-l', String(page), file, prefix]);
  return `${prefix}.png`;
}
