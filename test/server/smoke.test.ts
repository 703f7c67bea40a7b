import { describe, expect, it } from 'vitest';
import { makeLiegeApp, reply } from '../helpers.ts';

describe('GET /api/health', () => {
  it('answers ok', async () => {
    const { api } = makeLiegeApp();
    expect(await reply(api.health.$get())).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
