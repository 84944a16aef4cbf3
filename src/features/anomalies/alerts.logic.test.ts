import { describe, expect, it } from 'vitest';
import { deliveryFor, matches, resolveChannels, PAGERDUTY_EVENTS_URL } from './alerts.logic';

const anomaly = { anomaly_id: 'a1', source: 'server-01', metric: 'cpu', score: 0.93, severity: 'high', explanation: 'cpu 5 std above normal for server-01 (value 99, mean 41)', value: 99, detected_at: '2026-01-01T00:00:00.000Z' };
const ctx = { organizationId: 'o1', rule: { id: 'r1', name: 'Critical CPU Alert', severity: 'critical' }, anomaly };

describe('alert rule matching', () => {
  it('matches on metric, source and a score or value threshold', () => {
    expect(matches({ metric: 'cpu', threshold: 0.9, field: 'score', operator: 'gte' }, anomaly)).toBe(true);
    expect(matches({ metric: 'cpu', threshold: 0.95, field: 'score', operator: 'gte' }, anomaly)).toBe(false);
    expect(matches({ metric: 'memory', threshold: 0.1, field: 'score', operator: 'gte' }, anomaly)).toBe(false);
    expect(matches({ source: 'server-02', threshold: 0.1, field: 'score', operator: 'gte' }, anomaly)).toBe(false);
    expect(matches({ threshold: 90, field: 'value', operator: 'gt' }, anomaly)).toBe(true);
    expect(matches({ threshold: 90, field: 'value', operator: 'lt' }, anomaly)).toBe(false);
    expect(matches({ threshold: 1, field: 'value', operator: 'gt' }, { ...anomaly, value: null })).toBe(false);
  });
});

describe('channel payloads', () => {
  const channels = resolveChannels({
    channels: ['slack', 'pagerduty', 'email', { type: 'webhook', url: 'http://127.0.0.1:1/x', secret: 'whsec-12345678' }],
    channelConfig: { slack: { webhookUrl: 'https://hooks.slack.com/services/T/B/X' }, pagerduty: { routingKey: 'R0UT1NG' } },
  });

  it('resolves named channels from channelConfig and leaves unconfigured ones without target', () => {
    expect(channels.map((c) => [c.type, c.target?.url ?? null])).toEqual([
      ['slack', 'https://hooks.slack.com/services/T/B/X'],
      ['pagerduty', PAGERDUTY_EVENTS_URL],
      ['email', null],
      ['webhook', 'http://127.0.0.1:1/x'],
    ]);
  });

  it('formats a Slack incoming-webhook message', () => {
    const d = deliveryFor(channels[0] as any, ctx);
    expect(d.url).toBe('https://hooks.slack.com/services/T/B/X');
    expect((d.body as any).text).toContain('[CRITICAL] Critical CPU Alert: cpu 5 std above normal');
    expect((d.body as any).blocks[0].type).toBe('section');
  });

  it('formats a PagerDuty Events API v2 trigger with a dedup key', () => {
    const d = deliveryFor(channels[1] as any, ctx);
    expect(d.body).toMatchObject({
      routing_key: 'R0UT1NG', event_action: 'trigger', dedup_key: 'vigil-anomaly-a1',
      payload: { severity: 'critical', source: 'server-01', component: 'cpu', timestamp: anomaly.detected_at },
    });
    expect((d.body as any).payload.summary.length).toBeLessThanOrEqual(1024);
  });

  it('signs plain webhooks with the channel secret and marks escalations', () => {
    const d = deliveryFor(channels[3] as any, { ...ctx, escalatedTo: 'manager' });
    expect(d).toMatchObject({ secret: 'whsec-12345678', event: 'alert.escalated', origin: 'alert_rule:r1' });
    expect((d.body as any).summary).toMatch(/^\[ESCALATED to manager\]/);
  });
});
