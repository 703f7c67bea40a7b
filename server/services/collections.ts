import type { z } from 'zod';
import { and, eq } from 'drizzle-orm';
import { planRows, transfers } from '../db/schema.ts';
import { parseOrThrow } from '../errors.ts';
import { COLLECTION_SCHEMAS, type CollectionKey } from '../../schemas/plan.ts';
import type { DbOrTx } from '../db/open.ts';
import { listRowPath, transferPath } from '../../schemas/plan-path.ts';
import type { CreateTransferBody, UpdateTransferBody } from '../../schemas/requests/lists.ts';
import { mutatePlan, orderedIds, reorder, requireVersion, savePositions } from './mutate.ts';
import { deleteCellsOfRow } from './plan-store.ts';
import { guardRowDeletion } from './references.ts';
import { newIdOf, type ServiceContext } from './context.ts';

/**
 * Rows of the fiche plan's lists: team members, trainings, meetings, partner cards (JSON rows of `plan_rows`)
 * and partner transfers (typed rows of `transfers`, money in cents). Each row is created, edited, moved and
 * deleted on its own, with its version.
 */

type RowEdit = { version: number; data: unknown; position?: number | undefined };

const COLLECTION_LABELS: Record<CollectionKey, string> = {
  equipeMembres: "Le membre de l'équipe",
  formations: 'La formation',
  reunionsOrganisees: 'La réunion organisée',
  reunionsInvite: 'La réunion (invité)',
  partenaires: 'La fiche partenaire',
};

function collectionIds(db: DbOrTx, planId: string, collection: CollectionKey): string[] {
  return orderedIds(db, planRows, and(eq(planRows.planId, planId), eq(planRows.collection, collection)));
}

export function createCollectionRow(ctx: ServiceContext & { planId: string; collection: CollectionKey; data: unknown }) {
  const data = parseOrThrow(COLLECTION_SCHEMAS[ctx.collection] as z.ZodType<Record<string, unknown>>, ctx.data, [ctx.collection]);
  const id = newIdOf(ctx)();
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const position = collectionIds(db, ctx.planId, ctx.collection).length;
      db.insert(planRows).values({ id, planId: ctx.planId, collection: ctx.collection, position, data, version: 1 }).run();
      return { id, version: 1, ...data };
    },
    { addresses: () => [ctx.collection] },
  );
}

export function updateCollectionRow(ctx: ServiceContext & { planId: string; collection: CollectionKey; rowId: string } & RowEdit) {
  const data = parseOrThrow(COLLECTION_SCHEMAS[ctx.collection] as z.ZodType<Record<string, unknown>>, ctx.data, [ctx.collection]);
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const where = and(eq(planRows.id, ctx.rowId), eq(planRows.planId, ctx.planId), eq(planRows.collection, ctx.collection));
      const row = db.select().from(planRows).where(where).get();
      requireVersion(row, ctx.version, COLLECTION_LABELS[ctx.collection], (r) => ({ id: r.id, version: r.version, ...(r.data as object) }));
      db.update(planRows)
        .set({ data, version: ctx.version + 1 })
        .where(where)
        .run();
      if (ctx.position !== undefined) {
        savePositions(db, planRows, reorder(collectionIds(db, ctx.planId, ctx.collection), ctx.rowId, ctx.position));
      }
      return { id: ctx.rowId, version: ctx.version + 1, ...data };
    },
    {
      addresses: () => [listRowPath(ctx.collection, ctx.rowId)],
      unchanged: (db) => {
        const row = db.select().from(planRows).where(eq(planRows.id, ctx.rowId)).get()!;
        return { id: row.id, version: row.version, ...(row.data as Record<string, unknown>) };
      },
    },
  );
}

/** The row's own name in messages: « Dupont Marie », « Sous-commission habitat »… */
function rowName(data: unknown): string {
  const d = (data ?? {}) as Record<string, unknown>;
  const name = d.nomPrenom ?? d.nom ?? d.thematique;
  return typeof name === 'string' ? ` « ${name} »` : '';
}

