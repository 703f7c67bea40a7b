import type { z } from 'zod';
import type { ApiError, ApiIssue } from '../schemas/errors.ts';
import { pathOfIssue } from '../schemas/plan-path.ts';

/** Typed errors thrown by services; `app.onError` maps them to the API error shape. */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503,
    readonly code: ApiError['code'],
    message: string,
    readonly issues: ApiIssue[] = [],
    readonly current?: unknown,
  ) {
    super(message);
  }

  /** Headers the answer carries besides the JSON body (none by default). */
  responseHeaders(): Record<string, string> {
    return {};
  }
}

export class NotFoundError extends AppError {
  constructor(message: string) {
    super(404, 'not_found', message);
  }
}

/** No valid session: the person must sign in. */
export class UnauthenticatedError extends AppError {
  constructor(message = 'Connectez-vous pour continuer') {
    super(401, 'unauthenticated', message);
  }
}

/** Signed in, but the role does not allow this; `issues` name the refused values when a change touched several. */
export class ForbiddenError extends AppError {
  constructor(message: string, issues: ApiIssue[] = []) {
    super(403, 'forbidden', message, issues);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, current: unknown, issues: ApiIssue[] = []) {
    super(409, 'conflict', message, issues, current);
  }
}

/**
 * The row is pointed at by other rows (fiches whose operator it funds, partner cards, DiCS questions…): deleting it
 * would leave them pointing at nothing. `current` lists the references and says whether they can be detached.
 */
export class InUseError extends AppError {
  constructor(message: string, issues: ApiIssue[], current: unknown) {
    super(409, 'in_use', message, issues, current);
  }
}

/**
 * The server cannot take this request now (its PDF renderers' waiting line is full): 503 with `Retry-After`, the
 * seconds after which asking again should succeed.
 */
export class UnavailableError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(503, 'unavailable', message);
  }

  override responseHeaders(): Record<string, string> {
    return { 'Retry-After': String(this.retryAfterSeconds) };
  }
}

export class ValidationError extends AppError {
  constructor(message: string, issues: ApiIssue[]) {
    super(400, 'validation', message, issues);
  }

  static fromZod(error: Pick<z.core.$ZodError, 'issues'>, prefix: readonly PropertyKey[] = []): ValidationError {
    const issues = error.issues.map((i) => ({ path: pathOfIssue([...prefix, ...i.path]), message: i.message }));
    return new ValidationError(summarise(issues), issues);
  }
}

function summarise(issues: ApiIssue[]): string {
  const first = issues[0];
  if (!first) return 'Données invalides';
  const where = first.path ? ` (${first.path})` : ' (corps de la requête)';
  const more = issues.length > 1 ? ` — et ${issues.length - 1} autre(s) problème(s)` : '';
  return `Données invalides${where} : ${first.message}${more}`;
}

/** Parses `data` with `schema` or throws a 400 whose issue paths start with `prefix`. */
export function parseOrThrow<S extends z.ZodType>(schema: S, data: unknown, prefix: readonly PropertyKey[] = []): z.output<S> {
  const r = schema.safeParse(data);
  if (!r.success) throw ValidationError.fromZod(r.error, prefix);
  return r.data;
}
