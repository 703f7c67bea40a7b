/**
 * `npm run bench:soak`: memory that comes back. Starts the real server (`server/main.ts`, a fresh temporary
 * DATA_DIR: the Liège sample and the demo accounts), signs in as the demo accounts and sends many mixed requests
 * with bounded concurrency — valid cell writes (with their versions), reads, malformed JSON, bodies past the limit,
 * wrong types, unknown routes, routes the role may not use, refused uploads (garbage, a truncated XLSX, a big honest
 * XLSX, a file past 5 MB), previews of a real export, XLSX exports, PDF jobs (start, poll, file), consolidation
 * exports. Prints the server's RSS (VmRSS) and peak (VmHWM) before, after and after an idle period, the breakdown
 * of `process.memoryUsage()` (from bench/soak-probe.ts, loaded only here), where the RSS is (/proc/<pid>/smaps: glibc's
 * main arena `[heap]`, anonymous mappings, files) and the goal: back within +50 MB.
 *
 * Settings (environment): SOAK_REQUESTS (20 000), SOAK_CONCURRENCY (8), SOAK_IDLE_SECONDS (45), SOAK_SEED (1),
 * SOAK_NODE_ARGS (more `node` arguments for the server), SOAK_GC=1 (after the idle period, one more full garbage
 * collection in the server, to tell garbage V8 has not collected from memory held), SOAK_HEAP=1 (heap snapshots of
 * the server at the start and after the idle period), SOAK_ONLY=pdf,envoi (only the kinds of request whose name holds one of these). The server inherits the rest of the environment; MALLOC_ARENA_MAX is 2 as `npm start` sets it unless
 * given (MALLOC_ARENA_MAX=0: glibc's default, 8 arenas per core).
 * Nothing is asserted: figures for the README.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { deflateStoredZip, writeStoredZip } from '../server/zip.ts';
import { DEMO_PASSWORD } from '../server/services/demo-accounts.ts';

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 20_000);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const IDLE_SECONDS = Number(process.env.SOAK_IDLE_SECONDS ?? 45);
/** SOAK_WARMUP=0: judge from the cold start, before any request (default: after one request of each kind and an idle period). */
const WARMUP = process.env.SOAK_WARMUP !== '0';
const GOAL_MB = 50;
const MB = 1024 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// The server, as `npm start` runs it (tsx's loader in the server's own process, so its pid is the one measured).

