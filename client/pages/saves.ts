import { api, send } from '../api.ts';
import type { PageContext } from './context.ts';

/** The page and the server agreeing before an export or an import: pending saves first, then a fresh plan. */

/** How long the export and the import wait for the edits still being saved before going on. */
const SAVE_WAIT_MS = 15_000;

/** Waits until every edit of the page is saved; false when some are still waiting after `SAVE_WAIT_MS`. */
export async function waitForSaves(ctx: PageContext): Promise<boolean> {
  const deadline = Date.now() + SAVE_WAIT_MS;
  while (ctx.queue.pending > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return ctx.queue.pending === 0;
}

/** Replaces the plan of the page with the server's and redraws the page, the navigation and the checks. */
export async function reloadPlan(ctx: PageContext): Promise<void> {
  const plan = await send(api.plans[':planId'].$get({ param: { planId: ctx.planId } }));
  ctx.store.plan = plan;
  ctx.store.emit('external');
}
