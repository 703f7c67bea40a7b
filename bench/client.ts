/**
 * `npm run bench:client`: the browser side, in headless Chromium against the real server.
 * - time from opening a fiche with 20 indicator rows to an editable grid (navigation inside the application, median);
 * - size of the client bundle, raw and gzip.
 * Prints figures for the README; nothing is asserted.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cpus, totalmem } from 'node:os';
import { build } from 'vite';
import { launchBrowser, openPage, startServer } from './browser.ts';
import type { Action } from '../schemas/action.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
const assets = join('dist/client/assets');
let raw = 0;
let gz = 0;
for (const f of readdirSync(assets)) {
  const bytes = readFileSync(join(assets, f));
  raw += statSync(join(assets, f)).size;
  gz += gzipSync(bytes, { level: 9 }).length;
}

const server = await startServer();
const browser = await launchBrowser();
try {
  // Two fiches of 20 indicator rows each (new actions of the Liège plan, 11 rows from the catalogue + 9 added).
  const fiches: string[] = [];
  for (const organisme of ['Bench A', 'Bench B']) {
    const { body: action } = await server.api<Action>('POST', `/api/plans/${server.planId}/actions`, { code: '1.1.05', operateur: { organisme } });
    for (let i = action.indicators.length; i < 20; i++) {
      await server.api('POST', `/api/plans/${server.planId}/actions/${action.id}/indicators`, {
        data: { category: 'realisation', unit: 'count', label: `Indicateur ${i + 1}` },
      });
    }
    fiches.push(action.id);
  }
  const page = await openPage(browser, [], server);
  await page.goto(`${server.url}/#/plan/${server.planId}/actions`);
  await page.locator('.section-page h1').waitFor();
  const times: number[] = [];
  for (let i = -2; i < RUNS; i++) {
    const id = fiches[(i + 2) % 2]!;
    // A string, not a function: tsx would wrap a function with helpers the page does not have.
    const ms = (await page.evaluate(`new Promise((resolve) => {
      const t0 = performance.now();
      location.hash = '#/plan/${server.planId}/fiche/${id}';
      const ready = () => {
        const cell = document.querySelector('.fiche[data-action-id="${id}"] .ht_master td[data-row="0"][data-key="label"]');
        if (cell) resolve(performance.now() - t0);
        else requestAnimationFrame(ready);
      };
      ready();
    })`)) as number;
    if (i >= 0) times.push(ms);
  }
  const rows = await page.locator('.fiche .ht_master td[data-key="label"]').count();
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`Client bundle (dist/client/assets): ${(raw / 1024).toFixed(0)} kB raw, ${(gz / 1024).toFixed(0)} kB gzip`);
  console.log(
    `Open a fiche with 20 indicators (40 grid rows, ${rows} drawn) to an editable grid: median ${median(times).toFixed(0)} ms over ${RUNS} runs (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
  );
} finally {
  await browser.close();
  await server.close();
}
