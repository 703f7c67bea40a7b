import { crc32, deflateRawSync, inflateRawSync, constants as zlibConstants } from 'node:zlib';
import { readZipDirectory } from '../server/zip.ts';

/**
 * Hostile uploads, built from an honest workbook (the Liège export) so that each carries exactly one trap and would
 * otherwise be read: lying ZIP sizes, a ZIP bomb, a sheet of a million rows, a million cells, links to other
 * workbooks, data connections, macros, OLE objects, dangerous or duplicate names, a nested archive, an encrypted
 * part, a DOCTYPE, too many parts, a zip64 directory declaring a terabyte, a password-protected (OLE) file; and
 * hostile CSV files. Used by the tests (test/hostile-files.ts) and by `npm run bench:uploads`.
 */

export type Part = {
  name: string;
  data: Uint8Array;
  /** Raw deflate bytes to write instead of compressing `data` (a bomb built without inflating it here). */
  deflated?: Uint8Array;
  /** 0 stored, 8 deflated (default), anything else as a method Excel never writes. */
  method?: number;
  /** Uncompressed size written in both headers instead of the true one (a lie). */
  declaredSize?: number;
  /** CRC written instead of the true one. */
  crc?: number;
  /** General purpose flags (bit 0: encrypted). */
  flags?: number;
  /** Write the sizes as zip64 (0xFFFFFFFF in the headers, the 64-bit values in an extra field). */
  zip64Size?: bigint;
};

/** The parts of an archive, unpacked (trusting it: only for our own honest export). */
export function partsOf(zip: Uint8Array): Part[] {
  const dir = readZipDirectory(zip);
  if ('problem' in dir) throw new Error(dir.problem);
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  return dir.entries.map((e) => {
    const start = e.localOffset + 30 + view.getUint16(e.localOffset + 26, true) + view.getUint16(e.localOffset + 28, true);
    const raw = zip.subarray(start, start + e.compressedSize);
    return { name: new TextDecoder().decode(e.name), data: e.method === 8 ? new Uint8Array(inflateRawSync(raw)) : raw.slice() };
  });
}

/** Writes an archive of these parts, lies included. */
export function zipOf(parts: readonly Part[]): Uint8Array {
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = enc.encode(p.name);
    const method = p.method ?? 8;
    const body = p.deflated ?? (method === 8 ? new Uint8Array(deflateRawSync(p.data)) : p.data);
    const size = p.declaredSize ?? p.data.length;
    const crc = p.crc ?? crc32(p.data) >>> 0;
    const extra = new Uint8Array(p.zip64Size === undefined ? 0 : 20);
    if (p.zip64Size !== undefined) {
      const xv = new DataView(extra.buffer);
      xv.setUint16(0, 0x0001, true);
      xv.setUint16(2, 16, true);
      xv.setBigUint64(4, p.zip64Size, true);
      xv.setBigUint64(12, BigInt(body.length), true);
    }
    const sizeField = p.zip64Size === undefined ? size : 0xffffffff;
    const compressedField = p.zip64Size === undefined ? body.length : 0xffffffff;
    const local = new Uint8Array(30 + name.length + extra.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, p.zip64Size === undefined ? 20 : 45, true);
    lv.setUint16(6, p.flags ?? 0, true);
    lv.setUint16(8, method, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, compressedField, true);
    lv.setUint32(22, sizeField, true);
    lv.setUint16(26, name.length, true);
    lv.setUint16(28, extra.length, true);
    local.set(name, 30);
    local.set(extra, 30 + name.length);
    const entry = new Uint8Array(46 + name.length + extra.length);
    const cv = new DataView(entry.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 45, true);
    cv.setUint16(6, p.zip64Size === undefined ? 20 : 45, true);
    cv.setUint16(8, p.flags ?? 0, true);
    cv.setUint16(10, method, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, compressedField, true);
    cv.setUint32(24, sizeField, true);
    cv.setUint16(28, name.length, true);
    cv.setUint16(30, extra.length, true);
    cv.setUint32(42, offset, true);
    entry.set(name, 46);
    entry.set(extra, 46 + name.length);
    chunks.push(local, body);
    central.push(entry);
    offset += local.length + body.length;
  }
  const dirSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, Math.min(central.length, 0xffff), true);
  ev.setUint16(10, Math.min(central.length, 0xffff), true);
  ev.setUint32(12, dirSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + dirSize + 22);
  let at = 0;
  for (const c of [...chunks, ...central, end]) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

