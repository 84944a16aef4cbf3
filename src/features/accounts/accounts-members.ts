import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { AppError, notFound } from '../../lib/errors';
import type { Principal, Role } from '../../server/types';
import type { AuditApi } from '../audit/audit.api';
import type { AccountsRepository, UserRow } from './accounts.repository';
import { toPublicUser } from './accounts.fns';

const lastAdmin = () =>
  new AppError({ code: 'CONFLICT', message: 'An organization keeps at least one active admin: promote someone else first' });

/**
 * An admin's changes to the members of their organization. Each runs in a transaction that first touches the
 * organization row, so concurrent changes in one organization queue up (PostgreSQL row lock; SQLite has one
 * writer) and the "at least one active admin" check cannot be raced.
 */
export function createMemberOperations(deps: {
  repo: AccountsRepository;
  clock: Clock;
  bus: EventBus;
  audit: AuditApi;
  forget: (userId: string) => void;
}) {
  const { repo, clock, bus, audit } = deps;

  async function change(
    principal: Principal,
    userId: string,
    apply: (user: UserRow, trx: Transaction<Database>) => Promise<UserRow | null>,
  ): Promise<{ before: UserRow; after: UserRow | null }> {
    return repo.transaction(async (trx) => {
      await repo.touchOrganization(principal.organizationId, trx);
      const user = await repo.findUserInOrg(principal.organizationId, userId, trx);
      if (!user || user.id !== userId) throw notFound('Member');
      const after = await apply(user, trx);
      if ((await repo.countActiveAdmins(principal.organizationId, trx)) === 0) throw lastAdmin();
      return { before: user, after };
    });
  }

  function done(principal: Principal, action: 'member.role_changed' | 'member.disabled' | 'member.enabled' | 'member.removed', user: UserRow, details: Record<string, unknown>) {
    deps.forget(user.id);
    bus.publish('member.updated', principal.organizationId, { user_id: user.id, action });
    return audit.record({ organizationId: principal.organizationId, action, actor: principal, target: { type: 'user', id: user.id }, details: { username: user.username, ...details } });
  }

  return {
    async listMembers(organizationId: string) {
      return (await repo.listUsers(organizationId)).map(toPublicUser);
    },

    async setRole(principal: Principal, userId: string, role: Role) {
      const { before, after } = await change(principal, userId, async (user, trx) => {
        await repo.updateUser(user.id, { role, updated_at: clock.now() }, trx);
        return { ...user, role };
      });
      if (before.role !== role) await done(principal, 'member.role_changed', before, { from: before.role, to: role });
      return toPublicUser(after!);
    },

    async setActive(principal: Principal, userId: string, active: boolean) {
      const { before, after } = await change(principal, userId, async (user, trx) => {
        const now = clock.now();
        await repo.updateUser(user.id, { is_active: active ? 1 : 0, updated_at: now }, trx);
        if (!active) await repo.revokeUserTokens(user.id, now, trx);
        return { ...user, is_active: active ? 1 : 0 };
      });
      if (before.is_active !== after!.is_active) {
        await done(principal, active ? 'member.enabled' : 'member.disabled', before, {});
        if (!active) bus.publish('user.disabled', principal.organizationId, { user_id: before.id });
      }
      return toPublicUser(after!);
    },

    /** Deletes the account (its keys and sessions go with it); the audit trail keeps its name. */
    async removeMember(principal: Principal, userId: string) {
      const { before } = await change(principal, userId, async (user, trx) => {
        await repo.deleteUser(user.id, trx);
        return null;
      });
      await done(principal, 'member.removed', before, { role: before.role });
      bus.publish('user.disabled', principal.organizationId, { user_id: before.id });
      return { id: before.id, removed: true };
    },
  };
}
