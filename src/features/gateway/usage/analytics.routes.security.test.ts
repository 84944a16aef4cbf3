import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, registerUser } from '../../../../test/support/http';
import { securitySuite } from '../../../../test/support/security';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app.teardown());

const range = 'start_date=2000-01-01T00:00:00Z&end_date=2100-01-01T00:00:00Z&interval=month';

describe('usage analytics security', () => {
  securitySuite(() => app, [{ method: 'GET', url: `/api/v1/analytics/usage?${range}` }]);

  it("an organization admin sees none of another organization's traffic, even by naming its user", async () => {
    const busy = await registerUser(app, { organization: 'Busy' });
    const watcher = await registerUser(app, { organization: 'Watcher' });
    for (let i = 0; i < 3; i++) await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: busy.headers });
    const res = await app.app.inject({ method: 'GET', url: `/api/v1/analytics/usage?${range}&user_id=${busy.userId}`, headers: watcher.headers });
    expect(res.statusCode).toBe(200);
    expect(json(res).data.total_requests).toBe(0);
  });
});
