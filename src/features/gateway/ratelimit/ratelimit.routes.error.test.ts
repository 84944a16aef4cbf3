import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../../test/support/http';
import { DEFAULT_RATE_LIMITS } from './policy';

let app: TestApp;
let admin: Session;
let user: Session;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  user = await registerUser(app);
});
afterAll(async () => app.teardown());

describe('PUT /api/v1/rate-limits refuses invalid values with 400 and changes nothing', () => {
  const cases: [string, unknown][] = [
    ['a zero limit', { global: { requests_per_minute: 0 } }],
    ['a negative limit', { global: { requests_per_minute: -5, requests_per_hour: 100 } }],
    ['a fractional limit', { global: { requests_per_minute: 1.5 } }],
    ['a string limit', { global: { requests_per_minute: '100' } }],
    ['an empty limit pair', { global: {} }],
    ['an unknown limit field', { global: { requests_per_second: 5 } }],
    ['an unknown algorithm', { algorithm: 'leaky_bucket' }],
    ['an endpoint that is not a path', { endpoints: { 'api/v1/detect': { requests_per_minute: 5 } } }],
    ['an endpoint with a bad limit', { endpoints: { '/api/v1/detect': { requests_per_minute: 0 } } }],
    ['an unknown top-level field', { globl: { requests_per_minute: 5 } }],
    ['an empty body', {}],
    ['endpoints not an object', { endpoints: [1, 2] }],
  ];
  for (const [name, payload] of cases) {
    it(name, async () => {
      const res = await app.app.inject({ method: 'PUT', url: '/api/v1/rate-limits', headers: admin.headers, payload: payload as object });
      expect(res.statusCode, res.body).toBe(400);
      expect(json(res).error.code).toBe('VALIDATION_ERROR');
    });
  }
  it('left the configuration untouched', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: admin.headers });
    expect(json(res).data).toEqual(DEFAULT_RATE_LIMITS);
  });
});

describe('only administrators change limits', () => {
  it('answers 403 INSUFFICIENT_PERMISSIONS to a user', async () => {
    const res = await app.app.inject({ method: 'PUT', url: '/api/v1/rate-limits', headers: user.headers, payload: { global: { requests_per_minute: 5 } } });
    expect(res.statusCode).toBe(403);
    expect(json(res).error.code).toBe('INSUFFICIENT_PERMISSIONS');
    expect(json(await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: user.headers })).data.global.requests_per_minute).toBe(1000);
  });
});

describe('GET /api/v1/analytics/rate-limits refuses bad queries', () => {
  const cases: [string, string][] = [
    ['missing dates', ''],
    ['missing end_date', 'start_date=2026-01-01T00:00:00Z'],
    ['a date that is not ISO', 'start_date=yesterday&end_date=2026-01-01T00:00:00Z'],
    ['start after end', 'start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z'],
    ['a limit out of range', 'start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00Z&limit=0'],
  ];
  for (const [name, query] of cases) {
    it(name, async () => {
      const res = await app.app.inject({ method: 'GET', url: `/api/v1/analytics/rate-limits?${query}`, headers: user.headers });
      expect(res.statusCode, res.body).toBe(400);
      expect(json(res).error.code).toBe('VALIDATION_ERROR');
    });
  }
  it("refuses a user's filter on another user with 403", async () => {
    const res = await app.app.inject({ method: 'GET', url: `/api/v1/analytics/rate-limits?start_date=2026-01-01T00:00:00Z&end_date=2026-02-01T00:00:00Z&user_id=${admin.userId}`, headers: user.headers });
    expect(res.statusCode).toBe(403);
  });
});
