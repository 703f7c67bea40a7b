import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { compress } from 'hono/compress';
import { resolve } from 'node:path';
import type { ApiError } from '../schemas/errors.ts';
import { programmeRoutes } from './routes/programmes.ts';
import { AppError } from './errors.ts';
import type { ServiceContext } from './services/context.ts';
import { planRoutes } from './routes/plans.ts';
import { organisationRoutes } from './routes/organisations.ts';
import { successorRoutes } from './routes/successor.ts';
import { listRoutes } from './routes/lists.ts';
import { actionRoutes } from './routes/actions.ts';
import { clientRoutes } from './routes/client.ts';
import { workbookRoutes } from './routes/workbook.ts';
import { pdfRoutes } from './routes/pdf.ts';
import { financeRoutes } from './routes/finance.ts';
import { historyRoutes } from './routes/history.ts';
import { submissionRoutes } from './routes/submissions.ts';
import { deadlineRoutes } from './routes/deadlines.ts';
import { authRoutes } from './routes/auth.ts';
import { reviewQueueRoutes } from './routes/review-queue.ts';
import { regionPlanRoutes } from './routes/region-plans.ts';
import { consolidationRoutes } from './routes/consolidation.ts';
import { adminRoutes } from './routes/admin.ts';
import { formRoutes } from './routes/forms.ts';
import { authenticate, type AppEnv } from './routes/access.ts';
import { BODY_MESSAGES } from './routes/validate.ts';
import { cookieSecretOf, LoginThrottle } from './services/auth.ts';
import { createPdfExports, type PdfExports } from './services/pdf.ts';
import { MAX_IMPORT_BYTES } from '../schemas/workbook-import.ts';
import { MAX_IMPUTATION_FILE_BYTES } from '../schemas/imputation-import.ts';

/** Largest JSON body accepted: a whole plan is about 300 kB. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** What the browser application needs from the server configuration. */
export type ClientOptions = {
  /** Folder of the built client (`dist/client`). */
  clientDir: string;
  /** Handsontable licence key given to the grid (see README: public offices need a commercial key). */
  handsontableLicenseKey: string;
};

export const DEFAULT_CLIENT_OPTIONS: ClientOptions = {
  clientDir: resolve('dist/client'),
  handsontableLicenseKey: 'non-commercial-and-evaluation',
};

/** How the server is reached (server/config.ts): what the session cookie and the security headers say. */
export type SecurityOptions = {
  /** Mark the session cookie `Secure` (production, or an https `PUBLIC_URL`); a request over HTTPS gets it anyway. */
  secureCookies: boolean;
  /** Cohésio is served over HTTPS (`PUBLIC_URL` https://…): send Strict-Transport-Security. */
  https: boolean;
};

export const DEFAULT_SECURITY_OPTIONS: SecurityOptions = { secureCookies: false, https: false };

/** One year of HTTPS only, for this host and its subdomains (sent only when `PUBLIC_URL` is https). */
export const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * The one inline style the application needs: Handsontable's core stylesheet, which each grid (and each drop-down
 * editor, a grid of its own) inserts as a `<style>` element. Allowed by its SHA-256 rather than 'unsafe-inline';
 * test/server/production.test.ts checks it against the installed handsontable, so an upgrade that changes the
 * stylesheet fails the tests until this is updated.
 */
export const GRID_CORE_STYLE_HASH = "'sha256-WYFL1MCrA6LMmydGrdUww3HByl0L2AojlGVLtfZt5pQ='";

/**
 * Refuses a body over `maxSize` bytes with a 413 that tells the limit people see (`shownBytes`, in Mo). A body of
 * declared length is judged by its Content-Length, as hono's `bodyLimit` does (Node's parser never reads more than
 * the declared length), but without asking the request for its body stream: that makes @hono/node-server build a
 * whole web Request and read the body through web streams instead of its direct read (a fifth of a cell write).
 * A GET or HEAD has no body; a chunked body goes through `bodyLimit`, which counts the bytes as they come.
 */
function limitBody(maxSize: number, message: string, shownBytes: number = maxSize): MiddlewareHandler {
  const onError = (): never => {
    throw new AppError(413, 'payload_too_large', `${message} (au plus ${shownBytes / 1024 / 1024} Mo)`);
  };
  const counted = bodyLimit({ maxSize, onError });
  return (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    if (Number.parseInt(length, 10) > maxSize) onError();
    return next();
  };
}

/**
 * hono's `compress`, with `Vary: Accept-Encoding` set before the answer is made: `compress` adds it to the finished
 * answer otherwise, which rebuilds it as a stream (the slow way out of @hono/node-server), even when it is not
 * compressed. Every answer may be compressed, so every answer says so.
 */