const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'cohesio-soak-'));
const probeFile = join(dataDir, 'memory.json');
// --expose-gc as `npm start` gives it (server/idle-collect.ts).
const nodeArgs = ['--expose-gc', ...(process.env.SOAK_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', '--import', './bench/soak-probe.ts', 'server/main.ts'], {
  // MALLOC_ARENA_MAX as `npm start` sets it (2 unless the environment says otherwise; 0: glibc's own number).
  env: {
    MALLOC_ARENA_MAX: '2',
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    REMINDER_INTERVAL_MINUTES: '0',
    SOAK_PROBE_FILE: probeFile,
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
// The server never outlives the bench (Ctrl+C, an error).
process.on('exit', () => child.kill('SIGKILL'));
process.on('SIGINT', () => process.exit(130));
const serverErrors: string[] = [];
child.stderr.on('data', (d: Buffer) => {
  const text = d.toString();
  if (!/serveStatic/.test(text)) serverErrors.push(text);
});
await new Promise<void>((resolve, reject) => {
  child.stdout.on('data', (d: Buffer) => {
    if (/Cohésio \([^)]+\) : http/.test(d.toString())) resolve();
  });
  child.once('exit', (code) => reject(new Error(`Le serveur s'est arrêté (code ${code}) : ${serverErrors.join('')}`)));
});
const base = `http://127.0.0.1:${port}`;
const pid = child.pid!;
// A server that stops during the run ends the bench with what it said.
child.once('exit', (code, signal) => {
  console.log(`Le serveur s'est arrêté pendant le soak (code ${code}, signal ${signal}) :\n${serverErrors.join('').slice(-4000)}`);
  process.exit(1);
});

type Resident = { heap: number; anonymous: number; files: number };
type Status = { rss: number; hwm: number; where?: Resident };
function status(): Status {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)![1]) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}
/** The status with where the RSS is (smaps: heavier than the status, so not for the sampler). */
const snapshot = (): Status => ({ ...status(), where: residentByKind() });
type Probe = { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number; mallocedMemory: number };
function probe(): Probe | null {
  try {
    return JSON.parse(readFileSync(probeFile, 'utf8')) as Probe;
  } catch {
    return null;
  }
}
const threads = () => Number(/^Threads:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/**
 * Where the server's RSS is, from /proc/<pid>/smaps: glibc's main arena (`[heap]`, what the server's own thread
 * allocated), anonymous mappings (V8's heaps, the threads' arenas, large blocks glibc mapped apart) and files (code,
 * libraries). Memory freed but kept by glibc shows in the first two; `malloc_trim` gives it back (README).
 */
function residentByKind(): Resident {
  const sums = { heap: 0, anonymous: 0, files: 0 };
  let kind: keyof typeof sums | null = null;
  for (const text of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(text);
    if (mapping) {
      const name = mapping[1]!.trim();
      kind = name === '[heap]' ? 'heap' : name === '' ? 'anonymous' : name.startsWith('/') ? 'files' : null;
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(text);
    if (rss && kind) sums[kind] += Number(rss[1]) * 1024;
  }
  return sums;
}

// ---------------------------------------------------------------------------------------------------------------
// Sessions and the plan.

const cookies = new Map<string, string>();
async function signIn(email: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email, motDePasse: DEMO_PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`Connexion de ${email} refusée : ${res.status}`);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}
for (const email of ['chef@liege.demo', 'finances@liege.demo', 'thermos@liege.demo', 'chef@namur.demo', 'dics@wallonie.demo', 'admin@cohesio.demo']) {
  cookies.set(email, await signIn(email));
}
const CHEF = 'chef@liege.demo';

type Answer = { status: number; text: string; bytes: number };
async function call(
  method: string,
  path: string,
  init: { as?: string | null; body?: RequestInit['body']; json?: unknown; type?: string } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { origin: base };
  const as = init.as === undefined ? CHEF : init.as;
  if (as) headers.cookie = cookies.get(as)!;
  let body = init.body;
  if (init.json !== undefined) body = JSON.stringify(init.json);
  if (init.type ?? (body !== undefined && !(body instanceof FormData))) headers['content-type'] = init.type ?? 'application/json';
  const stream = body instanceof ReadableStream;
  const send = () => fetch(base + path, { method, headers, body, ...(stream ? { duplex: 'half' } : {}) } as RequestInit);
  // A kept-alive connection the server closed after a refused body fails the next request sent on it: a GET is
  // sent again once (the polls of the jobs), the others count as network errors.
  const res = await send().catch((err: unknown) => (method === 'GET' ? send() : Promise.reject(err)));
  const buf = new Uint8Array(await res.arrayBuffer());
  const isText = /json|text/.test(res.headers.get('content-type') ?? '');
  return { status: res.status, text: isText ? new TextDecoder().decode(buf) : '', bytes: buf.length };
}

const plans = JSON.parse((await call('GET', '/api/plans')).text) as { id: string; programmeId: string }[];
const planId = plans[0]!.id;
const programmeId = plans[0]!.programmeId;
type PlanJson = { actions: { id: string; indicators: { id: string; values: Record<string, { actualVersion: number }> }[] }[] };
type Cell = { row: string; period: string; version: number };
const cellsToWrite: Cell[] = [];
function readVersions(plan: PlanJson) {
  cellsToWrite.length = 0;
  for (const a of plan.actions)
    for (const i of a.indicators) for (const [period, v] of Object.entries(i.values)) cellsToWrite.push({ row: i.id, period, version: v.actualVersion });
}
readVersions(JSON.parse((await call('GET', `/api/plans/${planId}`)).text) as PlanJson);
const years = [...new Set(cellsToWrite.map((c) => c.period))];

// ---------------------------------------------------------------------------------------------------------------
// Files to upload.

const exported = new Uint8Array(
  await (await fetch(`${base}/api/plans/${planId}/export.xlsx`, { headers: { cookie: cookies.get(CHEF)!, origin: base } })).arrayBuffer(),
);
const truncated = exported.slice(0, Math.floor(exported.length / 2));
let state = Number(process.env.SOAK_SEED ?? 1) >>> 0 || 1;
const random = () => {
  // xorshift32: the same mix for the same seed.
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 0x1_0000_0000;
};
const garbage = (n: number) => {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(random() * 256);
  return b;
};
const bigWorkbook = honestWorkbook(34 * MB);
const pastLimit = garbage(5 * MB + 1024);

function upload(bytes: Uint8Array, name = 'plan.xlsx', extra: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), name);
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  return form;
}

