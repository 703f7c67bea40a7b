import { beforeAll, describe, expect, it } from 'vitest';
import { expectApiError, failure, makeLiegeApp, type Api } from '../helpers.ts';
import { hostileCsvFiles, hostileWorkbooks, partsOf, type HostileFile } from '../hostile-files.ts';
import { checkWorkbookArchive, WORKBOOK_LIMITS, XmlCounter } from '../../server/imports/zip-guard.ts';
import { MAX_IMPUTATION_FILE_BYTES } from '../../schemas/imputation-import.ts';

/**
 * Every upload is judged on the bytes it unpacks to, never on what its ZIP directory declares: each hostile file
 * (built from the honest Liège export with exactly one trap) is refused with a French message naming what was found,
 * before exceljs reads anything; through the routes, as the API's structured error on the field `file`.
 */

let api: Api;
let planId: string;
let honest: Uint8Array;
let hostile: Map<string, HostileFile>;

beforeAll(async () => {
  const t = makeLiegeApp();
  api = t.api;
  planId = t.plan.id;
  honest = new Uint8Array(await (await api.plans[':planId']['export.xlsx'].$get({ param: { planId } })).arrayBuffer());
  hostile = new Map(hostileWorkbooks(honest).map((f) => [f.name, f]));
}, 120_000);

