import type { Context, MiddlewareHandler } from 'hono';
import { zValidator } from '@hono/zod-validator';
import type { z } from 'zod';
import { ValidationError } from '../errors.ts';

/** What a body that is not JSON, or not a form, is answered: in French, saying what was sent. */
export const BODY_MESSAGES = {
  invalidJson: 'Requête invalide : le corps doit être du JSON valide',
  emptyJson: 'Requête invalide : le corps est vide, un objet JSON est attendu',
  notJson: (type: string) =>
    `Requête invalide : le corps doit être du JSON (Content-Type: application/json), reçu ${type ? `« ${type} »` : 'sans Content-Type'}`,
  notForm: (type: string) =>
    `Requête invalide : le fichier s’envoie dans un formulaire multipart/form-data (champ « file »), reçu ${type ? `« ${type} »` : 'sans Content-Type'}`,
  badForm: 'Requête invalide : le formulaire envoyé (multipart/form-data) est mal formé, le fichier n’a pas pu être lu : renvoyez-le depuis la page d’import',
} as const;

const mediaTypeOf = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
const isJsonType = (type: string) => /^application\/([\w.-]+\+)?json$/.test(type);

/**
 * The body must be what the route reads, before its schema judges the content: JSON for a JSON route (an empty body
 * or another type is refused by name, not read as `{}`), a well-formed multipart form for an upload.
 */
async function requireBodyOf(c: Context, target: 'json' | 'form'): Promise<void> {
  const type = mediaTypeOf(c);
  if (target === 'json') {
    const text = await c.req.text();
    if (!isJsonType(type)) {
      // No body at all (a DELETE, an approval without comment) is no body, whatever its type.
      if (text.trim() !== '') throw new ValidationError(BODY_MESSAGES.notJson(type), []);
      return;
    }
    if (text.trim() === '') throw new ValidationError(BODY_MESSAGES.emptyJson, []);
    try {
      JSON.parse(text);
    } catch {
      throw new ValidationError(BODY_MESSAGES.invalidJson, []);
    }
    return;
  }
  if (type !== 'multipart/form-data' && type !== 'application/x-www-form-urlencoded') {
    const message = BODY_MESSAGES.notForm(type);
    throw new ValidationError(message, [{ path: 'file', message }]);
  }
  try {
    // Read once here and kept by the request: the validator then uses the same form.
    await c.req.formData();
  } catch {
    throw new ValidationError(BODY_MESSAGES.badForm, [{ path: 'file', message: BODY_MESSAGES.badForm }]);
  }
}

/** zod validation of a request part; a failure becomes our 400 error shape with the field paths. */
export function validate<T extends 'json' | 'query' | 'param' | 'form', S extends z.ZodType>(target: T, schema: S) {
  const validator = zValidator(target, schema, (result) => {
    if (!result.success) throw ValidationError.fromZod(result.error);
  });
  if (target !== 'json' && target !== 'form') return validator;
  const checked: MiddlewareHandler = async (c, next) => {
    await requireBodyOf(c, target as 'json' | 'form');
    return validator(c, next);
  };
  return checked as typeof validator;
}
