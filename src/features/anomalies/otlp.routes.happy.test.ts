import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, registerUser, type Session } from '../../../test/support/http';

let app: TestApp;
let user: Session;
let key: string;
const nanos = (i: number) => `${BigInt(Date.parse('2026-02-01T00:00:00Z') + i * 60_000) * 1_000_000n}`;
const resource = { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] };

beforeAll(async () => {
  app = await createTestApp();
  user = await registerUser(app, { organization: 'OTLP' });
  key = await createApiKey(app, user);
});
afterAll(async () => app?.teardown());

const post = (signal: string, payload: object) => app.app.inject({ method: 'POST', url: `/v1/otlp/v1/${signal}`, headers: { 'x-api-key': key }, payload });
const events = async (query: string) => json(await app.app.inject({ method: 'GET', url: `/api/v1/events?${query}`, headers: user.headers })).data;

describe('OTLP/HTTP JSON', () => {
  it('takes metrics as an OpenTelemetry Collector sends them and detects on each labelled series', async () => {
    const points = (value: (i: number) => number) =>
      Array.from({ length: 30 }, (_, i) => ({ timeUnixNano: nanos(i), asDouble: value(i), attributes: [{ key: 'cpu', value: { intValue: '0' } }] }));
    const res = await post('metrics', {
      resourceMetrics: [{ resource, scopeMetrics: [{ scope: { name: 'hostmetrics' }, metrics: [
        { name: 'system.cpu.utilization', unit: '1', gauge: { dataPoints: points((i) => (i < 29 ? 0.3 + (i % 3) * 0.01 : 0.99)) } },
        { name: 'http.server.duration', histogram: { dataPoints: [{ timeUnixNano: nanos(1), count: '4', sum: 100 }] } },
      ] }] }],
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({});
    const stored = await events('type=metric&source=checkout&limit=100');
    expect(stored.total).toBe(31);
    expect(stored.events.find((e: any) => e.name === 'http.server.duration').value).toBe(25);
    const anomalies = json(await app.app.inject({ method: 'GET', url: '/v1/anomalies?sourceId=checkout', headers: user.headers })).anomalies;
    expect(anomalies.map((a: any) => a.metric)).toEqual(['system.cpu.utilization{cpu=0}']);
  });

  it('takes logs (severity text or number) and traces (duration from start and end)', async () => {
    const logs = await post('logs', {
      resourceLogs: [{ resource, scopeLogs: [{ logRecords: [
        { timeUnixNano: nanos(2), severityNumber: 17, body: { stringValue: 'payment declined' }, traceId: 'abc' },
        { timeUnixNano: nanos(3), severityText: 'INFO', body: { stringValue: 'ok' } },
      ] }] }],
    });
    expect(logs.statusCode).toBe(200);
    const storedLogs = await events('type=log&source=checkout');
    expect(storedLogs.events.map((e: any) => [e.level, e.message])).toEqual([['info', 'ok'], ['error', 'payment declined']]);

    const traces = await post('traces', {
      resourceSpans: [{ resource, scopeSpans: [{ spans: [{ traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', name: 'POST /pay', startTimeUnixNano: nanos(4), endTimeUnixNano: `${BigInt(nanos(4)) + 42_500_000n}` }] }] }],
    });
    expect(traces.statusCode).toBe(200);
    const storedTraces = await events('type=trace&source=checkout');
    expect(storedTraces.events[0]).toMatchObject({ name: 'POST /pay', duration_ms: 42.5, trace_id: '5b8efff798038103d269b633813fc60c' });
  });
});
