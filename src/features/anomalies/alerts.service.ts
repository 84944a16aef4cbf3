import type { GatewayApi } from '../gateway/gateway.api';
import type { OutboundGuard } from '../../lib/net/outbound-guard';
import { fromJson, isoOrNull, toBool } from '../../db/columns';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { SecretBox } from '../../lib/secret-box';
import type { Logger } from '../../lib/logger';
import type { CreateAlertRuleInput } from './alert-rules.schemas';
import type { AlertRuleRow, AlertRulesRepository } from './alert-rules.repository';
import type { AnomaliesRepository } from './anomalies.repository';
import { deliveryFor, describeTarget, matches, matchesFinding, resolveChannels, type AlertAnomaly, type AlertContext, type AlertFinding, type RuleConditions, type StoredChannel } from './alerts.logic';

export interface DeliveryRecord {
  channel: string;
  status: 'queued' | 'skipped' | 'failed';
  delivery_id?: string;
  reason?: string;
}

function toPublicRule(row: AlertRuleRow, secrets: SecretBox) {
  const channels = channelsOf(row, secrets);
  return {
    id: row.id,
    name: row.name,
    severity: row.severity,
    conditions: fromJson<Record<string, unknown>>(row.conditions, {}),
    channels: channels.map((c) => ({ type: c.type, configured: c.target !== null, target: describeTarget(c) })),
    escalation: fromJson<{ timeout: number; escalateTo: string } | null>(row.escalation, null),
    enabled: toBool(row.enabled),
    createdAt: isoOrNull(row.created_at)!,
  };
}

/** Channel targets hold webhook secrets, Slack URLs and PagerDuty routing keys: stored sealed. */
const channelsOf = (row: Pick<AlertRuleRow, 'channels'>, secrets: SecretBox) => fromJson<StoredChannel[]>(secrets.open(row.channels), []);

/**
 * Alert rules: matched against every detected anomaly (through the bus), delivered on their channels through
 * the gateway's durable outbox, escalated when still unacknowledged after the rule's timeout.
 */
