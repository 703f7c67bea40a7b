/**
 * LibreOffice in tests: edit an XLSX with Calc itself (through test/tools/lo-edit.py over UNO) and convert files with
 * `soffice --convert-to`. Each call starts its own soffice with a fresh temporary profile, so calls can run in
 * parallel and never reuse a user's running instance. CI installs LibreOffice (.ci/run).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Debian's python has the `uno` module; the `python3` on PATH may be another interpreter without it. */
const PYTHON = '/usr/bin/python3';
const SOFFICE = process.env.SOFFICE_PATH || '/usr/bin/soffice';
const LO_EDIT_SCRIPT = fileURLToPath(new URL('./tools/lo-edit.py', import.meta.url));
const TIMEOUT_MS = 60_000;
/** After SIGTERM on timeout, how long before SIGKILL. lo-edit.py uses it to stop its own soffice. */
const KILL_GRACE_MS = 5_000;

/** True when soffice and a python with `uno` are there. Computed once, when the module loads. */
export const HAS_LIBREOFFICE: boolean =
  existsSync(SOFFICE) && existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import uno'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

export interface LibreOfficeEdit {
  sheet: string;
  /** A single cell such as "D14". */
  cell: string;
  /** number → setValue, string → setString (stays text even if it starts with "="), null → contents cleared. */
  value: string | number | null;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/**
 * Runs a program without a shell. Its own process group (detached) so a timeout reaches the whole tree: the
 * soffice script execs oosplash, which forks soffice.bin.
 */
function run(command: string, args: string[], timeoutMs: number, env?: NodeJS.ProcessEnv): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

function describeFailure(what: string, r: RunResult): string {
  const status = r.timedOut ? `timed out after ${TIMEOUT_MS / 1000} s` : r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
  const output = [r.stderr.trim(), r.stdout.trim()].filter(Boolean).join('\n');
  return `${what} failed (${status})${output ? `:\n${output}` : ''}`;
}

async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'cohesio-lo-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Opens the XLSX in LibreOffice Calc, applies the edits, recalculates and saves it as XLSX; answers the saved bytes. */
export async function editWithLibreOffice(input: Uint8Array, edits: LibreOfficeEdit[]): Promise<Uint8Array> {
  return withTempDir(async (dir) => {
    const inputPath = join(dir, 'input.xlsx');
    const outputPath = join(dir, 'output.xlsx');
    const editsPath = join(dir, 'edits.json');
    await writeFile(inputPath, input);
    await writeFile(editsPath, JSON.stringify(edits));
    const r = await run(PYTHON, [LO_EDIT_SCRIPT, inputPath, outputPath, editsPath], TIMEOUT_MS);
    if (r.code !== 0) throw new Error(describeFailure('LibreOffice edit (lo-edit.py)', r));
    return new Uint8Array(await readFile(outputPath));
  });
}

/**
 * Converts a file with `soffice --headless --convert-to`. CSV: LibreOffice writes only the first sheet (the active
 * one on load, i.e. the first for our files), values as shown; comma separated, '"' only where needed, UTF-8 (plain
 * `--convert-to csv` writes Latin-1, hence the explicit filter options).
 */
export async function convertWithLibreOffice(
  input: Uint8Array,
  inputExt: 'xlsx',
  format: 'pdf' | 'csv' | 'xlsx',
  /** The locale Calc formats numbers in (`fr-BE`: `38,83 %`); the machine's when absent. */
  opts: { locale?: string } = {},
): Promise<Uint8Array> {
  return withTempDir(async (dir) => {
    const inputPath = join(dir, `input.${inputExt}`);
    // A separate output dir: converting xlsx to xlsx would otherwise overwrite the input.
    const outDir = join(dir, 'out');
    const profileUrl = pathToFileURL(join(dir, 'profile')).href;
    await writeFile(inputPath, input);
    const target = format === 'csv' ? 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false' : format;
    const r = await run(
      SOFFICE,
      [
        '--headless',
        '--invisible',
        '--nologo',
        '--norestore',
        '--nolockcheck',
        `-env:UserInstallation=${profileUrl}`,
        '--convert-to',
        target,
        '--outdir',
        outDir,
        inputPath,
      ],
      TIMEOUT_MS,
      opts.locale ? { ...process.env, LC_ALL: `${opts.locale.replace('-', '_')}.UTF-8`, LANG: `${opts.locale.replace('-', '_')}.UTF-8` } : undefined,
    );
    // soffice may exit 0 without writing anything (e.g. unknown filter): check the file too.
    const outputPath = join(outDir, `input.${format}`);
    if (r.code !== 0 || !existsSync(outputPath)) {
      const produced = existsSync(outDir) ? (await readdir(outDir)).join(', ') || 'nothing' : 'nothing';
      throw new Error(`${describeFailure(`LibreOffice conversion to ${format}`, r)}\n(output dir holds: ${produced})`);
    }
    return new Uint8Array(await readFile(outputPath));
  });
}

function sofficeArgs(dir: string, args: string[]): string[] {
  return [
    '--headless',
    '--invisible',
    '--nologo',
    '--norestore',
    '--nolockcheck',
    `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
    ...args,
  ];
}

/**
 * Every sheet of an XLSX saved as CSV by LibreOffice ("Enregistrer sous… CSV", every sheet: one file each), as a
 * person re-saving our export would: values as shown, comma separated, UTF-8. Answers the CSV text by sheet name.
 */
export async function convertSheetsToCsv(input: Uint8Array): Promise<Map<string, string>> {
  return withTempDir(async (dir) => {
    const inputPath = join(dir, 'input.xlsx');
    const outDir = join(dir, 'out');
    await writeFile(inputPath, input);
    // Token 12 = -1: every sheet, each to `input-<sheet>.csv`.
    const target = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1';
    const r = await run(SOFFICE, sofficeArgs(dir, ['--convert-to', target, '--outdir', outDir, inputPath]), TIMEOUT_MS);
    const files = existsSync(outDir) ? (await readdir(outDir)).filter((f) => f.endsWith('.csv')) : [];
    if (r.code !== 0 || files.length === 0) throw new Error(describeFailure('LibreOffice conversion of every sheet to CSV', r));
    const out = new Map<string, string>();
    for (const f of files) out.set(f.slice('input-'.length, -'.csv'.length), await readFile(join(outDir, f), 'utf8'));
    return out;
  });
}

/**
 * CSV files opened by LibreOffice Calc and saved as XLSX, in one soffice run: what a person sees on opening them.
 * The import options are the most credulous ones — formulas evaluated, special numbers detected — so that a text
 * a CSV would turn into a formula or a number shows as one.
 */
export async function openCsvWithLibreOffice(csvs: readonly string[]): Promise<Uint8Array[]> {
  return withTempDir(async (dir) => {
    const outDir = join(dir, 'out');
    const paths = csvs.map((_, i) => join(dir, `sheet${i}.csv`));
    await Promise.all(csvs.map((csv, i) => writeFile(paths[i]!, csv)));
    // Comma, '"', UTF-8, from line 1, standard columns, en-US, quoted not forced to text, detect special numbers;
    // token 13: evaluate formulas.
    const filter = 'CSV:44,34,76,1,,1033,false,true,false,false,false,-1,true';
    const r = await run(SOFFICE, sofficeArgs(dir, [`--infilter=${filter}`, '--convert-to', 'xlsx', '--outdir', outDir, ...paths]), TIMEOUT_MS * 2);
    const missing = paths.filter((_, i) => !existsSync(join(outDir, `sheet${i}.xlsx`)));
    if (r.code !== 0 || missing.length) throw new Error(describeFailure(`LibreOffice opening ${missing.length} CSV file(s)`, r));
    return Promise.all(paths.map((_, i) => readFile(join(outDir, `sheet${i}.xlsx`)).then((b) => new Uint8Array(b))));
  });
}
