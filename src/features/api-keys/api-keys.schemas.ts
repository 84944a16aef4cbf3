import { z } from 'zod';
import { isoDate } from '../../lib/schemas';

export const permission = z.enum(['read', 'write']);

export const createApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  expires_at: isoDate.nullable().optional(),
  permissions: z.array(permission).min(1).max(2).optional(),
});

export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  permissions: z.array(permission),
  created_at: z.string(),
  expires_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

export const createdApiKey = apiKey.extend({ key: z.string() });
