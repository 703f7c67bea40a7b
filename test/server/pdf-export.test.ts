import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RGPD_TITLE, runningHeader } from '../../schemas/form-text.ts';
import { PdfJobSchema, type PdfJob } from '../../schemas/pdf-export.ts';
import type { Plan } from '../../schemas/plan.ts';
import { buildPlanPdf } from '../../server/reports/pdf/plan-pdf.ts';
import { renderPdfDocument } from '../../server/reports/pdf/render.ts';
import { gatherPdfInput } from '../../server/services/pdf.ts';
import { fingerprintOf } from '../../server/services/workbook.ts';
import { expectApiError, failure, getPlan, makeLiegeApp, reply, sendRaw, type Api } from '../helpers.ts';
import { pdfFonts, pdfPageSizes, pdfPages, savePageImage, savePdf } from '../pdf-tools.ts';

/**
 * The official PDF of the Liège sample, read back with poppler as a reviewer's viewer reads it: figures in Belgian
 * format, every fiche, the running header and page numbers, embedded fonts, page sizes; and the way it is served
 * (worker threads, cache, jobs with progress, refusals).
 */

const TIMEOUT = 60_000;
let t: ReturnType<typeof makeLiegeApp>;
let file: string;
let pages: string[];
let bytes: Uint8Array;

