import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';

let app: TestApp;
const id = '00000000-0000-4000-8000-000000000000';

beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app?.teardown());

describe('anomaly routes: credentials', () => {
  securitySuite(() => app, [
    { method: 'POST', url: '/api/v1/events/ingest', payload: { events: [{ type: 'metric', source: 's', name: 'm', value: 1 }] } },
    { method: 'GET', url: '/api/v1/events' },
    { method: 'GET', url: '/api/v1/anomalies' },
    { method: 'GET', url: `/api/v1/anomalies/${id}` },
    { method: 'PUT', url: `/api/v1/anomalies/${id}/resolve` },
    { method: 'DELETE', url: `/api/v1/anomalies/${id}` },
    { method: 'GET', url: '/api/v1/dashboard/stats' },
    { method: 'GET', url: '/api/v1/dashboard/recent' },
    { method: 'POST', url: '/v1/data', payload: { sourceId: 's', values: { cpu: 1 } } },
    { method: 'GET', url: '/v1/anomalies' },
    { method: 'PATCH', url: `/v1/alerts/${id}/acknowledge`, payload: {} },
    { method: 'POST', url: '/v1/alert-rules', payload: { name: 'r', severity: 'low', conditions: { threshold: 0.5 }, channels: ['slack'] } },
    { method: 'GET', url: '/v1/alert-rules' },
    { method: 'DELETE', url: `/v1/alert-rules/${id}` },
    { method: 'POST', url: '/v1/models/train', payload: { algorithm: 'isolation_forest' } },
    { method: 'GET', url: `/v1/models/${id}/metrics` },
    { method: 'POST', url: '/v1/otlp/v1/metrics', payload: { resourceMetrics: [] } },
  ]);
});

describe('anomaly routes: organizations never see each other', () => {
  let owner: Session;
  let stranger: Session;
  let anomalyId: string;
  let ruleId: string;
  let modelId: string;

  beforeAll(async () => {
    owner = await registerUser(app, { organization: 'Owner org' });
    stranger = await registerUser(app, { organization: 'Stranger org' });
    const events = Array.from({ length: 24 }, (_, i) => ({ type: 'metric', source: 'secret-host', name: 'cpu', value: 10 + (i % 2), timestamp: 1e12 + i * 60_000 }));
    events.push({ type: 'metric', source: 'secret-host', name: 'cpu', value: 900, timestamp: 1e12 + 30 * 60_000 });
    anomalyId = json(await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: owner.headers, payload: { events } })).data.anomalies[0].id;
    ruleId = json(await app.app.inject({ method: 'POST', url: '/v1/alert-rules', headers: owner.headers, payload: { name: 'r', severity: 'low', conditions: { threshold: 0.5 }, channels: ['slack'] } })).id;
    modelId = json(await app.app.inject({ method: 'POST', url: '/v1/models/train', headers: owner.headers, payload: { algorithm: 'isolation_forest' } })).modelId;
  });

  it('a foreign id answers exactly like an unknown one', async () => {
    const probes: ['GET' | 'PUT' | 'DELETE' | 'PATCH' | 'POST', (id: string) => string][] = [
      ['GET', (x) => `/api/v1/anomalies/${x}`],
      ['PUT', (x) => `/api/v1/anomalies/${x}/resolve`],
      ['PATCH', (x) => `/v1/alerts/${x}/acknowledge`],
      ['GET', (x) => `/v1/anomalies/${x}`],
      ['GET', (x) => `/v1/alerts/${x}/notifications`],
      ['DELETE', (x) => `/api/v1/anomalies/${x}`],
    ];
    for (const [method, url] of probes) {
      const foreign = await app.app.inject({ method, url: url(anomalyId), headers: stranger.headers, payload: {} });
      const missing = await app.app.inject({ method, url: url(id), headers: stranger.headers, payload: {} });
      expect(foreign.statusCode, url(anomalyId)).toBe(404);
      expect(json(foreign).error.code).toBe(json(missing).error.code);
    }
    for (const [method, url] of [['GET', `/v1/alert-rules/${ruleId}`], ['DELETE', `/v1/alert-rules/${ruleId}`], ['GET', `/v1/models/${modelId}/metrics`], ['POST', `/v1/models/${modelId}/activate`]] as const) {
      const res = await app.app.inject({ method, url, headers: stranger.headers, payload: {} });
      expect(res.statusCode, url).toBe(404);
    }
    // Still there for the owner.
    expect((await app.app.inject({ method: 'GET', url: `/api/v1/anomalies/${anomalyId}`, headers: owner.headers })).statusCode).toBe(200);
    expect((await app.app.inject({ method: 'GET', url: `/v1/alert-rules/${ruleId}`, headers: owner.headers })).statusCode).toBe(200);
  });

  it('lists, events, dashboards and sources of another organization stay invisible', async () => {
    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/anomalies', headers: stranger.headers })).data;
    expect(list.total).toBe(0);
    expect(json(await app.app.inject({ method: 'GET', url: '/api/v1/events', headers: stranger.headers })).data.total).toBe(0);
    expect(json(await app.app.inject({ method: 'GET', url: '/api/v1/dashboard/stats', headers: stranger.headers })).data).toMatchObject({ total_anomalies: 0, monitored_series: 0 });
    expect(json(await app.app.inject({ method: 'GET', url: '/v1/alert-rules', headers: stranger.headers })).total).toBe(0);
    expect((await app.app.inject({ method: 'GET', url: '/v1/anomalies?sourceId=secret-host', headers: stranger.headers })).statusCode).toBe(404);
  });

  it('the same source name in another organization is a separate series', async () => {
    // One point from the stranger with the owner's source and metric: a fresh series, still warming up.
    const res = await app.app.inject({ method: 'POST', url: '/v1/data', headers: stranger.headers, payload: { sourceId: 'secret-host', values: { cpu: 10 } } });
    expect(json(res)).toMatchObject({ isAnomaly: false, anomalyScore: 0 });
  });
});
