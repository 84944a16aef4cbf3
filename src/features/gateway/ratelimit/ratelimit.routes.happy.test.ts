import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { createApiKey, json, loginAdmin, registerUser, type Session } from '../../../../test/support/http';
import { gatewayOf } from '../../../app/features/gateway';
import type { VigilEvent } from '../../../events/catalogue';
import { createRateLimitRepository } from './ratelimit.repository';
import { createRateLimitService } from './ratelimit.service';
import { DEFAULT_RATE_LIMITS } from './policy';

let app: TestApp;
let admin: Session;
let ipCounter = 0;
const freshIp = () => `10.20.${Math.floor(++ipCounter / 250)}.${(ipCounter % 250) + 1}`;

beforeAll(async () => {
  app = await createTestApp({ config: { rateLimitsEnabled: true } });
  admin = await loginAdmin(app);
});
afterAll(async () => app.teardown());

async function putLimits(body: object, as: Session = admin) {
  const res = await app.app.inject({ method: 'PUT', url: '/api/v1/rate-limits', headers: as.headers, payload: body });
  expect(res.statusCode, res.body).toBe(200);
  return json(res);
}

describe('rate-limit configuration', () => {
  it('answers the shipped defaults to any user', async () => {
    const user = await registerUser(app, { organization: 'Fresh' });
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: user.headers });
    expect(res.statusCode).toBe(200);
    expect(json(res).data).toEqual(DEFAULT_RATE_LIMITS);
  });

  it('lets an admin change the limits; the change is stored and answered at once', async () => {
    const body = await putLimits({ global: { requests_per_minute: 600 }, endpoints: { '/api/v1/data': { requests_per_minute: 50, requests_per_hour: 500 } }, algorithm: 'token_bucket' });
    expect(body.message).toBe('Rate limit configuration updated successfully');
    expect(body.data.global).toEqual({ requests_per_minute: 600, requests_per_hour: DEFAULT_RATE_LIMITS.global.requests_per_hour });
    const stored = await app.core.settings.get<any>(admin.organizationId, 'gateway.rate_limits', null);
    expect(stored.endpoints).toEqual({ '/api/v1/data': { requests_per_minute: 50, requests_per_hour: 500 } });
    expect(stored.algorithm).toBe('token_bucket');
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: admin.headers });
    expect(json(res).data.algorithm).toBe('token_bucket');
    await putLimits({ global: DEFAULT_RATE_LIMITS.global, endpoints: DEFAULT_RATE_LIMITS.endpoints, algorithm: 'sliding_window' });
  });

  it('keeps organizations apart: another organization still has the defaults', async () => {
    await putLimits({ global: { requests_per_minute: 700 } });
    const other = await registerUser(app, { organization: 'Elsewhere' });
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: other.headers });
    expect(json(res).data.global.requests_per_minute).toBe(DEFAULT_RATE_LIMITS.global.requests_per_minute);
    await putLimits({ global: DEFAULT_RATE_LIMITS.global });
  });
});

