import type { OutboundDelivery } from '../gateway/gateway.api';
import type { ChannelType, CreateAlertRuleInput } from './alert-rules.schemas';

/** A channel with its resolved target; `target` null means the rule names the channel but gave no address. */
export interface StoredChannel {
  type: ChannelType;
  target: { url: string; secret?: string; routingKey?: string; to?: string[] } | null;
}

export interface RuleConditions {
  metric?: string;
  source?: string;
  threshold?: number;
  engine?: 'anomaly' | 'threat' | 'drift';
  type?: string;
  min_severity?: string;
  resource_tags?: Record<string, string>;
  field: 'score' | 'value';
  operator: 'gt' | 'gte' | 'lt' | 'lte';
}

export interface AlertAnomaly {
  anomaly_id: string;
  source: string;
  metric: string;
  score: number;
  severity: string;
  explanation?: string;
  value?: number | null;
  detected_at?: string;
}

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Resolves the channels of a rule body: inline objects, or names whose targets come from `channelConfig`. */
export function resolveChannels(input: Pick<CreateAlertRuleInput, 'channels' | 'channelConfig'>): StoredChannel[] {
  const config = input.channelConfig ?? {};
  return input.channels.map((channel): StoredChannel => {
    const spec: Record<string, any> = typeof channel === 'string' ? { type: channel, ...(config[channel] ?? {}) } : channel;
    const type = spec.type as ChannelType;
    switch (type) {
      case 'webhook':
        return { type, target: spec.url ? { url: spec.url, ...(spec.secret ? { secret: spec.secret } : {}) } : null };
      case 'slack': {
        const url = spec.url ?? spec.webhookUrl ?? spec.webhook_url;
        return { type, target: url ? { url } : null };
      }
      case 'pagerduty': {
        const routingKey = spec.routingKey ?? spec.routing_key;
        return { type, target: routingKey ? { url: spec.url ?? PAGERDUTY_EVENTS_URL, routingKey } : null };
      }
      case 'email': {
        const url = spec.relayUrl ?? spec.relay_url;
        const to = spec.to === undefined ? [] : Array.isArray(spec.to) ? spec.to : [spec.to];
        return { type, target: url && to.length > 0 ? { url, to } : null };
      }
    }
  });
}

/** A threat or drift finding as alert rules see it (its id travels as anomaly_id in firings and payloads). */
export interface AlertFinding extends AlertAnomaly {
  engine: 'threat' | 'drift';
  types: string[];
  tags: Record<string, string>[];
}

