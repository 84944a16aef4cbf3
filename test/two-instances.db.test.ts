import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testDialect, type TestApp } from './support/test-app';
import { json, loginAdmin } from './support/http';
import { connectWs } from './support/ws';

/**
 * Two Vigil instances on one PostgreSQL database and one Redis: a WebSocket client of instance B sees an event
 * published by instance A, and a token issued by A works on B.
 */
const redisUrl = process.env.VIGIL_TEST_REDIS_URL;
const enabled = testDialect() === 'postgres' && Boolean(redisUrl);
if (!enabled) console.warn('[vigil] two-instance test skipped: needs the postgres project and VIGIL_TEST_REDIS_URL (run .ci/run).');

describe.skipIf(!enabled)('two instances sharing PostgreSQL and Redis', () => {
  let a: TestApp;
  let b: TestApp;
  let wsB: string;

  beforeAll(async () => {
    a = await createTestApp({ config: { redisUrl } });
    b = await createTestApp({ databaseUrl: a.databaseUrl!, config: { redisUrl } });
    b.core.ws.map('api_key.created', 'drift', (event) => ({ type: 'api_key_created', data: event.data }));
    wsB = (await b.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws');
  });
  afterAll(async () => {
    await b?.app.close();
    await a?.teardown();
  });

  it('reports Redis as connected', async () => {
    const health = json(await a.app.inject({ method: 'GET', url: '/health' }));
    expect(health.data.services.redis).toBe('connected');
  });

  it('delivers an event published on A to a WebSocket client of B', async () => {
    const admin = await loginAdmin(a);
    const client = await connectWs(`${wsB}/ws`, { authorization: `Bearer ${admin.token}` });
    await client.next((m) => m.type === 'connection_established');
    const created = json(await a.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: admin.headers, payload: { name: 'cross-instance' } })).data;
    const message = await client.next((m) => m.type === 'api_key_created');
    expect(message.data.api_key_id).toBe(created.id);
    client.close();
  });

  it('a key revoked on A is refused on B at once', async () => {
    const admin = await loginAdmin(a);
    const created = json(await a.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: admin.headers, payload: { name: 'revoke-me' } })).data;
    expect((await b.app.inject({ method: 'GET', url: '/api/v1/user', headers: { 'x-api-key': created.key } })).statusCode).toBe(200);
    await a.app.inject({ method: 'DELETE', url: `/api/v1/api-keys/${created.id}`, headers: admin.headers });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await b.app.inject({ method: 'GET', url: '/api/v1/user', headers: { 'x-api-key': created.key } })).statusCode).toBe(401);
  });
});
