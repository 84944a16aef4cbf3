import { gzipSync } from 'node:zlib';
import snappy from 'snappyjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, registerUser, type Session } from '../../../test/support/http';
import { message, snappyLiteral, type Field } from './testing/wire';

let app: TestApp;
let user: Session;
let key: string;
const T0 = Date.parse('2026-03-01T00:00:00Z');

beforeAll(async () => {
  app = await createTestApp();
  user = await registerUser(app, { organization: 'Intake' });
  key = await createApiKey(app, user);
});
afterAll(async () => app?.teardown());

const events = async (query: string) => json(await app.app.inject({ method: 'GET', url: `/api/v1/events?${query}`, headers: user.headers })).data;

const label = (name: string, value: string): Field => [1, 'bytes', [[1, 'bytes', name], [2, 'bytes', value]]];
const series = (labels: [string, string][], samples: [number, number][]): Field =>
  [1, 'bytes', [...labels.map(([n, v]) => label(n, v)), ...samples.map(([value, ts]): Field => [2, 'bytes', [[1, 'double', value], [2, 'varint', ts]]])]];

describe('Prometheus remote_write 1.0', () => {
  it('stores each sample as a metric event of its series and detects on it; answers 204 after commit', async () => {
    const samples: [number, number][] = Array.from({ length: 30 }, (_, i) => [i < 29 ? 100 + (i % 3) : 5000, T0 + i * 15_000]);
    const body = message([
      series([['__name__', 'http_requests_in_flight'], ['instance', 'web-1:9100'], ['job', 'node']], samples),
      series([['__name__', 'up'], ['instance', 'web-1:9100'], ['job', 'node']], [[1, T0], [NaN, T0 + 15_000]]),
    ]);
    const res = await app.app.inject({
      method: 'POST', url: '/api/v1/write', payload: Buffer.from(snappy.compress(body)),
      headers: { 'x-api-key': key, 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy', 'x-prometheus-remote-write-version': '0.1.0' },
    });
    expect(res.statusCode, res.body).toBe(204);
    const stored = await events('type=metric&source=web-1:9100&limit=100');
    expect(stored.total).toBe(31); // the stale marker (NaN) is skipped
    const point = stored.events.find((e: any) => e.name === 'http_requests_in_flight{job=node}' && e.value === 5000);
    expect(point.metadata.labels).toEqual({ __name__: 'http_requests_in_flight', instance: 'web-1:9100', job: 'node' });
    expect(point.timestamp).toBe(new Date(T0 + 29 * 15_000).toISOString());
    const anomalies = json(await app.app.inject({ method: 'GET', url: '/api/v1/anomalies?source=web-1:9100', headers: user.headers })).data.anomalies;
    expect(anomalies.map((a: any) => a.metric)).toContain('http_requests_in_flight{job=node}');
  });
});

describe('Loki push API', () => {
  it('takes JSON (gzip too): each line is a log event of its stream, labels as metadata', async () => {
    const payload = { streams: [{ stream: { job: 'varlogs', host: 'db-1', level: 'WARN' }, values: [[`${BigInt(T0) * 1_000_000n}`, 'disk almost full'], [`${BigInt(T0 + 1) * 1_000_000n}`, 'second', { trace_id: 'abc' }]] }] };
    const res = await app.app.inject({
      method: 'POST', url: '/loki/api/v1/push', payload: gzipSync(JSON.stringify(payload)),
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(res.statusCode, res.body).toBe(204);
    const stored = await events('type=log&source=db-1');
    expect(stored.total).toBe(2);
    const first = stored.events.find((e: any) => e.message === 'disk almost full');
    expect(first).toMatchObject({ level: 'warn', timestamp: new Date(T0).toISOString(), metadata: { labels: { job: 'varlogs', host: 'db-1', level: 'WARN' } } });
    expect(stored.events.find((e: any) => e.message === 'second').metadata.structured_metadata).toEqual({ trace_id: 'abc' });
  });

  it('takes snappy-compressed protobuf as Promtail sends it (hand-built frame, literal snappy)', async () => {
    const entry = (seconds: number, line: string): Field => [2, 'bytes', [[1, 'bytes', [[1, 'varint', seconds], [2, 'varint', 5_000_000]]], [2, 'bytes', line]]];
    const body = message([[1, 'bytes', [[1, 'bytes', '{host="edge-7", job="nginx", msg="a \\"quoted\\" label"}'], entry(T0 / 1000, 'GET /index.html 200'), entry(T0 / 1000 + 1, 'GET /missing 404')]]]);
    const res = await app.app.inject({
      method: 'POST', url: '/loki/api/v1/push', payload: snappyLiteral(body),
      headers: { authorization: `Basic ${Buffer.from(`vigil:${key}`).toString('base64')}`, 'content-type': 'application/x-protobuf' },
    });
    expect(res.statusCode, res.body).toBe(204);
    const stored = await events('type=log&source=edge-7');
    expect(stored.total).toBe(2);
    expect(stored.events[0].metadata.labels).toEqual({ host: 'edge-7', job: 'nginx', msg: 'a "quoted" label' });
    expect(stored.events.map((e: any) => e.timestamp).sort()).toEqual([new Date(T0 + 5).toISOString(), new Date(T0 + 1005).toISOString()]);
  });
});

describe('OTLP/HTTP protobuf', () => {
  const nanos = (ms: number) => BigInt(ms) * 1_000_000n;
  const resource: Field = [1, 'bytes', [[1, 'bytes', [[1, 'bytes', 'service.name'], [2, 'bytes', [[1, 'bytes', 'payments']]]]]]];
  const post = (signal: string, body: Buffer, headers: Record<string, string> = {}) =>
    app.app.inject({ method: 'POST', url: `/v1/otlp/v1/${signal}`, payload: body, headers: { 'x-api-key': key, 'content-type': 'application/x-protobuf', ...headers } });

  it('metrics (gzip): stored per labelled series, empty protobuf response when all accepted', async () => {
    const point = (i: number, value: number): Field => [1, 'bytes', [[3, 'fixed64', nanos(T0 + i * 60_000)], [4, 'double', value], [7, 'bytes', [[1, 'bytes', 'cpu'], [2, 'bytes', [[3, 'varint', 1]]]]]]];
    const metric: Field = [2, 'bytes', [[1, 'bytes', 'system.cpu.utilization'], [5, 'bytes', Array.from({ length: 5 }, (_, i) => point(i, 0.25 + i / 100))]]];
    const body = message([[1, 'bytes', [resource, [2, 'bytes', [metric]]]]]);
    const res = await post('metrics', gzipSync(body), { 'content-encoding': 'gzip' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/x-protobuf/);
    expect(res.rawPayload.length).toBe(0);
    const stored = await events('type=metric&source=payments&limit=10');
    expect(stored.total).toBe(5);
    expect(stored.events[0].name).toBe('system.cpu.utilization{cpu=1}');
  });

  it('logs and traces: ids in hex, durations from start and end; rejected items reported as partial success', async () => {
    const traceId = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');
    const record: Field = [2, 'bytes', [[1, 'fixed64', nanos(T0)], [3, 'bytes', 'ERROR'], [5, 'bytes', [[1, 'bytes', 'payment declined']]], [9, 'bytes', traceId]]];
    const logs = await post('logs', message([[1, 'bytes', [resource, [2, 'bytes', [record]]]]]));
    expect(logs.statusCode, logs.body).toBe(200);
    const log = (await events('type=log&source=payments')).events[0];
    expect(log).toMatchObject({ message: 'payment declined', level: 'error', metadata: { trace_id: '0102030405060708090a0b0c0d0e0f10' } });

    const span = (name: string, withIds: boolean): Field => [2, 'bytes', [
      ...(withIds ? ([[1, 'bytes', traceId], [2, 'bytes', Buffer.from('a1a2a3a4a5a6a7a8', 'hex')]] as Field[]) : []),
      [5, 'bytes', name], [7, 'fixed64', nanos(T0)], [8, 'fixed64', nanos(T0) + 12_500_000n],
    ]];
    const traces = await post('traces', message([[1, 'bytes', [resource, [2, 'bytes', [span('charge', true), span('no ids', false)]]]]]));
    expect(traces.statusCode, traces.body).toBe(200);
    // ExportTraceServiceResponse { partial_success (1) { rejected_spans (1) = 1, error_message (2) } }
    const response = traces.rawPayload;
    expect(response[0]).toBe(0x0a);
    expect(response.subarray(2, 4)).toEqual(Buffer.from([0x08, 0x01]));
    expect(response.toString('utf8')).toMatch(/trace_id/);
    const stored = (await events('type=trace&source=payments')).events;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: 'charge', trace_id: '0102030405060708090a0b0c0d0e0f10', span_id: 'a1a2a3a4a5a6a7a8', duration_ms: 12.5 });
  });
});

describe('NDJSON on event ingest', () => {
  it('takes Fluent Bit json_lines and Vector records, and Vigil events, one per line', async () => {
    const lines = [
      JSON.stringify({ date: T0 / 1000 + 0.5, log: 'sshd[1]: Accepted publickey for deploy', host: 'bastion', kubernetes: { pod: 'x' } }),
      '',
      JSON.stringify({ message: 'vector line', timestamp: new Date(T0).toISOString(), host: 'bastion', source_type: 'file', level: 'INFO' }),
      JSON.stringify({ type: 'metric', source: 'bastion', name: 'load1', value: 0.7, timestamp: T0 }),
    ].join('\n');
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', payload: lines, headers: { 'x-api-key': key, 'content-type': 'application/x-ndjson' } });
    expect(res.statusCode, res.body).toBe(202);
    expect(json(res).data.accepted).toBe(3);
    const logs = (await events('type=log&source=bastion')).events;
    expect(logs.find((e: any) => e.message.startsWith('sshd'))).toMatchObject({ timestamp: new Date(T0 + 500).toISOString(), metadata: { kubernetes: { pod: 'x' } } });
    expect(logs.find((e: any) => e.message === 'vector line')).toMatchObject({ level: 'info', metadata: { source_type: 'file' } });
    expect((await events('type=metric&source=bastion')).total).toBe(1);
  });

  it('takes newline-delimited records labelled application/json too (as some Fluent Bit versions send json_lines)', async () => {
    const lines = `${JSON.stringify({ log: 'first', host: 'labelled-json' })}\n${JSON.stringify({ log: 'second', host: 'labelled-json' })}\n`;
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', payload: lines, headers: { 'x-api-key': key, 'content-type': 'application/json' } });
    expect(res.statusCode, res.body).toBe(202);
    expect((await events('source=labelled-json')).total).toBe(2);
  });
});

describe('the OpenAPI document', () => {
  it('lists the intake routes and /metrics', async () => {
    const doc = json(await app.app.inject({ method: 'GET', url: '/openapi.json' }));
    expect(doc.paths['/loki/api/v1/push'].post.summary).toMatch(/Loki/);
    expect(doc.paths['/api/v1/write'].post.summary).toMatch(/remote_write/);
    expect(doc.paths['/metrics'].get.summary).toMatch(/Prometheus/);
    expect(doc.paths['/v1/otlp/v1/metrics'].post).toBeDefined();
  });
});

describe('every intake counts in /metrics', () => {
  it('events ingested by type and intake', async () => {
    const admin = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: 'admin-password-1' } });
    const res = await app.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${json(admin).data.access_token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toMatch(/vigil_events_ingested_total\{type="metric",intake="remote_write"\} 31/);
    expect(res.body).toMatch(/vigil_events_ingested_total\{type="log",intake="loki"\} 4/);
    expect(res.body).toMatch(/vigil_events_ingested_total\{type="trace",intake="otlp"\} 1/);
    expect(res.body).toMatch(/vigil_events_ingested_total\{type="log",intake="api"\} 4/);
  });
});
