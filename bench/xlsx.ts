/**
 * `npm run bench:xlsx`: the official workbook of the Liège plan — export (read, layout, XLSX) and import (read the
 * workbook back and compare; apply ten changes) — as medians of several runs, then the peak memory of one export
 * and one import, each measured in a fresh process above its baseline. Figures go to the README with the machine.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../server/db/open.ts';
import { loadReference } from '../server/services/programmes.ts';
import { seedSample } from '../server/services/seed.ts';
import { exportPlanWorkbook, importPlanWorkbook } from '../server/services/workbook.ts';
import { editWorkbookCells } from './workbook-edit.ts';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from '../server/app.ts';
import { createDemoAccounts, DEMO_ACCOUNTS } from '../server/services/demo-accounts.ts';
import { createImputation, deleteImputation } from '../server/services/finance.ts';
import { signInInProcess } from './sign-in.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const db = openDatabase(':memory:');
// Fixed ids, so that the workbook exported by this process is the plan of the child processes too.
let nextId = 0;
const ctx = { db, reference: loadReference(db), newId: () => `bench-${++nextId}` };
const plan = seedSample(ctx);
const planId = plan.id;

const [child, file] = process.argv.slice(2);
if (child === '--peak-export' || child === '--peak-import') {
  // One operation in this fresh process: how far it lifts the peak resident memory above the baseline.
  const input = child === '--peak-import' ? new Uint8Array(readFileSync(file!)) : null;
  const before = process.resourceUsage().maxRSS;
  if (input) await importPlanWorkbook({ ...ctx, planId, bytes: input, apply: false, fingerprint: null });
  else await exportPlanWorkbook({ ...ctx, planId });
  console.log(JSON.stringify({ baseline: before / 1024, peak: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}
const { bytes } = await exportPlanWorkbook({ ...ctx, planId });
const workbookFile = join(mkdtempSync(join(tmpdir(), 'cohesio-bench-')), 'liege.xlsx');
writeFileSync(workbookFile, bytes);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(label: string, fn: (i: number) => Promise<unknown>, before?: () => void): Promise<number> {
  await fn(-1);
  await fn(-2);
  const xs: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    before?.();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await fn(i);
    const c = process.cpuUsage(c0);
    xs.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  // CPU time of this process beside the wall time: on a shared machine the steadier of the two.
  console.log(
    `${label.padEnd(58)} median ${median(xs).toFixed(1).padStart(6)} ms   min ${Math.min(...xs).toFixed(1)} ms   CPU ${median(cpu).toFixed(1)} ms   (${RUNS} runs)`,
  );
  return median(xs);
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average ${load()}`,
);
console.log(`Liège workbook: ${(bytes.length / 1024).toFixed(0)} kB, ${plan.actions.length + 4} sheets`);

const inProcessMs = await time('export the Liège plan (read plan, layout, XLSX bytes)', () => exportPlanWorkbook({ ...ctx, planId }));
console.log(`  goal < 150 ms in process: ${inProcessMs.toFixed(0)} ms`);
// Over HTTP, in process (`app.request`: the whole middleware chain — session, access, validation, compression — and
// the response body read to the end, no socket), beside a bare Hono route answering the same bytes.
await createDemoAccounts(ctx);
const app = createApp(ctx);
const dics = DEMO_ACCOUNTS.find((a) => a.role === 'dics')!;
const cookie = await signInInProcess(app, dics.email);
const headers = { cookie, 'accept-encoding': 'gzip, deflate, br' };
const download = async (app: { request: (path: string, init: RequestInit) => Response | Promise<Response> }, path: string) => {
  const res = await app.request(path, { headers });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.arrayBuffer();
};
const bare = new Hono().get('/bare.xlsx', (c) => c.body(new Uint8Array(bytes), 200, { 'content-type': 'application/octet-stream' }));
const url = `/api/plans/${planId}/export.xlsx`;
const bareMs = await time('bare Hono route answering the same bytes (same process)', () => download(bare, '/bare.xlsx'));
// A plan changed before each request (one imputation added or removed, outside the timing): the workbook is rendered.
const year = ctx.reference.programmes.find((p) => p.id === plan.programmeId)!.years[0]!;
let added: { id: string; version: number } | null = null;
const changePlan = () => {
  if (added) {
    deleteImputation({ ...ctx, planId, lineId: added.id, version: added.version });
    added = null;
  } else
    added = createImputation({
      ...ctx,
      planId,
      data: { annee: year, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: null, montant: 1, nature: null },
    });
};
const changedMs = await time('GET export.xlsx after a change (rendered)  goal ≤ 150 ms', () => download(app, url), changePlan);
const unchangedMs = await time('GET export.xlsx of an unchanged plan (from the cache)', () => download(app, url));
console.log(
  `  goal ≤ 150 ms over HTTP: changed plan ${changedMs.toFixed(0)} ms, unchanged plan ${unchangedMs.toFixed(0)} ms (bare route ${bareMs.toFixed(1)} ms)`,
);
console.log(`  ratio GET after a change / export in process: ${(changedMs / inProcessMs).toFixed(2)}`);
// The same through a real server (@hono/node-server on 127.0.0.1, fetch from this process): socket and body writing included.
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((resolve) => server.once('listening', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const overSocket = { request: (path: string, init: RequestInit) => fetch(`${origin}${path}`, init) };
const socketChangedMs = await time('real server, after a change (rendered)  goal ≤ 150 ms', () => download(overSocket, url), changePlan);
const socketUnchangedMs = await time('same through a real server, unchanged plan (cache)', () => download(overSocket, url));
console.log(`  goal ≤ 150 ms through a real server: changed plan ${socketChangedMs.toFixed(0)} ms, unchanged plan ${socketUnchangedMs.toFixed(0)} ms`);
server.close();

await time('import preview of the unchanged export (0 changes)', () => importPlanWorkbook({ ...ctx, planId, bytes, apply: false, fingerprint: null }));

// Two edited workbooks applied in turn, so that each apply has ten real changes.
const sada = plan.actions.findIndex((a) => a.fiche.operateur.organisme === 'CPAS de Liège - SADA');
const years = ctx.reference.programmes.find((p) => p.id === plan.programmeId)!.years;
const editsOf = (v: number) =>
  [...Array(10).keys()].map((k) => ({ path: `actions.${sada}.indicators.${k % 5}.values.${years[Math.floor(k / 5)]}.actual`, value: v + k }));
const edited = [await editWorkbookCells(bytes, editsOf(1), plan), await editWorkbookCells(bytes, editsOf(100), plan)];
let turn = 0;
await time('import and apply ten changes (preview, then apply in 1 tx)', async () => {
  const file = edited[turn++ % 2]!;
  const preview = await importPlanWorkbook({ ...ctx, planId, bytes: file, apply: false, fingerprint: null });
  if (preview.changes.length !== 10) throw new Error(`expected 10 changes, got ${preview.changes.length}`);
  await importPlanWorkbook({ ...ctx, planId, bytes: file, apply: true, fingerprint: preview.fingerprint });
});

for (const what of ['export', 'import'] as const) {
  const runs = [...Array(5)].map(() => {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--peak-${what}`, workbookFile], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!) as { baseline: number; peak: number };
  });
  const lift = median(runs.map((r) => r.peak - r.baseline));
  console.log(
    `peak memory of one ${what} (fresh process, 5 runs)`.padEnd(58),
    `median +${lift.toFixed(0)} MiB above a ${median(runs.map((r) => r.baseline)).toFixed(0)} MiB baseline`,
  );
}
console.log(`Load average at the end: ${load()}`);
db.$client.close();
