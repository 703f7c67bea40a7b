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
export const PlanParam = z.object({ planId: RowId });
