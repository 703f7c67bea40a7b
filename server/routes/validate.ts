import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { ValidationError } from '../errors.ts';
import { RowId, Version } from '../../schemas/primitives.ts';

/** zod validation of a request part; a failure becomes our 400 error shape with the field paths. */
export function validate<T extends 'json' | 'query' | 'param' | 'form', S extends z.ZodType>(target: T, schema: S) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw ValidationError.fromZod(result.error as unknown as z.ZodError);
  });
}

/** Body of an edit: the version the client last saw, the new content and, for ordered rows, a new position. */
export const EditBody = z
  .object({ version: Version, data: z.unknown(), position: z.number().int().min(0).max(10_000).optional() })
  .strict();
export const CreateBody = z.object({ data: z.unknown() }).strict();
export const VersionQuery = z.object({ version: z.coerce.number().int().min(0) }).strict();
/**
 * Query of a row's deletion: its version and, with `detacher=1`, the consent to detach the rows pointing at it
 * (fiches of a transfer, partner cards of an action, justifications) instead of a 409 `in_use` listing them.
 */
export const DeleteQuery = VersionQuery.extend({
  detacher: z.enum(['0', '1'], { message: '« detacher » vaut 1 (détacher puis supprimer) ou 0' }).optional(),
}).strict();
export const isDetach = (q: { detacher?: '0' | '1' | undefined }) => q.detacher === '1';
export const PlanParam = z.object({ planId: RowId });
