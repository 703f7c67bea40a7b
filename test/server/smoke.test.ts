import { describe, expect, it } from 'vitest';
import { call, makeLiegeApp } from '../helpers.ts';

describe('GET /api/health', () => {
  it('answers ok', async () => {
    const { app } = makeLiegeApp();
    expect(await call(app, 'GET', '/api/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
