import { z } from 'zod';

export const createWebhookBody = z.object({
  url: z.string().trim().min(1).max(2048),
  secret: z.string().trim().min(8).max(256).optional(),
  events: z.array(z.string().trim().min(1).max(100)).min(1).max(100),
  description: z.string().trim().max(500).nullable().optional(),
});

export const webhook = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  status: z.enum(['active', 'failing']),
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  last_delivery_at: z.string().nullable(),
});

export const createdWebhook = webhook.extend({ secret: z.string() });

export const delivery = z.object({
  id: z.string(),
  event: z.string(),
  status: z.enum(['pending', 'delivering', 'succeeded', 'failed']),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_error: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  created_at: z.string(),
  completed_at: z.string().nullable(),
  attempt_log: z.array(
    z.object({ attempt: z.number().int(), status_code: z.number().int().nullable(), error: z.string().nullable(), duration_ms: z.number(), timestamp: z.string() }),
  ),
});
