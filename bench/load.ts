/**
 * `npm run bench:load [-- seconds]`: the real server under load. Starts `tsx server/main.ts` (the Liège sample and
 * the demo accounts in a temporary DATA_DIR, its own PORT), signs in as the Liège cheffe de projet and drives the
 * real cell route (`PUT /api/plans/:planId/cells`, one indicator target per request) with autocannon at 1, 16 and
 * 64 connections, beside a bare Hono route (bench/bare-server.ts) started in the same run. Each connection owns one
 * cell and sends the version the previous answer gave it, as a person typing in the grid does: every request is a
 * real change (no 409). Prints req/s, p50, p99, the ratio to the bare route and the CPU each server spent per request
 * (from /proc: the figure a shared, busy machine disturbs least); nothing is asserted.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../server/services/demo-accounts.ts';
import type { Plan } from '../schemas/plan.ts';

const SECONDS = Number(process.argv[2] ?? process.env.BENCH_LOAD_SECONDS ?? 10);
const CONNECTIONS = [1, 16, 64];
const GOAL_RATIO = 0.1;
const GOAL_P99_MS = 50;
/**
 * `BENCH_LOAD_PIN=1`: the servers on the first core and this process (autocannon) on the second (`taskset`), so that
 * the load generator does not take the server's core in the middle of a request; the latencies then say what the
 * server does rather than how the two share a core. Off by default: a server shares its machine.
 */
const PIN = process.env.BENCH_LOAD_PIN === '1' && cpus().length >= 2 ? { server: 0, generator: 1 } : null;

/** Starts a server script in a child process and waits for the line saying it listens. */
function start(script: string, env: Record<string, string>, ready: RegExp, nodeArgs: string[] = []): Promise<ChildProcess> {
  const args = [...nodeArgs, '--import', 'tsx', script];
  const [command, commandArgs] = PIN ? ['taskset', ['-c', String(PIN.server), process.execPath, ...args]] : [process.execPath, args];
  const child = spawn(command, commandArgs, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (ready.test(out)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => reject(new Error(`${script} s'est arrêté (code ${code}) :\n${out}`)));
  });
}

type Run = { rps: number; p50: number; p99: number; non2xx: number; errors: number; cpuPerRequest: number | null };

/**
 * The CPU time a process has used (user + system, in ms), from /proc: on a machine shared with other work the
 * server's CPU per request says what a request costs when req/s and latencies say mostly how busy the machine was.
 * Null where there is no /proc.
 */
const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString()) || 100;
  } catch {
    return 100;
  }
})();
function cpuMsOf(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

async function load(url: string, connections: number, options: Partial<autocannon.Options>, pid?: number): Promise<Run> {
  const before = cpuMsOf(pid);
  const r = await autocannon({ url, connections, duration: SECONDS, method: 'PUT', ...options });
  const after = cpuMsOf(pid);
  const cpuPerRequest = before !== null && after !== null && r.requests.total ? (after - before) / r.requests.total : null;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors, cpuPerRequest };
}