const SEVERITY_RANK: Record<string, number> = { low: 1, medium: 2, high: 3, critical: 4 };
const globMatch = (pattern: string, value: string) => new RegExp(`^${pattern.replace(/[|\\{}()[\]^$+?.]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);

/** Rules of engine threat or drift: type (glob), minimum severity, resource tags. */
export function matchesFinding(conditions: RuleConditions, finding: AlertFinding): boolean {
  if ((conditions.engine ?? 'anomaly') !== finding.engine) return false;
  if (conditions.type && !finding.types.some((type) => globMatch(conditions.type!, type))) return false;
  if (conditions.min_severity && (SEVERITY_RANK[finding.severity] ?? 0) < (SEVERITY_RANK[conditions.min_severity] ?? 0)) return false;
  const wanted = Object.entries(conditions.resource_tags ?? {});
  if (wanted.length > 0 && !finding.tags.some((tags) => wanted.every(([key, value]) => tags[key] === value))) return false;
  if (conditions.threshold !== undefined && conditions.field !== 'value' && finding.score < conditions.threshold) return false;
  return true;
}

export function matches(conditions: RuleConditions, anomaly: AlertAnomaly): boolean {
  if ((conditions.engine ?? 'anomaly') !== 'anomaly' || conditions.threshold === undefined) return false;
  if (conditions.metric && conditions.metric !== '*' && conditions.metric !== anomaly.metric) return false;
  if (conditions.source && conditions.source !== '*' && conditions.source !== anomaly.source) return false;
  const observed = conditions.field === 'value' ? anomaly.value : anomaly.score;
  if (observed === null || observed === undefined || !Number.isFinite(observed)) return false;
  switch (conditions.operator) {
    case 'gt':
      return observed > conditions.threshold!;
    case 'gte':
      return observed >= conditions.threshold!;
    case 'lt':
      return observed < conditions.threshold!;
    case 'lte':
      return observed <= conditions.threshold!;
  }
}

const PAGERDUTY_SEVERITY: Record<string, string> = { low: 'info', medium: 'warning', high: 'error', critical: 'critical' };

export interface AlertContext {
  organizationId: string;
  rule: { id: string; name: string; severity: string };
  anomaly: AlertAnomaly;
  /** Set when this is an escalation: who it goes to. */
  escalatedTo?: string;
}

function summaryOf(ctx: AlertContext) {
  const prefix = ctx.escalatedTo ? `[ESCALATED to ${ctx.escalatedTo}] ` : '';
  return `${prefix}[${ctx.rule.severity.toUpperCase()}] ${ctx.rule.name}: ${ctx.anomaly.explanation ?? `${ctx.anomaly.metric} anomaly on ${ctx.anomaly.source}`}`;
}

/** The outbound request for one channel, in the format that channel's receiver expects. */
export function deliveryFor(channel: StoredChannel & { target: NonNullable<StoredChannel['target']> }, ctx: AlertContext): OutboundDelivery {
  const event = ctx.escalatedTo ? 'alert.escalated' : 'alert.triggered';
  const origin = `alert_rule:${ctx.rule.id}`;
  const summary = summaryOf(ctx);
  const common = { organizationId: ctx.organizationId, url: channel.target.url, origin, event };
  switch (channel.type) {
    case 'webhook':
      return { ...common, secret: channel.target.secret ?? null, body: { event, rule: ctx.rule, anomaly: ctx.anomaly, escalated_to: ctx.escalatedTo ?? null, summary } };
    case 'slack':
      return {
        ...common,
        body: {
          text: summary,
          blocks: [
            { type: 'section', text: { type: 'mrkdwn', text: `*${summary}*` } },
            {
              type: 'context',
              elements: [{ type: 'mrkdwn', text: `source: ${ctx.anomaly.source} | metric: ${ctx.anomaly.metric} | score: ${ctx.anomaly.score} | anomaly: ${ctx.anomaly.anomaly_id}` }],
            },
          ],
        },
      };
    case 'pagerduty':
      return {
        ...common,
        body: {
          routing_key: channel.target.routingKey,
          event_action: 'trigger',
          dedup_key: `vigil-anomaly-${ctx.anomaly.anomaly_id}`,
          payload: {
            summary: summary.slice(0, 1024),
            severity: ctx.escalatedTo ? 'critical' : (PAGERDUTY_SEVERITY[ctx.rule.severity] ?? 'error'),
            source: ctx.anomaly.source,
            component: ctx.anomaly.metric,
            class: 'anomaly',
            timestamp: ctx.anomaly.detected_at,
            custom_details: { rule_id: ctx.rule.id, anomaly_id: ctx.anomaly.anomaly_id, score: ctx.anomaly.score, value: ctx.anomaly.value ?? null, escalated_to: ctx.escalatedTo ?? null },
          },
        },
      };
    case 'email':
      return {
        ...common,
        body: { to: channel.target.to, subject: summary.slice(0, 200), text: `${summary}\n\nSource: ${ctx.anomaly.source}\nMetric: ${ctx.anomaly.metric}\nScore: ${ctx.anomaly.score}\nAnomaly: ${ctx.anomaly.anomaly_id}\n` },
      };
  }
}

/** How the target of a channel shows in the API (never a secret or routing key). */
export function describeTarget(channel: StoredChannel): string | null {
  if (!channel.target) return null;
  try {
    const url = new URL(channel.target.url);
    return channel.type === 'email' ? `${channel.target.to?.join(', ')} via ${url.host}` : `${url.protocol}//${url.host}${url.pathname.length > 1 ? '/…' : ''}`;
  } catch {
    return null;
  }
}
