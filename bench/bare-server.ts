/**
 * The load bench's yardstick (bench/load.ts): a bare Hono route on @hono/node-server that reads a JSON body and
 * answers a small JSON body, as the cell route does, with nothing behind it (no session, no validation, no database).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono().put('/cells', async (c) => {
  const body = await c.req.json<{ cells: { value: unknown; version: number }[] }>();
  return c.json(body.cells.map((cell) => ({ value: cell.value, version: cell.version + 1 })));
});

serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: '127.0.0.1' }, (info) => {
  console.log(`bare Hono route on ${info.port}`);
});
