import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../test/support/http';
import { MAX_EVENTS_PER_BATCH } from './anomalies.schemas';

let app: TestApp;
let user: Session;

beforeAll(async () => {
  app = await createTestApp();
  user = await registerUser(app, { organization: 'Errors' });
});
afterAll(async () => app?.teardown());

const metric = { type: 'metric', source: 's', name: 'cpu', value: 1, timestamp: '2026-01-01T00:00:00Z' };

describe('DriftLock anomaly routes: bad input', () => {
  const cases: [string, unknown, number, string][] = [
    ['no events', {}, 400, 'VALIDATION_ERROR'],
    ['empty batch', { events: [] }, 400, 'VALIDATION_ERROR'],
    ['events not an array', { events: 'x' }, 400, 'VALIDATION_ERROR'],
    ['unknown type', { events: [{ ...metric, type: 'span' }] }, 400, 'VALIDATION_ERROR'],
    ['metric without value', { events: [{ type: 'metric', source: 's', name: 'cpu' }] }, 400, 'VALIDATION_ERROR'],
    ['value not a number', { events: [{ ...metric, value: '12' }] }, 400, 'VALIDATION_ERROR'],
    ['bad timestamp', { events: [{ ...metric, timestamp: 'yesterday' }] }, 400, 'VALIDATION_ERROR'],
    ['empty source', { events: [{ ...metric, source: ' ' }] }, 400, 'VALIDATION_ERROR'],
    ['trace without ids', { events: [{ type: 'trace', source: 's', name: 'GET /', duration_ms: 3 }] }, 400, 'VALIDATION_ERROR'],
    ['negative duration', { events: [{ type: 'trace', source: 's', name: 'GET /', trace_id: 't', span_id: 's', duration_ms: -1 }] }, 400, 'VALIDATION_ERROR'],
    ['log without message', { events: [{ type: 'log', source: 's', level: 'error' }] }, 400, 'VALIDATION_ERROR'],
    ['metadata not an object', { events: [{ ...metric, metadata: [1] }] }, 400, 'VALIDATION_ERROR'],
  ];
  for (const [name, payload, status, code] of cases) {
    it(`ingest: ${name} → ${status} ${code}`, async () => {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: user.headers, payload: payload as object });
      expect(res.statusCode).toBe(status);
      expect(json(res).error.code).toBe(code);
    });
  }

  it('reports every bad event with its index and field, and stores nothing of the batch', async () => {
    const res = await app.app.inject({
      method: 'POST', url: '/api/v1/events/ingest', headers: user.headers,
      payload: { events: [{ ...metric, source: 'atomic' }, { ...metric, source: 'atomic', value: 'x' }, { ...metric, source: 'atomic' }, { type: 'log', source: 'atomic' }] },
    });
    expect(res.statusCode).toBe(400);
    const details = json(res).error.details;
    expect(details).toEqual(expect.arrayContaining([
      expect.objectContaining({ index: 1, field: 'events.1.value' }),
      expect.objectContaining({ index: 3, field: 'events.3.message' }),
    ]));
    expect(details.every((d: any) => d.index === 1 || d.index === 3)).toBe(true);
    const stored = json(await app.app.inject({ method: 'GET', url: '/api/v1/events?source=atomic', headers: user.headers }));
    expect(stored.data.total).toBe(0);
  });

  it('refuses a batch above the event limit with 413', async () => {
    const events = Array.from({ length: MAX_EVENTS_PER_BATCH + 1 }, () => ({ type: 'metric', source: 'big', name: 'x', value: 1 }));
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: user.headers, payload: { events } });
    expect(res.statusCode).toBe(413);
    expect(json(res).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('malformed JSON is 400', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: { ...user.headers, 'content-type': 'application/json' }, payload: '{"events": [' });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.code).toBe('INVALID_JSON');
  });

  const queries: [string, number][] = [
    ['/api/v1/anomalies?status=bogus', 400],
    ['/api/v1/anomalies?severity=urgent', 400],
    ['/api/v1/anomalies?limit=0', 400],
    ['/api/v1/anomalies?limit=100000', 400],
    ['/api/v1/anomalies?start_time=notadate', 400],
    ['/api/v1/events?type=metrics', 400],
    ['/api/v1/events?page=0', 400],
    ['/api/v1/dashboard/recent?limit=abc', 400],
  ];
  for (const [url, status] of queries) {
    it(`GET ${url} → ${status}`, async () => {
      const res = await app.app.inject({ method: 'GET', url, headers: user.headers });
      expect(res.statusCode).toBe(status);
      expect(json(res).error.code).toBe('VALIDATION_ERROR');
    });
  }

  for (const [method, url] of [['GET', '/api/v1/anomalies/00000000-0000-4000-8000-000000000000'], ['PUT', '/api/v1/anomalies/nope/resolve'], ['DELETE', '/api/v1/anomalies/nope']] as const) {
    it(`${method} ${url} on an unknown id → 404`, async () => {
      const res = await app.app.inject({ method, url, headers: user.headers });
      expect(res.statusCode).toBe(404);
      expect(json(res).error.code).toBe('RESOURCE_NOT_FOUND');
    });
  }
});