/** A streamed body of `n` bytes (no Content-Length: the limit must be met while reading). */
function streamed(n: number): ReadableStream<Uint8Array> {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  return new ReadableStream({
    pull(controller) {
      if (sent >= n) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.length;
    },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The mix: weight per thousand requests, and what each does.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;

const MIX: { name: string; weight: number; run: () => Promise<Answer> }[] = [
  {
    name: 'écriture de cellule',
    weight: 330,
    async run() {
      const cell = pick(cellsToWrite);
      const a = await call('PUT', `/api/plans/${planId}/cells`, {
        json: { cells: [{ grid: 'indicator-actual', row: cell.row, period: cell.period, value: Math.floor(random() * 1000), version: cell.version }] },
      });
      if (a.status === 200) cell.version = (JSON.parse(a.text) as { version: number }[])[0]!.version;
      if (a.status === 409) cell.version = (JSON.parse(a.text) as { current: { version: number }[] }).current[0]!.version;
      return a;
    },
  },
  { name: 'lecture du plan', weight: 120, run: () => call('GET', `/api/plans/${planId}`, { as: pick([CHEF, 'finances@liege.demo', 'dics@wallonie.demo']) }) },
  { name: 'contrôles, échéances', weight: 50, run: () => call('GET', `/api/plans/${planId}/${pick(['checks', 'obligations', 'submissions', 'history'])}`) },
  {
    name: 'JSON malformé',
    weight: 60,
    run: () => call('PUT', `/api/plans/${planId}/cells`, { body: pick(['{"cells": [', '{cells:1}', '\u0000\u0001', '[]]', '"']) }),
  },
  {
    name: 'corps trop gros (Content-Length)',
    weight: 30,
    run: () => call('PUT', `/api/plans/${planId}/cells`, { body: `{"cells":[{"grid":"time","row":"${'x'.repeat(3 * MB)}"}]}` }),
  },
  { name: 'corps trop gros (flux)', weight: 20, run: () => call('PUT', `/api/plans/${planId}/sections/textes`, { body: streamed(3 * MB) }) },
  {
    name: 'types faux',
    weight: 60,
    run: () =>
      call('PUT', `/api/plans/${planId}/cells`, {
        json: pick<unknown>([
          { cells: 'tout' },
          { cells: [{ grid: 'x', row: 1, period: null, value: {}, version: -1 }] },
          { cells: Array.from({ length: 6000 }, () => ({ grid: 'time' })) },
          { cells: [{ grid: 'indicator-actual', row: 'r'.repeat(100), period: '2099', value: 'abc', version: 0 }] },
        ]),
      }),
  },
  {
    name: 'adresse inconnue',
    weight: 50,
    run: () =>
      call(
        pick(['GET', 'POST', 'DELETE']),
        pick(['/api/nope', `/api/plans/${planId}/nope`, '/api/plans/00000000-0000-4000-8000-000000000000', `/api/${'a/'.repeat(50)}`]),
      ),
  },
  {
    name: 'rôle refusé',
    weight: 60,
    run: () =>
      pick([
        () => call('GET', '/api/region/plans', { as: CHEF }),
        () => call('PUT', `/api/plans/${planId}/sections/textes`, { as: 'thermos@liege.demo', json: { data: {}, version: 1 } }),
        () => call('GET', `/api/plans/${planId}`, { as: 'chef@namur.demo' }),
        () => call('GET', '/api/organisations', { as: 'finances@liege.demo' }),
        () => call('GET', `/api/plans/${planId}`, { as: null }),
      ])(),
  },
  {
    name: 'connexion ratée',
    weight: 15,
    run: () =>
      call('POST', '/api/auth/login', { as: null, json: { email: `inconnu${Math.floor(random() * 1e9)}@exemple.be`, motDePasse: 'mauvais-mot-de-passe' } }),
  },
  { name: 'envoi : octets au hasard', weight: 12, run: () => call('POST', `/api/plans/${planId}/import.xlsx`, { body: upload(garbage(200 * 1024)) }) },
  { name: 'envoi : XLSX tronqué', weight: 12, run: () => call('POST', `/api/plans/${planId}/import.xlsx`, { body: upload(truncated) }) },
  { name: 'envoi : gros XLSX honnête', weight: 1, run: () => call('POST', `/api/plans/${planId}/import.xlsx`, { body: upload(bigWorkbook) }) },
  { name: 'envoi : plus de 5 Mo', weight: 6, run: () => call('POST', `/api/plans/${planId}/import.xlsx`, { body: upload(pastLimit) }) },
  { name: 'envoi : aperçu de l’export', weight: 6, run: () => call('POST', `/api/plans/${planId}/import.xlsx`, { body: upload(exported) }) },
  { name: 'export XLSX', weight: 30, run: () => call('GET', `/api/plans/${planId}/export.xlsx`) },
  {
    name: 'PDF (tâche)',
    weight: 4,
    async run() {
      const start = await call('POST', `/api/plans/${planId}/pdf-jobs`, { json: { annee: Number(pick(years.filter((y) => /^\d+$/.test(y)))) } });
      if (start.status !== 202) return start;
      const id = (JSON.parse(start.text) as { id: string }).id;
      for (;;) {
        await sleep(250);
        const job = await call('GET', `/api/plans/${planId}/pdf-jobs/${id}`);
        const state = job.status === 200 ? (JSON.parse(job.text) as { state: string }).state : 'failed';
        if (state === 'done') return call('GET', `/api/plans/${planId}/pdf-jobs/${id}/file`);
        if (state === 'failed') return job;
      }
    },
  },
  {
    name: 'consolidation (tâche)',
    weight: 4,
    async run() {
      const start = await call('POST', '/api/region/exports', { as: 'dics@wallonie.demo', json: { programme: programmeId, format: pick(['xlsx', 'csv']) } });
      if (start.status !== 202 && start.status !== 200) return start;
      const id = (JSON.parse(start.text) as { id: string }).id;
      for (;;) {
        await sleep(250);
        const job = await call('GET', `/api/region/exports/${id}`, { as: 'dics@wallonie.demo' });
        const state = job.status === 200 ? (JSON.parse(job.text) as { state: string }).state : 'failed';
        if (state === 'done') return call('GET', `/api/region/exports/${id}/file`, { as: 'dics@wallonie.demo' });
        if (state === 'failed') return job;
      }
    },
  },
];
// SOAK_ONLY=pdf,export: only the kinds whose name holds one of these words (to find what grows).
const only = (process.env.SOAK_ONLY ?? '')
  .split(',')
  .map((w) => w.trim().toLowerCase())
  .filter(Boolean);
if (only.length) MIX.splice(0, MIX.length, ...MIX.filter((m) => only.some((w) => m.name.toLowerCase().includes(w))));
const totalWeight = MIX.reduce((n, m) => n + m.weight, 0);
function choose() {
  let r = random() * totalWeight;
  for (const m of MIX) if ((r -= m.weight) < 0) return m;
  return MIX[0]!;
}

// ---------------------------------------------------------------------------------------------------------------
// The run.

const fmt = (bytes: number) => `${(bytes / MB).toFixed(0).padStart(5)} MiB`;
const signed = (bytes: number) => `${bytes >= 0 ? '+' : '−'}${Math.abs(bytes / MB).toFixed(0)} MiB`;
const line = (label: string, s: Status, p: Probe | null, from?: Status) => {
  const where = s.where;
  console.log(
    `${label.padEnd(22)} RSS ${fmt(s.rss)}${from ? ` (${signed(s.rss - from.rss)})` : '            '}  pic ${fmt(s.hwm)}  ` +
      (p ? `tas JS ${fmt(p.heapUsed)} / ${fmt(p.heapTotal)}  external ${fmt(p.external)}  arrayBuffers ${fmt(p.arrayBuffers)}  ` : '') +
      `threads ${threads()}` +
      (where ? `  [heap] ${fmt(where.heap)}  anonyme ${fmt(where.anonymous)}  fichiers ${fmt(where.files)}` : ''),
  );
};

console.log(`Gros XLSX honnête : ${(bigWorkbook.length / MB).toFixed(1)} Mo (décompressé ~34 Mo)`);
console.log(
  `Soak : ${REQUESTS} requêtes, ${CONCURRENCY} à la fois, repos ${IDLE_SECONDS} s — ${cpus().length} cœurs, ${Math.round(totalmem() / MB / 1024)} Go, charge ${loadavg()[0]!.toFixed(1)}, MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '2'}`,
);
await sleep(2000);
const cold = snapshot();
line('au départ (à froid)', cold, probe());
// One request of each kind, then the idle period: what the first request of a kind loads once (modules, compiled
// code, prepared statements, the cache of the plan's export) is not growth. The goal is judged from this warm start;
// the cold start is printed beside it.
if (WARMUP) {
  for (const m of MIX) await m.run().catch(() => undefined);
  await sleep(IDLE_SECONDS * 1000);
}
const before = snapshot();
if (WARMUP) line('au départ (chaud)', before, probe(), cold);
if (process.env.SOAK_HEAP === '1') {
  // A first snapshot at the start, to compare with the one after the idle period (its own memory counts in what follows).
  writeFileSync(`${probeFile}.heap`, '');
  await sleep(20_000);
}

const counts = new Map<string, Map<number, number>>();
const times = new Map<string, number>();
let sent = 0;
let networkErrors = 0;
let done = 0;
const t0 = Date.now();
let peakDuring = before.rss;
const sampler = setInterval(() => {
  peakDuring = Math.max(peakDuring, status().rss);
}, 500);
const progress = setInterval(() => {
  const s = status();
  console.log(`  … ${done} / ${REQUESTS} (${((Date.now() - t0) / 1000).toFixed(0)} s) RSS ${fmt(s.rss)} threads ${threads()}`);
}, 15_000);
async function worker() {
  while (sent < REQUESTS) {
    sent++;
    const m = choose();
    const started = Date.now();
    let code: number;
    try {
      code = (await m.run()).status;
    } catch (err) {
      code = 0;
      if (networkErrors++ < 3) console.log(`  erreur réseau (${m.name}) : ${err instanceof Error ? `${err.message} ${String(err.cause ?? '')}` : String(err)}`);
    }
    times.set(m.name, (times.get(m.name) ?? 0) + Date.now() - started);
    const byCode = counts.get(m.name) ?? new Map<number, number>();
    byCode.set(code, (byCode.get(code) ?? 0) + 1);
    counts.set(m.name, byCode);
    done++;
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
clearInterval(progress);
const seconds = (Date.now() - t0) / 1000;
await sleep(1500);
const after = snapshot();

console.log(`\n${REQUESTS} requêtes en ${seconds.toFixed(0)} s :`);
for (const m of MIX) {
  const byCode = counts.get(m.name);
  if (!byCode) continue;
  const n = [...byCode.values()].reduce((a, b) => a + b, 0);
  const codes = [...byCode]
    .sort(([a], [b]) => a - b)
    .map(([c, k]) => `${c === 0 ? 'erreur réseau' : c}×${k}`)
    .join(' ');
  console.log(`  ${m.name.padEnd(34)} ${String(n).padStart(6)}  ${codes}  (moyenne ${((times.get(m.name) ?? 0) / n).toFixed(0)} ms)`);
}
console.log('');
line('au départ', before, null);
line('après la charge', after, probe(), before);
console.log(`${''.padEnd(22)} RSS la plus haute pendant la charge ${fmt(peakDuring)}`);
for (let s = 15; s < IDLE_SECONDS; s += 15) {
  await sleep(15_000);
  line(`repos ${s} s`, snapshot(), probe(), before);
}
await sleep((IDLE_SECONDS % 15 || 15) * 1000);
const idle = snapshot();
clearInterval(sampler);
line(`après ${IDLE_SECONDS} s de repos`, idle, probe(), before);
const over = idle.rss - before.rss;
console.log(
  `Objectif : revenir à +${GOAL_MB} MiB du départ${WARMUP ? ' (chaud)' : ''} après le repos → ${signed(over)} : ${over <= GOAL_MB * MB ? 'atteint' : 'NON atteint'}` +
    (WARMUP ? ` (depuis le départ à froid : ${signed(idle.rss - cold.rss)})` : ''),
);
if (process.env.SOAK_GC === '1') {
  // What a full collection would give back: JS garbage V8 has not collected yet, not memory held.
  writeFileSync(`${probeFile}.gc`, '');
  await sleep(3000);
  line('après un GC forcé', snapshot(), probe(), before);
}
if (process.env.SOAK_HEAP === '1') {
  writeFileSync(`${probeFile}.heap`, '');
  await sleep(20_000);
  console.log(`Instantané du tas dans ${dataDir}`);
}
if (serverErrors.length) console.log(`\nErreurs du serveur (${serverErrors.length}) :\n${serverErrors.slice(0, 5).join('').slice(0, 2000)}`);

child.removeAllListeners('exit');
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
if (process.env.SOAK_HEAP !== '1') rmSync(dataDir, { recursive: true, force: true });
process.exit(0);

// ---------------------------------------------------------------------------------------------------------------

/** A free TCP port of this machine. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

/**
 * A well-formed XLSX (content types, relations, a workbook, one sheet) whose sheet unpacks to about `unpacked`
 * bytes of ordinary rows, under the import's unpacked-size limit: a big honest file, not a bomb.
 */
function honestWorkbook(unpacked: number): Uint8Array {
  const rows: string[] = [];
  let size = 0;
  for (let r = 1; size < unpacked; r++) {
    const row = `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>Ligne ${r}</t></is></c><c r="B${r}"><v>${r * 7}</v></c><c r="C${r}"><v>${(r % 97) / 4}</v></c></row>`;
    rows.push(row);
    size += row.length;
  }
  const files: [string, string][] = [
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    ],
    [
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    ],
    [
      'xl/workbook.xml',
      '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Fiche plan" sheetId="1" r:id="rId1"/></sheets></workbook>',
    ],
    [
      'xl/_rels/workbook.xml.rels',
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ],
    [
      'xl/worksheets/sheet1.xml',
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>${rows.join('')}</sheetData></worksheet>`,
    ],
  ];
  return zip(files.map(([name, text]) => [name, new TextEncoder().encode(text)]));
}

/** A ZIP of deflated entries. */
function zip(files: [string, Uint8Array][]): Uint8Array {
  return deflateStoredZip(writeStoredZip(files.map(([name, data]) => ({ name, data }))));
}
