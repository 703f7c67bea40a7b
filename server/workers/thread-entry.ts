import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * What a worker thread runs: its TypeScript module bundled into one JavaScript file by esbuild (our modules and the
 * pure-JavaScript packages of INLINED_PACKAGES inlined, other packages imported from node_modules as the server
 * imports them), kept under `.cache/threads/` and made again only when one of the sources it was made from changes
 * (SHA-256 of their bytes; an inlined package counts by its package.json). A thread then starts on plain JavaScript:
 * no TypeScript loader in the thread, nothing compiled per thread (tsx's loader made a PDF thread's start take
 * seconds). The PDF pool, the workbook reader and the consolidation threads use it alike.
 *
 * `import.meta.url` (and `dirname`, `filename`) keep naming each source file in the bundle, so the paths our modules
 * resolve from it (fonts, templates, `createRequire`) are those of the sources. When the bundle cannot be made or
 * written (read-only folder, esbuild missing), the thread registers tsx's loader and imports the TypeScript as before.
 */
export type ThreadEntry = { readonly source: string | URL; readonly eval: boolean };

const ROOT = resolve(fileURLToPath(new URL('../../', import.meta.url)));
export const THREAD_CACHE_DIR = join(ROOT, '.cache', 'threads');
/** Changed when the bundle options change (the sources' hash does not see them). */
const BUNDLE_FORMAT = 'threads-2|esm|node20';
/**
 * Packages of pure JavaScript (no file read beside their code, no state shared with a module left outside) put in
 * the bundle: one file to compile rather than each of their modules to resolve and load (pdf-lib's CommonJS files
 * and zod's modules were a good part of a PDF thread's start). Other packages are imported from node_modules.
 */
const INLINED_PACKAGES = ['zod', 'pdf-lib'];

const require = createRequire(import.meta.url);
const entries = new Map<string, ThreadEntry>();

/**
 * The thread's entry for the module at `moduleUrl` (a file URL), checked once per process: the sources read and
 * hashed (a few milliseconds), the bundle made again when they changed (esbuild in a child process, ~0.3 s, once per
 * change: the owners call this when they are made, at the server's start). A change made while the server runs is
 * seen after a restart, as with the server's own modules.
 */
export function threadEntry(moduleUrl: string): ThreadEntry {
  let entry = entries.get(moduleUrl);
  if (!entry) {
    entry = prepare(moduleUrl);
    entries.set(moduleUrl, entry);
  }
  return entry;
}

/**
 * A thread running `entry`. It does not take the process's own `node` options (`execArgv`): those of `tsx` (its
 * loader, registered again in every thread) or a bench's `--import` of a TypeScript probe are the server's, and the
 * thread's code brings what it needs (the bundle, or tsx's loader it registers itself).
 */
export function startThread(entry: ThreadEntry, options: WorkerOptions = {}): Worker {
  return new Worker(entry.source, { execArgv: [], ...options, eval: entry.eval });
}

/** The ESM entry of tsx's API (its CommonJS twin cannot register the loader from a worker). */
export function tsxEsmApiPath(): string {
  const manifest = require.resolve('tsx/package.json');
  const exported = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import: { default: string } }> }).exports['./esm/api'];
  return resolve(dirname(manifest), exported!.import.default);
}

/** The way threads started before bundles: tsx's loader registered in the thread, then the TypeScript imported. */
function tsxBootstrap(moduleUrl: string): ThreadEntry {
  const api = JSON.stringify(pathToFileURL(tsxEsmApiPath()).href);
  return { source: `import(${api}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); })`, eval: true };
}

type Manifest = { format: string; inputs: string[]; hash: string; output: string };

function prepare(moduleUrl: string): ThreadEntry {
  if (!moduleUrl.endsWith('.ts')) return { source: new URL(moduleUrl), eval: false };
  try {
    const entryPath = fileURLToPath(moduleUrl);
    const name = `${basename(entryPath, '.ts')}-${createHash('sha256').update(entryPath).digest('hex').slice(0, 12)}`;
    const manifestPath = join(THREAD_CACHE_DIR, `${name}.json`);
    const format = `${BUNDLE_FORMAT}|esbuild-${esbuildVersion()}`;
    const known = readManifest(manifestPath, format);
    if (known && existsSync(known.output) && sourcesHash(known.inputs) === known.hash) return { source: pathToFileURL(known.output), eval: false };
    return bundle(entryPath, name, manifestPath, format);
  } catch (err) {
    console.warn(`threads: ${moduleUrl} runs through tsx's loader (${err instanceof Error ? err.message : String(err)})`);
    return tsxBootstrap(moduleUrl);
  }
}

function esbuildVersion(): string {
  return (JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version: string }).version;
}