/**
 * Deletes a row of a list. A row a DiCS question is about stays (409 `in_use`); justifications of its findings are
 * listed (409) unless `detach` removes them with it.
 */
export function deleteCollectionRow(
  ctx: ServiceContext & { planId: string; collection: CollectionKey; rowId: string; version: number; detach?: boolean },
): void {
  mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const where = and(eq(planRows.id, ctx.rowId), eq(planRows.planId, ctx.planId), eq(planRows.collection, ctx.collection));
      const row = requireVersion(db.select().from(planRows).where(where).get(), ctx.version, COLLECTION_LABELS[ctx.collection]);
      guardRowDeletion(db, ctx.planId, listRowPath(ctx.collection, ctx.rowId), `${COLLECTION_LABELS[ctx.collection]}${rowName(row.data)}`, ctx.detach ?? false);
      db.delete(planRows).where(where).run();
    },
    { addresses: () => [listRowPath(ctx.collection, ctx.rowId)] },
  );
}

function transferIds(db: DbOrTx, planId: string): string[] {
  return orderedIds(db, transfers, eq(transfers.planId, planId));
}

const transferOut = (r: typeof transfers.$inferSelect) => ({
  id: r.id,
  version: r.version,
  partenaire: r.partenaire,
  art20: r.art20,
  montant: r.montantCents,
});

export function createTransfer(ctx: ServiceContext & { planId: string } & CreateTransferBody) {
  const { data } = ctx;
  const id = newIdOf(ctx)();
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const position = transferIds(db, ctx.planId).length;
      db.insert(transfers)
        .values({ id, planId: ctx.planId, position, partenaire: data.partenaire, art20: data.art20, montantCents: data.montant, version: 1 })
        .run();
      return { id, version: 1, ...data };
    },
    { addresses: () => ['transferts'] },
  );
}

export function updateTransfer(ctx: ServiceContext & { planId: string; transferId: string } & UpdateTransferBody) {
  const { data } = ctx;
  return mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const where = and(eq(transfers.id, ctx.transferId), eq(transfers.planId, ctx.planId));
      requireVersion(db.select().from(transfers).where(where).get(), ctx.version, 'Le transfert', transferOut);
      db.update(transfers)
        .set({ partenaire: data.partenaire, art20: data.art20, montantCents: data.montant, version: ctx.version + 1 })
        .where(where)
        .run();
      if (ctx.position !== undefined) {
        savePositions(db, transfers, reorder(transferIds(db, ctx.planId), ctx.transferId, ctx.position));
      }
      return { id: ctx.transferId, version: ctx.version + 1, ...data };
    },
    {
      addresses: () => [transferPath(ctx.transferId)],
      unchanged: (db) => transferOut(db.select().from(transfers).where(eq(transfers.id, ctx.transferId)).get()!),
    },
  );
}

/**
 * Deletes a transfer and its yearly amounts. While fiches have it as their operator's transfer (or justifications
 * name it) the answer is 409 `in_use` with the list; `detach` first unlinks those fiches (their operator keeps its
 * name; each fiche's change is in the audit trail) — which also ends a partner operator's rights on the fiches they
 * only operated through this transfer. A DiCS question or a report under review on the transfer keeps it.
 */
export function deleteTransfer(ctx: ServiceContext & { planId: string; transferId: string; version: number; detach?: boolean }): void {
  mutatePlan(
    ctx,
    ctx.planId,
    (db) => {
      const where = and(eq(transfers.id, ctx.transferId), eq(transfers.planId, ctx.planId));
      const row = requireVersion(db.select().from(transfers).where(where).get(), ctx.version, 'Le transfert', transferOut);
      guardRowDeletion(db, ctx.planId, transferPath(ctx.transferId), `Le transfert « ${row.partenaire} »`, ctx.detach ?? false);
      db.delete(transfers).where(where).run();
      deleteCellsOfRow(db, ctx.planId, 'transfer', ctx.transferId);
    },
    { addresses: () => [transferPath(ctx.transferId)] },
  );
}
