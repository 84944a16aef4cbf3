import { z } from 'zod';
import { isoDate, pageQuery, shortText } from '../../lib/schemas';
import { AUDIT_ACTIONS } from './audit.api';

export const auditQuery = pageQuery.extend({
  action: z.enum(AUDIT_ACTIONS).optional(),
  actor_user_id: shortText(128).optional(),
  outcome: z.enum(['success', 'failure', 'denied']).optional(),
  target_type: shortText(64).optional(),
  target_id: shortText(256).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
});

export const auditRecord = z.object({
  id: z.string(),
  organization_id: z.string(),
  action: z.string(),
  outcome: z.string(),
  actor: z.object({ user_id: z.string().nullable(), username: z.string().nullable(), api_key_id: z.string().nullable() }),
  address: z.string().nullable(),
  target: z.object({ type: z.string(), id: z.string().nullable() }).nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
});
