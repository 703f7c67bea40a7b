import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { openDatabase } from '../../server/db/open.ts';
import { loadReference } from '../../server/services/programmes.ts';
import { seedRegion, type RegionSeedResult } from '../../server/services/region-seed.ts';
import { readPlan } from '../../server/services/plan-store.ts';
import { getSubmissionFile, listObligations, listSubmissions } from '../../server/services/submissions.ts';
import { createPdfPool } from '../../server/workers/pdf-pool.ts';
import { createHash } from 'node:crypto';
import { submissions, users } from '../../server/db/schema.ts';
import { PlanDocumentSchema } from '../../schemas/plan.ts';
import type { ServiceContext } from '../../server/services/context.ts';
import { loadReferenceData } from '../../server/reference.ts';

/** The context clock of the region: a December, when the previous year's report is past due. */
const NOW = '2026-12-01T10:00:00.000Z';
const templates = loadReferenceData();

async function seededRegion(count: number, seed: number): Promise<{ ctx: ServiceContext; result: RegionSeedResult }> {
  const db = openDatabase(':memory:');
  const ctx: ServiceContext = { db, reference: loadReference(db, templates), now: () => NOW };
  return { ctx, result: await seedRegion(ctx, { count, seed }) };
}

/** Ids replaced by their order of first appearance, so two runs compare on content. */
function withoutIds(value: unknown): string {
  const ids = new Map<string, string>();
  return JSON.stringify(value).replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => {
    if (!ids.has(id)) ids.set(id, `id${ids.size}`);
    return ids.get(id)!;
  });
}

function contentOf(ctx: ServiceContext, result: RegionSeedResult) {
  return result.plans.map((p) => ({
    ...p,
    plan: readPlan(ctx.db, p.planId),
    submissions: ctx.db
      .select({
        kind: submissions.kind,
        annee: submissions.annee,
        numero: submissions.numero,
        statut: submissions.statut,
        soumisLe: submissions.soumisLe,
        soumisPar: submissions.soumisPar,
        decideLe: submissions.decideLe,
        motif: submissions.motif,
        changements: submissions.changements,
        fichiers: submissions.fichiers,
      })
      .from(submissions)
      .where(eq(submissions.planId, p.planId))
      .all(),
  }));
}

