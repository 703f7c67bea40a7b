import { Hono } from 'hono';
import { html } from 'hono/html';
import { listPlans } from '../services/plans.ts';
import type { ServiceContext } from '../services/context.ts';

/**
 * `GET /`: a plain page listing the plans and the API, until the grid interface (client/) is served here.
 * Text is escaped by hono/html.
 */
export function homeRoutes(ctx: ServiceContext) {
  return new Hono().get('/', (c) => {
    const plans = listPlans(ctx);
    return c.html(html`<!doctype html>
      <html lang="fr-BE">
        <head>
          <meta charset="utf-8" />
          <title>Cohésio</title>
        </head>
        <body>
          <h1>Cohésio — Plans de Cohésion sociale</h1>
          <h2>Plans</h2>
          <ul>
            ${plans.map(
              (p) => html`<li><a href="/api/plans/${p.id}">${p.commune} — ${p.programmeId}</a> (${p.actionCount} actions,
                  <a href="/api/plans/${p.id}/checks">contrôles</a>)</li>`,
            )}
          </ul>
          <p>API : <a href="/api/programmes">programmes</a>, <a href="/api/catalogue">catalogue</a>,
            <a href="/api/plans">plans</a>.</p>
        </body>
      </html>`);
  });
}
