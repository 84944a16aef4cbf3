import { z } from 'zod';
import { isoDate, pageLimit, pageNumber } from '../../lib/schemas';

/** Events per ingest batch; above it the batch is refused with 413 (split it). */
export const MAX_EVENTS_PER_BATCH = 10_000;
const MAX_METADATA_CHARS = 8_192;

const name = z.string().trim().min(1).max(200);
const timestamp = z.union([isoDate.transform((v) => Date.parse(v)), z.number().int().min(0).max(8.64e15)]).optional();
const metadata = z
  .record(z.string(), z.unknown())
  .refine((value) => JSON.stringify(value).length <= MAX_METADATA_CHARS, `must serialise to at most ${MAX_METADATA_CHARS} characters`)
  .nullable()
  .optional();
const base = { source: name, timestamp, metadata };

export const ingestEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('metric'), ...base, name, value: z.number().finite() }),
  z.object({ type: z.literal('log'), ...base, level: z.string().trim().max(20).nullable().optional(), message: z.string().max(10_000) }),
  z.object({
    type: z.literal('trace'),
    ...base,
    name,
    trace_id: z.string().trim().min(1).max(128),
    span_id: z.string().trim().min(1).max(128),
    parent_span_id: z.string().trim().max(128).nullable().optional(),
    duration_ms: z.number().finite().min(0),
  }),
]);
export type IngestEventInput = z.infer<typeof ingestEvent>;

/** Items are checked one by one in the service so every problem is reported with its index. */
export const ingestBody = z.object({ events: z.array(z.unknown()).min(1) });

export const ingestResult = z.object({
  accepted: z.number().int(),
  event_ids: z.array(z.string()),
  anomalies_detected: z.number().int(),
  anomalies: z.array(z.object({ id: z.string(), source: z.string(), metric: z.string(), score: z.number(), severity: z.string(), explanation: z.string() })),
});

export const severity = z.enum(['low', 'medium', 'high', 'critical']);
export const anomalyStatus = z.enum(['open', 'acknowledged', 'resolved']);

export const anomaly = z.object({
  id: z.string(),
  status: anomalyStatus,
  source: z.string(),
  metric: z.string(),
  kind: z.string(),
  value: z.number().nullable(),
  expected: z.number().nullable(),
  score: z.number(),
  severity,
  detector: z.string(),
  explanation: z.string(),
  event_id: z.string().nullable(),
  notes: z.string().nullable(),
  is_false_positive: z.boolean(),
  detected_at: z.string(),
  acknowledged_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  suppressed_by: z.string().nullable().optional(),
  resolution: z.string().nullable().optional(),
  created_at: z.string(),
});

const page = {
  page: pageNumber,
  limit: pageLimit(1000, 50),
  offset: z.coerce.number().int().min(0).max(10_000_000).optional(),
};

export const anomaliesQuery = z.object({
  status: anomalyStatus.optional(),
  severity: severity.optional(),
  source: z.string().trim().max(200).optional(),
  metric: z.string().trim().max(200).optional(),
  start_time: isoDate.optional(),
  end_time: isoDate.optional(),
  ...page,
});

export const anomaliesList = z.object({ anomalies: z.array(anomaly), total: z.number().int(), page: z.number().int(), limit: z.number().int() });

export const eventsQuery = z.object({
  type: z.enum(['metric', 'log', 'trace']).optional(),
  source: z.string().trim().max(200).optional(),
  name: z.string().trim().max(200).optional(),
  start_time: isoDate.optional(),
  end_time: isoDate.optional(),
  ...page,
});

export const storedEvent = z.object({
  id: z.string(),
  type: z.enum(['metric', 'log', 'trace']),
  source: z.string(),
  timestamp: z.string(),
  name: z.string().nullable(),
  value: z.number().nullable(),
  level: z.string().nullable(),
  message: z.string().nullable(),
  trace_id: z.string().nullable(),
  span_id: z.string().nullable(),
  duration_ms: z.number().nullable(),
  metadata: z.record(z.string(), z.unknown()).nullable(),
  received_at: z.string(),
});

export const eventsList = z.object({ events: z.array(storedEvent), total: z.number().int(), page: z.number().int(), limit: z.number().int() });

export const dashboardStats = z.object({
  total_anomalies: z.number().int(),
  open_anomalies: z.number().int(),
  acknowledged_anomalies: z.number().int(),
  resolved_anomalies: z.number().int(),
  by_severity: z.record(z.string(), z.number()),
  by_status: z.record(z.string(), z.number()),
  last_24h: z.number().int(),
  top_sources: z.array(z.object({ source: z.string(), count: z.number().int() })),
  monitored_series: z.number().int(),
});