describe('seedRegion', () => {
  const previousEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = previousEnv;
  });

  it('gives the same plans, people and submissions for the same seed (ids aside), varied porteurs and statuses, plans that read back valid', async () => {
    const a = await seededRegion(12, 7);
    const b = await seededRegion(12, 7);
    expect(withoutIds(contentOf(b.ctx, b.result))).toBe(withoutIds(contentOf(a.ctx, a.result)));

    const { ctx, result } = a;
    expect(result.plans).toHaveLength(12);
    expect(result.programmeId).toBe('pcs-2020-2025');
    const natures = new Set(result.plans.map((p) => p.nature));
    expect([...natures].sort()).toEqual(['association', 'commune', 'cpas']);
    const profiles = new Set(result.plans.map((p) => p.profile));
    for (const profile of ['en-preparation', 'soumis', 'retourne', 'en-retard'] as const) expect(profiles).toContain(profile);
    expect(new Set(result.plans.map((p) => p.province)).size).toBeGreaterThan(2);
    expect(new Set(result.plans.map((p) => p.actions)).size).toBeGreaterThan(2);

    for (const seeded of result.plans) {
      const { id: _id, createdAt: _c, updatedAt: _u, versions: _v, cellVersions: _cv, ...document } = readPlan(ctx.db, seeded.planId);
      expect(PlanDocumentSchema.safeParse(document).error?.issues ?? [], seeded.organisation).toEqual([]);
      // Where the latest past-due report stands, as the plan's obligations say it on the context's clock.
      const report2025 = listObligations({ ...ctx, planId: seeded.planId }).find((o) => o.annee === 2025)!;
      const expected = { 'en-preparation': 'approuve', soumis: 'soumis', resoumis: 'soumis', retourne: 'retourne', 'en-retard': 'brouillon' }[seeded.profile];
      expect(report2025.statut, seeded.organisation).toBe(expected);
      expect(report2025.enRetard).toBe(seeded.profile === 'en-retard' || seeded.profile === 'retourne');
      const earlier = listObligations({ ...ctx, planId: seeded.planId }).filter((o) => o.annee < 2025);
      expect(earlier.every((o) => o.statut === 'approuve')).toBe(true);
    }
    const cpas = result.plans.find((p) => p.nature === 'cpas')!;
    const cpasPlan = readPlan(ctx.db, cpas.planId);
    expect(cpasPlan.porteur.porteParQui).toBe('Le CPAS');
    // A CPAS books art. 20 on function 80111, a commune on 84011.
    const art20Codes = (planId: string) =>
      new Set(
        readPlan(ctx.db, planId)
          .imputations.filter((l) => l.libelle?.includes('art. 20'))
          .map((l) => l.codeFonctionnel),
      );
    for (const p of result.plans) for (const code of art20Codes(p.planId)) expect(code).toBe(p.nature === 'cpas' ? '80111' : '84011');
    expect(cpasPlan.imputations.length).toBeGreaterThan(0);
    const association = result.plans.find((p) => p.nature === 'association')!;
    expect(readPlan(ctx.db, association.planId).porteur.communesAssociees.length).toBeGreaterThanOrEqual(2);
    // Files are generated at their first download, never stored empty.
    const rows = ctx.db.select({ fichiers: submissions.fichiers, pdf: submissions.pdf }).from(submissions).all();
    expect(rows.every((r) => r.fichiers === 'a-generer' && r.pdf === null)).toBe(true);
    // The chef de projet of each organisation can sign in.
    expect(ctx.db.select().from(users).where(eq(users.email, cpas.chefEmail)).get()?.role).toBe('chef-de-projet');
  }, 60_000);

  it('leaves out the communes that already have a plan of the programme', async () => {
    const { ctx } = await seededRegion(3, 7);
    const again = await seedRegion(ctx, { count: 3, seed: 7 });
    expect(again.skipped).toHaveLength(3);
    const communes = new Set(again.plans.map((p) => p.organisation));
    expect(again.skipped.some((c) => communes.has(c))).toBe(false);
  }, 60_000);

  it('generates the files of a seeded submission at their first download, through the same generators, and keeps them', async () => {
    const { ctx, result } = await seededRegion(1, 3);
    const planId = result.plans[0]!.planId;
    const first = listSubmissions({ ...ctx, planId })[0]!;
    expect(first).toMatchObject({ fichiers: 'a-generer', pdfSha256: null, message: 'Classeur et PDF générés au premier téléchargement' });
    const pdfPool = createPdfPool({ maxWorkers: 1 });
    try {
      const pdf = await getSubmissionFile({ ...ctx, pdfPool, planId, submissionId: first.id, kind: 'pdf' });
      expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString()).toBe('%PDF-');
      expect(createHash('sha256').update(pdf.bytes).digest('hex')).toBe(pdf.sha256);
      const xlsx = await getSubmissionFile({ ...ctx, pdfPool, planId, submissionId: first.id, kind: 'xlsx' });
      expect(xlsx.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(listSubmissions({ ...ctx, planId })[0]).toMatchObject({ fichiers: 'prets', pdfSha256: pdf.sha256, xlsxSha256: xlsx.sha256 });
    } finally {
      await pdfPool.close();
    }
  }, 60_000);

  it('generates again, at the next download, files whose generation failed or was abandoned by a stopped server', async () => {
    const { ctx, result } = await seededRegion(1, 3);
    const planId = result.plans[0]!.planId;
    const [abandoned, failed] = listSubmissions({ ...ctx, planId });
    // A server stopped while generating leaves `en-cours` with no generation in any process; a failed render leaves `echec`.
    ctx.db.update(submissions).set({ fichiers: 'en-cours' }).where(eq(submissions.id, abandoned!.id)).run();
    ctx.db.update(submissions).set({ fichiers: 'echec' }).where(eq(submissions.id, failed!.id)).run();
    const listed = new Map(listSubmissions({ ...ctx, planId }).map((s) => [s.id, s]));
    expect(listed.get(abandoned!.id)).toMatchObject({
      fichiers: 'echec',
      message: expect.stringMatching(/interrompue \(arrêt du serveur\) : elle est relancée au prochain téléchargement/),
    });
    expect(listed.get(failed!.id)).toMatchObject({
      fichiers: 'echec',
      message: expect.stringMatching(/a échoué : elle est relancée au prochain téléchargement/),
    });
    const pdfPool = createPdfPool({ maxWorkers: 1 });
    try {
      for (const s of [abandoned!, failed!]) {
        const pdf = await getSubmissionFile({ ...ctx, pdfPool, planId, submissionId: s.id, kind: 'pdf' });
        expect(Buffer.from(pdf.bytes.subarray(0, 5)).toString()).toBe('%PDF-');
      }
      const after = listSubmissions({ ...ctx, planId }).filter((s) => s.id === abandoned!.id || s.id === failed!.id);
      expect(after.map((s) => s.fichiers)).toEqual(['prets', 'prets']);
    } finally {
      await pdfPool.close();
    }
  }, 120_000);

  it('refuses to run in production, with a French message', async () => {
    process.env.NODE_ENV = 'production';
    const db = openDatabase(':memory:');
    await expect(seedRegion({ db, reference: loadReference(db, templates), now: () => NOW }, { count: 3, seed: 1 })).rejects.toThrow(
      /ne se charge jamais en production/,
    );
  });
});
