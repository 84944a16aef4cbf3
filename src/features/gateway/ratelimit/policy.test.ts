import { describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS, matchEndpoint, rulesFor, subjectOf } from './policy';

describe('subjectOf', () => {
  it('keys by API key, else user, else IP', () => {
    expect(subjectOf({ userId: 'u', apiKeyId: 'k' }, '1.2.3.4')).toEqual({ type: 'api_key', value: 'k' });
    expect(subjectOf({ userId: 'u', apiKeyId: null }, '1.2.3.4')).toEqual({ type: 'user', value: 'u' });
    expect(subjectOf(null, '1.2.3.4')).toEqual({ type: 'ip', value: '1.2.3.4' });
  });
});

describe('matchEndpoint', () => {
  const endpoints = { '/api/v1/threats': {}, '/api/v1/threats/special': {}, '/api/v1/analytics/': {} };
  it('matches on segment boundaries and prefers the longest prefix', () => {
    expect(matchEndpoint(endpoints, '/api/v1/threats')).toBe('/api/v1/threats');
    expect(matchEndpoint(endpoints, '/api/v1/threats/42')).toBe('/api/v1/threats');
    expect(matchEndpoint(endpoints, '/api/v1/threats/special/1')).toBe('/api/v1/threats/special');
    expect(matchEndpoint(endpoints, '/api/v1/analytics/usage')).toBe('/api/v1/analytics/');
    expect(matchEndpoint(endpoints, '/api/v1/analytics')).toBe('/api/v1/analytics/');
  });
  it('does not match a longer sibling name', () => {
    expect(matchEndpoint(endpoints, '/api/v1/threatsx')).toBeNull();
    expect(matchEndpoint(endpoints, '/api/v1/other')).toBeNull();
  });
});

describe('rulesFor', () => {
  it('charges an authenticated caller the global and the endpoint limits, both windows', () => {
    const rules = rulesFor({ config: DEFAULT_RATE_LIMITS, subject: { type: 'user', value: 'u1' }, path: '/api/v1/detect', overrides: [] });
    expect(rules.map((r) => [r.limit, r.limitType, r.endpoint])).toEqual([
      [1000, 'requests_per_minute', null],
      [30_000, 'requests_per_hour', null],
      [100, 'requests_per_minute', '/api/v1/detect'],
      [3_000, 'requests_per_hour', '/api/v1/detect'],
    ]);
    expect(new Set(rules.map((r) => r.key)).size).toBe(4);
  });
  it('charges an anonymous caller the anonymous limits per IP', () => {
    const rules = rulesFor({ config: DEFAULT_RATE_LIMITS, subject: { type: 'ip', value: '9.9.9.9' }, path: '/api/v1/auth/login', overrides: [] });
    expect(rules.map((r) => r.limit)).toEqual([100, 3_000]);
    expect(rules[0]!.key).toContain('9.9.9.9');
  });
  it('adds tightened limits and separates algorithms in the keys', () => {
    const config = { ...DEFAULT_RATE_LIMITS, algorithm: 'token_bucket' as const };
    const rules = rulesFor({
      config,
      subject: { type: 'user', value: 'u1' },
      path: '/x',
      overrides: [{ organizationId: 'o', subjectType: 'ip', subjectValue: '5.5.5.5', requestsPerMinute: 3, expiresAt: Infinity }],
    });
    expect(rules.at(-1)).toMatchObject({ limit: 3, limitType: 'requests_per_minute' });
    expect(rules.at(-1)!.key).toContain('ip:5.5.5.5');
    expect(rules.every((r) => r.key.startsWith('vigil:rl:tb:'))).toBe(true);
  });
});
