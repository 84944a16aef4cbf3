import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, registerUser } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';
import { FakeClock } from '../../lib/clock';

let app: TestApp;
const clock = new FakeClock(Date.now());
beforeAll(async () => {
  app = await createTestApp({ clock });
});
afterAll(async () => app.teardown());

describe('api-keys routes security', () => {
  securitySuite(() => app, [
    { method: 'GET', url: '/api/v1/api-keys' },
    { method: 'POST', url: '/api/v1/api-keys', payload: { name: 'k' } },
    { method: 'DELETE', url: '/api/v1/api-keys/00000000-0000-4000-8000-000000000000' },
  ]);

  it('another user\'s key answers the same 404 as a missing one, and is not revoked', async () => {
    const owner = await registerUser(app);
    const other = await registerUser(app, { organization: 'Elsewhere' });
    const created = json(await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: owner.headers, payload: { name: 'k' } })).data;
    const foreign = await app.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.id}`, headers: other.headers });
    const missing = await app.app.inject({ method: 'DELETE', url: '/api/v1/api-keys/00000000-0000-4000-8000-000000000000', headers: other.headers });
    expect(foreign.statusCode).toBe(404);
    expect(json(foreign).error).toEqual(json(missing).error);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: { 'x-api-key': created.key } })).statusCode).toBe(200);
  });

  it('an expired key is refused with 401', async () => {
    const owner = await registerUser(app);
    const expires = new Date(clock.now() + 60_000).toISOString();
    const created = json(await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: owner.headers, payload: { name: 'short', expires_at: expires } })).data;
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: { 'x-api-key': created.key } })).statusCode).toBe(200);
    clock.advance(61_000);
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: { 'x-api-key': created.key } });
    expect(res.statusCode).toBe(401);
  });

  it('a read-only key may read but not write', async () => {
    const owner = await registerUser(app);
    const key = await createApiKey(app, owner, ['read']);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    const write = await app.app.inject({ method: 'PUT', url: '/api/v1/user', headers: { 'x-api-key': key }, payload: { first_name: 'x' } });
    expect(write.statusCode).toBe(403);
    expect(json(write).error.code).toBe('INSUFFICIENT_PERMISSIONS');
  });
});
