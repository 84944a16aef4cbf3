import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { createApiKey, json, registerUser } from '../../../../test/support/http';
import { securitySuite } from '../../../../test/support/security';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app.teardown());

describe('rate-limit routes security', () => {
  securitySuite(() => app, [
    { method: 'GET', url: '/api/v1/rate-limits' },
    { method: 'PUT', url: '/api/v1/rate-limits', payload: { global: { requests_per_minute: 5 } } },
    { method: 'GET', url: '/api/v1/analytics/rate-limits?start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00Z' },
  ]);

  it("an organization admin changes their own organization's limits only", async () => {
    const a = await registerUser(app, { organization: 'A' });
    const b = await registerUser(app, { organization: 'B' });
    const put = await app.app.inject({ method: 'PUT', url: '/api/v1/rate-limits', headers: a.headers, payload: { global: { requests_per_minute: 7 } } });
    expect(put.statusCode).toBe(200);
    const seenByB = json(await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: b.headers })).data;
    expect(seenByB.global.requests_per_minute).toBe(1000);
  });

  it("an admin's write-capable API key may change limits, a read-only one may not", async () => {
    const a = await registerUser(app, { organization: 'Keys' });
    const readOnly = await createApiKey(app, a, ['read']);
    const res = await app.app.inject({ method: 'PUT', url: '/api/v1/rate-limits', headers: { 'x-api-key': readOnly }, payload: { global: { requests_per_minute: 9 } } });
    expect(res.statusCode).toBe(403);
  });

  it("never shows another organization's 429 records", async () => {
    const owner = await registerUser(app, { organization: 'Quiet' });
    await app.core.db
      .insertInto('rate_limit_events')
      .values({ id: 'e1', organization_id: 'someone-else', user_id: null, api_key_id: null, ip: '1.1.1.1', endpoint: '/x', method: 'GET', limit_type: 'requests_per_minute', limit_value: 1, current_usage: 2, created_at: Date.now() })
      .execute();
    const res = await app.app.inject({ method: 'GET', url: `/api/v1/analytics/rate-limits?start_date=2000-01-01T00:00:00Z&end_date=2100-01-01T00:00:00Z`, headers: owner.headers });
    expect(json(res).data.total_events).toBe(0);
  });
});
