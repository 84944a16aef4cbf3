import type { Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { Clock } from '../../lib/clock';
import { randomToken, sha256Hex } from '../../lib/crypto';
import { AppError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Principal, Role } from '../../server/types';
import type { AuditApi } from '../audit/audit.api';
import type { InvitationRow, InvitationsRepository } from './invitations.repository';

const TOKEN_PREFIX = 'inv_';

export function invitationStatus(row: InvitationRow, now: number): 'pending' | 'accepted' | 'revoked' | 'expired' {
  if (row.accepted_at !== null) return 'accepted';
  if (row.revoked_at !== null) return 'revoked';
  return row.expires_at <= now ? 'expired' : 'pending';
}

const iso = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

/** Refusal for every unusable token: unknown, expired, used, revoked, or meant for another address look alike. */
const unusable = () => new AppError({ code: 'INVALID_INVITATION', message: 'This invitation is not valid: it is unknown, expired, already used, revoked or addressed to another email' });

/**
 * Invitations: an admin invites an email address with a role; the token (shown once, stored hashed) lets whoever
 * registers with that email join the organization once, before it expires.
 */
export function createInvitationsService(deps: { repo: InvitationsRepository; clock: Clock; audit: AuditApi; ttlSeconds: number }) {
  const { repo, clock, audit } = deps;

  const toPublic = (row: InvitationRow) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    status: invitationStatus(row, clock.now()),
    created_by: row.created_by,
    created_at: iso(row.created_at)!,
    expires_at: iso(row.expires_at)!,
    accepted_at: iso(row.accepted_at),
    accepted_by: row.accepted_by,
    revoked_at: iso(row.revoked_at),
  });

  return {
    async create(principal: Principal, input: { email: string; role: Role; expires_in_hours?: number }) {
      const token = `${TOKEN_PREFIX}${randomToken(32)}`;
      const now = clock.now();
      const ttlMs = (input.expires_in_hours ? input.expires_in_hours * 3600 : deps.ttlSeconds) * 1000;
      const row: InvitationRow = {
        id: newId(),
        organization_id: principal.organizationId,
        email: input.email.toLowerCase(),
        role: input.role,
        token_hash: sha256Hex(token),
        created_by: principal.userId,
        expires_at: now + ttlMs,
        accepted_at: null,
        accepted_by: null,
        revoked_at: null,
        created_at: now,
      };
      await repo.insert(row);
      await audit.record({ organizationId: principal.organizationId, action: 'invitation.created', actor: principal, target: { type: 'invitation', id: row.id }, details: { email: row.email, role: row.role } });
      return { ...toPublic(row), token };
    },

    async list(principal: Principal, page: number, size: number) {
      const { items, total } = await repo.list(principal.organizationId, page, size);
      return { items: items.map(toPublic), total, page, size };
    },

    async revoke(principal: Principal, id: string) {
      const row = await repo.findInOrg(principal.organizationId, id);
      if (!row) throw notFound('Invitation');
      if (!(await repo.revoke(id, clock.now()))) {
        throw new AppError({ code: 'CONFLICT', message: `The invitation is already ${invitationStatus(row, clock.now())}` });
      }
      await audit.record({ organizationId: principal.organizationId, action: 'invitation.revoked', actor: principal, target: { type: 'invitation', id } });
      return { id, revoked: true };
    },

    /** Called inside the registration's transaction: the invitation is spent only if the account is created. */
    async redeem(token: string, email: string, userId: string, trx: Transaction<Database>) {
      if (!token.startsWith(TOKEN_PREFIX)) throw unusable();
      const row = await repo.findByTokenHash(sha256Hex(token), trx);
      if (!row || row.email !== email.toLowerCase()) throw unusable();
      if (!(await repo.markAccepted(row.id, userId, clock.now(), trx))) throw unusable();
      return { organizationId: row.organization_id, role: row.role, invitationId: row.id };
    },
  };
}

export type InvitationsService = ReturnType<typeof createInvitationsService>;
