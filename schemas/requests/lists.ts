import { z } from 'zod';
import { COLLECTION_KEYS } from '../plan.ts';
import { TransferFieldsSchema, type Transfer } from '../transfer.ts';
import { RowId, Version } from '../primitives.ts';
import { Position, withData, withServiceData, type JsonObject } from './shared.ts';

/** Requests of the lists' routes (server/routes/lists.ts): rows of the fiche plan's lists and partner transfers. */

export const ListParam = z.object({ planId: RowId, collection: z.enum(COLLECTION_KEYS) });
export type ListParam = z.infer<typeof ListParam>;
export const ListRowParam = ListParam.extend({ rowId: RowId });
export type ListRowParam = z.infer<typeof ListRowParam>;
export const TransferParam = z.object({ planId: RowId, transferId: RowId });
export type TransferParam = z.infer<typeof TransferParam>;

/**
 * A row of one of the lists: a JSON object here, parsed by the service with its collection's schema (the route does
 * not know the collection's schema, and its issues are named after the collection: `equipeMembres.nom`).
 */
export type ListRowData = JsonObject;

/** `POST /api/plans/:planId/lists/:collection`. */
export const CreateListRowBody = withServiceData<Record<never, never>, ListRowData>({});
export type CreateListRowBody = z.infer<typeof CreateListRowBody>;
/** `PUT /api/plans/:planId/lists/:collection/:rowId`: new content, version last seen, and a new position. */
export const UpdateListRowBody = withServiceData<{ version: typeof Version; position: z.ZodOptional<typeof Position> }, ListRowData>({
  version: Version,
  position: Position.optional(),
});
export type UpdateListRowBody = z.infer<typeof UpdateListRowBody>;

/** `POST /api/plans/:planId/transfers`; issues are named `transferts.<champ>`. */
export const CreateTransferBody = withData({}, TransferFieldsSchema, ['transferts']);
export type CreateTransferBody = z.infer<typeof CreateTransferBody>;
/** `PUT /api/plans/:planId/transfers/:transferId`. */
export const UpdateTransferBody = withData({ version: Version, position: Position.optional() }, TransferFieldsSchema, ['transferts']);
export type UpdateTransferBody = z.infer<typeof UpdateTransferBody>;

/** Answer of a transfer's creation or edit (without its yearly amounts, which are cells). */
export type TransferResponse = Omit<Transfer, 'parAnnee'>;