export function createAlertsService(deps: {
  rules: AlertRulesRepository;
  anomalies: AnomaliesRepository;
  gateway: GatewayApi;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  secrets: SecretBox;
  /** The outbound guard (checks channel URLs when a rule is created). */
  guard?: Pick<OutboundGuard, 'assertUrl'>;
}) {
  const { rules, clock } = deps;
  const present = (row: AlertRuleRow) => toPublicRule(row, deps.secrets);

  async function deliver(channels: StoredChannel[], ctx: AlertContext): Promise<DeliveryRecord[]> {
    const records: DeliveryRecord[] = [];
    for (const channel of channels) {
      if (!channel.target) {
        records.push({ channel: channel.type, status: 'skipped', reason: 'no target configured for this channel' });
        continue;
      }
      try {
        const { id } = await deps.gateway.enqueueDelivery(deliveryFor({ ...channel, target: channel.target }, ctx));
        records.push({ channel: channel.type, status: 'queued', delivery_id: id });
      } catch (error) {
        deps.logger.warn({ err: error, rule: ctx.rule.id }, 'alert delivery could not be queued');
        records.push({ channel: channel.type, status: 'failed', reason: (error as Error).message });
      }
    }
    return records;
  }

  async function evaluate(organizationId: string, anomaly: AlertAnomaly | AlertFinding) {
    const fired: { rule_id: string; deliveries: DeliveryRecord[] }[] = [];
    for (const rule of await rules.enabled(organizationId)) {
      const conditions = fromJson<RuleConditions>(rule.conditions, { threshold: 2, field: 'score', operator: 'gte' });
      if (!('engine' in anomaly ? matchesFinding(conditions, anomaly) : matches(conditions, anomaly))) continue;
      const now = clock.now();
      const escalation = fromJson<{ timeout: number } | null>(rule.escalation, null);
      const ctx: AlertContext = { organizationId, rule: { id: rule.id, name: rule.name, severity: rule.severity }, anomaly };
      const deliveries = await deliver(channelsOf(rule, deps.secrets), ctx);
      await rules.insertFiring({
        id: newId(), organization_id: organizationId, rule_id: rule.id, anomaly_id: anomaly.anomaly_id, fired_at: now,
        escalate_at: escalation ? now + escalation.timeout * 1000 : null, escalated_at: null, deliveries: JSON.stringify(deliveries),
      });
      deps.bus.publish('alert.triggered', organizationId, { rule_id: rule.id, anomaly_id: anomaly.anomaly_id, rule_name: rule.name, severity: rule.severity });
      fired.push({ rule_id: rule.id, deliveries });
    }
    return fired;
  }

  /** Escalates every firing whose anomaly is still open after the rule's timeout. Returns how many escalated. */
  async function escalateDue(limit = 500): Promise<number> {
    const now = clock.now();
    let escalated = 0;
    for (const firing of await rules.dueForEscalation(now, limit)) {
      if (firing.status !== 'open') {
        await rules.markEscalated(firing.id, now);
        continue;
      }
      const rule = await rules.findById(firing.rule_id);
      const anomaly = await deps.anomalies.find(firing.organization_id, firing.anomaly_id);
      if (!rule || !anomaly) {
        await rules.markEscalated(firing.id, now);
        continue;
      }
      if (!(await rules.markEscalated(firing.id, now))) continue;
      const escalation = fromJson<{ escalateTo: string }>(rule.escalation, { escalateTo: 'on-call' });
      const ctx: AlertContext = {
        organizationId: firing.organization_id,
        rule: { id: rule.id, name: rule.name, severity: rule.severity },
        anomaly: { anomaly_id: anomaly.id, source: anomaly.source, metric: anomaly.metric, score: Number(anomaly.score), severity: anomaly.severity, explanation: anomaly.explanation, value: anomaly.value === null ? null : Number(anomaly.value), detected_at: isoOrNull(anomaly.detected_at)! },
        escalatedTo: escalation.escalateTo,
      };
      // A URL as escalateTo is a webhook of its own; a name (e.g. "manager") re-alerts the rule's channels, marked escalated.
      const targets: StoredChannel[] = /^https?:\/\//i.test(escalation.escalateTo)
        ? [{ type: 'webhook', target: { url: escalation.escalateTo } }]
        : channelsOf(rule, deps.secrets);
      const deliveries = await deliver(targets, ctx);
      await rules.markEscalated(firing.id, now, JSON.stringify(deliveries));
      deps.bus.publish('alert.escalated', firing.organization_id, { rule_id: rule.id, anomaly_id: anomaly.id, escalated_to: escalation.escalateTo });
      escalated++;
    }
    return escalated;
  }

  return {
    async create(organizationId: string, userId: string, input: CreateAlertRuleInput) {
      const channels = resolveChannels(input);
      // Webhook, Slack, PagerDuty and email-relay URLs all pass the outbound guard (400 when refused).
      for (const [i, channel] of channels.entries()) if (channel.target?.url) await deps.guard?.assertUrl(channel.target.url, `body.channels.${i}.url`);
      const escalateTo = input.escalation?.escalateTo;
      if (typeof escalateTo === 'string' && /^https?:\/\//i.test(escalateTo)) await deps.guard?.assertUrl(escalateTo, 'body.escalation.escalateTo');
      const row: AlertRuleRow = {
        id: newId(),
        organization_id: organizationId,
        name: input.name,
        severity: input.severity,
        conditions: JSON.stringify(input.conditions),
        channels: deps.secrets.seal(JSON.stringify(channels)),
        escalation: input.escalation ? JSON.stringify(input.escalation) : null,
        enabled: input.enabled === false ? 0 : 1,
        created_by: userId,
        created_at: clock.now(),
      };
      await rules.insert(row);
      return present(row);
    },
    async list(organizationId: string, limit: number, offset: number) {
      const { items, total } = await rules.list(organizationId, limit, offset);
      return { rules: items.map(present), total };
    },
    async get(organizationId: string, id: string) {
      const row = await rules.find(organizationId, id);
      if (!row) throw notFound('Alert rule');
      return present(row);
    },
    async remove(organizationId: string, id: string) {
      if (!(await rules.remove(organizationId, id))) throw notFound('Alert rule');
      return { id, deleted: true };
    },
    async firings(organizationId: string, anomalyId: string) {
      return (await rules.firingsOf(organizationId, anomalyId)).map((f) => ({
        id: f.id, ruleId: f.rule_id, firedAt: isoOrNull(f.fired_at)!, escalatedAt: isoOrNull(f.escalated_at), deliveries: fromJson<DeliveryRecord[]>(f.deliveries, []),
      }));
    },
    evaluate,
    escalateDue,
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
