import { forbidden } from '../../../lib/errors';
import type { Principal } from '../../../server/types';

/**
 * The one authorization rule for Terraform state, applied alike to the Terraform HTTP backend
 * (/api/v1/terraform/state/:name) and the REST state operations (/api/v1/state/*):
 * - read a state: any member of the organization (admin, member, viewer), API keys with `read` or `state:write`;
 * - write a state (write, delete, import, remove, move, rollback, lock, unlock one's own lock): admins and
 *   members; API keys with `write` or `state:write`; never a viewer;
 * - force-unlock (release a lock someone else holds): admins only;
 * - configure, discover or delete backends: admins only.
 * Role and key permission are checked centrally for every route marked `terraformState` (src/server/auth.ts);
 * these helpers state the parts that depend on the lock holder.
 */
export const STATE_ROUTE = { terraformState: true } as const;

export function mayWriteState(principal: Principal): boolean {
  if (principal.role === 'viewer') return false;
  if (principal.via === 'api_key') return principal.permissions.includes('write') || principal.permissions.includes('state:write');
  return true;
}

export function assertMayWriteState(principal: Principal) {
  if (!mayWriteState(principal)) throw forbidden('Writing Terraform state needs the admin or member role (and a key with write or state:write)');
}

/** Releasing a lock held by someone else is a force-unlock, whichever path asks for it. */
export function assertMayForceUnlock(principal: Principal) {
  assertMayWriteState(principal);
  if (principal.role !== 'admin') throw forbidden('Only an administrator may force-unlock a state held by someone else');
}
