import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, loginAdmin, registerUser } from '../../../test/support/http';

let app: TestApp;
const TOKEN = 'metrics-token-0123456789abcdef';

beforeAll(async () => {
  app = await createTestApp({ config: { metricsToken: TOKEN, rateLimitsEnabled: true } });
});
afterAll(async () => app?.teardown());

const scrape = async (headers: Record<string, string>) => app.app.inject({ method: 'GET', url: '/metrics', headers });
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('GET /metrics', () => {
  it('answers the Prometheus text format to the metrics token, with process metrics', async () => {
    const res = await scrape({ authorization: `Bearer ${TOKEN}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toMatch(/# TYPE vigil_http_request_duration_seconds histogram/);
    expect(res.body).toMatch(/vigil_process_resident_memory_bytes \d+/);
    expect(value(res.body, 'vigil_dependency_up{dependency="database"}')).toBe(1);
    expect(value(res.body, 'vigil_webhook_outbox_depth')).toBe(0);
  });

  it('counts requests by route and status, rate-limit decisions, ingest and findings as they happen', async () => {
    const admin = await loginAdmin(app);
    const before = (await scrape(admin.headers)).body;
    const events = [
      ...Array.from({ length: 24 }, (_, i) => ({ type: 'metric', source: 'm1', name: 'latency', value: 100 + (i % 3), timestamp: 1_700_000_000_000 + i * 1000 })),
      { type: 'metric', source: 'm1', name: 'latency', value: 1000, timestamp: 1_700_000_030_000 },
    ];
    const ingest = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: admin.headers, payload: { events } });
    expect(ingest.statusCode).toBe(202);
    expect(json(ingest).data.anomalies_detected).toBe(1);
    const after = (await scrape(admin.headers)).body;
    const routeCount = 'vigil_http_request_duration_seconds_count{method="POST",route="/api/v1/events/ingest",status_code="202"}';
    expect(value(after, routeCount)).toBe(1);
    expect(value(after, 'vigil_events_ingested_total{type="metric",intake="api"}')).toBe(25);
    expect(value(after, 'vigil_findings_total{kind="anomaly"}')! - value(before, 'vigil_findings_total{kind="anomaly"}')!).toBe(1);
    expect(value(after, 'vigil_rate_limit_decisions_total{decision="allowed"}')!).toBeGreaterThan(value(before, 'vigil_rate_limit_decisions_total{decision="allowed"}')!);
    expect(value(after, 'vigil_ingest_batch_duration_seconds_count{intake="api"}')).toBe(1);
  });

  it('an administrator API key with read permission may scrape (Prometheus sends it as a bearer token)', async () => {
    const admin = await loginAdmin(app);
    const key = await createApiKey(app, admin, ['read']);
    expect((await scrape({ authorization: `Bearer ${key}` })).statusCode).toBe(200);
    expect((await scrape({ 'x-api-key': key })).statusCode).toBe(200);
    const user = await registerUser(app);
    expect((await scrape(user.headers)).statusCode).toBe(403);
  });
});
