import { hc } from 'hono/client';
import type { AppType } from '../server/app.ts';
import { ApiErrorSchema, type ApiError } from '../schemas/errors.ts';
import { ORIGIN_HEADER, type ChangeOrigin } from '../schemas/audit.ts';

/** The one address whose 401 means "wrong e-mail or password" rather than "no session". */
const SIGN_IN_PATH = '/api/auth/login';
const isSignIn = (url: string) => new URL(url, location.href).pathname === SIGN_IN_PATH;

let sessionLost: () => void = () => {};
/**
 * Who to tell when a request finds no session (expired, closed by a password change or a sign-out in another tab):
 * the application shows the sign-in page. Told at every such answer; the listener must be idempotent.
 */
export function onSessionLost(listener: () => void): void {
  sessionLost = listener;
}

/** `fetch`, watching for the end of the session whatever the caller does with the answer. */
const fetchWatchingSession: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (res.status === 401 && !isSignIn(url)) sessionLost();
  return res;
};

/** Every change sent by this application is recorded in the audit trail as made in the application's screens. */
const ORIGIN: ChangeOrigin = 'grille';

/** The typed API client: every route and its answer type come from the server's `AppType`. */
export const api = hc<AppType>('/', { headers: { [ORIGIN_HEADER]: ORIGIN }, fetch: fetchWatchingSession }).api;

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

/** The French message of a failed request: the server's own, or why the server could not answer. */
export function failureMessage(err: unknown): string {
  if (err instanceof ApiFailure) return err.body.message;
  if (err instanceof NetworkFailure) return 'Le serveur ne répond pas : vérifiez la connexion puis réessayez.';
  return `Erreur inattendue : ${err instanceof Error ? err.message : String(err)}`;
}

/** The request did not reach the server or got no usable answer: worth retrying later. */
export class NetworkFailure extends Error {}

/**
 * The server answered 401: no session (any more). A kind of `NetworkFailure` on purpose: the save queue keeps the
 * edits and sends them again once the person has signed in, instead of dropping them as refused.
 */
export class SessionExpired extends NetworkFailure {
  constructor() {
    super('Session expirée : connectez-vous pour continuer');
  }
}

/**
 * Awaits a call of the typed client and returns its JSON body, or throws `ApiFailure` with the parsed error shape,
 * `NetworkFailure` when the server cannot be reached (offline, server restarting, 5xx from a proxy), or
 * `SessionExpired` when it answers that nobody is signed in (the sign-in page is then shown).
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
  if (res.status === 401 && !isSignIn(res.url)) throw new SessionExpired();
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