describe('enforcement', () => {
  for (const algorithm of ['sliding_window', 'token_bucket'] as const) {
    it(`${algorithm}: 500 concurrent anonymous requests against a limit of 37 admit exactly 37`, async () => {
      // The bucket refills continuously (37/min is one token per 1.6 s), so its exactness is checked on the hour limit.
      const anonymous = algorithm === 'token_bucket' ? { requests_per_minute: 100_000, requests_per_hour: 37 } : { requests_per_minute: 37, requests_per_hour: 10_000 };
      await putLimits({ anonymous, algorithm });
      const remoteAddress = freshIp();
      const responses = await Promise.all(Array.from({ length: 500 }, () => app.app.inject({ method: 'GET', url: '/api/v1/version', remoteAddress })));
      const statuses = responses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 200).length).toBe(37);
      expect(statuses.filter((s) => s === 429).length).toBe(463);
      await putLimits({ anonymous: DEFAULT_RATE_LIMITS.anonymous, algorithm: 'sliding_window' });
    });
  }

  it('sets X-RateLimit headers on successes, errors and public routes', async () => {
    await putLimits({ anonymous: { requests_per_minute: 5 } });
    const remoteAddress = freshIp();
    const ok = await app.app.inject({ method: 'GET', url: '/api/v1/version', remoteAddress });
    expect(ok.headers['x-ratelimit-limit']).toBe('5');
    expect(ok.headers['x-ratelimit-remaining']).toBe('4');
    const reset = Number(ok.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);
    const missing = await app.app.inject({ method: 'GET', url: '/api/v1/no-such-route', remoteAddress });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['x-ratelimit-remaining']).toBe('3');
    const unauthorized = await app.app.inject({ method: 'GET', url: '/api/v1/webhooks', remoteAddress });
    expect(unauthorized.statusCode).toBe(401);
    expect(unauthorized.headers['x-ratelimit-remaining']).toBe('2');
    const health = await app.app.inject({ method: 'GET', url: '/health', remoteAddress });
    expect(health.headers['x-ratelimit-limit']).toBeUndefined();
    await putLimits({ anonymous: DEFAULT_RATE_LIMITS.anonymous });
  });

  it('answers 429 with Retry-After, retry_after and RATE_LIMIT_EXCEEDED on /api/v1, RATE_LIMITED on /v1', async () => {
    await putLimits({ anonymous: { requests_per_minute: 1 } });
    const remoteAddress = freshIp();
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/version', remoteAddress })).statusCode).toBe(200);
    const limited = await app.app.inject({ method: 'GET', url: '/api/v1/version', remoteAddress });
    expect(limited.statusCode).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    const body = json(limited);
    expect(body.success).toBe(false);
    expect(body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(body.error.retry_after).toBe(retryAfter);
    expect(body.retry_after).toBe(retryAfter);
    expect(body.error.details).toMatchObject({ limit: 1, current: 2 });
    expect(Date.parse(body.error.details.reset_at)).toBeGreaterThan(Date.now() - 1000);

    const bare = await app.app.inject({ method: 'GET', url: '/v1/anything', remoteAddress });
    expect(bare.statusCode).toBe(429);
    expect(json(bare).error.code).toBe('RATE_LIMITED');
    expect(json(bare).error.retry_after).toBeGreaterThanOrEqual(1);
    await putLimits({ anonymous: DEFAULT_RATE_LIMITS.anonymous });
  });

  it('keys authenticated callers by user and by API key, apart from each other and from their IP', async () => {
    const orgAdmin = await registerUser(app, { organization: 'Keyed' });
    const key = await createApiKey(app, orgAdmin);
    await putLimits({ global: { requests_per_minute: 4 } }, orgAdmin);
    const remoteAddress = freshIp();
    const byUser = [];
    for (let i = 0; i < 3; i++) byUser.push((await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: orgAdmin.headers, remoteAddress })).statusCode);
    expect(byUser).toEqual([200, 200, 429]);
    const byKey = [];
    for (let i = 0; i < 5; i++) byKey.push((await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: { 'x-api-key': key }, remoteAddress })).statusCode);
    expect(byKey).toEqual([200, 200, 200, 200, 429]);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/version', remoteAddress })).statusCode).toBe(200);
  });

  it('applies an endpoint limit only to its path prefix', async () => {
    const user = await registerUser(app, { organization: 'Endpoints' });
    await putLimits({ endpoints: { '/api/v1/webhooks': { requests_per_minute: 2 } } }, user);
    const hit = async (url: string) => (await app.app.inject({ method: 'GET', url, headers: user.headers })).statusCode;
    expect([await hit('/api/v1/webhooks'), await hit('/api/v1/webhooks'), await hit('/api/v1/webhooks')]).toEqual([200, 200, 429]);
    expect(await hit('/api/v1/rate-limits')).toBe(200);
  });

  it('records each 429 and publishes rate_limit.exceeded', async () => {
    const user = await registerUser(app, { organization: 'Recorded' });
    const key = await createApiKey(app, user, ['read']);
    await putLimits({ global: { requests_per_minute: 3 } }, user);
    const events: VigilEvent[] = [];
    const unsubscribe = app.core.bus.subscribe(['rate_limit.exceeded'], (e) => void events.push(e));
    const started = new Date(Date.now() - 1000).toISOString();
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.app.inject({ method: 'GET', url: '/api/v1/webhooks', headers: user.headers })).statusCode);
    unsubscribe();
    expect(statuses).toEqual([200, 429, 429]);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events[0]!.organizationId).toBe(user.organizationId);
    expect(events[0]!.data).toMatchObject({ user_id: user.userId, endpoint: '/api/v1/webhooks', limit_type: 'requests_per_minute', limit_value: 3, current_usage: 4 });

    // The user is limited now; their API key has a counter of its own.
    const res = await app.app.inject({
      method: 'GET',
      url: `/api/v1/analytics/rate-limits?start_date=${started}&end_date=${new Date(Date.now() + 1000).toISOString()}`,
      headers: { 'x-api-key': key },
    });
    expect(res.statusCode, res.body).toBe(200);
    const data = json(res).data;
    expect(data.total_events).toBe(2);
    expect(data.events[0]).toMatchObject({ user_id: user.userId, api_key_id: null, endpoint: '/api/v1/webhooks', limit_type: 'requests_per_minute', limit_value: 3 });
  });

  it('enforces a tightened limit at once, and it is stored for restarts', async () => {
    const user = await registerUser(app);
    const limits = createRateLimitService({ repo: createRateLimitRepository(app.core.db), settings: app.core.settings, bus: app.core.bus, clock: app.core.clock, logger: app.core.logger });
    const result = await limits.tighten({ organizationId: user.organizationId, subject: { type: 'user', value: user.userId }, requestsPerMinute: 2, durationSeconds: 600 });
    expect(result).toMatchObject({ subject: `user:${user.userId}`, requests_per_minute: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: user.headers })).statusCode);
    expect(statuses).toEqual([200, 200, 429]);
    const rows = await app.core.db.selectFrom('rate_limit_overrides').selectAll().where('subject_value', '=', user.userId).execute();
    expect(rows).toHaveLength(1);
  });

  it('does nothing when the gateway is asked to tighten through its API with bad input', async () => {
    await expect(gatewayOf(app).limits.tighten({ organizationId: admin.organizationId, subject: { type: 'ip', value: '1.1.1.1' }, requestsPerMinute: 0, durationSeconds: 10 })).rejects.toThrow(/requestsPerMinute/);
  });
});
