import type { Context, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { getCookie } from 'hono/cookie';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { RowId } from '../../schemas/primitives.ts';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../errors.ts';
import { ROLE_LABELS, hasCapability, roleDenial, type Actor, type Capability } from '../../schemas/access.ts';
import { CHANGE_ORIGINS, MAX_REASON_LENGTH, ORIGIN_HEADER, REASON_HEADER, type ChangeOrigin } from '../../schemas/audit.ts';
import { actorOfSession, SESSION_COOKIE } from '../services/auth.ts';
import { requirePlanAccess, requireWritablePlan } from '../services/plan-access.ts';
import type { ServiceContext } from '../services/context.ts';

/** What every API handler finds on its context: the services' context for this request, with the person behind it. */
export type RequestContext = ServiceContext & { actor: Actor };
export type AppEnv = { Variables: { ctx: RequestContext; sessionId: string | null } };

/** How a capability reads in a refusal: "Votre rôle (Agent de la DiCS) ne permet pas de modifier le plan". */
const CAPABILITY_WORDS: Record<Capability, string> = {
  read: 'consulter ce plan',
  'create-plan': 'créer un plan',
  'edit-plan': 'modifier le plan',
  'edit-finance': 'modifier les données financières',
  'edit-cells': 'modifier ces valeurs',
  'edit-action-texts': 'modifier les fiches actions',
  'import-workbook': 'importer un classeur dans ce plan',
  justify: 'justifier un constat',
  review: 'instruire le rapport (questions, approbation, retour)',
  answer: 'répondre aux questions de la DiCS',
  discuss: 'écrire dans les questions de la DiCS',
  submit: 'soumettre le rapport',
  reopen: 'rouvrir un rapport soumis',
  'manage-users': 'gérer les comptes',
  'manage-organisations': 'gérer les organisations (communes, associations, CPAS)',
  'manage-programmes': 'modifier les programmes',
  'read-region': 'consulter l’espace régional (tous les plans, file d’instruction, échéances, consolidation)',
  'grant-extension': 'accorder un délai',
  'read-outbox': 'lire les courriels envoyés',
  'download-backup': 'télécharger une sauvegarde de la base',
};

function originOf(c: Context): ChangeOrigin {
  const o = c.req.header(ORIGIN_HEADER);
  return o && (CHANGE_ORIGINS as readonly string[]).includes(o) && o !== 'systeme' ? (o as ChangeOrigin) : 'api';
}

function reasonOf(c: Context): string | null {
  const raw = c.req.header(REASON_HEADER);
  if (!raw) return null;
  let reason: string;
  try {
    reason = decodeURIComponent(raw).trim();
  } catch {
    throw new ValidationError('Motif illisible : encodez-le en UTF-8 (encodeURIComponent)', [{ path: REASON_HEADER, message: 'Motif illisible' }]);
  }
  if (reason.length > MAX_REASON_LENGTH) {
    throw new ValidationError(`Le motif dépasse ${MAX_REASON_LENGTH} caractères`, [
      { path: REASON_HEADER, message: `Au plus ${MAX_REASON_LENGTH} caractères` },
    ]);
  }
  return reason || null;
}

/**
 * The value of a cookie signed by hono's `setSignedCookie` (`value.signature`, the signature the base64 of
 * HMAC-SHA256(value) with the secret), or null when the signature is missing or wrong. The same check as hono's
 * `getSignedCookie`, with node:crypto: hono imports the key through WebCrypto at every request, which cost as much as
 * the rest of a cell write. The comparison takes the same time whatever the signature.
 */
export function unsignCookie(signed: string | undefined, secret: string): string | null {
  if (!signed) return null;
  const dot = signed.lastIndexOf('.');
  if (dot < 0) return null;
  const value = signed.slice(0, dot);
  const given = Buffer.from(signed.slice(dot + 1));
  const expected = Buffer.from(createHmac('sha256', secret).update(value).digest('base64'));
  return given.length === expected.length && timingSafeEqual(given, expected) ? value : null;
}

/**
 * Reads the signed session cookie; without a valid session only the routes of `publicPaths` answer (401 for the
 * others). Sets the request's service context with the person, the screen the change comes from and its reason.
 */
export function authenticate(ctx: ServiceContext, secret: string, publicPaths: ReadonlySet<string>): MiddlewareHandler<AppEnv> {
  return createMiddleware<AppEnv>(async (c, next) => {
    const sessionId = unsignCookie(getCookie(c, SESSION_COOKIE), secret) || null;
    const actor = sessionId ? actorOfSession(ctx, sessionId) : null;
    c.set('sessionId', actor ? sessionId : null);
    if (!actor) {
      if (publicPaths.has(c.req.path)) return next();
      throw new UnauthenticatedError();
    }
    c.set('ctx', { ...ctx, actor, origin: originOf(c), reason: reasonOf(c) });
    return next();
  });
}

/**
 * The route needs this capability of the person's role, and its plan (if any) must be one they see. A plan of
 * another commune does not exist for them: 404, the same answer as for an unknown id, so that nothing tells another
 * commune's plans apart from plans that do not exist. A malformed id is left to the route's validation (400).
 */
export function allow(capability: Capability): MiddlewareHandler<AppEnv> {
  const middleware = createMiddleware<AppEnv>(async (c, next) => {
    const { actor } = c.var.ctx;
    const planId = c.req.param('planId');
    if (planId !== undefined && RowId.safeParse(planId).success) {
      // Asked once: 404 when the person does not see the plan.
      const access = requirePlanAccess({ ...c.var.ctx, planId });
      // A member commune's officer reads the association's plan: every route but reading is refused.
      if (capability !== 'read' && access !== 'ecriture') requireWritablePlan({ ...c.var.ctx, planId });
    }
    if (!hasCapability(actor, capability)) {
      throw new ForbiddenError(roleDenial(ROLE_LABELS[actor.role], CAPABILITY_WORDS[capability]));
    }
    return next();
  });
  ROUTE_CAPABILITIES.set(middleware, capability);
  return middleware;
}

/** The capability each `allow` middleware demands, so that a test can check that every route declares one. */
export const ROUTE_CAPABILITIES = new WeakMap<object, Capability>();