function readManifest(path: string, format: string): Manifest | null {
  try {
    const m = JSON.parse(readFileSync(path, 'utf8')) as Manifest;
    return m.format === format && Array.isArray(m.inputs) ? m : null;
  } catch {
    return null;
  }
}

/** SHA-256 of the sources' paths and bytes, an inlined package's files by its package.json; a source gone: null. */
function sourcesHash(inputs: readonly string[]): string | null {
  const hash = createHash('sha256').update(BUNDLE_FORMAT);
  const packages = new Set<string>();
  for (const input of inputs) {
    const inPackage = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    const path = resolve(ROOT, inPackage ? `${inPackage[1]}/package.json` : input);
    if (packages.has(path)) continue;
    if (inPackage) packages.add(path);
    if (!existsSync(path)) return null;
    hash.update(`\0${path}\0`).update(readFileSync(path));
  }
  return hash.digest('hex');
}

/**
 * The bundle, made by esbuild in a child process (its plugins need the asynchronous API; the owners of threads
 * need the entry at once). Plugins: packages outside the bundle except INLINED_PACKAGES (and what they import), and
 * each source's `import.meta` as the literals of its own file. Answers the inputs and the code as JSON.
 */
const BUILD_SCRIPT = `
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
const { esbuild, entry, root, inlined } = JSON.parse(process.env.COHESIO_THREAD_BUNDLE);
const { build } = await import(esbuild);
const packagesOutside = { name: 'packages-outside', setup(b) {
  b.onResolve({ filter: /^[^./]/ }, (args) => {
    const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
    return inlined.includes(name) || args.importer.includes('/node_modules/') ? undefined : { path: args.path, external: true };
  });
} };
const importMetaOfSources = { name: 'import-meta-of-sources', setup(b) {
  b.onLoad({ filter: /\\.ts$/ }, (args) => {
    if (args.path.includes('/node_modules/')) return undefined;
    const contents = readFileSync(args.path, 'utf8')
      .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
      .replaceAll('import.meta.dirname', JSON.stringify(dirname(args.path)))
      .replaceAll('import.meta.filename', JSON.stringify(args.path));
    return { contents, loader: 'ts', resolveDir: dirname(args.path) };
  });
} };
const result = await build({ entryPoints: [entry], absWorkingDir: root, bundle: true, platform: 'node', format: 'esm', target: 'node20',
  write: false, metafile: true, logLevel: 'silent', plugins: [packagesOutside, importMetaOfSources] });
process.stdout.write(JSON.stringify({ inputs: Object.keys(result.metafile.inputs), code: result.outputFiles[0].text }));
`;

function bundle(entryPath: string, name: string, manifestPath: string, format: string): ThreadEntry {
  const env = {
    ...process.env,
    COHESIO_THREAD_BUNDLE: JSON.stringify({ esbuild: pathToFileURL(require.resolve('esbuild')).href, entry: entryPath, root: ROOT, inlined: INLINED_PACKAGES }),
  };
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', BUILD_SCRIPT], { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`esbuild: ${(run.stderr || run.error?.message || `code ${run.status}`).trim().split('\n').slice(0, 5).join(' ')}`);
  const built = JSON.parse(run.stdout) as { inputs: string[]; code: string };
  const inputs = built.inputs.sort();
  const hash = sourcesHash(inputs);
  if (!hash) throw new Error('a source vanished during the bundle');
  // Under the project, so the packages it imports resolve from its node_modules.
  mkdirSync(THREAD_CACHE_DIR, { recursive: true });
  const output = join(THREAD_CACHE_DIR, `${name}-${hash.slice(0, 16)}.mjs`);
  // Written aside and renamed: another process starting the same thread reads a whole file or none.
  writeAtomically(output, built.code);
  writeAtomically(manifestPath, JSON.stringify({ format, inputs, hash, output } satisfies Manifest));
  pruneOlderBundles(name, output);
  return { source: pathToFileURL(output), eval: false };
}

function writeAtomically(path: string, text: string): void {
  const aside = `${path}.${process.pid}.tmp`;
  writeFileSync(aside, text);
  renameSync(aside, path);
}

/** Bundles of the same module made from older sources, left an hour for the threads of a process still using them. */
function pruneOlderBundles(name: string, kept: string): void {
  const hourAgo = Date.now() - 3_600_000;
  for (const file of readdirSync(THREAD_CACHE_DIR)) {
    const path = join(THREAD_CACHE_DIR, file);
    if (path === kept || !file.startsWith(`${name}-`) || !file.endsWith('.mjs')) continue;
    try {
      if (statSync(path).mtimeMs < hourAgo) rmSync(path, { force: true });
    } catch {
      // Pruned by another process.
    }
  }
}
