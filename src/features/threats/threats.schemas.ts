import { z } from 'zod';
import { idParam, isoDate, pageLimit, pageNumber, shortText } from '../../lib/schemas';
import { INTERVALS, METRICS } from './threat-analytics.service';
import { ATTACK_TYPES, INTENSITIES } from './simulation-lines';
import { THREAT_STATUSES } from './threats.service';
import { SEVERITIES } from './detection-types';

export const MAX_LOG_ENTRY_BYTES = 64 * 1024;

/** Query-string booleans: true/false/1/0/yes/no. */
export const queryBool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

export const detectBody = z.object({
  log_entry: z
    .string()
    .min(1)
    .refine((v) => v.trim().length > 0, 'must not be blank')
    .refine((v) => Buffer.byteLength(v) <= MAX_LOG_ENTRY_BYTES, `must be at most ${MAX_LOG_ENTRY_BYTES} bytes`),
  timestamp: z.union([isoDate, z.number().int().min(0).max(8.64e15)]).nullable().optional(),
  source: shortText(200).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});

export const detectResponse = z.object({
  threat_id: z.string().nullable(),
  threat_detected: z.boolean(),
  confidence: z.number(),
  threat_type: z.string().nullable(),
  severity: z.string().nullable(),
  impact_usd: z.number(),
  mitre_attack: z.array(z.string()),
  recommended_actions: z.array(z.string()),
  processing_time_ms: z.number(),
  explanation: z.string(),
  rules: z.array(z.object({ id: z.string(), title: z.string(), kind: z.string() })),
  suppressed_by: z.string().nullable().optional(),
});

export const threatsQuery = z.object({
  page: pageNumber,
  limit: pageLimit(100, 20),
  severity: z.enum(SEVERITIES as [string, ...string[]]).optional(),
  status: z.enum(THREAT_STATUSES).optional(),
  type: z.string().trim().min(1).max(64).optional(),
  from_date: isoDate.optional(),
  to_date: isoDate.optional(),
  include_simulated: queryBool.default(false),
});

export const idParams = z.object({ id: idParam });

export const threatStatusBody = z.object({
  status: z.enum(THREAT_STATUSES),
  comment: shortText(2000).nullable().optional(),
});

export const pagination = z.object({ page: z.number(), limit: z.number(), total: z.number(), pages: z.number() });

export const threatSummary = z.object({
  id: z.string(),
  type: z.string(),
  severity: z.string(),
  confidence: z.number(),
  status: z.string(),
  impact_usd: z.number(),
  source_ip: z.string().nullable(),
  target: z.string().nullable(),
  mitre_attack: z.array(z.string()),
  simulated: z.boolean(),
  detected_at: z.string(),
  mitigated_at: z.string().nullable(),
  suppressed_by: z.string().nullable().optional(),
});

export const threatDetail = threatSummary.extend({
  timeline: z.array(z.object({ timestamp: z.string(), event: z.string() }).loose()),
  iocs: z.object({ ips: z.array(z.string()), domains: z.array(z.string()), hashes: z.array(z.string()) }),
  raw_log: z.string(),
  detections: z.array(z.unknown()),
});

export const playbooksQuery = z.object({
  threat_id: idParam.optional(),
  page: pageNumber,
  limit: pageLimit(100, 50),
});

export const approveBody = z.object({
  approved: z.boolean(),
  comment: shortText(2000).nullable().optional(),
});

export const approveResponse = z.object({
  playbook_id: z.string(),
  status: z.string(),
  approval_status: z.string(),
  approved_by: z.string(),
  approved_at: z.string(),
});

export const blocklistQuery = z.object({ format: z.enum(['json', 'txt', 'text', 'nginx']).optional() });
export const ipParams = z.object({ ip: z.string().trim().min(2).max(64) });

export const agentParams = z.object({ name: z.string().trim().min(1).max(64) });

export const metricsQuery = z.object({
  metric: z.enum(METRICS).default('threat_count'),
  from_date: isoDate.optional(),
  to_date: isoDate.optional(),
  interval: z.enum(INTERVALS).default('day'),
  include_simulated: queryBool.default(false),
});
export const dashboardQuery = z.object({ include_simulated: queryBool.default(false) });

export const simulateBody = z.object({
  attack_type: z.enum(ATTACK_TYPES),
  target: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9._-]+$/, 'may hold letters, digits, dot, dash and underscore')
    .default('auth_server'),
  intensity: z.enum(INTENSITIES).default('medium'),
});

export const ruleBody = z.union([
  z.object({ yaml: z.string().min(1).max(64 * 1024) }),
  z.string().min(1).max(64 * 1024),
]);
export const ruleParams = z.object({ id: z.string().trim().min(1).max(200) });
