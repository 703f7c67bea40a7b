import { Hono, type Context } from 'hono';
import { deleteCookie, setSignedCookie } from 'hono/cookie';
import { getConnInfo } from '@hono/node-server/conninfo';
import { changePassword, closeSession, type LoginThrottle, login, meOf, SESSION_COOKIE, SESSION_TTL_MS } from '../services/auth.ts';
import type { ServiceContext } from '../services/context.ts';
import type { AppEnv } from './access.ts';
import { LoginBody, PasswordBody } from '../../schemas/requests/auth.ts';
import { validate } from './validate.ts';

/**
 * The session cookie: signed, HttpOnly, SameSite=Lax, Secure when served over HTTPS or when the configuration says
 * so (production, https PUBLIC_URL: behind a proxy that terminates TLS, the request reaches us in plain HTTP).
 */
async function setSessionCookie(c: Context<AppEnv>, sessionId: string, secret: string, secure: boolean) {
  await setSignedCookie(c, SESSION_COOKIE, sessionId, secret, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secure || new URL(c.req.url).protocol === 'https:',
    path: '/',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** The network address of the request (for the sign-in throttle); tests calling `app.request` have none. */
function addressOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'local';
  } catch {
    return 'local';
  }
}

/** Sign in, sign out, who am I (401 without a session), is there a session (200 either way), change my password. */
export function authRoutes(ctx: ServiceContext, secret: string, throttle: LoginThrottle, secureCookies: boolean) {
  return (
    new Hono<AppEnv>()
      .post('/login', validate('json', LoginBody), async (c) => {
        const { sessionId, me } = await login({ ...ctx, input: c.req.valid('json'), address: addressOf(c), throttle, previousSessionId: c.var.sessionId });
        await setSessionCookie(c, sessionId, secret, secureCookies);
        return c.json(me);
      })
      .post('/logout', (c) => {
        if (c.var.sessionId) closeSession(ctx.db, c.var.sessionId);
        deleteCookie(c, SESSION_COOKIE, { path: '/' });
        return c.body(null, 204);
      })
      .get('/me', (c) => c.json(meOf(ctx.db, c.var.ctx.actor)))
      // The interface's first question: a page opened without a session asks it without failing (no 401 logged in
      // the browser's console). It reveals nothing: `{ me: null }` to anyone without a valid session.
      .get('/session', (c) => c.json({ me: c.var.sessionId ? meOf(ctx.db, c.var.ctx.actor) : null }))
      .put('/password', validate('json', PasswordBody), async (c) => {
        const { sessionId } = await changePassword({ ...c.var.ctx, input: c.req.valid('json') });
        await setSessionCookie(c, sessionId, secret, secureCookies);
        return c.body(null, 204);
      })
  );
}
