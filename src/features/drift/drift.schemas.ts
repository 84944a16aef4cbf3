import { z } from 'zod';
import { idParam, limitOffsetQuery } from '../../lib/schemas';

const name = (max = 200) => z.string().trim().min(1).max(max);

export const resourceIdParams = z.object({ id: idParam });

export const listResourcesQuery = limitOffsetQuery.extend({
  provider: z.enum(['snapshot', 'aws']).optional(),
  type: name(128).optional(),
  region: name(64).optional(),
  /** `Environment:production,Team:x` (a bare key matches any value). */
  tags: z.string().trim().max(1000).optional(),
});

export const searchResourcesQuery = z.object({
  q: z.string().trim().min(1, 'q is required').max(200),
  provider: z.enum(['snapshot', 'aws']).optional(),
  type: name(128).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

const tagKey = z
  .string()
  .trim()
  .min(1)
  .max(128)
  .refine((key) => !key.toLowerCase().startsWith('aws:'), 'the aws: prefix is reserved');
export const updateTagsBody = z.object({
  tags: z.record(tagKey, z.string().max(256)).refine((tags) => Object.keys(tags).length <= 50, 'at most 50 tags'),
});

export const detectBody = z.object({
  resource_id: idParam.optional(),
  state_id: idParam.optional(),
  options: z
    .object({ deep_scan: z.boolean().optional(), include_deleted: z.boolean().optional(), include_unmanaged: z.boolean().optional() })
    .strict()
    .optional(),
})
  // no body at all (or JSON null) means a full scan with default options
  .nullish();

export const listResultsQuery = limitOffsetQuery.extend({
  status: z.enum(['pending', 'running', 'completed', 'failed']).optional(),
  resource_id: idParam.optional(),
});

export const historyQuery = z.object({
  days: z.coerce.number().int().min(1).max(365).default(30),
  resource_id: idParam.optional(),
});

export const ignoreRulesBody = z.object({ rules: z.array(z.string().max(500)).max(500) });

/** Response shapes (documentation; the serializer does not filter). */
export const resourceSummary = z.looseObject({
  id: z.string(), provider: z.string(), type: z.string(), name: z.string(), region: z.string(), status: z.string(),
  tags: z.record(z.string(), z.string()), created_at: z.string(), updated_at: z.string(),
});
export const resourceList = z.object({ resources: z.array(resourceSummary), total: z.number(), limit: z.number(), offset: z.number() });
export const resourceSearch = z.object({ resources: z.array(resourceSummary), total: z.number(), query: z.string() });
export const resourceDetail = resourceSummary.extend({
  attributes: z.record(z.string(), z.unknown()),
  cost: z.object({ monthly: z.number(), currency: z.string() }),
  compliance: z.looseObject({ status: z.string(), checks: z.array(z.object({ id: z.string(), name: z.string(), status: z.string() })) }),
});
export const costReport = z.looseObject({
  resource_id: z.string(),
  cost: z.object({ current_month: z.number(), last_month: z.number().nullable(), yearly: z.number(), currency: z.string() }),
  breakdown: z.object({ compute: z.number(), storage: z.number(), network: z.number() }),
  trend: z.enum(['increasing', 'decreasing', 'stable', 'unknown']),
  price_source: z.string(),
  price_date: z.string(),
});
export const complianceReport = z.looseObject({
  resource_id: z.string(), overall_status: z.enum(['compliant', 'non_compliant']), score: z.number(),
  checks: z.array(z.object({ id: z.string(), name: z.string(), status: z.enum(['pass', 'fail', 'not_applicable']), description: z.string() })),
  last_checked: z.string(),
});
export const detectAccepted = z.looseObject({ job_id: z.string(), result_id: z.string(), status: z.literal('started'), message: z.string() });
export const resultSummarySchema = z.looseObject({
  id: z.string(), job_id: z.string(), resource_id: z.string().nullable(), status: z.string(), drift_detected: z.boolean(), drift_count: z.number(),
  created_at: z.string(), completed_at: z.string().nullable(),
});
export const resultList = z.object({ results: z.array(resultSummarySchema), total: z.number(), limit: z.number(), offset: z.number() });
export const resultDetail = resultSummarySchema.extend({
  drifts: z.array(z.object({ field: z.string().nullable(), expected: z.unknown(), actual: z.unknown(), severity: z.string(), kind: z.string() })),
  remediation: z.array(z.object({ action: z.string(), description: z.string() })),
});
export const historyReport = z.object({
  history: z.array(z.object({ date: z.string(), drift_count: z.number(), resources_checked: z.number() })),
  summary: z.looseObject({ total_drifts: z.number(), average_daily: z.number(), trend: z.string() }),
});
export const summaryReport = z.looseObject({
  total_resources: z.number(), resources_with_drift: z.number(), drift_percentage: z.number(), critical_drifts: z.number(),
  high_drifts: z.number(), medium_drifts: z.number(), low_drifts: z.number(), last_scan: z.string().nullable(),
});
export const ignoreRulesReport = z.object({ rules: z.array(z.string()), workspace_rules: z.array(z.string()) });
export const inventoryPushReport = z.looseObject({ received: z.number(), changed: z.number(), unchanged: z.number(), removed: z.number() });
