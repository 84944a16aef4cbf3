import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, registerUser } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.teardown());

const push = { streams: [{ stream: { host: 'h' }, values: [['1000000', 'line']] }] };

describe('intake routes authenticate like the API', () => {
  securitySuite(() => app, [
    { method: 'POST', url: '/loki/api/v1/push', payload: push },
    { method: 'POST', url: '/api/v1/write', payload: {} },
  ]);

  it('Basic auth with the API key as password (Promtail basic_auth) lands in the key owner\'s organization only', async () => {
    const alice = await registerUser(app, { organization: 'Alice' });
    const bob = await registerUser(app, { organization: 'Bob' });
    const key = await createApiKey(app, alice);
    const basic = `Basic ${Buffer.from(`promtail:${key}`).toString('base64')}`;
    const res = await app.app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: { authorization: basic }, payload: { streams: [{ stream: { host: 'only-alice' }, values: [['1000000', 'x']] }] } });
    expect(res.statusCode).toBe(204);
    const seen = async (headers: Record<string, string>) => json(await app.app.inject({ method: 'GET', url: '/api/v1/events?source=only-alice', headers })).data.total;
    expect(await seen(alice.headers)).toBe(1);
    expect(await seen(bob.headers)).toBe(0);
  });

  it('a wrong Basic password is 401', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/loki/api/v1/push', headers: { authorization: `Basic ${Buffer.from('x:sk_live_wrong').toString('base64')}` }, payload: push });
    expect(res.statusCode).toBe(401);
  });
});

describe('intake under load', () => {
  it('pushes count toward the rate limit: 429 with Retry-After past it', async () => {
    const limited = await createTestApp({ config: { rateLimitsEnabled: true } });
    try {
      const admin = json(await limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'admin-password-1' } })).data;
      const headers = { authorization: `Bearer ${admin.access_token}` };
      const put = await limited.app.inject({ method: 'PUT', url: '/api/v1/rate-limits', headers, payload: { endpoints: { '/loki/api/v1/push': { requests_per_minute: 2 } } } });
      expect(put.statusCode, put.body).toBe(200);
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await limited.app.inject({ method: 'POST', url: '/loki/api/v1/push', headers, payload: push });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([204, 204, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.teardown();
    }
  });
});
