import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { createApiKey, json, loginAdmin, registerUser, type Session } from '../../../../test/support/http';
import { gatewayOf } from '../../../app/features/gateway';

let app: TestApp;
let admin: Session;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
});
afterAll(async () => app.teardown());

const window = () => {
  const start = new Date(Date.now() - 60_000).toISOString();
  return { start, end: () => new Date(Date.now() + 60_000).toISOString() };
};

async function usage(session: Session | Record<string, string>, query: string) {
  const headers = 'headers' in session ? (session as Session).headers : (session as Record<string, string>);
  const res = await app.app.inject({ method: 'GET', url: `/api/v1/analytics/usage?${query}`, headers });
  expect(res.statusCode, res.body).toBe(200);
  return json(res).data;
}

describe('usage analytics', () => {
  it('counts exactly the requests made, with their outcome and latency', async () => {
    const { start, end } = window();
    const user = await registerUser(app, { organization: 'Counted' });
    for (let i = 0; i < 5; i++) await app.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: user.headers });
    for (let i = 0; i < 2; i++) await app.app.inject({ method: 'GET', url: '/api/v1/webhooks/does-not-exist', headers: user.headers });
    await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: user.headers, payload: { url: 'nope', events: ['*'] } });

    const data = await usage(user, `start_date=${start}&end_date=${end()}&interval=minute`);
    expect(data.total_requests).toBe(8);
    expect(data.success_rate).toBe(62.5);
    expect(data.average_response_time).toBeGreaterThan(0);
    const points = data.data_points.filter((p: any) => p.requests > 0);
    expect(points.reduce((n: number, p: any) => n + p.requests, 0)).toBe(8);
    expect(points.reduce((n: number, p: any) => n + p.error_count, 0)).toBe(3);
    expect(data.data_points.length).toBeGreaterThanOrEqual(2);

    const filtered = await usage(user, `start_date=${start}&end_date=${end()}&endpoint=${encodeURIComponent('/api/v1/webhooks/:id')}`);
    expect(filtered.total_requests).toBe(2);
    expect(filtered.success_rate).toBe(0);
  });

  it('stores the route template, the key and the status of each request', async () => {
    const user = await registerUser(app, { organization: 'Stored' });
    const key = await createApiKey(app, user);
    await app.app.inject({ method: 'GET', url: '/api/v1/webhooks/abc', headers: { 'x-api-key': key } });
    await gatewayOf(app).recorder.flush();
    const rows = await app.core.db.selectFrom('api_usage').selectAll().where('organization_id', '=', user.organizationId).where('api_key_id', 'is not', null).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user_id: user.userId, endpoint: '/api/v1/webhooks/:id', method: 'GET', status_code: 404 });
  });

  it('shows a user only their own traffic and an admin the whole organization, filterable by user', async () => {
    const { start, end } = window();
    const orgAdmin = await registerUser(app, { organization: 'Shared' });
    const other = await registerUser(app, { organization: 'Separate' });
    for (let i = 0; i < 3; i++) await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: orgAdmin.headers });
    for (let i = 0; i < 4; i++) await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: other.headers });
    expect((await usage(other, `start_date=${start}&end_date=${end()}&interval=day`)).total_requests).toBe(4);
    expect((await usage(orgAdmin, `start_date=${start}&end_date=${end()}&interval=day&user_id=${other.userId}`)).total_requests).toBe(0);
    const before = (await usage(admin, `start_date=${start}&end_date=${end()}&interval=hour`)).total_requests;
    const plain = await registerUser(app);
    await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: plain.headers });
    const mine = await usage(plain, `start_date=${start}&end_date=${end()}`);
    expect(mine.total_requests).toBe(1);
    const byAdmin = await usage(admin, `start_date=${start}&end_date=${end()}&user_id=${plain.userId}`);
    expect(byAdmin.total_requests).toBe(2); // the one above and the user's own analytics query
    expect((await usage(admin, `start_date=${start}&end_date=${end()}&interval=hour`)).total_requests).toBeGreaterThan(before);
  });

  it('buckets by week and month', async () => {
    const user = await registerUser(app, { organization: 'Buckets' });
    await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: user.headers });
    const start = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const end = new Date(Date.now() + 1000).toISOString();
    const weeks = await usage(user, `start_date=${start}&end_date=${end}&interval=week`);
    expect(weeks.total_requests).toBe(1);
    expect(new Date(weeks.data_points[0].timestamp).getUTCDay()).toBe(1);
    const months = await usage(user, `start_date=${start}&end_date=${end}&interval=month`);
    expect(months.total_requests).toBe(2);
    expect(months.data_points.every((p: any) => p.timestamp.slice(8, 10) === '01')).toBe(true);
  });

  it('loses nothing on a clean stop: buffered records are written at shutdown', async () => {
    const file = `${app.dataDir}/restart.db`;
    const first = await createTestApp({ sqliteFile: file });
    if (first.databaseUrl) {
      await first.teardown();
      return; // the PostgreSQL project has no file to reopen; the flush-on-stop path is the same
    }
    const session = await loginAdmin(first);
    for (let i = 0; i < 3; i++) await first.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: session.headers });
    expect(gatewayOf(first).recorder.pending()).toBeGreaterThan(0);
    await first.close();
    const second = await createTestApp({ sqliteFile: file });
    try {
      const rows = await second.core.db.selectFrom('api_usage').selectAll().where('endpoint', '=', '/api/v1/rate-limits').execute();
      expect(rows).toHaveLength(3);
    } finally {
      await second.teardown();
    }
  });
});