/**
 * Raw deflate of `head`, then `repeat` times `unit`, then `tail`, built by compressing `unit` once: what a bomb
 * unpacks to (repeat × unit bytes) from a small file, without this process ever holding the unpacked bytes.
 */
export function deflateRepeated(head: string, unit: string, repeat: number, tail: string): { deflated: Uint8Array; size: number } {
  const flush = { finishFlush: zlibConstants.Z_SYNC_FLUSH };
  const headBytes = deflateRawSync(utf8(head), flush);
  const unitBytes = deflateRawSync(utf8(unit), flush);
  const tailBytes = deflateRawSync(utf8(tail)); // the final block
  const out = new Uint8Array(headBytes.length + unitBytes.length * repeat + tailBytes.length);
  out.set(headBytes, 0);
  for (let i = 0; i < repeat; i++) out.set(unitBytes, headBytes.length + i * unitBytes.length);
  out.set(tailBytes, headBytes.length + unitBytes.length * repeat);
  return { deflated: out, size: utf8(head).length + utf8(unit).length * repeat + utf8(tail).length };
}

const SHEET_HEAD =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>';
const SHEET_TAIL = '</sheetData></worksheet>';

/** A sheet of `rows` rows of `cols` numbers each. */
export function sheetXml(rows: number, cols: number): Uint8Array {
  const letters = (c: number): string => (c < 26 ? String.fromCharCode(65 + c) : letters(Math.floor(c / 26) - 1) + String.fromCharCode(65 + (c % 26)));
  const out: string[] = [SHEET_HEAD];
  for (let r = 1; r <= rows; r++) {
    let row = `<row r="${r}">`;
    for (let c = 0; c < cols; c++) row += `<c r="${letters(c)}${r}"><v>${r}</v></c>`;
    out.push(`${row}</row>`);
  }
  out.push(SHEET_TAIL);
  return utf8(out.join(''));
}

const replacePart = (parts: Part[], name: string, part: Omit<Part, 'name'>): Part[] => parts.map((p) => (p.name === name ? { name, ...part } : p));
const FIRST_SHEET = 'xl/worksheets/sheet1.xml';
const CONTENT_TYPES = '[Content_Types].xml';
const contentTypesWith = (parts: Part[], extra: string): Part[] => {
  const text = new TextDecoder().decode(parts.find((p) => p.name === CONTENT_TYPES)!.data);
  return replacePart(parts, CONTENT_TYPES, { data: utf8(text.replace('</Types>', `${extra}</Types>`)) });
};

export type HostileFile = { name: string; what: string; bytes: Uint8Array };

