import { and, eq } from 'drizzle-orm';
import { actions, cells, indicators } from '../db/schema.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { indicatorValue, type Indicator } from '../../schemas/indicator.ts';
import type { CreateIndicatorBody, UpdateIndicatorBody } from '../../schemas/requests/actions.ts';
import type { DbOrTx } from '../db/open.ts';
import type { Plan } from '../../schemas/plan.ts';
import { readPlan } from './plan-store.ts';
import { mutatePlan, orderedIds, reorder, requireVersion, savePositions } from './mutate.ts';
import { newIdOf, type ServiceContext } from './context.ts';
import { guardRowDeletion } from './references.ts';
import { describeAction } from '../../schemas/action.ts';
import { indicatorPath, indicatorsPath } from '../../schemas/plan-path.ts';

/**
 * Indicator rows of a fiche action: category, label, unit, aggregation override and typed ex-ante.
 * Their yearly targets and actuals are cells (see cells.ts).
 */

function indicatorIds(db: DbOrTx, actionId: string): string[] {
  return orderedIds(db, indicators, eq(indicators.actionId, actionId));
}

function findIndicator(db: DbOrTx, planId: string, indicatorId: string): Indicator | undefined {
  for (const a of readPlan(db, planId).actions) {
    const found = a.indicators.find((i) => i.id === indicatorId);
    if (found) return found;
  }
  return undefined;
}

/** `actions.<id>.indicators.<id>`; `actions` for an indicator of no action of the plan (then 404 follows). */
function indicatorPathIn(plan: Plan, indicatorId: string): string {
  const action = plan.actions.find((a) => a.indicators.some((i) => i.id === indicatorId));
  return action ? indicatorPath(action.id, indicatorId) : 'actions';
}

function requireIndicatorOfPlan(db: DbOrTx, planId: string, indicatorId: string) {
  const row = db
    .select({ indicator: indicators })
    .from(indicators)
    .innerJoin(actions, eq(actions.id, indicators.actionId))
    .where(and(eq(indicators.id, indicatorId), eq(actions.planId, planId)))
    .get();
  return row?.indicator;
}

export function createIndicator(ctx: ServiceContext & { planId: string; actionId: string } & CreateIndicatorBody): Indicator {
  const fields = ctx.data;
  const id = newIdOf(ctx)();
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const action = db
        .select()
        .from(actions)
        .where(and(eq(actions.id, ctx.actionId), eq(actions.planId, ctx.planId)))
        .get();
      if (!action) throw new NotFoundError('Action introuvable');
      const ids = indicatorIds(db, ctx.actionId);
      db.insert(indicators)
        .values({ id, actionId: ctx.actionId, position: ids.length, ...fields, version: 1 })
        .run();
      if (ctx.position !== undefined) {
        savePositions(db, indicators, reorder([...ids, id], id, ctx.position));
      }
      return findIndicator(db, ctx.planId, id)!;
    },
    { addresses: () => [indicatorsPath(ctx.actionId)] },
  );
}

/**
 * Edits an indicator row. Changing its unit is refused while a stored value would not fit the new unit
 * (e.g. 150 as a percentage).
 */
export function updateIndicator(ctx: ServiceContext & { planId: string; indicatorId: string } & UpdateIndicatorBody): Indicator {
  const fields = ctx.data;
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const row = requireIndicatorOfPlan(db, ctx.planId, ctx.indicatorId);
      requireVersion(row, ctx.version, "L'indicateur", () => findIndicator(db, ctx.planId, ctx.indicatorId));
      if (row!.unit !== fields.unit) {
        const schema = indicatorValue(fields.unit);
        const stored = db.select().from(cells).where(eq(cells.indicatorId, ctx.indicatorId)).all();
        const bad = stored.find((c) => c.value !== null && !schema.safeParse(c.value).success);
        if (bad) {
          const message = `L'unité ne peut pas changer : la valeur de ${bad.period} ne convient pas à la nouvelle unité`;
          throw new ValidationError(message, [{ path: 'unit', message }]);
        }
      }
      db.update(indicators)
        .set({ ...fields, version: ctx.version + 1 })
        .where(eq(indicators.id, ctx.indicatorId))
        .run();
      if (ctx.position !== undefined) {
        savePositions(db, indicators, reorder(indicatorIds(db, row!.actionId), ctx.indicatorId, ctx.position));
      }
      return findIndicator(db, ctx.planId, ctx.indicatorId)!;
    },
    {
      addresses: (plan) => [indicatorPathIn(plan, ctx.indicatorId)],
      unchanged: (db) => findIndicator(db, ctx.planId, ctx.indicatorId)!,
    },
  );
}

/**
 * Deletes an indicator row with its values. A DiCS question on it, or a report under review holding it, keeps it
 * (409); justifications of its findings are listed (409 `in_use`) unless `detach` removes them with it.
 */
export function deleteIndicator(ctx: ServiceContext & { planId: string; indicatorId: string; version: number; detach?: boolean }): void {
  mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const row = requireIndicatorOfPlan(db, ctx.planId, ctx.indicatorId);
      requireVersion(row, ctx.version, "L'indicateur");
      const action = readPlan(db, ctx.planId).actions.find((a) => a.id === row!.actionId)!;
      const index = action.indicators.findIndex((i) => i.id === ctx.indicatorId);
      const what = `L'indicateur ${index + 1} « ${row!.label} » de la ${describeAction(action).replace(/^Fiche/, 'fiche')}`;
      guardRowDeletion(db, ctx.planId, indicatorPath(action.id, ctx.indicatorId), what, ctx.detach ?? false);
      db.delete(indicators).where(eq(indicators.id, ctx.indicatorId)).run();
      savePositions(db, indicators, indicatorIds(db, row!.actionId));
    },
    { addresses: (plan) => [indicatorPathIn(plan, ctx.indicatorId)] },
  );
}
