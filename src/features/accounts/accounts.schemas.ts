import { z } from 'zod';

const nameField = z.string().trim().max(200).nullable().optional();

export const registerBody = z.object({
  username: z
    .string()
    .trim()
    .min(3)
    .max(64)
    .regex(/^[A-Za-z0-9_.@-]+$/, 'may contain letters, digits, _ . @ and - only'),
  email: z.string().trim().max(254).email(),
  password: z.string().min(8).max(256),
  first_name: nameField,
  last_name: nameField,
  full_name: nameField,
  name: nameField,
  /** Name of the registrant's own new organization (they are its admin); used when no invitation is given. */
  organization: z.string().trim().min(1).max(200).optional(),
  /** An invitation token: joins the inviting organization with the invited role instead. */
  invitation: z.string().trim().min(1).max(200).optional(),
  invitation_token: z.string().trim().min(1).max(200).optional(),
});

export const loginBody = z
  .object({
    username: z.string().trim().min(1).max(254).optional(),
    email: z.string().trim().min(1).max(254).optional(),
    password: z.string().min(1).max(256),
  })
  .refine((b) => b.username !== undefined || b.email !== undefined, { message: 'username or email is required', path: ['username'] });

export const refreshBody = z.object({ refresh_token: z.string().trim().min(1).max(4096).optional() }).nullish();

export const updateUserBody = z.object({
  first_name: nameField,
  last_name: nameField,
  full_name: nameField,
  name: nameField,
});

export const publicUser = z.object({
  id: z.string(),
  username: z.string(),
  email: z.string(),
  name: z.string(),
  full_name: z.string().nullable(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  role: z.enum(['admin', 'member', 'viewer']),
  roles: z.array(z.string()),
  is_admin: z.boolean(),
  is_active: z.boolean(),
  organization_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const tokenPair = z.object({
  access_token: z.string(),
  token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number(),
  refresh_expires_in: z.number(),
  user: publicUser,
});

export const logoutBody = z.object({ refresh_token: z.string().trim().min(1).max(4096).optional() }).nullish();
export const logoutResult = z.object({ logged_out: z.boolean(), session_revoked: z.boolean() });

export const changePasswordBody = z.object({
  current_password: z.string().min(1).max(256),
  new_password: z.string().min(8).max(256),
});
export const changePasswordResult = z.object({ password_changed: z.boolean(), other_sessions_revoked: z.number() });
