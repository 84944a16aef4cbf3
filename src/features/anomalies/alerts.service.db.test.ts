import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayApi, OutboundDelivery } from '../gateway/gateway.api';
import { FakeClock } from '../../lib/clock';
import { createLogger } from '../../lib/logger';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, registerUser, type Session } from '../../../test/support/http';
import { createAlertRulesRepository } from './alert-rules.repository';
import { createAnomaliesRepository } from './anomalies.repository';
import { createAlertsService } from './alerts.service';

/** A stand-in for the gateway's outbox that records what would be delivered. */
function fakeGateway(): GatewayApi & { sent: OutboundDelivery[] } {
  const sent: OutboundDelivery[] = [];
  return {
    sent,
    enqueueDelivery: async (delivery) => {
      sent.push(delivery);
      return { id: `d${sent.length}` };
    },
    subscribedWebhooks: async () => 0,
    tightenLimit: async () => {
      throw new Error('not used');
    },
  };
}

let app: TestApp;
let user: Session;
const clock = new FakeClock(Date.parse('2026-05-01T00:00:00Z'));

beforeAll(async () => {
  app = await createTestApp();
  user = await registerUser(app, { organization: 'Alerts' });
});
afterAll(async () => app?.teardown());

async function spike(source: string) {
  const events = Array.from({ length: 24 }, (_, i) => ({ type: 'metric', source, name: 'cpu', value: 40 + (i % 3), timestamp: 1_000_000 + i * 60_000 }));
  events.push({ type: 'metric', source, name: 'cpu', value: 400, timestamp: 1_000_000 + 30 * 60_000 });
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: user.headers, payload: { events } });
  return json(res).data.anomalies[0];
}

describe('alert rules service', () => {
  it('delivers matching anomalies on every configured channel and escalates unacknowledged ones after the timeout', async () => {
    const gateway = fakeGateway();
    const alerts = createAlertsService({
      rules: createAlertRulesRepository(app.core.db), anomalies: createAnomaliesRepository(app.core.db), gateway, bus: app.core.bus, clock, logger: createLogger('silent'), secrets: app.core.secrets,
    });
    const rule = await alerts.create(user.organizationId, user.userId, {
      name: 'CPU', severity: 'critical', conditions: { metric: 'cpu', threshold: 0.9, field: 'score', operator: 'gte' },
      channels: ['slack', 'pagerduty', 'email'], channelConfig: { slack: { url: 'https://hooks.slack.com/services/a' }, pagerduty: { routingKey: 'k' } },
      escalation: { timeout: 300, escalateTo: 'manager' },
    });
    const stored = await app.core.db.selectFrom('alert_rules').select('channels').where('id', '=', rule.id).executeTakeFirstOrThrow();
    expect(stored.channels).toMatch(/^enc:v1:/); // Slack URLs and routing keys sealed at rest
    expect(stored.channels).not.toContain('hooks.slack.com');
    const first = await spike('web-1');
    const second = await spike('web-2');
    const fired = await alerts.evaluate(user.organizationId, { anomaly_id: first.id, source: 'web-1', metric: 'cpu', score: first.score, severity: first.severity, explanation: first.explanation });
    await alerts.evaluate(user.organizationId, { anomaly_id: second.id, source: 'web-2', metric: 'cpu', score: second.score, severity: second.severity });
    expect(fired).toEqual([{ rule_id: rule.id, deliveries: [
      { channel: 'slack', status: 'queued', delivery_id: 'd1' },
      { channel: 'pagerduty', status: 'queued', delivery_id: 'd2' },
      { channel: 'email', status: 'skipped', reason: 'no target configured for this channel' },
    ] }]);
    expect(gateway.sent.map((d) => d.url)).toEqual(['https://hooks.slack.com/services/a', 'https://events.pagerduty.com/v2/enqueue', 'https://hooks.slack.com/services/a', 'https://events.pagerduty.com/v2/enqueue']);

    // The second one is acknowledged in time; the first is not.
    await app.app.inject({ method: 'PATCH', url: `/v1/alerts/${second.id}/acknowledge`, headers: user.headers, payload: { notes: 'on it' } });
    clock.advance(299_000);
    expect(await alerts.escalateDue()).toBe(0);
    clock.advance(2_000);
    expect(await alerts.escalateDue()).toBe(1);
    const escalations = gateway.sent.slice(4);
    expect(escalations).toHaveLength(2);
    expect(escalations.every((d) => d.event === 'alert.escalated')).toBe(true);
    expect((escalations[1]!.body as any).payload.custom_details.anomaly_id).toBe(first.id);
    expect(await alerts.escalateDue()).toBe(0);

    const notifications = json(await app.app.inject({ method: 'GET', url: `/v1/alerts/${first.id}/notifications`, headers: user.headers })).notifications;
    expect(notifications.some((n: any) => n.ruleId === rule.id && n.escalatedAt)).toBe(true);
  });

  it('records a failed delivery when the gateway refuses, without failing the ingest', async () => {
    const res = await app.app.inject({
      method: 'POST', url: '/v1/alert-rules', headers: user.headers,
      payload: { name: 'hook', severity: 'high', conditions: { metric: 'cpu', threshold: 0.5 }, channels: [{ type: 'webhook', url: 'http://127.0.0.1:9/h' }] },
    });
    expect(res.statusCode).toBe(201);
    const anomaly = await spike('web-3');
    expect(anomaly).toBeTruthy();
    // The real composition's subscriber evaluates rules after commit; the gateway may or may not be available yet.
    let hook: any;
    for (let i = 0; i < 100 && !hook; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const notes: any[] = json(await app.app.inject({ method: 'GET', url: `/v1/alerts/${anomaly.id}/notifications`, headers: user.headers })).notifications;
      hook = notes.find((n) => n.deliveries[0]?.channel === 'webhook');
    }
    expect(['queued', 'failed']).toContain(hook.deliveries[0].status);
  });
});
