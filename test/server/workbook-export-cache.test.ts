import { describe, expect, it } from 'vitest';
import { makeLiegeApp } from '../helpers.ts';
import { openWorkbook } from '../workbook-edit.ts';
import { createImputation } from '../../server/services/finance.ts';
import { createByteCache } from '../../server/byte-cache.ts';

/** The export of an unchanged plan may come from the cache; any change of the plan gives a workbook with it. */

describe('GET /api/plans/:id/export.xlsx and its cache', () => {
  it('answers the same workbook for an unchanged plan, and a workbook with the change after one', async () => {
    const t = makeLiegeApp();
    const get = async () => new Uint8Array(await (await t.api.plans[':planId']['export.xlsx'].$get({ param: { planId: t.plan.id } })).arrayBuffer());
    const first = await get();
    expect(await get()).toEqual(first);

    const year = t.reference.programmes.find((p) => p.id === t.plan.programmeId)!.years[0]!;
    createImputation({
      ...t.ctx,
      planId: t.plan.id,
      data: { annee: year, codeFonctionnel: '84010', articleEconomique: '465-48', libelle: 'Ajoutée après le premier export', montant: 12_345, nature: null },
    });
    const after = await get();
    expect(after).not.toEqual(first);
    const texts: unknown[] = [];
    (await openWorkbook(after)).getWorksheet('Imputations')!.eachRow((row) => texts.push(...(row.values as unknown[])));
    expect(texts).toContain('Ajoutée après le premier export');
  });
});

describe('createByteCache', () => {
  it('keeps at most its bound in bytes, dropping the least recently used first, and never a file larger than the bound', async () => {
    const cache = createByteCache(10);
    const file = (n: number) => async () => new Uint8Array(n);
    expect((await cache.getOrProduce('a', file(4))).cached).toBe(false);
    expect((await cache.getOrProduce('b', file(4))).cached).toBe(false);
    expect((await cache.getOrProduce('a', file(4))).cached).toBe(true); // a is now the most recent
    await cache.getOrProduce('c', file(4)); // 12 bytes: b, the least recently used, leaves
    expect(cache.size).toBe(8);
    expect((await cache.getOrProduce('a', file(4))).cached).toBe(true);
    expect((await cache.getOrProduce('b', file(4))).cached).toBe(false);
    await cache.getOrProduce('huge', file(11));
    expect((await cache.getOrProduce('huge', file(11))).cached).toBe(false);
    expect(cache.size).toBeLessThanOrEqual(10);
  });

  it('produces a file once for two requests made while it is being produced', async () => {
    const cache = createByteCache(100);
    let produced = 0;
    const produce = async () => {
      produced++;
      await new Promise((r) => setTimeout(r, 10));
      return new Uint8Array(3);
    };
    const [x, y] = await Promise.all([cache.getOrProduce('k', produce), cache.getOrProduce('k', produce)]);
    expect(produced).toBe(1);
    expect([x.cached, y.cached].sort()).toEqual([false, true]);
  });
});