const dataDir = mkdtempSync(join(tmpdir(), 'cohesio-load-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const barePort = port + 1;
const children: ChildProcess[] = [];
try {
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  if (PIN) {
    execFileSync('taskset', ['-cp', String(PIN.generator), String(process.pid)], { stdio: 'ignore' });
    console.log(`Servers on core ${PIN.server}, load generator on core ${PIN.generator} (BENCH_LOAD_PIN=1)`);
  }
  children.push(
    await start(
      'server/main.ts',
      { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOAD_SAMPLE: 'true', REMINDER_INTERVAL_MINUTES: '1440' },
      // « Cohésio (démonstration) : http://… » (older servers said « Cohésio : http://… »).
      /Cohésio (\([^)]*\) )?: http/,
      // `BENCH_LOAD_PROFILE=<dir>`: a CPU profile of the server, written when it stops.
      process.env.BENCH_LOAD_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_LOAD_PROFILE}`] : [],
    ),
  );
  children.push(await start('bench/bare-server.ts', { PORT: String(barePort) }, /bare Hono route/));
  const base = `http://127.0.0.1:${port}`;

  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: DEMO_ACCOUNTS[0].email, motDePasse: DEMO_PASSWORD }),
  });
  if (!login.ok) throw new Error(`Connexion refusée : ${login.status} ${await login.text()}`);
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const [summary] = (await (await fetch(`${base}/api/plans`, { headers: { cookie } })).json()) as { id: string }[];
  const plan = (await (await fetch(`${base}/api/plans/${summary!.id}`, { headers: { cookie } })).json()) as Plan;
  const years = [...new Set(plan.actions.flatMap((a) => a.indicators.flatMap((i) => Object.keys(i.values))))].sort();
  // Every indicator target of every year, each with the version stored now: one per connection.
  const cells = plan.actions.flatMap((a) =>
    a.indicators.flatMap((i) => years.map((year) => ({ row: i.id, period: year, version: i.values[year]?.targetVersion ?? 0 }))),
  );
  console.log(`Plan ${plan.commune}: ${plan.actions.length} fiches, ${cells.length} indicator targets; ${SECONDS} s per run`);

  let next = 0;
  /** One body per status other than 200, to say what the refusals were. */
  const refusals = new Map<number, string>();
  type Context = { cell?: (typeof cells)[number]; value?: number };
  const cellRoute = {
    headers: { cookie, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req: autocannon.Request, context: Context) => {
          context.cell ??= cells[next++ % cells.length]!;
          // Typed as people type it, "1" to "9": a value every unit holds (a score from 1 to 10 included), another each time.
          context.value = ((context.value ?? 0) % 9) + 1;
          const { row, period, version } = context.cell;
          return { ...req, body: JSON.stringify({ cells: [{ grid: 'indicator-target', row, period, value: String(context.value), version }] }) };
        },
        onResponse: (status: number, body: string, context: Context) => {
          if (status !== 200) refusals.set(status, body.slice(0, 160));
          if (!context.cell) return;
          // The version the answer gives (200), or the one stored now (409: a request cut at the end of a run was written).
          if (status === 200) context.cell.version = (JSON.parse(body) as { version: number }[])[0]!.version;
          if (status === 409) context.cell.version = (JSON.parse(body) as { current: { version: number }[] }).current[0]!.version;
        },
      },
    ],
  } as Partial<autocannon.Options>;
  const bareRoute = {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ cells: [{ grid: 'indicator-target', row: cells[0]!.row, period: cells[0]!.period, value: 1, version: 0 }] }),
  };

  const rows: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padStart(n);
  let at64: { cell: Run; bare: Run } | null = null;
  for (const connections of CONNECTIONS) {
    const bare = await load(`http://127.0.0.1:${barePort}/cells`, connections, bareRoute, children[1]!.pid);
    const cell = await load(`${base}/api/plans/${plan.id}/cells`, connections, cellRoute, children[0]!.pid);
    if (connections === 64) at64 = { cell, bare };
    for (const [name, r] of [
      ['bare Hono route (PUT, JSON in and out)', bare],
      ['PUT /api/plans/:id/cells (one cell)', cell],
    ] as const) {
      const ratio = r === cell ? `${((cell.rps / bare.rps) * 100).toFixed(1)} %` : '';
      const failures = r.non2xx || r.errors ? `  (${r.non2xx} non-2xx, ${r.errors} errors)` : '';
      rows.push(
        `${pad(connections, 5)}  ${name.padEnd(40)} ${pad(r.rps.toFixed(0), 8)} ${pad(r.p50, 7)} ${pad(r.p99, 7)} ${pad(ratio, 8)} ${pad(r.cpuPerRequest === null ? '' : r.cpuPerRequest.toFixed(3), 11)}${failures}`,
      );
    }
  }
  console.log(
    `\n${'conn'.padStart(5)}  ${'route'.padEnd(40)} ${pad('req/s', 8)} ${pad('p50 ms', 7)} ${pad('p99 ms', 7)} ${pad('ratio', 8)} ${pad('CPU ms/req', 11)}`,
  );
  for (const row of rows) console.log(row);
  for (const [status, body] of refusals) console.log(`refused ${status}: ${body}`);
  if (at64) {
    const ratio = at64.cell.rps / at64.bare.rps;
    console.log(
      `\ngoal at 64 connections: ≥ ${GOAL_RATIO * 100} % of the bare route and p99 ≤ ${GOAL_P99_MS} ms — ${(ratio * 100).toFixed(1)} %, p99 ${at64.cell.p99} ms` +
        ` (${ratio >= GOAL_RATIO && at64.cell.p99 <= GOAL_P99_MS ? 'met' : 'not met'})`,
    );
  }
} finally {
  for (const child of children) child.kill();
  await new Promise((resolve) => setTimeout(resolve, 500));
  rmSync(dataDir, { recursive: true, force: true });
}
