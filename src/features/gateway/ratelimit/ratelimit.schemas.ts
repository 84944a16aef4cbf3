import { z } from 'zod';
import { isoDate, uuidString } from '../../../lib/schemas';

const limitValue = z.number().int().min(1).max(100_000_000);
const pair = z.object({ requests_per_minute: limitValue, requests_per_hour: limitValue });
const partialPair = z
  .object({ requests_per_minute: limitValue.optional(), requests_per_hour: limitValue.optional() })
  .strict()
  .refine((v) => v.requests_per_minute !== undefined || v.requests_per_hour !== undefined, 'set requests_per_minute, requests_per_hour or both');
const endpointPath = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^\/[\x21-\x7e]*$/, 'must be a path starting with /');
export const algorithm = z.enum(['sliding_window', 'token_bucket']);

export const rateLimitConfig = z.object({
  global: pair,
  anonymous: pair,
  endpoints: z.record(z.string(), z.object({ requests_per_minute: z.number().optional(), requests_per_hour: z.number().optional() })),
  algorithm,
});

export const updateRateLimitsBody = z
  .object({
    global: partialPair.optional(),
    anonymous: partialPair.optional(),
    endpoints: z
      .record(endpointPath, partialPair)
      .refine((v) => Object.keys(v).length <= 200, 'at most 200 endpoints')
      .optional(),
    algorithm: algorithm.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'send at least one of global, anonymous, endpoints, algorithm');

export const rateLimitEventsQuery = z.object({
  start_date: isoDate,
  end_date: isoDate,
  user_id: uuidString.optional(),
  api_key_id: uuidString.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const rateLimitEvent = z.object({
  id: z.string(),
  timestamp: z.string(),
  user_id: z.string().nullable(),
  api_key_id: z.string().nullable(),
  ip: z.string(),
  endpoint: z.string(),
  method: z.string(),
  limit_type: z.string(),
  limit_value: z.number(),
  current_usage: z.number(),
});

export const rateLimitEvents = z.object({ total_events: z.number().int(), events: z.array(rateLimitEvent) });
