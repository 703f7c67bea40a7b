import { hasCapability, type Capability, type Me } from '../../schemas/access.ts';

/**
 * The signed-in person, as `GET /api/auth/session` or the sign-in answered. Pages are only rendered once it is known,
 * so a page may call `currentMe()` while it builds; it is null on the sign-in page. What the role may do is decided by
 * the server; the browser only uses it to show read-only what would be refused.
 */
let current: Me | null = null;
const listeners = new Set<(me: Me | null) => void>();

/** The signed-in person, or null before sign-in and after sign-out or the end of the session. */
export function currentMe(): Me | null {
  return current;
}

/** Does the signed-in person's role have this capability? False when nobody is signed in. */
export function meCan(capability: Capability): boolean {
  return current !== null && hasCapability(current, capability);
}

export function setMe(me: Me | null): void {
  if (me === current) return;
  current = me;
  for (const l of listeners) l(me);
}

/** Called with the new person (or null) whenever it changes. */
export function subscribeMe(listener: (me: Me | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
