import { z } from 'zod';
import { isoDate } from '../../lib/schemas';

/** `state:write`: reads and writes Terraform state only (the HTTP backend and the state operations), for CI. */
export const permission = z.enum(['read', 'write', 'state:write']);

export const createApiKeyBody = z.object({
  name: z.string().trim().min(1).max(100),
  expires_at: isoDate.nullable().optional(),
  permissions: z.array(permission).min(1).max(3).optional(),
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
