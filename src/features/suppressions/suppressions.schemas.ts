import { z } from 'zod';
import { isoDate, pageQuery } from '../../lib/schemas';
import { ENGINES } from './suppressions.logic';

const condition = z.union([z.string().max(500), z.record(z.string().max(16), z.unknown())]);

export const createSuppressionBody = z
  .object({
    engine: z.enum(ENGINES),
    /** Checked field by field by the service, so a problem names `body.match.<field>`. */
    match: z.record(z.string().trim().max(140), z.union([condition, z.array(condition).max(50)])),
    reason: z.string().trim().min(1).max(500),
    owner: z.string().trim().min(1).max(200).optional(),
    expires_at: isoDate.optional(),
    schedule: z
      .object({
        cron: z.string().trim().min(1).max(120),
        duration: z.union([z.string().trim().max(32), z.number().positive()]),
        timezone: z.string().trim().min(1).max(64).default('UTC'),
      })
      .strict()
      .optional(),
  })
  .strict();
export type CreateSuppressionBody = z.infer<typeof createSuppressionBody>;

export const suppression = z.object({
  id: z.string(),
  engine: z.enum(ENGINES),
  match: z.record(z.string(), z.unknown()),
  reason: z.string(),
  owner: z.string(),
  created_by: z.string(),
  expires_at: z.string().nullable(),
  schedule: z.object({ cron: z.string(), duration_seconds: z.number(), timezone: z.string() }).nullable(),
  /** Whether it silences matching findings right now (not expired, inside its window). */
  active: z.boolean(),
  /** Only an admin's suppression may silence critical findings. */
  silences_critical: z.boolean(),
  origin: z.string(),
  created_at: z.string(),
});

export const listSuppressionsQuery = pageQuery.extend({
  engine: z.enum(ENGINES).optional(),
  include_expired: z.enum(['true', 'false']).default('false'),
});

export const createAllowlistBody = z
  .object({
    value: z.string().trim().min(1).max(64),
    reason: z.string().trim().min(1).max(500),
    expires_at: isoDate.optional(),
  })
  .strict();

export const allowlistEntry = z.object({
  id: z.string(),
  value: z.string(),
  reason: z.string(),
  created_by: z.string(),
  expires_at: z.string().nullable(),
  active: z.boolean(),
  created_at: z.string(),
});

export const deleted = z.object({ id: z.string(), deleted: z.boolean() });
