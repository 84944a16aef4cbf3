import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../test/support/http';

let app: TestApp;
let user: Session;
const base = Date.parse('2026-03-01T00:00:00Z');
const at = (i: number) => new Date(base + i * 60_000).toISOString();

beforeAll(async () => {
  app = await createTestApp();
  user = await registerUser(app, { organization: 'Happy anomalies' });
});
afterAll(async () => app?.teardown());

const ingest = (events: unknown[], session = user) =>
  app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: session.headers, payload: { events } });

describe('DriftLock anomaly routes', () => {
  it('detects a far outlier after 24 steady values, in the ingest request itself, and not an in-range value', async () => {
    const steady = Array.from({ length: 24 }, (_, i) => ({ type: 'metric', source: 'server-01', name: 'cpu', value: 100 + ((i * 7) % 5) - 2, timestamp: at(i) }));
    const first = await ingest(steady);
    expect(first.statusCode).toBe(202);
    expect(json(first).data.accepted).toBe(24);
    expect(json(first).data.anomalies_detected).toBe(0);

    const normal = await ingest([{ type: 'metric', source: 'server-01', name: 'cpu', value: 101, timestamp: at(24) }]);
    expect(json(normal).data.anomalies_detected).toBe(0);

    const spike = await ingest([{ type: 'metric', source: 'server-01', name: 'cpu', value: 1000, timestamp: at(25) }]);
    const data = json(spike).data;
    expect(data.anomalies_detected).toBe(1);
    expect(data.anomalies[0].explanation).toMatch(/^cpu 1000 is far above the \d+(\.\d)?–\d+(\.\d)? range of the last \d+ min on server-01 \(\d+(\.\d)? std\)/);

    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/anomalies?source=server-01', headers: user.headers }));
    expect(list.data.total).toBe(1);
    const stored = list.data.anomalies[0];
    expect(stored).toMatchObject({ id: data.anomalies[0].id, status: 'open', source: 'server-01', metric: 'cpu', value: 1000, severity: 'critical' });
    expect(stored.score).toBeGreaterThan(0.9);
    expect(stored.detected_at).toBe(at(25));
  });

  it('stores every event of a batch and lists them with filters and pagination', async () => {
    const res = await ingest([
      { type: 'log', source: 'api', level: 'error', message: 'db timeout after 30s', timestamp: at(1), metadata: { region: 'eu' } },
      { type: 'trace', source: 'api', name: 'GET /users', trace_id: 't1', span_id: 's1', duration_ms: 12.5, timestamp: at(2) },
      { type: 'metric', source: 'api', name: 'rps', value: 3, timestamp: at(3) },
    ]);
    expect(res.statusCode).toBe(202);
    const logs = json(await app.app.inject({ method: 'GET', url: '/api/v1/events?type=log&source=api', headers: user.headers })).data;
    expect(logs.total).toBe(1);
    expect(logs.events[0]).toMatchObject({ type: 'log', level: 'error', message: 'db timeout after 30s', metadata: { region: 'eu' }, timestamp: at(1) });
    const page = json(await app.app.inject({ method: 'GET', url: '/api/v1/events?source=api&limit=2&page=2', headers: user.headers })).data;
    expect(page.total).toBe(3);
    expect(page.events).toHaveLength(1);
    expect(page.events[0].type).toBe('log');
    const ranged = json(await app.app.inject({ method: 'GET', url: `/api/v1/events?source=api&start_time=${at(2)}&end_time=${at(2)}`, headers: user.headers })).data;
    expect(ranged.events.map((e: any) => e.type)).toEqual(['trace']);
  });

  it('gets, resolves and deletes an anomaly, and the dashboard counts follow', async () => {
    const [first] = json(await app.app.inject({ method: 'GET', url: '/api/v1/dashboard/recent', headers: user.headers })).data.anomalies;
    const one = await app.app.inject({ method: 'GET', url: `/api/v1/anomalies/${first.id}`, headers: user.headers });
    expect(json(one).data.id).toBe(first.id);

    let stats = json(await app.app.inject({ method: 'GET', url: '/api/v1/dashboard/stats', headers: user.headers })).data;
    expect(stats).toMatchObject({ total_anomalies: 1, open_anomalies: 1, resolved_anomalies: 0 });
    expect(stats.monitored_series).toBeGreaterThanOrEqual(4);

    const resolved = await app.app.inject({ method: 'PUT', url: `/api/v1/anomalies/${first.id}/resolve`, headers: user.headers });
    expect(resolved.statusCode).toBe(200);
    expect(json(resolved).data.status).toBe('resolved');
    expect(json(resolved).data.resolved_at).toBeTruthy();
    const listed = json(await app.app.inject({ method: 'GET', url: '/api/v1/anomalies?status=resolved', headers: user.headers })).data;
    expect(listed.anomalies.map((a: any) => a.id)).toEqual([first.id]);
    stats = json(await app.app.inject({ method: 'GET', url: '/api/v1/dashboard/stats', headers: user.headers })).data;
    expect(stats).toMatchObject({ open_anomalies: 0, resolved_anomalies: 1 });

    const deleted = await app.app.inject({ method: 'DELETE', url: `/api/v1/anomalies/${first.id}`, headers: user.headers });
    expect(json(deleted).data).toEqual({ id: first.id, deleted: true });
    expect((await app.app.inject({ method: 'GET', url: `/api/v1/anomalies/${first.id}`, headers: user.headers })).statusCode).toBe(404);
  });

  it('publishes anomaly.detected after commit', async () => {
    const seen: any[] = [];
    const off = app.core.bus.subscribe(['anomaly.detected'], (event) => void seen.push(event));
    const steady = Array.from({ length: 30 }, (_, i) => ({ type: 'metric', source: 'db-1', name: 'latency', value: 5 + (i % 2), timestamp: at(i) }));
    await ingest([...steady, { type: 'metric', source: 'db-1', name: 'latency', value: 500, timestamp: at(31) }]);
    off();
    expect(seen).toHaveLength(1);
    expect(seen[0].data).toMatchObject({ source: 'db-1', metric: 'latency', severity: 'critical' });
    const stored = json(await app.app.inject({ method: 'GET', url: `/api/v1/anomalies/${seen[0].data.anomaly_id}`, headers: user.headers }));
    expect(stored.data.value).toBe(500);
  });
});
