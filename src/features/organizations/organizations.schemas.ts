import { z } from 'zod';
import { ROLES } from '../../server/types';
import { publicUser } from '../accounts/accounts.schemas';

export const role = z.enum(ROLES);
export const memberParams = z.object({ id: z.string().trim().min(1).max(64) });

export const createInvitationBody = z.object({
  email: z.string().trim().max(254).email(),
  role: role.default('member'),
  /** Hours until the invitation expires (default: VIGIL_INVITATION_TTL_HOURS). */
  expires_in_hours: z.number().int().min(1).max(24 * 30).optional(),
});

export const invitation = z.object({
  id: z.string(),
  email: z.string(),
  role,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  created_by: z.string(),
  created_at: z.string(),
  expires_at: z.string(),
  accepted_at: z.string().nullable(),
  accepted_by: z.string().nullable(),
  revoked_at: z.string().nullable(),
});
export const createdInvitation = invitation.extend({ token: z.string() });

export const changeRoleBody = z.object({ role });
export const member = publicUser;
export const organization = z.object({ id: z.string(), name: z.string(), created_at: z.string(), role, member_count: z.number() });