function compressAnswers(): MiddlewareHandler {
  const compressAnswer = compress();
  return (c, next) => {
    c.header('Vary', 'Accept-Encoding');
    return compressAnswer(c, next);
  };
}
const jsonLimit = limitBody(MAX_BODY_BYTES, 'Requête trop volumineuse');
const importLimit = limitBody(MAX_IMPORT_BYTES, 'Fichier trop volumineux');
// The multipart envelope around the file (boundaries, the preview's fingerprint) is a few hundred bytes.
const imputationImportLimit = limitBody(MAX_IMPUTATION_FILE_BYTES + 64 * 1024, 'Fichier trop volumineux', MAX_IMPUTATION_FILE_BYTES);

/**
 * The only API addresses that answer without a session. `/api/auth/session` answers `{ me: null }` to anyone without
 * one, and the signed-in person otherwise: the interface's first request, which must not fail on a first visit.
 */
export const PUBLIC_API_PATHS: ReadonlySet<string> = new Set(['/api/health', '/api/auth/login', '/api/auth/logout', '/api/auth/session']);

/** What the application is made from: the services' context and, optionally, the PDF renderer to use. */
export type AppContext = ServiceContext & { pdf?: PdfExports };

/** The HTTP application; tests call it with an in-memory database through `app.request()`. */
export function createApp(appCtx: AppContext, client: ClientOptions = DEFAULT_CLIENT_OPTIONS, security: SecurityOptions = DEFAULT_SECURITY_OPTIONS) {
  // The renderer goes to the routes that render, not into the context every service receives.
  const { pdf = createPdfExports(), ...ctx } = appCtx;
  const secret = cookieSecretOf(ctx.db);
  const api = new Hono<AppEnv>()
    .use(authenticate(ctx, secret, PUBLIC_API_PATHS))
    .get('/health', (c) => c.json({ status: 'ok' }))
    .route('/auth', authRoutes(ctx, secret, new LoginThrottle(ctx.db), security.secureCookies))
    .get('/client-config', (c) => c.json({ handsontableLicenseKey: client.handsontableLicenseKey }))
    .route('/programmes', programmeRoutes())
    .route('/organisations', organisationRoutes())
    .route('/plans', planRoutes())
    .route('/plans', listRoutes())
    .route('/plans', actionRoutes())
    .route('/plans', workbookRoutes())
    .route('/plans', pdfRoutes(pdf))
    .route('/plans', financeRoutes())
    .route('/plans', historyRoutes())
    .route('/plans', submissionRoutes(pdf.pool))
    .route('/plans', successorRoutes())
    .route('/', deadlineRoutes())
    .route('/', reviewQueueRoutes())
    .route('/region', regionPlanRoutes())
    .route('/region', consolidationRoutes())
    .route('/admin', adminRoutes())
    .route('/', formRoutes(pdf.pool));

  const app = new Hono()
    // On every response, API and interface alike, in every mode; Strict-Transport-Security only when served over HTTPS.
    .use(
      secureHeaders({
        xFrameOptions: 'DENY',
        strictTransportSecurity: security.https ? HSTS : false,
        contentSecurityPolicy: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          // No inline style but the grid's core stylesheet, by its hash; cell styles are set through the DOM (allowed).
          styleSrc: ["'self'", GRID_CORE_STYLE_HASH],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
        },
      }),
    )
    .use(compressAnswers())
    // Forms and uploads must come from our own pages (Origin or Sec-Fetch-Site); JSON needs CORS, which we never allow.
    .use('/api/*', csrf())
    .use('/api/*', (c, next) => {
      if (c.req.path.endsWith('/import.xlsx')) return importLimit(c, next);
      if (c.req.path.endsWith('/imputations/import')) return imputationImportLimit(c, next);
      return jsonLimit(c, next);
    })
    .route('/api', api)
    .route('/', clientRoutes(client.clientDir));

  app.notFound((c) => c.json<ApiError>({ code: 'not_found', message: `Adresse inconnue : ${c.req.method} ${c.req.path}`, issues: [] }, 404));
  app.onError((err, c) => {
    if (err instanceof AppError) {
      const body: ApiError = { code: err.code, message: err.message, issues: err.issues };
      if (err.current !== undefined) body.current = err.current;
      return c.json(body, err.status, err.responseHeaders());
    }
    if (err instanceof HTTPException && err.status === 403) {
      return c.json<ApiError>({ code: 'forbidden', message: 'Requête refusée : elle ne vient pas d’une page de Cohésio (origine inconnue)', issues: [] }, 403);
    }
    if (err instanceof HTTPException && err.status < 500) {
      // The validators' own refusals, should a body reach them unchecked (see routes/validate.ts): said as sent.
      const form = /formdata/i.test(err.message);
      const message = err.status === 400 ? (form ? BODY_MESSAGES.badForm : BODY_MESSAGES.invalidJson) : `Requête refusée (${err.status})`;
      return c.json<ApiError>({ code: 'validation', message, issues: form ? [{ path: 'file', message }] : [] }, err.status);
    }
    console.error(err);
    return c.json<ApiError>({ code: 'internal', message: 'Erreur interne du serveur', issues: [] }, 500);
  });
  return app;
}

export type AppType = ReturnType<typeof createApp>;
