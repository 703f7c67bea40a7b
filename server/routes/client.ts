import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';

/**
 * The browser application built by Vite into `clientDir` (`npm start` builds it first). Hashed assets are cached
 * for a year; `index.html` is always revalidated so a new build is picked up.
 */
export function clientRoutes(clientDir: string) {
  const root = relative(process.cwd(), clientDir) || '.';
  const app = new Hono();
  app.use('/assets/*', async (c, next) => {
    await next();
    if (c.res.ok) c.header('Cache-Control', 'public, max-age=31536000, immutable');
  });
  app.use('/assets/*', serveStatic({ root }));
  app.get('/favicon.svg', serveStatic({ root }));
  app.get('/', (c) => {
    if (!existsSync(join(clientDir, 'index.html'))) {
      return c.html(
        '<!doctype html><html lang="fr-BE"><meta charset="utf-8"><title>Cohésio</title>' +
          '<p>L’interface n’est pas construite : lancez <code>npm run build:client</code> (ou <code>npm start</code>, qui la construit).</p></html>',
        503,
      );
    }
    c.header('Cache-Control', 'no-cache');
    return c.html(readFileSync(join(clientDir, 'index.html'), 'utf8'));
  });
  return app;
}
