import { and, eq } from 'drizzle-orm';
import { actions, indicators, transfers } from '../db/schema.ts';
import { ValidationError } from '../errors.ts';
import { FicheSchema, describeAction, type Action } from '../../schemas/action.ts';
import type { CreateActionBody, UpdateActionBody } from '../../schemas/requests/actions.ts';
import { STANDARD_INDICATORS } from '../../schemas/enums.ts';
import { IndicatorFieldsSchema } from '../../schemas/indicator.ts';
import { resolveCatalogueEntry } from '../../schemas/reference.ts';
import type { DbOrTx } from '../db/open.ts';
import { ficheForStorage, readPlan, requirePlanRow } from './plan-store.ts';
import { mutatePlan, orderedIds, reorder, requireVersion, savePositions } from './mutate.ts';
import { newIdOf, requireCatalogue, type ServiceContext } from './context.ts';
import { guardRowDeletion } from './references.ts';
import { actionPathPrefix, buildPath } from '../../schemas/plan-path.ts';

export function actionIdsOf(db: DbOrTx, planId: string): string[] {
  return orderedIds(db, actions, eq(actions.planId, planId));
}

function requireTransferOfPlan(db: DbOrTx, planId: string, transferId: string | null, path: string): void {
  if (transferId === null) return;
  const t = db
    .select({ id: transfers.id })
    .from(transfers)
    .where(and(eq(transfers.id, transferId), eq(transfers.planId, planId)))
    .get();
  if (!t) {
    // Named, not shown by its id: the person chose it in a list.
    const message = "Le transfert choisi pour l'opérateur n'existe pas (ou plus) dans ce plan : choisissez-en un autre";
    throw new ValidationError(message, [{ path, message }]);
  }
}

function findAction(db: DbOrTx, planId: string, actionId: string): Action | undefined {
  return readPlan(db, planId).actions.find((a) => a.id === actionId);
}

/**
 * Adds an action to the plan's list, after the last one. Its fiche starts with the form's standard activity
 * indicators and the catalogue's default rows for its code; an unknown code is accepted and reported by the checks.
 */
export function createAction(ctx: ServiceContext & { planId: string; input: CreateActionBody }): Action {
  const { input } = ctx;
  const id = newIdOf(ctx)();
  const fiche = FicheSchema.parse({ operateur: input.operateur ?? {} });
  const entry = resolveCatalogueEntry(requireCatalogue(ctx, requirePlanRow(ctx.db, ctx.planId).programmeId), input.code);
  const rows = [
    ...(entry?.indicators ?? []).filter((i) => i.category === 'realisation'),
    ...STANDARD_INDICATORS.map((s) => ({ category: s.category, label: s.label, unit: s.unit, standard: s.code })),
    ...(entry?.indicators ?? []).filter((i) => i.category !== 'realisation'),
  ];
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      requireTransferOfPlan(db, ctx.planId, fiche.operateur.transferId, 'operateur.transferId');
      const position = actionIdsOf(db, ctx.planId).length;
      db.insert(actions)
        .values({
          id,
          planId: ctx.planId,
          position,
          code: input.code,
          statut: input.statut,
          droitVise: input.droitVise,
          priorite: input.priorite,
          transferId: fiche.operateur.transferId,
          fiche: ficheForStorage(fiche),
          version: 1,
        })
        .run();
      rows.forEach((row, ip) => {
        const fields = IndicatorFieldsSchema.parse(row);
        db.insert(indicators)
          .values({ id: newIdOf(ctx)(), actionId: id, position: ip, ...fields, exAnte: null, version: 1 })
          .run();
      });
      return findAction(db, ctx.planId, id)!;
    },
    { addresses: () => ['actions'] },
  );
}

/** Each baseline of the fiche must name one of the action's indicators (400 at `fiche.valeursDeReference.<i>.indicatorId`). */
function requireBaselinesOfAction(db: DbOrTx, actionId: string, baselines: Action['fiche']['valeursDeReference']): void {
  if (!baselines.length) return;
  const ids = new Set(
    db
      .select({ id: indicators.id })
      .from(indicators)
      .where(eq(indicators.actionId, actionId))
      .all()
      .map((r) => r.id),
  );
  baselines.forEach((b, i) => {
    if (ids.has(b.indicatorId)) return;
    const message = 'La valeur de référence désigne un indicateur absent de cette fiche (supprimé depuis ?)';
    throw new ValidationError(message, [{ path: buildPath('fiche', 'valeursDeReference', i, 'indicatorId'), message }]);
  });
}

/** Replaces the list fields and the fiche body of an action; `position` moves it in the list. */
export function updateAction(ctx: ServiceContext & { planId: string; actionId: string } & UpdateActionBody): Action {
  const { data } = ctx;
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const where = and(eq(actions.id, ctx.actionId), eq(actions.planId, ctx.planId));
      requireVersion(db.select().from(actions).where(where).get(), ctx.version, "L'action", () => findAction(db, ctx.planId, ctx.actionId));
      requireTransferOfPlan(db, ctx.planId, data.fiche.operateur.transferId, 'fiche.operateur.transferId');
      requireBaselinesOfAction(db, ctx.actionId, data.fiche.valeursDeReference);
      db.update(actions)
        .set({
          code: data.code,
          statut: data.statut,
          droitVise: data.droitVise,
          priorite: data.priorite,
          transferId: data.fiche.operateur.transferId,
          fiche: ficheForStorage(data.fiche),
          version: ctx.version + 1,
        })
        .where(where)
        .run();
      if (ctx.position !== undefined) {
        savePositions(db, actions, reorder(actionIdsOf(db, ctx.planId), ctx.actionId, ctx.position));
      }
      return findAction(db, ctx.planId, ctx.actionId)!;
    },
    {
      // A partner operator edits the actions they operate, and no other, even with their current values.
      addresses: () => [actionPathPrefix(ctx.actionId)],
      unchanged: (db) => findAction(db, ctx.planId, ctx.actionId)!,
    },
  );
}

/**
 * Deletes an action with its indicators and values. While partner cards name it (or justifications name it or its
 * indicators) the answer is 409 `in_use` with the list; `detach` removes it from those cards first (each card's
 * change audited). A DiCS question on any of its values, or a report under review holding it, keeps it.
 */
export function deleteAction(ctx: ServiceContext & { planId: string; actionId: string; version: number; detach?: boolean }): void {
  mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const where = and(eq(actions.id, ctx.actionId), eq(actions.planId, ctx.planId));
      requireVersion(db.select().from(actions).where(where).get(), ctx.version, "L'action");
      const action = findAction(db, ctx.planId, ctx.actionId)!;
      guardRowDeletion(db, ctx.planId, actionPathPrefix(ctx.actionId), `La ${describeAction(action).replace(/^Fiche/, 'fiche')}`, ctx.detach ?? false);
      db.delete(actions).where(where).run();
      savePositions(db, actions, actionIdsOf(db, ctx.planId));
    },
    { addresses: () => ['actions'] },
  );
}
