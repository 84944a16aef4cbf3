import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../test/support/http';

/**
 * Property-style sweep over every documented route (taken from the OpenAPI document, so new routes are covered
 * automatically): malformed JSON, wrong body types, oversized bodies, garbage ids and query values must all be
 * answered with a 4xx and an error code, never a 500.
 */
let app: TestApp;
let admin: Session;
let routes: { method: string; url: string }[] = [];

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  const doc = app.app.swagger() as { paths: Record<string, Record<string, unknown>> };
  routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.keys(methods)
      .filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map((method) => ({ method: method.toUpperCase(), url: path.replace(/\{[^}]+\}/g, 'does-not-exist-%27%22') })),
  );
});
afterAll(async () => app.teardown());

const BODIES: [string, string, string][] = [
  ['malformed JSON', '{"a": ', 'application/json'],
  ['a JSON array', '[1,2,3]', 'application/json'],
  ['a JSON number', '42', 'application/json'],
  ['JSON null', 'null', 'application/json'],
  ['wrong field types', JSON.stringify({ name: 1, events: 'x', url: 5, username: [], limit: 'x', tags: 'x', state_id: {}, log_entry: 7, values: 'x' }), 'application/json'],
  ['plain text', 'hello there', 'text/plain'],
  ['deeply nested', '['.repeat(5000) + ']'.repeat(5000), 'application/json'],
  ['a deep object inside plausible fields', plausibleWith('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)), 'application/json'],
];

function plausibleWith(deep: string): string {
  const event = `{"type":"metric","source":"s","timestamp":"2026-01-01T00:00:00Z","name":"cpu","value":1,"metadata":${deep}}`;
  return `{"log_entry":"x","events":[${event}],"metadata":${deep},"tags":${deep},"config":${deep}}`;
}

describe('no route answers 500 to bad input', () => {
  it('the sweep found the routes', () => {
    expect(routes.length).toBeGreaterThan(8);
  });

  it('bad bodies on every write route', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.method !== 'GET')) {
      for (const [name, payload, type] of BODIES) {
        const res = await app.app.inject({ method: route.method as any, url: route.url, payload, headers: { ...admin.headers, 'content-type': type } });
        if (res.statusCode >= 500) failures.push(`${route.method} ${route.url} with ${name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
        else if (res.statusCode >= 400 && !json(res).error?.code) failures.push(`${route.method} ${route.url} with ${name}: no error code`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('garbage query strings and ids on every route', async () => {
    const failures: string[] = [];
    const queries = ['?page=-1&limit=abc&size=1e9&offset=-5', '?start_date=yesterday&end_date=%00&from_date=x&interval=fortnight', '?severity=apocalyptic&status=%27%3B--&days=-3', '?state_id=&q=' + 'x'.repeat(5000)];
    for (const route of routes) {
      for (const query of queries) {
        const res = await app.app.inject({ method: route.method as any, url: route.url + query, headers: admin.headers, payload: route.method === 'GET' ? undefined : {} });
        if (res.statusCode >= 500) failures.push(`${route.method} ${route.url}${query.slice(0, 40)}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('a body nested deeper than 64 levels is refused as INVALID_JSON', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', payload: plausibleWith('{"a":'.repeat(70) + '1' + '}'.repeat(70)), headers: { ...admin.headers, 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.code).toBe('INVALID_JSON');
    const shallow = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', payload: plausibleWith('{"a":'.repeat(20) + '1' + '}'.repeat(20)), headers: { ...admin.headers, 'content-type': 'application/json' } });
    expect(shallow.statusCode, shallow.body).toBe(202);
  });

  it('a huge body is 413 PAYLOAD_TOO_LARGE in both families', async () => {
    const payload = JSON.stringify({ blob: 'x'.repeat(20 * 1024 * 1024) });
    for (const url of ['/api/v1/auth/register', '/v1/data']) {
      const res = await app.app.inject({ method: 'POST', url, payload, headers: { ...admin.headers, 'content-type': 'application/json' } });
      expect(res.statusCode, url).toBe(413);
      expect(json(res).error.code, url).toBe('PAYLOAD_TOO_LARGE');
    }
  });

  it('unknown routes are 404 with a code in both families', async () => {
    const envelope = await app.app.inject({ method: 'GET', url: '/api/v1/definitely-not-here', headers: admin.headers });
    expect(envelope.statusCode).toBe(404);
    expect(json(envelope)).toMatchObject({ success: false, error: { code: 'ROUTE_NOT_FOUND' } });
    const bare = await app.app.inject({ method: 'GET', url: '/v1/definitely-not-here', headers: admin.headers });
    expect(bare.statusCode).toBe(404);
    expect(json(bare)).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
  });
});
