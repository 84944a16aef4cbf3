import { z } from 'zod';
import { pageQuery, paginated } from '../../lib/schemas';

export const FINDING_ENGINES = ['anomaly', 'threat', 'drift'] as const;
export type FindingEngine = (typeof FINDING_ENGINES)[number];
export const FINDING_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

const booleanQuery = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .default(false);

export const findingsQuery = pageQuery.extend({
  engine: z.enum(FINDING_ENGINES).optional(),
  severity: z.enum(FINDING_SEVERITIES).optional(),
  status: z.string().trim().min(1).max(40).regex(/^[a-z_]+$/, 'must be a status name (lower case letters and _)').optional(),
  resource_id: z.string().trim().min(1).max(256).optional(),
  include_suppressed: booleanQuery,
});
export type FindingsQuery = z.infer<typeof findingsQuery>;

export const finding = z.object({
  engine: z.enum(FINDING_ENGINES),
  id: z.string(),
  title: z.string(),
  severity: z.string(),
  status: z.string(),
  detected_at: z.string(),
  resource_id: z.string().nullable(),
  suppressed_by: z.string().nullable(),
});
export type Finding = z.infer<typeof finding>;

export const findingsPage = paginated(finding);
export type FindingsPage = z.infer<typeof findingsPage>;