/** Every hostile workbook, each from the honest export `honest`. */
export function hostileWorkbooks(honest: Uint8Array): HostileFile[] {
  const parts = partsOf(honest);
  const bomb = deflateRepeated(SHEET_HEAD, ' '.repeat(1024 * 1024), 1100, SHEET_TAIL);
  const files: HostileFile[] = [
    {
      name: 'lying-sizes',
      what: 'une feuille qui déclare 2 ko et se décompresse en 1,1 Go',
      bytes: zipOf(replacePart(parts, FIRST_SHEET, { data: new Uint8Array(0), deflated: bomb.deflated, declaredSize: 2048, crc: 0 })),
    },
    {
      name: 'zip-bomb',
      what: 'une feuille de 1,1 Go (tailles déclarées honnêtement)',
      bytes: zipOf(replacePart(parts, FIRST_SHEET, { data: new Uint8Array(0), deflated: bomb.deflated, declaredSize: bomb.size, crc: 0 })),
    },
    {
      name: 'zip-bomb-spread',
      what: 'trois feuilles de 15 Mo chacune',
      bytes: (() => {
        const b = deflateRepeated(SHEET_HEAD, ' '.repeat(1024 * 1024), 15, SHEET_TAIL);
        return zipOf(
          [2, 3, 4].reduce(
            (ps, i) => replacePart(ps, `xl/worksheets/sheet${i}.xml`, { data: new Uint8Array(0), deflated: b.deflated, declaredSize: b.size, crc: 0 }),
            parts,
          ),
        );
      })(),
    },
    {
      name: 'zip64-terabyte',
      what: 'une feuille qui déclare 1 To en zip64',
      bytes: zipOf(replacePart(parts, FIRST_SHEET, { data: new Uint8Array(0), deflated: bomb.deflated, zip64Size: 2n ** 40n, crc: 0 })),
    },
    {
      name: 'million-rows',
      what: "une feuille d'un million de lignes (vides)",
      bytes: zipOf(replacePart(parts, FIRST_SHEET, { data: utf8(SHEET_HEAD + '<row/>'.repeat(1_000_000) + SHEET_TAIL) })),
    },
    { name: 'many-rows', what: 'une feuille de 300 000 lignes remplies', bytes: zipOf(replacePart(parts, FIRST_SHEET, { data: sheetXml(300_000, 1) })) },
    { name: 'many-cells', what: 'une feuille de 500 × 500 cellules', bytes: zipOf(replacePart(parts, FIRST_SHEET, { data: sheetXml(500, 500) })) },
    {
      name: 'cells-across-sheets',
      what: '6 feuilles de 190 000 cellules (1 140 000 en tout)',
      bytes: zipOf([2, 3, 4, 5, 6, 7].reduce((ps, i) => replacePart(ps, `xl/worksheets/sheet${i}.xml`, { data: sheetXml(1_900, 100) }), parts)),
    },
    {
      name: 'external-links',
      what: 'une liaison vers un autre classeur',
      bytes: zipOf([
        ...contentTypesWith(
          parts,
          '<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>',
        ),
        {
          name: 'xl/externalLinks/externalLink1.xml',
          data: utf8(
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></externalLink>',
          ),
        },
        {
          name: 'xl/externalLinks/_rels/externalLink1.xml.rels',
          data: utf8(
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" Target="file:///\\\\serveur\\partage\\budget.xlsx" TargetMode="External"/></Relationships>',
          ),
        },
      ]),
    },
    {
      name: 'data-connection',
      what: 'une connexion de données (xl/connections.xml)',
      bytes: zipOf([
        ...parts,
        {
          name: 'xl/connections.xml',
          data: utf8(
            '<connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><connection id="1" name="q" type="4"><webPr url="http://exemple.invalid/"/></connection></connections>',
          ),
        },
      ]),
    },
    {
      name: 'query-table',
      what: 'une table de requête (xl/queryTables/queryTable1.xml)',
      bytes: zipOf([
        ...parts,
        {
          name: 'xl/queryTables/queryTable1.xml',
          data: utf8('<queryTable xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" name="q" connectionId="1"/>'),
        },
      ]),
    },
    {
      name: 'vba-project',
      what: 'des macros (xl/vbaProject.bin)',
      bytes: zipOf([...parts, { name: 'xl/vbaProject.bin', data: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(512)]) }]),
    },
    {
      name: 'xlsm-content-type',
      what: 'un classeur .xlsm (type de contenu macroEnabled)',
      bytes: (() => {
        const ct = parts.find((p) => p.name === CONTENT_TYPES)!;
        const text = new TextDecoder().decode(ct.data).replace('spreadsheetml.sheet.main+xml', 'ms-excel.sheet.macroEnabled.main+xml');
        return zipOf(replacePart(parts, CONTENT_TYPES, { data: utf8(text) }));
      })(),
    },
    { name: 'ole-object', what: 'un objet OLE incorporé', bytes: zipOf([...parts, { name: 'xl/embeddings/oleObject1.bin', data: new Uint8Array(1024) }]) },
    { name: 'activex', what: 'un contrôle ActiveX', bytes: zipOf([...parts, { name: 'xl/activeX/activeX1.xml', data: utf8('<ax:ocx xmlns:ax="x"/>') }]) },
    { name: 'path-traversal', what: 'un nom de fichier « ../../evil.xml »', bytes: zipOf([...parts, { name: '../../evil.xml', data: utf8('<x/>') }]) },
    { name: 'absolute-path', what: 'un nom de fichier « /etc/cron.d/x »', bytes: zipOf([...parts, { name: '/etc/cron.d/x', data: utf8('x') }]) },
    { name: 'backslash-path', what: 'un nom de fichier « xl\\..\\..\\x.xml »', bytes: zipOf([...parts, { name: 'xl\\..\\..\\x.xml', data: utf8('<x/>') }]) },
    { name: 'duplicate-part', what: 'xl/workbook.xml deux fois', bytes: zipOf([...parts, parts.find((p) => p.name === 'xl/workbook.xml')!]) },
    { name: 'nested-zip', what: 'une image qui est une archive ZIP', bytes: zipOf([...parts, { name: 'xl/media/image1.png', data: honest }]) },
    { name: 'encrypted-part', what: 'une partie chiffrée (drapeau 0x1)', bytes: zipOf(parts.map((p) => (p.name === FIRST_SHEET ? { ...p, flags: 1 } : p))) },
    {
      name: 'bzip2-part',
      what: 'une partie compressée en bzip2 (méthode 12)',
      bytes: zipOf(parts.map((p) => (p.name === FIRST_SHEET ? { ...p, method: 12 } : p))),
    },
    {
      name: 'doctype',
      what: 'un DOCTYPE à entités (« billion laughs »)',
      bytes: zipOf(
        replacePart(parts, 'xl/sharedStrings.xml', {
          data: utf8(
            `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>`,
          ),
        }),
      ),
    },
    {
      name: 'too-many-parts',
      what: '5 000 petits fichiers internes',
      bytes: zipOf([...parts, ...Array.from({ length: 5_000 }, (_, i) => ({ name: `xl/media/x${i}.xml`, data: utf8('<x/>'), method: 0 }))]),
    },
    {
      name: 'password-protected',
      what: 'un classeur chiffré par mot de passe (conteneur OLE)',
      bytes: new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Uint8Array(4096)]),
    },
  ];
  return files;
}

/** Hostile CSV files for the E-compte import (each within the 2 Mo upload limit). */
export function hostileCsvFiles(maxBytes: number): HostileFile[] {
  const header = 'Année;Code fonctionnel;Article économique;Libellé;Montant\n';
  const line = '2021;84010;12401;Fournitures;1.234,56\n';
  return [
    { name: 'csv-blank-lines', what: `${maxBytes - 100} lignes vides`, bytes: utf8(header + '\n'.repeat(maxBytes - 100)) },
    { name: 'csv-many-lines', what: 'autant de lignes que 2 Mo en tiennent', bytes: utf8(header + line.repeat(Math.floor((maxBytes - 100) / line.length))) },
    { name: 'csv-wide-line', what: 'une ligne de deux millions de colonnes', bytes: utf8(header + ';'.repeat(maxBytes - 100)) },
    { name: 'csv-open-quote', what: 'un guillemet jamais refermé sur 2 Mo', bytes: utf8(`${header}2021;"${'x'.repeat(maxBytes - 100)}`) },
  ];
}
