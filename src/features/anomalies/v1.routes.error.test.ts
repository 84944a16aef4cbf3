import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../test/support/http';

let app: TestApp;
let user: Session;

beforeAll(async () => {
  app = await createTestApp();
  user = await registerUser(app, { organization: 'V1 errors' });
});
afterAll(async () => app?.teardown());

const rule = { name: 'r', severity: 'high', conditions: { metric: 'cpu', threshold: 0.9 }, channels: ['slack'] };
const unknown = '00000000-0000-4000-8000-000000000000';

describe('/v1 bad input answers bare INVALID_DATA / NOT_FOUND', () => {
  const cases: [string, 'POST' | 'PATCH' | 'GET', string, unknown, number, string][] = [
    ['data without sourceId', 'POST', '/v1/data', { values: { cpu: 1 } }, 400, 'INVALID_DATA'],
    ['data without values', 'POST', '/v1/data', { sourceId: 's', values: {} }, 400, 'INVALID_DATA'],
    ['data with a string value', 'POST', '/v1/data', { sourceId: 's', values: { cpu: 'high' } }, 400, 'INVALID_DATA'],
    ['data with a bad timestamp', 'POST', '/v1/data', { sourceId: 's', values: { cpu: 1 }, timestamp: 'now' }, 400, 'INVALID_DATA'],
    ['anomalies with a bad status', 'GET', '/v1/anomalies?status=open', undefined, 400, 'INVALID_DATA'],
    ['anomalies with a bad severity', 'GET', '/v1/anomalies?severity=huge', undefined, 400, 'INVALID_DATA'],
    ['anomalies with a bad limit', 'GET', '/v1/anomalies?limit=-1', undefined, 400, 'INVALID_DATA'],
    ['anomalies of an unknown source', 'GET', '/v1/anomalies?sourceId=never-seen', undefined, 404, 'SOURCE_NOT_FOUND'],
    ['acknowledge an unknown alert', 'PATCH', `/v1/alerts/${unknown}/acknowledge`, { notes: 'x' }, 404, 'NOT_FOUND'],
    ['acknowledge with a non-boolean flag', 'PATCH', `/v1/alerts/${unknown}/acknowledge`, { isFalsePositive: 'yes' }, 400, 'INVALID_DATA'],
    ['rule without name', 'POST', '/v1/alert-rules', { ...rule, name: undefined }, 400, 'INVALID_DATA'],
    ['rule with a score threshold above 1', 'POST', '/v1/alert-rules', { ...rule, conditions: { metric: 'cpu', threshold: 5 } }, 400, 'INVALID_DATA'],
    ['rule with an unknown channel', 'POST', '/v1/alert-rules', { ...rule, channels: ['sms'] }, 400, 'INVALID_DATA'],
    ['rule with no channel', 'POST', '/v1/alert-rules', { ...rule, channels: [] }, 400, 'INVALID_DATA'],
    ['rule with a non-http webhook', 'POST', '/v1/alert-rules', { ...rule, channels: [{ type: 'webhook', url: 'file:///etc/passwd' }] }, 400, 'INVALID_DATA'],
    ['rule with email but no relay', 'POST', '/v1/alert-rules', { ...rule, channels: ['email'], channelConfig: { email: { to: 'ops@example.com' } } }, 400, 'INVALID_DATA'],
    ['rule with a bad escalation timeout', 'POST', '/v1/alert-rules', { ...rule, escalation: { timeout: 0, escalateTo: 'manager' } }, 400, 'INVALID_DATA'],
    ['rule with a bad severity', 'POST', '/v1/alert-rules', { ...rule, severity: 'urgent' }, 400, 'INVALID_DATA'],
    ['get an unknown rule', 'GET', `/v1/alert-rules/${unknown}`, undefined, 404, 'NOT_FOUND'],
    ['train an unknown algorithm', 'POST', '/v1/models/train', { algorithm: 'kmeans' }, 400, 'INVALID_DATA'],
    ['train with contamination 0', 'POST', '/v1/models/train', { algorithm: 'isolation_forest', hyperparameters: { contamination: 0 } }, 400, 'INVALID_DATA'],
    ['train with an inverted range', 'POST', '/v1/models/train', { algorithm: 'isolation_forest', dataRange: { start: '2024-02-01', end: '2024-01-01' } }, 400, 'INVALID_DATA'],
    ['metrics of an unknown model', 'GET', `/v1/models/${unknown}/metrics`, undefined, 404, 'NOT_FOUND'],
    ['activate an unknown model', 'POST', `/v1/models/${unknown}/activate`, {}, 404, 'NOT_FOUND'],
    ['OTLP metrics as a non-object', 'POST', '/v1/otlp/v1/metrics', [1, 2], 400, 'INVALID_DATA'],
  ];
  for (const [name, method, url, payload, status, code] of cases) {
    it(`${name} → ${status} ${code}`, async () => {
      const res = await app.app.inject({ method, url, headers: user.headers, ...(payload === undefined ? {} : { payload: payload as object }) });
      expect(res.statusCode).toBe(status);
      const body = json(res);
      expect(body.error.code).toBe(code);
      expect(body).not.toHaveProperty('success');
    });
  }

  it('a model that failed to train (no data) reports failed, not ready', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/v1/models/train', headers: user.headers, payload: { algorithm: 'isolation_forest' } });
    expect(res.statusCode).toBe(202);
    const { modelId } = json(res);
    let metrics = await app.app.inject({ method: 'GET', url: `/v1/models/${modelId}/metrics`, headers: user.headers });
    for (let i = 0; i < 100 && metrics.statusCode === 503; i++) {
      await new Promise((r) => setTimeout(r, 20));
      metrics = await app.app.inject({ method: 'GET', url: `/v1/models/${modelId}/metrics`, headers: user.headers });
    }
    expect(json(metrics)).toMatchObject({ status: 'failed', metrics: { precision: null } });
    const activate = await app.app.inject({ method: 'POST', url: `/v1/models/${modelId}/activate`, headers: user.headers });
    expect(activate.statusCode).toBe(503);
    expect(json(activate).error.code).toBe('MODEL_NOT_READY');
  });

  it('OTLP metric point without a value is rejected on its own (partial success, as OTLP defines)', async () => {
    const payload = { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', gauge: { dataPoints: [{}] } }] }] }] };
    const res = await app.app.inject({ method: 'POST', url: '/v1/otlp/v1/metrics', headers: user.headers, payload });
    expect(res.statusCode).toBe(200);
    expect(json(res).partialSuccess.rejectedDataPoints).toBe(1);
    expect(json(res).partialSuccess.errorMessage).toMatch(/value/);
  });

  it('OTLP protobuf that does not decode → 400 INVALID_DATA naming the problem; another media type → 415', async () => {
    const bad = await app.app.inject({ method: 'POST', url: '/v1/otlp/v1/metrics', headers: { ...user.headers, 'content-type': 'application/x-protobuf' }, payload: Buffer.from([0x0a, 0xff, 0xff]) });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.message).toMatch(/not a valid OTLP metrics protobuf/);
    const xml = await app.app.inject({ method: 'POST', url: '/v1/otlp/v1/metrics', headers: { ...user.headers, 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(xml.statusCode).toBe(415);
  });
});
