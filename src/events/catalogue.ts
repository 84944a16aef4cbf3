import { z } from 'zod';

/**
 * The catalogue of every event Vigil publishes. Webhooks accept exactly these names; the bus refuses others.
 * Payloads are objects whose documented keys are listed here; features may add more keys.
 */
const payload = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape);
const id = z.string();

export const EVENT_SCHEMAS = {
  'user.registered': payload({ user_id: id, username: z.string() }),
  'user.disabled': payload({ user_id: id }),
  'api_key.created': payload({ api_key_id: id, user_id: id, name: z.string() }),
  'api_key.revoked': payload({ api_key_id: id, user_id: id }),
  'rate_limit.exceeded': payload({
    endpoint: z.string(),
    limit_type: z.string(),
    limit_value: z.number(),
    current_usage: z.number(),
  }),
  /** Rate-limit configuration or a tightened limit changed; instances drop their cached copy. */
  'rate_limit.config_updated': payload({ kind: z.enum(['config', 'override']) }),
  'anomaly.detected': payload({ anomaly_id: id, source: z.string(), metric: z.string(), score: z.number(), severity: z.string() }),
  'anomaly.acknowledged': payload({ anomaly_id: id }),
  'anomaly.resolved': payload({ anomaly_id: id }),
  'alert.triggered': payload({ rule_id: id, anomaly_id: id }),
  'alert.escalated': payload({ rule_id: id, anomaly_id: id }),
  'threat.detected': payload({ threat_id: id, threat_type: z.string(), severity: z.string() }),
  'threat.analyzed': payload({ threat_id: id }),
  'threat.mitigated': payload({ threat_id: id }),
  'threat.status_changed': payload({ threat_id: id, status: z.string() }),
  'playbook.generated': payload({ playbook_id: id, threat_id: id }),
  'playbook.approval_required': payload({ playbook_id: id, threat_id: id }),
  'playbook.executing': payload({ playbook_id: id }),
  'playbook.completed': payload({ playbook_id: id }),
  'playbook.rejected': payload({ playbook_id: id }),
  'threat.alert': payload({ threat_id: id, playbook_id: id, severity: z.string(), message: z.string() }),
  'blocklist.changed': payload({ ip: z.string(), action: z.string() }),
  'drift.detected': payload({ result_id: id, drift_count: z.number() }),
  'drift.scan_completed': payload({ job_id: id }),
  'state.updated': payload({ state_id: id, action: z.string() }),
  'resource.updated': payload({ resource_id: id, action: z.string() }),
  'remediation.updated': payload({ resource_id: z.string().nullable() }),
  /** One audit trail record (issue 14): action, outcome, actor, address, target. */
  'audit.recorded': payload({ audit_id: id, action: z.string(), outcome: z.string() }),
  /** A member's role or status changed, or the member was removed; instances drop their cached copy of the user. */
  'member.updated': payload({ user_id: id, action: z.string() }),
  /** A suppression or allowlist entry was created or deleted; instances drop their cached copy. */
  'suppression.changed': payload({ suppression_id: id, action: z.string() }),
  'allowlist.changed': payload({ entry_id: id, action: z.string() }),
} as const;

export type EventName = keyof typeof EVENT_SCHEMAS;
export const EVENT_NAMES = Object.keys(EVENT_SCHEMAS) as EventName[];
export type EventData<N extends EventName> = z.infer<(typeof EVENT_SCHEMAS)[N]>;

export interface VigilEvent<N extends EventName = EventName> {
  id: string;
  type: N;
  /** Organization the event belongs to; subscribers never see another organization's events. */
  organizationId: string;
  createdAt: string;
  data: EventData<N>;
}

export const isEventName = (value: string): value is EventName => Object.hasOwn(EVENT_SCHEMAS, value);
