import { count } from 'drizzle-orm';
import { plans } from '../db/schema.ts';
import { readSampleDocument, LIEGE_SAMPLE } from '../../samples/load-sample.ts';
import type { Plan } from '../../schemas/plan.ts';
import { importPlanDocument } from './plans.ts';
import type { ServiceContext } from './context.ts';
import { refuseDemoDataInProduction } from './demo-accounts.ts';

/** Loads a sample plan (the Liège sample by default) as a new plan. */
export function seedSample(ctx: ServiceContext, name: string = LIEGE_SAMPLE): Plan {
  refuseDemoDataInProduction('Plan exemple');
  return importPlanDocument({ ...ctx, document: readSampleDocument(name) });
}

/** Loads the Liège sample when the database holds no plan yet; answers the new plan or null. */
export function seedSampleIfEmpty(ctx: ServiceContext): Plan | null {
  const [row] = ctx.db.select({ n: count() }).from(plans).all();
  if ((row?.n ?? 0) > 0) return null;
  return seedSample(ctx);
}
