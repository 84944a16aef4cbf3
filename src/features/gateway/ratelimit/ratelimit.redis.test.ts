import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, loginAdmin } from '../../../../test/support/http';
import { createRedis } from '../../../lib/redis';
import type { Rule } from './algorithms';
import { createRedisStore } from './stores';

const url = process.env.VIGIL_TEST_REDIS_URL;
if (!url) console.warn('VIGIL_TEST_REDIS_URL is not set: the Redis rate-limit tests are skipped');

const rule = (limit: number, windowMs: number): Rule => ({ key: `vigil:rl:test:${randomUUID()}`, limit, windowMs, limitType: 'requests_per_minute', endpoint: null });

describe('Redis store', () => {
  for (const algorithm of ['sliding_window', 'token_bucket'] as const) {
    it.skipIf(!url)(`${algorithm}: 500 concurrent decisions against a limit of 37 admit exactly 37, in one round trip each`, async () => {
      const redis = createRedis(url!, { enableOfflineQueue: true });
      const store = createRedisStore(redis);
      try {
        await redis.script('FLUSH'); // the first decision must recover from NOSCRIPT through EVAL
        const rules = [rule(37, 3_600_000), rule(1000, 3_600_000)];
        const decisions = await Promise.all(Array.from({ length: 500 }, () => store.decide(algorithm, rules)));
        expect(decisions.filter((d) => d.admitted).length).toBe(37);
        const last = decisions.find((d) => !d.admitted)!;
        expect(last.outcomes[0]).toMatchObject({ remaining: 0, allowed: false });
        expect(last.outcomes[0]!.retryAfterMs).toBeGreaterThan(0);
        // Refused requests are not charged: the second rule counted only the admitted ones.
        expect(decisions.at(-1)!.outcomes[1]!.remaining).toBe(1000 - 37);
      } finally {
        await store.close();
      }
    });
  }
});

describe('two instances sharing Redis', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    if (!url) return;
    a = await createTestApp({ config: { rateLimitsEnabled: true, redisUrl: url } });
    b = await createTestApp({ config: { rateLimitsEnabled: true, redisUrl: url } });
  });
  afterAll(async () => {
    await a?.teardown();
    await b?.teardown();
  });

  it.skipIf(!url)('admit exactly N of 500 concurrent requests split between them', async () => {
    for (const app of [a, b]) {
      const admin = await loginAdmin(app);
      const res = await app.app.inject({ method: 'PUT', url: '/api/v1/rate-limits', headers: admin.headers, payload: { anonymous: { requests_per_minute: 41, requests_per_hour: 10_000 } } });
      expect(res.statusCode).toBe(200);
    }
    const remoteAddress = `10.99.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    // inject (rather than sockets, which would all come from 127.0.0.1) lets every request carry this test's own IP.
    const responses = await Promise.all(
      Array.from({ length: 500 }, (_, i) => (i % 2 ? a : b).app.inject({ method: 'GET', url: '/api/v1/version', remoteAddress })),
    );
    const admitted = responses.filter((r) => r.statusCode === 200).length;
    expect(admitted).toBe(41);
    expect(responses.filter((r) => r.statusCode === 429).length).toBe(459);
  });
});

describe('Redis outage', () => {
  const dead = 'redis://127.0.0.1:1';
  for (const mode of ['open', 'closed'] as const) {
    it(`fails ${mode} with a warning, never a 500`, async () => {
      const app = await createTestApp({ config: { rateLimitsEnabled: true, redisUrl: dead, rateLimitFail: mode } });
      try {
        const warn = vi.spyOn(app.core.logger, 'warn');
        const res = await app.app.inject({ method: 'GET', url: '/api/v1/version' });
        if (mode === 'open') {
          expect(res.statusCode).toBe(200);
        } else {
          expect(res.statusCode).toBe(503);
          expect(json(res).error.code).toBe('SERVICE_UNAVAILABLE');
          expect(res.headers['retry-after']).toBe('1');
        }
        expect(warn.mock.calls.some((call) => String(call[1]).includes(`VIGIL_RATE_LIMIT_FAIL=${mode}`))).toBe(true);
        expect((await app.app.inject({ method: 'GET', url: '/health' })).statusCode).not.toBe(500);
      } finally {
        await app.teardown();
      }
    });
  }
});