/** The plan's PDF at once (of one year, or the whole plan), and its bytes. */
async function fetchPdf(api: Api, planId: string, annee?: string) {
  const res = await api.plans[':planId']['export.pdf'].$get({ param: { planId }, query: annee === undefined ? {} : { annee } });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

beforeAll(async () => {
  t = makeLiegeApp();
  const got = await fetchPdf(t.api, t.plan.id, '2021');
  expect(got.res.status).toBe(200);
  bytes = got.bytes;
  file = savePdf(bytes, 'liege-2021.pdf');
  pages = pdfPages(file);
}, TIMEOUT);

afterAll(async () => {
  await t?.ctx.pdf?.pool.close();
});

describe('the Liège PDF', () => {
  it('is served as a PDF download named after the commune, the programme and the year', async () => {
    const { res } = await fetchPdf(t.api, t.plan.id, '2021');
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('PCS Liège 2020-2026 - rapport 2021.pdf')}`);
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');
  });

  it('has a page count in the expected range', () => {
    // 29 fiches of 3 to 6 pages, the fiche plan, the cover and the annex.
    expect(pages.length).toBeGreaterThanOrEqual(90);
    expect(pages.length).toBeLessThanOrEqual(180);
  });

  it('prints the cover: commune, programme, report year, draft status, generation date and SHA-256 of the plan data', () => {
    const cover = pages[0]!;
    expect(cover).toContain('Plan de Cohésion sociale');
    expect(cover).toContain('la Ville de Liège');
    expect(cover).toMatch(/Programme\s+Plan de Cohésion sociale 2020-2025, prolongé jusqu'au 31 décembre 2026/);
    expect(cover).toMatch(/Rapport annuel\s+2021/);
    expect(cover).toMatch(/Statut\s+Brouillon — non soumis/);
    expect(cover).toMatch(/Généré le\s+\d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}/);
    expect(cover).toContain(fingerprintOf(t.plan));
    expect(cover).toContain('Sommaire');
  });

  it('shows the budget totals, transfers, art.20 and the part communale in Belgian format', () => {
    const text = pages.join('\n');
    expect(text).toMatch(/Total des recettes retenu\s+€ 2\.424\.996,74/);
    expect(text).toMatch(/Total des dépenses retenu\s+€ 2\.424\.996,74/);
    expect(text).toMatch(/Total des transferts\s+€ 845\.613,08/);
    expect(text).toMatch(/dont art\.20\s+€ 111\.981,08/);
    expect(text).toMatch(/Part communale \/ subvention PCS\s+38,83\s?%/);
  });

  it('prints the RGPD notice before the fiche plan sections', () => {
    const text = pages.join('\n');
    expect(text.indexOf(RGPD_TITLE)).toBeGreaterThan(-1);
    expect(text.indexOf(RGPD_TITLE)).toBeLessThan(text.indexOf('Budget annuel du PCS'));
    expect(text).toContain('Avenue Gouverneur Bovesse, 100 à 5100 JAMBES');
  });

  it('starts every fiche action on a new landscape page with its code', () => {
    const sizes = pdfPageSizes(file);
    expect(sizes).toHaveLength(pages.length);
    const codes = new Set(t.plan.actions.map((a) => a.code));
    for (const code of codes) {
      const title = `ACTION ${code}`;
      // The title is the first thing under the running header.
      const starts = pages.flatMap((p, i) =>
        p
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)[1] === title
          ? [i]
          : [],
      );
      expect(starts, title).toHaveLength(t.plan.actions.filter((a) => a.code === code).length);
      for (const i of starts) expect(sizes[i]!.width, `${title}, page ${i + 1} en paysage`).toBeGreaterThan(sizes[i]!.height);
    }
  });

  it('prints the indicator tables with Ex-ante, each programme year (2026 of the extension included) and Résultats', () => {
    const text = pages.join('\n');
    expect(text).toMatch(/Indicateurs de réalisation\s+Unité\s+Ex-ante\s+2020\s+2021\s+2022\s+2023\s+2024\s+2025\s+2026\s+Résultats/);
    expect(text).toContain('Cibles et réalisés par année');
  });

  it('repeats the running header on every page after the cover and numbers pages "Page X / Y"', () => {
    const header = runningHeader(t.plan);
    pages.forEach((p, i) => {
      if (i > 0) expect(p, `page ${i + 1}`).toContain(header);
      expect(p, `page ${i + 1}`).toContain(`Page ${i + 1} / ${pages.length}`);
    });
  });

  it('ends with the "Contrôles" annex listing the findings', () => {
    const annex = pages.slice(pages.findIndex((p) => p.includes('Annexe — Contrôles du plan') && !p.includes('Sommaire'))).join('\n');
    expect(annex).toContain('Annexe — Contrôles du plan');
    expect(annex).toContain('Part communale : 38,83');
    expect(annex).toMatch(/Erreur|Avertissement/);
  });

  it('embeds every font (Liberation Sans, no standard font left to the viewer)', () => {
    const fonts = pdfFonts(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const f of fonts) {
      expect(f.embedded, f.name).toBe(true);
      expect(f.name).toMatch(/LiberationSans/);
    }
  });

  it('keeps pictures of a few pages in test-output/pdf', () => {
    const budgetPage = pages.findIndex((p) => p.includes('Total des recettes retenu')) + 1;
    const fichePage = pages.findIndex((p) => /^\s*ACTION 1\.3\.03\s*$/m.test(p)) + 1;
    for (const [page, name] of [
      [1, 'page-cover'],
      [budgetPage, 'page-budget'],
      [fichePage, 'page-fiche-1.3.03'],
    ] as const) {
      const png = savePageImage(file, page, name);
      expect(existsSync(png)).toBe(true);
      expect(statSync(png).size).toBeGreaterThan(10_000);
    }
  });
});

describe('pictures drawn from the data', () => {
  it(
    "draws the ISADF radar when the plan has at least three dimensions, with the web page's drawing code",
    async () => {
      const fresh = makeLiegeApp();
      try {
        const dimensions = ['Alimentation', 'Logement', 'Santé', 'Travail', 'Formation'].map((label, i) => ({ label, valeur: 200 + i * 100 }));
        const version = fresh.plan.versions.isadf;
        const put = await reply(
          fresh.api.plans[':planId'].sections[':section'].$put({
            param: { planId: fresh.plan.id, section: 'isadf' },
            json: { version, data: { ...fresh.plan.isadf, dimensions } },
          }),
        );
        expect(put.status).toBe(200);
        const { bytes: pdf } = await fetchPdf(fresh.api, fresh.plan.id, '2021');
        const pdfFile = savePdf(pdf, 'liege-radar.pdf');
        const radarPage = pdfPages(pdfFile).findIndex((p) => p.includes('ISADF de la commune : 0,10') && p.includes('Alimentation'));
        expect(radarPage).toBeGreaterThan(0);
        savePageImage(pdfFile, radarPage + 1, 'page-radar-isadf');
      } finally {
        await fresh.ctx.pdf?.pool.close();
      }
    },
    TIMEOUT,
  );

  it('does not draw an empty radar for the Liège sample, which gives the ISADF value without dimensions', () => {
    expect(pages.some((p) => p.includes('au moins trois dimensions'))).toBe(false);
  });

  it("charts the targets and actuals of each fiche's indicators", () => {
    const fiche = pages.findIndex((p) => /^\s*ACTION 1\.3\.03\s*$/m.test(p));
    const charts = pages.slice(fiche, fiche + 6).join('\n');
    expect(charts).toContain('Cibles et réalisés par année');
    expect(charts).toMatch(/Cible\s+Réalisé/);
  });
});

describe('serving the PDF', () => {
  it(
    'answers other requests while a PDF renders in a worker thread',
    async () => {
      const fresh = makeLiegeApp();
      try {
        let pdfDone = false;
        const pdf = fetchPdf(fresh.api, fresh.plan.id).then((r) => {
          pdfDone = true;
          return r;
        });
        const health = await reply(fresh.api.health.$get());
        expect(health.status).toBe(200);
        expect(pdfDone).toBe(false);
        const plan = await reply(fresh.api.plans[':planId'].$get({ param: { planId: fresh.plan.id } }));
        expect(plan.status).toBe(200);
        expect(pdfDone).toBe(false);
        expect((await pdf).res.status).toBe(200);
      } finally {
        await fresh.ctx.pdf?.pool.close();
      }
    },
    TIMEOUT,
  );

  it(
    'serves an unchanged plan from the cache and renders again once the data changed',
    async () => {
      const again = await fetchPdf(t.api, t.plan.id, '2021');
      expect(again.res.headers.get('x-cohesio-cache')).toBe('hit');
      expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(bytes))).toBe(0);

      const indicator = t.plan.actions[0]!.indicators[0]!;
      const put = await reply(
        t.api.plans[':planId'].indicators[':indicatorId'].values[':year'][':kind'].$put({
          param: { planId: t.plan.id, indicatorId: indicator.id, year: '2021', kind: 'actual' },
          json: { value: 42, version: 0 },
        }),
      );
      expect(put.status).toBe(200);
      const changed = await fetchPdf(t.api, t.plan.id, '2021');
      expect(changed.res.headers.get('x-cohesio-cache')).toBe('miss');
      // The plan as stored: its lineage (plans before and after) is not part of what is printed.
      const { lineage: _lineage, ...plan }: Plan & { lineage?: unknown } = await getPlan(t.app, t.plan.id);
      const cover = pdfPages(savePdf(changed.bytes, 'liege-2021-changed.pdf'))[0]!;
      expect(cover).toContain(fingerprintOf(plan));
      expect(cover).not.toContain(fingerprintOf(t.plan));
    },
    TIMEOUT,
  );

  it(
    'runs a job whose progress the page can follow, then serves its file',
    async () => {
      const jobs = t.api.plans[':planId']['pdf-jobs'];
      const started = await reply(jobs.$post({ param: { planId: t.plan.id }, json: { annee: 2022 } }));
      expect(started.status).toBe(202);
      let job: PdfJob = PdfJobSchema.parse(started.body);
      expect(job.annee).toBe(2022);
      const seen: PdfJob[] = [job];
      while (job.state !== 'done' && job.state !== 'failed') {
        await new Promise((r) => setTimeout(r, 50));
        job = PdfJobSchema.parse((await reply(jobs[':jobId'].$get({ param: { planId: t.plan.id, jobId: job.id } }))).body);
        seen.push(job);
      }
      expect(job.state).toBe('done');
      expect(job.progress).toBe(1);
      expect(job.filename).toBe('PCS Liège 2020-2026 - rapport 2022.pdf');
      // Progress never goes back, and the page saw the layout or the writing on the way.
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.progress).toBeGreaterThanOrEqual(seen[i - 1]!.progress);
      expect(seen.some((s) => s.stage === 'layout' || s.stage === 'writing')).toBe(true);
      // The address the job answers, followed as the page follows it (not rebuilt from the route).
      const res = await t.app.request(job.fileUrl!);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const text = pdfPages(savePdf(new Uint8Array(await res.arrayBuffer()), 'liege-2022.pdf'))[0]!;
      expect(text).toMatch(/Rapport annuel\s+2022/);
    },
    TIMEOUT,
  );

  it(
    'answers 409 for the file of a job still rendering',
    async () => {
      const jobs = t.api.plans[':planId']['pdf-jobs'];
      const planId = t.plan.id;
      const started = await reply(jobs.$post({ param: { planId }, json: { annee: 2023 } }));
      const res = await failure(jobs[':jobId'].file.$get({ param: { planId, jobId: started.body.id } }));
      expectApiError(res, 409, 'conflict');
      // Let it finish so no render outlives the test.
      let job = started.body;
      while (job.state !== 'done' && job.state !== 'failed') {
        await new Promise((r) => setTimeout(r, 100));
        job = (await reply(jobs[':jobId'].$get({ param: { planId, jobId: job.id } }))).body;
      }
    },
    TIMEOUT,
  );

  it('refuses a year outside the programme at "annee", an unknown plan and an unknown job', async () => {
    const planId = t.plan.id;
    const res = await failure(t.api.plans[':planId']['export.pdf'].$get({ param: { planId }, query: { annee: '2027' } }));
    expectApiError(res, 400, 'validation', 'annee');
    expect(res.body.message).toBe("L'année 2027 n'appartient pas au programme (2020-2026)");
    // A year that is not a number and an unknown field, malformed on purpose: sent raw, as a hostile client would.
    expectApiError(await sendRaw(t.app, 'POST', `/api/plans/${planId}/pdf-jobs`, { annee: 'deux mille' }), 400, 'validation', 'annee');
    expectApiError(await sendRaw(t.app, 'POST', `/api/plans/${planId}/pdf-jobs`, { annee: 2021, extra: 1 }), 400, 'validation');
    const unknownPlan = await t.api.plans[':planId']['export.pdf'].$get({ param: { planId: '00000000-0000-4000-8000-000000000000' }, query: {} });
    expect(unknownPlan.status).toBe(404);
    const job = (jobId: string) => t.api.plans[':planId']['pdf-jobs'][':jobId'].$get({ param: { planId, jobId } });
    expectApiError(await failure(job('00000000-0000-4000-8000-000000000000')), 404, 'not_found');
    expectApiError(await reply(job('pas-un-id')), 400, 'validation', 'jobId');
  });
});

describe('texts longer than a page', () => {
  it(
    'prints every word of a cell taller than a page, continued on the next pages',
    async () => {
      const plan = structuredClone(t.plan);
      const long = Array.from({ length: 1200 }, (_, i) => `mot${i} lorem ipsum`).join(' ');
      plan.actions[0]!.fiche.gratuiteCommentaire = long;
      plan.equipeMembres[0]!.nomPrenom = long;
      const doc = buildPlanPdf(gatherPdfInput(t.ctx, plan, 2021), { generatedAt: '2026-11-21T10:00:00Z' });
      const text = pdfPages(savePdf(await renderPdfDocument(doc), 'long-texts.pdf')).join('\n');
      for (const word of ['mot0', 'mot600', 'mot1199']) expect(text.match(new RegExp(`\\b${word}\\b`, 'g'))?.length, word).toBe(2);
    },
    TIMEOUT,
  );
});

describe('renderPdfDocument', () => {
  it('never fetches a URL named in a document', async () => {
    await expect(renderPdfDocument({ content: [{ image: 'http://127.0.0.1:9/x.png' }] })).rejects.toThrow();
  });

  it('never reads a file outside the fonts folder', async () => {
    await expect(renderPdfDocument({ content: [{ image: '/etc/hostname' }] })).rejects.toThrow();
  });

  it('prints user text that looks like a URL or markup as text', async () => {
    const pdf = await renderPdfDocument({
      content: [{ text: '<img src="http://x/y.png"> =HYPERLINK("http://x") 1\u202f234,56 €' }],
      defaultStyle: { font: 'Liberation Sans' },
    });
    const text = pdfPages(savePdf(pdf, 'hostile-text.pdf')).join('');
    expect(text).toContain('<img src="http://x/y.png">');
    expect(text).toContain('=HYPERLINK("http://x")');
  });
});