/** What each hostile workbook is refused for. */
const REFUSALS: [string, RegExp][] = [
  ['lying-sizes', /sheet1\.xml ne se décompresse pas à la taille que l'archive déclare \(archive falsifiée/],
  ['zip-bomb', /sheet1\.xml se décompresse en plus de 16 Mo/],
  ['zip-bomb-spread', /il se décompresse en plus de 32 Mo/],
  ['zip64-terabyte', /sheet1\.xml se décompresse en plus de 16 Mo/],
  ['million-rows', /la feuille xl\/worksheets\/sheet1\.xml compte plus de 20\.000 lignes/],
  ['many-rows', /la feuille xl\/worksheets\/sheet1\.xml compte plus de 20\.000 lignes/],
  ['many-cells', /la feuille xl\/worksheets\/sheet1\.xml compte plus de 200\.000 cellules/],
  ['cells-across-sheets', /il compte plus de 500\.000 cellules/],
  ['external-links', /liaisons vers d’autres classeurs \(xl\/externalLinks\/externalLink1\.xml/],
  ['data-connection', /connexions de données \(xl\/connections\.xml\)/],
  ['query-table', /connexions de données \(xl\/queryTables\/queryTable1\.xml\)/],
  ['vba-project', /macros \(xl\/vbaProject\.bin\)/],
  ['xlsm-content-type', /macros \(xl\/workbook\.xml, type .*macroEnabled/],
  ['ole-object', /objets ActiveX ou OLE incorporés \(xl\/embeddings\/oleObject1\.bin\)/],
  ['activex', /objets ActiveX ou OLE incorporés \(xl\/activeX\/activeX1\.xml\)/],
  ['path-traversal', /nom de fichier interne dangereux \(« \.\.\/\.\.\/evil\.xml »\)/],
  ['absolute-path', /nom de fichier interne dangereux \(« \/etc\/cron\.d\/x »\)/],
  ['backslash-path', /nom de fichier interne dangereux/],
  ['duplicate-part', /xl\/workbook\.xml figure deux fois/],
  ['nested-zip', /xl\/media\/image1\.png est lui-même une archive/],
  ['encrypted-part', /sheet1\.xml est chiffré/],
  ['bzip2-part', /sheet1\.xml est compressé d'une manière qu'Excel n'utilise pas \(méthode 12\)/],
  ['doctype', /sharedStrings\.xml contient une déclaration DOCTYPE/],
  ['too-many-parts', /plus de 1\.000 fichiers internes/],
  ['password-protected', /protégé par mot de passe ou au format \.xls/],
];

describe('the upload guard (server/imports/zip-guard.ts)', () => {
  it('accepts the honest Liège export and hands on exactly its parts, stored', async () => {
    const checked = await checkWorkbookArchive(honest);
    if ('problem' in checked) throw new Error(checked.problem);
    const before = partsOf(honest).filter((p) => !p.name.endsWith('/'));
    const after = partsOf(checked.stored);
    expect(after.map((p) => p.name)).toEqual(before.map((p) => p.name));
    for (const [i, p] of after.entries()) expect(Buffer.compare(p.data, before[i]!.data)).toBe(0);
  });

  it('has a test for every hostile workbook built', () => {
    expect([...hostile.keys()].sort()).toEqual(REFUSALS.map(([name]) => name).sort());
  });

  it.each(REFUSALS)('refuses %s, naming what it found', async (name, pattern) => {
    const checked = await checkWorkbookArchive(hostile.get(name)!.bytes);
    expect('problem' in checked && checked.problem).toMatch(pattern);
  });

  it('counts rows and cells the same wherever the unpacked stream is cut, namespace prefixes included', () => {
    const xml = new TextEncoder().encode(
      '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c><c r="B1"/></row><x:row r="2"><x:c r="A2" t="s"/><col/><cols></cols></x:row><row/></sheetData></worksheet>',
    );
    for (const size of [1, 2, 3, 5, 7, 13, 64]) {
      const counter = new XmlCounter();
      for (let at = 0; at < xml.length; at += size) counter.feed(xml.subarray(at, at + size));
      counter.end();
      expect({ size, rows: counter.rows, cells: counter.cells }).toEqual({ size, rows: 3, cells: 3 });
    }
  });

  it('takes its caps from the limits given: the Liège export has a sheet of more than 1.000 rows', async () => {
    const checked = await checkWorkbookArchive(honest, { ...WORKBOOK_LIMITS, rowsPerSheet: 1_000 });
    expect('problem' in checked && checked.problem).toMatch(/compte plus de 1\.000 lignes/);
  });
});

describe('POST /api/plans/:planId/import.xlsx refuses hostile workbooks with the structured error', () => {
  const upload = (bytes: Uint8Array) =>
    failure(api.plans[':planId']['import.xlsx'].$post({ param: { planId }, form: { file: new File([new Uint8Array(bytes)], 'plan.xlsx') } }));

  it.each(['lying-sizes', 'million-rows', 'external-links', 'data-connection', 'vba-project', 'ole-object', 'path-traversal'])(
    '%s: 400 on the field « file », French message',
    async (name) => {
      const res = await upload(hostile.get(name)!.bytes);
      const error = expectApiError(res, 400, 'validation', 'file');
      expect(error.message).toMatch(REFUSALS.find(([n]) => n === name)![1]);
    },
  );
});

describe('POST /api/plans/:planId/imputations/import refuses hostile files with the structured error', () => {
  const upload = (bytes: Uint8Array, filename: string) =>
    failure(api.plans[':planId'].imputations.import.$post({ param: { planId }, form: { file: new File([new Uint8Array(bytes)], filename) } }));

  it('refuses a workbook with links to other workbooks, or lying about its sizes, before reading it', async () => {
    for (const [name, pattern] of REFUSALS.filter(([n]) => n === 'external-links' || n === 'lying-sizes')) {
      const error = expectApiError(await upload(hostile.get(name)!.bytes, 'imputations.xlsx'), 400, 'validation', 'file');
      expect(error.message).toMatch(pattern);
    }
  });

  it.each([
    ['csv-blank-lines', /plus de 20\.000 lignes \(lignes vides comprises\)/],
    ['csv-many-lines', /plus de 5\.000 lignes d'imputation/],
    ['csv-wide-line', /plus de 50 colonnes/],
    ['csv-open-quote', /dépasse 32\.767 caractères/],
  ])('%s: stops reading at the cap and says it', async (name, pattern) => {
    const file = hostileCsvFiles(MAX_IMPUTATION_FILE_BYTES).find((f) => f.name === name)!;
    const error = expectApiError(await upload(file.bytes, 'imputations.csv'), 400, 'validation');
    expect(error.message).toMatch(pattern);
  });
});
