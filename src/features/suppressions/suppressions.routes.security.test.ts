import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.teardown());

const someId = '00000000-0000-4000-8000-000000000000';
const expires = () => new Date(Date.now() + 86_400_000).toISOString();

describe('suppressions and allowlist security', () => {
  securitySuite(() => app, [
    { method: 'POST', url: '/api/v1/suppressions', payload: { engine: 'threat', match: { threat_type: 'x' }, reason: 'r', expires_at: expires() } },
    { method: 'GET', url: '/api/v1/suppressions' },
    { method: 'GET', url: `/api/v1/suppressions/${someId}` },
    { method: 'DELETE', url: `/api/v1/suppressions/${someId}` },
    { method: 'POST', url: '/api/v1/allowlist', payload: { value: '10.0.0.1', reason: 'r' } },
    { method: 'GET', url: '/api/v1/allowlist' },
    { method: 'GET', url: `/api/v1/allowlist/${someId}` },
    { method: 'DELETE', url: `/api/v1/allowlist/${someId}` },
  ]);

  it("answers another organization's suppression or allowlist entry exactly like an unknown one, and never lists it", async () => {
    const owner = await registerUser(app, { organization: 'Owner' });
    const stranger = await registerUser(app, { organization: 'Stranger' });
    const suppression = json(await app.app.inject({ method: 'POST', url: '/api/v1/suppressions', headers: owner.headers, payload: { engine: 'threat', match: { threat_type: 'x' }, reason: 'r', expires_at: expires() } })).data;
    const entry = json(await app.app.inject({ method: 'POST', url: '/api/v1/allowlist', headers: owner.headers, payload: { value: '10.9.9.9', reason: 'r' } })).data;
    for (const [kind, id] of [['suppressions', suppression.id], ['allowlist', entry.id]] as const) {
      for (const method of ['GET', 'DELETE'] as const) {
        const foreign = await app.app.inject({ method, url: `/api/v1/${kind}/${id}`, headers: stranger.headers });
        const unknown = await app.app.inject({ method, url: `/api/v1/${kind}/${someId}`, headers: stranger.headers });
        expect(foreign.statusCode).toBe(404);
        expect(json(foreign).error).toEqual(json(unknown).error);
      }
      expect(json(await app.app.inject({ method: 'GET', url: `/api/v1/${kind}`, headers: stranger.headers })).data.total).toBe(0);
      expect((await app.app.inject({ method: 'GET', url: `/api/v1/${kind}/${id}`, headers: owner.headers })).statusCode).toBe(200);
    }
  });
});
