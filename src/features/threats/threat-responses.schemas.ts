import { z } from 'zod';
import { costModelOverrideSchema, costModelSchema } from './cost-model';
import { pagination, threatSummary } from './threats.schemas';

/** Response bodies of the threat routes that are not threats themselves (settings, playbooks, agents, analytics, rules). */


export const threatSettingsResponse = z.object({
  /** The organization's own overrides, as stored (null: the shipped model applies). */
  cost_model: costModelOverrideSchema.nullable(),
  effective_cost_model: costModelSchema,
  alert_webhooks: z.array(z.object({ url: z.string(), has_secret: z.boolean() })),
});

export const threatStatusChanged = threatSummary.extend({ previous_status: z.string(), comment: z.string().nullable() });

export const simulationResponse = z.object({
  simulation_id: z.string(),
  attack_type: z.string(),
  target: z.string(),
  intensity: z.string(),
  status: z.string(),
  source_ip: z.string(),
  estimated_duration_s: z.number(),
  lines_generated: z.number(),
  threats_detected: z.number(),
  threat_ids: z.array(z.string()),
  created_at: z.string(),
  completed_at: z.string().nullable(),
});

const playbookSummaryFields = {
  id: z.string(),
  threat_id: z.string(),
  template: z.string(),
  status: z.string(),
  approval_status: z.string(),
  approved_by: z.string().nullable(),
  approved_at: z.string().nullable(),
  estimated_success: z.number(),
  success_rate: z.number().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
};

export const playbookList = z.object({ playbooks: z.array(z.object({ ...playbookSummaryFields, steps: z.number() })), pagination });

export const playbookStep = z.object({
  order: z.number(),
  action: z.string(),
  params: z.record(z.string(), z.unknown()),
  status: z.string(),
  result: z.string().nullable(),
  error: z.string().nullable(),
  attempts: z.number(),
  duration_ms: z.number().nullable(),
  estimated_success: z.number(),
  actual_success: z.number().nullable(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});

export const playbookDetail = z.object({
  ...playbookSummaryFields,
  steps: z.array(playbookStep),
  actual_success: z.number().nullable(),
  approval_comment: z.string().nullable(),
});

const blocklistEntry = z.object({
  ip: z.string(),
  reason: z.string().nullable(),
  threat_id: z.string().nullable(),
  playbook_id: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string().nullable(),
});

/** The JSON form of the blocklist (a raw route, so the envelope is part of the declared body). */
export const blocklistEnvelope = z.object({
  success: z.literal(true),
  data: z.object({ blocklist: z.array(blocklistEntry), total: z.number() }),
  timestamp: z.string(),
});

export const ipReleased = z.object({ ip: z.string(), released: z.boolean() });

const agentConfig = z.object({ threshold: z.number(), timeout: z.number(), retry_attempts: z.number() });

export const agentsStatus = z.object({
  agents: z.array(
    z.object({
      name: z.string(),
      status: z.string(),
      processed_today: z.number(),
      avg_processing_time_ms: z.number().nullable(),
      success_rate: z.number().nullable(),
      queue_depth: z.number(),
      config: agentConfig,
    }),
  ),
});

export const agentConfigured = z.object({ name: z.string(), config: agentConfig });

const periodFigures = z.object({
  threats_detected: z.number(),
  threats_mitigated: z.number(),
  false_positives: z.number(),
  avg_response_time_s: z.number().nullable(),
  total_impact_prevented_usd: z.number(),
});

export const dashboardResponse = z.object({
  today: periodFigures,
  this_week: periodFigures.extend({ success_rate: z.number().nullable() }),
  top_threats: z.array(z.object({ type: z.string(), count: z.number() })),
  window: z.object({ today_from: z.string(), week_from: z.string(), to: z.string() }),
  include_simulated: z.boolean(),
});

export const metricSeries = z.object({
  metric: z.string(),
  unit: z.string(),
  interval: z.string(),
  from_date: z.string(),
  to_date: z.string(),
  include_simulated: z.boolean(),
  data_points: z.array(z.object({ timestamp: z.string(), value: z.number().nullable() })),
  statistics: z.record(z.string(), z.number().nullable()),
});

export const ruleSummary = z.object({
  id: z.string(),
  title: z.string(),
  level: z.string().nullable(),
  tags: z.array(z.string()),
  logsource: z.record(z.string(), z.unknown()),
  custom: z.boolean(),
  created_at: z.string().nullable(),
  correlation: z
    .object({ type: z.string(), rules: z.array(z.string()), group_by: z.array(z.string()), timespan: z.string(), condition: z.unknown(), generate: z.boolean() })
    .partial()
    .optional(),
});

export const ruleList = z.object({ rules: z.array(ruleSummary), total: z.number(), shipped: z.number(), custom: z.number() });

export const ruleDeleted = z.object({ id: z.string(), deleted: z.boolean() });
