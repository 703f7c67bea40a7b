import { hc } from 'hono/client';
import type { AppType } from '../server/app.ts';
import { ApiErrorSchema, type ApiError } from '../schemas/errors.ts';

/** The typed API client: every route and its answer type come from the server's `AppType`. */
export const api = hc<AppType>('/').api;

/** The server answered with our error shape (400, 404, 409, 413…). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.message);
  }
  get isConflict(): boolean {
    return this.status === 409;
  }
}

/** The request did not reach the server or got no usable answer: worth retrying later. */
export class NetworkFailure extends Error {}

/**
 * Awaits a call of the typed client and returns its JSON body, or throws `ApiFailure` with the parsed error shape,
 * or `NetworkFailure` when the server cannot be reached (offline, server restarting, 5xx from a proxy).
 */
export async function send<T>(request: Promise<{ ok: boolean; status: number; json(): Promise<T> } & Response>): Promise<T> {
  let res: Response & { json(): Promise<T> };
  try {
    res = await request;
  } catch (err) {
    throw new NetworkFailure(err instanceof Error ? err.message : String(err));
  }
  if (res.status === 204) return undefined as T;
  if (res.ok) return res.json();
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = null;
  }
  const parsed = ApiErrorSchema.safeParse(body);
  if (parsed.success && res.status < 500) throw new ApiFailure(res.status, parsed.data);
  if (res.status >= 500 && !parsed.success) throw new NetworkFailure(`Réponse ${res.status} du serveur`);
  throw new ApiFailure(res.status, parsed.success ? parsed.data : { code: 'internal', message: `Erreur ${res.status}`, issues: [] });
}
