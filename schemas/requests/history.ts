import type { z } from 'zod';
import { HistoryQuerySchema } from '../audit.ts';

/** Requests of the history routes (server/routes/history.ts). */

/** `GET /api/plans/:planId/history(.xlsx)?…`: which changes (a cell, a fiche, the whole plan), how many. */
export const HistoryQuery = HistoryQuerySchema;
export type HistoryQuery = z.infer<typeof HistoryQuery>;

/** Answer: the entries of the audit trail, newest first. */
export type { AuditEntry as HistoryEntry } from '../audit.ts';
