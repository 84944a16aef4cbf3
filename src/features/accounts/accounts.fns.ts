import type { UserRow } from './accounts.repository';

/** The user as every seed's client reads it (union of DriftLock, DriftMgr and SentryFlow fields). */
export function toPublicUser(user: UserRow) {
  const name = user.full_name ?? ([user.first_name, user.last_name].filter(Boolean).join(' ') || user.username);
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    name,
    full_name: user.full_name,
    first_name: user.first_name,
    last_name: user.last_name,
    role: user.role,
    roles: [user.role],
    is_admin: user.role === 'admin',
    is_active: user.is_active === 1,
    organization_id: user.organization_id,
    created_at: new Date(Number(user.created_at)).toISOString(),
    updated_at: new Date(Number(user.updated_at)).toISOString(),
  };
}

export type PublicUser = ReturnType<typeof toPublicUser>;
