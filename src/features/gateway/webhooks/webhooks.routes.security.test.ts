import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, registerUser } from '../../../../test/support/http';
import { securitySuite } from '../../../../test/support/security';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app.teardown());

const someId = '00000000-0000-4000-8000-000000000000';
describe('webhooks security', () => {
  securitySuite(() => app, [
    { method: 'POST', url: '/api/v1/webhooks', payload: { url: 'https://example.com/h', events: ['*'] } },
    { method: 'GET', url: '/api/v1/webhooks' },
    { method: 'GET', url: `/api/v1/webhooks/${someId}` },
    { method: 'DELETE', url: `/api/v1/webhooks/${someId}` },
    { method: 'GET', url: `/api/v1/webhooks/${someId}/deliveries` },
    { method: 'POST', url: `/api/v1/webhooks/${someId}/test` },
  ]);

  it("answers another organization's webhook exactly like an unknown one, and never lists it", async () => {
    const owner = await registerUser(app, { organization: 'Owner' });
    const stranger = await registerUser(app, { organization: 'Stranger' });
    const created = json(await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: owner.headers, payload: { url: 'https://example.com/h', events: ['*'] } })).data;
    for (const [method, suffix] of [['GET', ''], ['GET', '/deliveries'], ['POST', '/test'], ['DELETE', '']] as const) {
      const foreign = await app.app.inject({ method, url: `/api/v1/webhooks/${created.id}${suffix}`, headers: stranger.headers });
      const unknown = await app.app.inject({ method, url: `/api/v1/webhooks/${someId}${suffix}`, headers: stranger.headers });
      expect(foreign.statusCode).toBe(404);
      expect(json(foreign).error).toEqual(json(unknown).error);
    }
    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: stranger.headers })).data;
    expect(list.total).toBe(0);
    expect((await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${created.id}`, headers: owner.headers })).statusCode).toBe(200);
  });

  it('documents every gateway route in the OpenAPI document', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(json(res).paths);
    for (const p of ['/api/v1/webhooks', '/api/v1/webhooks/{id}/deliveries', '/api/v1/rate-limits', '/api/v1/analytics/usage', '/api/v1/analytics/rate-limits']) expect(paths).toContain(p);
  });

  it('never returns the secret after creation', async () => {
    const owner = await registerUser(app, { organization: 'Secretive' });
    const created = json(await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: owner.headers, payload: { url: 'https://example.com/h', events: ['*'], secret: 'super-secret-value' } })).data;
    expect(created.secret).toBe('super-secret-value');
    const list = await app.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: owner.headers });
    const one = await app.app.inject({ method: 'GET', url: `/api/v1/webhooks/${created.id}`, headers: owner.headers });
    expect(list.body).not.toContain('super-secret-value');
    expect(one.body).not.toContain('super-secret-value');
  });
});
