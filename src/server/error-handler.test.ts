import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/logger';
import { AppError } from '../lib/errors';
import { createServer } from './app';
import type { App } from './types';

/** The one error path: an unexpected failure answers a generic INTERNAL_ERROR and leaks nothing of its cause. */
let app: App;
const secretText = 'password=hunter2 at db.internal:5432 relation "users" does not exist';

beforeAll(async () => {
  app = await createServer({ logger: createLogger('silent'), bodyLimitBytes: 1024, trustProxy: false, version: 'test' });
  app.get('/api/v1/boom', async () => {
    throw new Error(secretText);
  });
  app.get('/v1/boom', async () => {
    throw Object.assign(new TypeError(secretText), { code: 'ECONNREFUSED' });
  });
  app.get('/api/v1/known', async () => {
    throw new AppError({ code: 'CONFLICT', message: 'already done', cause: new Error(secretText) });
  });
  await app.ready();
});
afterAll(() => app.close());

describe('unexpected errors', () => {
  it('answer 500 INTERNAL_ERROR in the envelope, with no trace of the cause', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/boom' });
    expect(res.statusCode).toBe(500);
    const body = res.json();
    expect(body).toMatchObject({ success: false, data: null, error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' } });
    expect(res.body).not.toContain('hunter2');
    expect(res.body).not.toContain('db.internal');
    expect(res.body).not.toContain('stack');
  });

  it('answer 500 INTERNAL_ERROR bare on the /v1 family, with no trace of the cause', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred' } });
    expect(res.body).not.toContain('ECONNREFUSED');
  });

  it('an AppError keeps its code and status, and its cause stays on the server', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/known' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toEqual({ code: 'CONFLICT', message: 'already done' });
    expect(res.body).not.toContain('hunter2');
  });
});
