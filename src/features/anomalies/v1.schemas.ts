import { z } from 'zod';
import { isoDate, pageLimit, pageNumber } from '../../lib/schemas';
import { severity } from './anomalies.schemas';

export const dataPointBody = z.object({
  sourceId: z.string().trim().min(1).max(200),
  values: z
    .record(z.string().trim().min(1).max(200), z.number().finite())
    .refine((v) => Object.keys(v).length >= 1, 'needs at least one value')
    .refine((v) => Object.keys(v).length <= 500, 'at most 500 values per point'),
  timestamp: isoDate.optional(),
  metadata: z
    .record(z.string(), z.unknown())
    .refine((v) => JSON.stringify(v).length <= 8192, 'must serialise to at most 8192 characters')
    .optional(),
});

const metricScore = z.object({ score: z.number(), isAnomaly: z.boolean(), severity, expected: z.number().nullable(), explanation: z.string() });

export const dataPointResult = z.object({
  dataPointId: z.string(),
  anomalyScore: z.number(),
  isAnomaly: z.boolean(),
  severity,
  metrics: z.record(z.string(), metricScore),
  anomalyIds: z.array(z.string()),
});

export const v1Status = z.enum(['detected', 'acknowledged', 'resolved']);

export const v1AnomaliesQuery = z.object({
  severity: severity.optional(),
  status: v1Status.optional(),
  start: isoDate.optional(),
  end: isoDate.optional(),
  sourceId: z.string().trim().min(1).max(200).optional(),
  metric: z.string().trim().min(1).max(200).optional(),
  limit: pageLimit(1000, 100),
  page: pageNumber,
});

export const v1Anomaly = z.object({
  id: z.string(),
  sourceId: z.string(),
  metric: z.string(),
  score: z.number(),
  severity,
  status: v1Status,
  detectedAt: z.string(),
  explanation: z.string(),
  value: z.number().nullable(),
  expected: z.number().nullable(),
  notes: z.string().nullable(),
  isFalsePositive: z.boolean(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
});

export const v1AnomaliesList = z.object({ anomalies: z.array(v1Anomaly), total: z.number().int(), page: z.number().int(), limit: z.number().int() });

export const acknowledgeBody = z
  .object({ notes: z.string().trim().max(2000).nullable().optional(), isFalsePositive: z.boolean().optional() })
  .nullish();

export const pageQuery = z.object({
  limit: pageLimit(1000, 100),
  page: pageNumber,
});
