import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../server/db/open.ts';
import { loadReference } from '../../server/services/programmes.ts';
import { seedRegion } from '../../server/services/region-seed.ts';
import { readPlan, readPlans } from '../../server/services/plan-store.ts';
import type { ServiceContext } from '../../server/services/context.ts';
import { loadReferenceData } from '../../server/reference.ts';

describe('readPlans: many plans read set-wise', () => {
  it('gives each plan exactly as reading it alone does, in the order asked, and leaves out unknown ids', async () => {
    const db = openDatabase(':memory:');
    const ctx: ServiceContext = { db, reference: loadReference(db, loadReferenceData()), now: () => '2026-12-01T10:00:00.000Z' };
    const { plans } = await seedRegion(ctx, { count: 4, seed: 7 });
    const ids = plans.map((p) => p.planId).reverse();
    const read = readPlans(db, [...ids, 'inconnu', ids[0]!]);
    expect([...read.keys()]).toEqual(ids);
    for (const id of ids) {
      // Same document, same key order (the fingerprints of imports and the workbook cache hash its JSON).
      expect(JSON.stringify(read.get(id))).toBe(JSON.stringify(readPlans(db, [id]).get(id)));
      expect(read.get(id)).toEqual(readPlan(db, id));
    }
    expect(new Set(ids.map((id) => read.get(id)!.actions.length)).size).toBeGreaterThan(0);
    expect(() => readPlan(db, 'inconnu')).toThrow(/Plan introuvable : inconnu/);
  });
});
