import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../test/support/http';

let app: TestApp;
let user: Session;
const base = Date.parse('2026-03-01T00:00:00Z');
const at = (i: number) => new Date(base + i * 60_000).toISOString();

beforeAll(async () => {
  app = await createTestApp();
  user = await registerUser(app, { organization: 'Seed 003' });
});
afterAll(async () => app?.teardown());

const push = (sourceId: string, values: Record<string, number>, i: number) =>
  app.app.inject({ method: 'POST', url: '/v1/data', headers: user.headers, payload: { sourceId, values, timestamp: at(i), metadata: { region: 'us-east' } } });

async function steadyThenSpike(sourceId: string) {
  for (let i = 0; i < 24; i++) {
    const res = await push(sourceId, { cpu: 40 + (i % 4), memory: 70 + (i % 3) }, i);
    expect(res.statusCode).toBe(202);
    expect(json(res).isAnomaly).toBe(false);
  }
  return push(sourceId, { cpu: 99, memory: 71 }, 24);
}

describe('seed 003 /v1', () => {
  it('POST /v1/data scores every value at once and answers bare JSON', async () => {
    const res = await steadyThenSpike('server-01');
    expect(res.statusCode).toBe(202);
    const body = json(res);
    expect(body).toMatchObject({ isAnomaly: true, severity: expect.stringMatching(/^(medium|high|critical)$/) });
    expect(body.dataPointId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.anomalyScore).toBeGreaterThan(0.7);
    expect(body.metrics.cpu.isAnomaly).toBe(true);
    expect(body.metrics.memory.isAnomaly).toBe(false);
    expect(body.metrics.cpu.explanation).toMatch(/^cpu [\d.]+ is far above the [\d.]+–[\d.]+ range of the last .* on server-01/);
    expect(body.anomalyIds).toHaveLength(1);
    expect(body).not.toHaveProperty('success');
  });

  it('GET /v1/anomalies lists camelCase anomalies with filters', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/v1/anomalies?status=detected&limit=10', headers: user.headers });
    expect(res.statusCode).toBe(200);
    const body = json(res);
    expect(body).toMatchObject({ total: 1, page: 1 });
    expect(body.anomalies[0]).toMatchObject({ sourceId: 'server-01', metric: 'cpu', status: 'detected', detectedAt: at(24) });
    expect(json(await app.app.inject({ method: 'GET', url: '/v1/anomalies?severity=low', headers: user.headers })).total).toBe(0);
    const ranged = json(await app.app.inject({ method: 'GET', url: `/v1/anomalies?start=${at(25)}`, headers: user.headers }));
    expect(ranged.total).toBe(0);
  });

  it('PATCH /v1/alerts/:id/acknowledge moves the anomaly to acknowledged, with notes', async () => {
    const [anomaly] = json(await app.app.inject({ method: 'GET', url: '/v1/anomalies', headers: user.headers })).anomalies;
    const res = await app.app.inject({
      method: 'PATCH', url: `/v1/alerts/${anomaly.id}/acknowledge`, headers: user.headers,
      payload: { notes: 'Investigating spike in CPU usage', isFalsePositive: false },
    });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toMatchObject({ alertId: anomaly.id, status: 'acknowledged', notes: 'Investigating spike in CPU usage', isFalsePositive: false });
    const listed = json(await app.app.inject({ method: 'GET', url: '/v1/anomalies?status=acknowledged', headers: user.headers }));
    expect(listed.anomalies.map((a: any) => a.id)).toEqual([anomaly.id]);
  });

  it('a false positive teaches the series: the same value is not flagged again', async () => {
    const first = json(await steadyThenSpike('server-02'));
    expect(first.isAnomaly).toBe(true);
    const ack = await app.app.inject({ method: 'PATCH', url: `/v1/alerts/${first.anomalyIds[0]}/acknowledge`, headers: user.headers, payload: { isFalsePositive: true } });
    expect(json(ack).isFalsePositive).toBe(true);
    for (let i = 25; i < 240; i++) await push('server-02', { cpu: 40 + (i % 4), memory: 70 + (i % 3) }, i);
    const again = json(await push('server-02', { cpu: 99, memory: 71 }, 240));
    expect(again.isAnomaly).toBe(false);
    // The control series, never marked, still flags the same jump.
    for (let i = 25; i < 240; i++) await push('server-01', { cpu: 40 + (i % 4), memory: 70 + (i % 3) }, i);
    expect(json(await push('server-01', { cpu: 99, memory: 71 }, 240)).isAnomaly).toBe(true);
  });

  it('alert rules: create (201), list, get, delete', async () => {
    const created = await app.app.inject({
      method: 'POST', url: '/v1/alert-rules', headers: user.headers,
      payload: { name: 'Critical CPU Alert', severity: 'critical', conditions: { metric: 'cpu', threshold: 0.9 }, channels: ['slack', 'pagerduty'], escalation: { timeout: 300, escalateTo: 'manager' } },
    });
    expect(created.statusCode).toBe(201);
    const rule = json(created);
    expect(rule).toMatchObject({
      name: 'Critical CPU Alert', severity: 'critical', conditions: { metric: 'cpu', threshold: 0.9, field: 'score', operator: 'gte' },
      channels: [{ type: 'slack', configured: false }, { type: 'pagerduty', configured: false }], escalation: { timeout: 300, escalateTo: 'manager' }, enabled: true,
    });
    const withTargets = json(await app.app.inject({
      method: 'POST', url: '/v1/alert-rules', headers: user.headers,
      payload: {
        name: 'Memory', severity: 'high', conditions: { metric: 'memory', threshold: 90, field: 'value', operator: 'gt' },
        channels: ['slack', { type: 'webhook', url: 'http://127.0.0.1:9/hook', secret: 'whsec-12345678' }],
        channelConfig: { slack: { webhookUrl: 'https://hooks.slack.com/services/T000/B000/XXXX' } },
      },
    }));
    expect(withTargets.channels).toEqual([
      { type: 'slack', configured: true, target: 'https://hooks.slack.com/…' },
      { type: 'webhook', configured: true, target: 'http://127.0.0.1:9/…' },
    ]);
    const list = json(await app.app.inject({ method: 'GET', url: '/v1/alert-rules', headers: user.headers }));
    expect(list.total).toBe(2);
    expect(json(await app.app.inject({ method: 'GET', url: `/v1/alert-rules/${rule.id}`, headers: user.headers })).id).toBe(rule.id);
    const deleted = await app.app.inject({ method: 'DELETE', url: `/v1/alert-rules/${rule.id}`, headers: user.headers });
    expect(json(deleted)).toEqual({ id: rule.id, deleted: true });
    expect((await app.app.inject({ method: 'GET', url: `/v1/alert-rules/${rule.id}`, headers: user.headers })).statusCode).toBe(404);
  });

  it('models: train answers 202, metrics 503 MODEL_NOT_READY until trained, then 200; a trained model activates', async () => {
    const res = await app.app.inject({
      method: 'POST', url: '/v1/models/train', headers: user.headers,
      payload: { algorithm: 'isolation_forest', hyperparameters: { contamination: 0.01, n_estimators: 50 }, dataRange: { start: '2026-01-01', end: '2026-12-31' } },
    });
    expect(res.statusCode).toBe(202);
    const { jobId, modelId, status } = json(res);
    expect(status).toBe('queued');
    expect(jobId).toMatch(/^train-/);
    const metricsOf = () => app.app.inject({ method: 'GET', url: `/v1/models/${modelId}/metrics`, headers: user.headers });
    // Training runs in a worker thread that takes far longer to start than this request takes to answer.
    const early = await metricsOf();
    expect(early.statusCode).toBe(503);
    expect(json(early).error.code).toBe('MODEL_NOT_READY');
    const metrics = await vi.waitFor(async () => {
      const answer = await metricsOf();
      if (answer.statusCode !== 200) throw new Error(`still ${answer.statusCode}`);
      return answer;
    }, { timeout: 15_000, interval: 50 });
    const body = json(metrics);
    expect(body).toMatchObject({ modelId, algorithm: 'isolation_forest', version: 'v1.0.0', status: 'ready' });
    expect(body.trainingPoints).toBeGreaterThan(300);
    // Reviewed so far: one confirmed anomaly (server-01 cpu 99) and one false positive (server-02 cpu 99).
    expect(body.evaluation).toMatchObject({ labeledPoints: 2, positives: 1, negatives: 1 });
    expect(body.metrics.auc).not.toBeNull();
    const activated = await app.app.inject({ method: 'POST', url: `/v1/models/${modelId}/activate`, headers: user.headers });
    expect(json(activated)).toMatchObject({ modelId, active: true });
    const scored = json(await push('server-01', { cpu: 41, memory: 71 }, 200));
    expect(scored.isAnomaly).toBe(false);
  });
});
