import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../../test/support/http';

let app: TestApp;
let user: Session;
let admin: Session;

beforeAll(async () => {
  app = await createTestApp();
  user = await registerUser(app);
  admin = await loginAdmin(app);
});
afterAll(async () => app.teardown());

describe('GET /api/v1/analytics/usage refuses bad queries with 400', () => {
  const cases: [string, string][] = [
    ['no dates', ''],
    ['no start_date', 'end_date=2026-01-02T00:00:00Z'],
    ['no end_date', 'start_date=2026-01-01T00:00:00Z'],
    ['a date that is not a date', 'start_date=2026-13-45&end_date=2026-01-02T00:00:00Z'],
    ['an unknown interval', 'start_date=2026-01-01T00:00:00Z&end_date=2026-01-02T00:00:00Z&interval=fortnight'],
    ['start after end', 'start_date=2026-01-03T00:00:00Z&end_date=2026-01-02T00:00:00Z'],
    ['too many buckets', 'start_date=2000-01-01T00:00:00Z&end_date=2026-01-02T00:00:00Z&interval=minute'],
  ];
  for (const [name, query] of cases) {
    it(name, async () => {
      const res = await app.app.inject({ method: 'GET', url: `/api/v1/analytics/usage?${query}`, headers: user.headers });
      expect(res.statusCode, res.body).toBe(400);
      expect(json(res).error.code).toBe('VALIDATION_ERROR');
    });
  }
});

describe('access', () => {
  it("refuses a user's request for another user's usage with 403", async () => {
    const res = await app.app.inject({ method: 'GET', url: `/api/v1/analytics/usage?start_date=2026-01-01T00:00:00Z&end_date=2026-01-02T00:00:00Z&user_id=${admin.userId}`, headers: user.headers });
    expect(res.statusCode).toBe(403);
    expect(json(res).error.code).toBe('INSUFFICIENT_PERMISSIONS');
  });
  it('lets a user name themselves', async () => {
    const res = await app.app.inject({ method: 'GET', url: `/api/v1/analytics/usage?start_date=2026-01-01T00:00:00Z&end_date=2026-01-02T00:00:00Z&user_id=${user.userId}`, headers: user.headers });
    expect(res.statusCode).toBe(200);
  });
});
