import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser } from '../../../test/support/http';
import { sha256Hex } from '../../lib/crypto';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app.teardown());

describe('POST /api/v1/api-keys', () => {
  it('creates a key shown once, stored only as a hash with a visible prefix', async () => {
    const session = await registerUser(app);
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session.headers, payload: { name: 'ci', permissions: ['read'] } });
    expect(res.statusCode).toBe(201);
    const data = json(res).data;
    expect(data.key).toMatch(/^sk_live_[A-Za-z0-9_-]{40,}$/);
    expect(data).toMatchObject({ name: 'ci', permissions: ['read'], last_used_at: null, expires_at: null });
    const row = await app.core.db.selectFrom('api_keys').selectAll().where('id', '=', data.id).executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(sha256Hex(data.key));
    expect(JSON.stringify(row)).not.toContain(data.key);
    expect(data.key.startsWith(row.prefix)).toBe(true);
  });
});

describe('GET /api/v1/api-keys', () => {
  it('lists the caller\'s keys paginated, never with the secret', async () => {
    const session = await registerUser(app);
    for (const name of ['a', 'b', 'c']) {
      await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session.headers, payload: { name } });
    }
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/api-keys?page=1&size=2', headers: session.headers });
    expect(res.statusCode).toBe(200);
    const data = json(res).data;
    expect(data).toMatchObject({ total: 3, page: 1, size: 2 });
    expect(data.items).toHaveLength(2);
    expect(res.body).not.toMatch(/sk_live_[A-Za-z0-9_-]{20,}/);
    const page2 = json(await app.app.inject({ method: 'GET', url: '/api/v1/api-keys?page=2&size=2', headers: session.headers })).data;
    expect(page2.items).toHaveLength(1);
  });
});

describe('X-API-Key authentication', () => {
  it('authenticates as the owner and records last_used_at in a batch', async () => {
    const session = await registerUser(app);
    const created = json(await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session.headers, payload: { name: 'k' } })).data;
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: { 'x-api-key': created.key } });
    expect(res.statusCode).toBe(200);
    expect(json(res).data.id).toBe(session.userId);
    const before = await app.core.db.selectFrom('api_keys').select('last_used_at').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(before.last_used_at).toBeNull();
    await app.core.apiKeys.flushUsage();
    const after = await app.core.db.selectFrom('api_keys').select('last_used_at').where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(after.last_used_at).toBeTypeOf('number');
  });

  it('also works as Authorization: Bearer sk_live_...', async () => {
    const session = await registerUser(app);
    const created = json(await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session.headers, payload: { name: 'k' } })).data;
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/auth/profile', headers: { authorization: `Bearer ${created.key}` } });
    expect(res.statusCode).toBe(200);
  });
});

describe('DELETE /api/v1/api-keys/:id', () => {
  it('revokes: the key stops working at once and leaves the list', async () => {
    const session = await registerUser(app);
    const created = json(await app.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: session.headers, payload: { name: 'k' } })).data;
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: { 'x-api-key': created.key } })).statusCode).toBe(200);
    const res = await app.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.id}`, headers: session.headers });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ success: true, message: 'API key revoked successfully' });
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: { 'x-api-key': created.key } })).statusCode).toBe(401);
    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: session.headers })).data;
    expect(list.total).toBe(0);
  });
});
