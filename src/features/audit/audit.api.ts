import type { Principal } from '../../server/types';

/** Every action the audit trail records. Other features call `audit.record({ action, ... })` with one of these. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.logout',
  'auth.password_changed',
  'auth.registered',
  'invitation.created',
  'invitation.revoked',
  'invitation.accepted',
  'member.role_changed',
  'member.disabled',
  'member.enabled',
  'member.removed',
  'api_key.created',
  'api_key.revoked',
  'rate_limits.updated',
  'settings.updated',
  'playbook.approved',
  'playbook.rejected',
  'playbook.step_executed',
  'blocklist.changed',
  'state.written',
  'state.deleted',
  'state.locked',
  'state.unlocked',
  'state.force_unlocked',
  'backend.created',
  'backend.deleted',
  'backend.discovered',
] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditActor {
  userId: string | null;
  username?: string | null;
  apiKeyId?: string | null;
}

export interface AuditEntry {
  organizationId: string;
  action: AuditAction;
  /** Who acted: a principal (its address is taken too), a bare actor, or null for the system / an anonymous caller. */
  actor?: Principal | AuditActor | null;
  address?: string | null;
  target?: { type: string; id: string | null } | null;
  outcome?: AuditOutcome;
  details?: Record<string, unknown> | null;
}

/** What other features receive: record one entry (stored, then published as `audit.recorded`). Never throws. */
export interface AuditApi {
  record(entry: AuditEntry): Promise<void>;
}

/** For tests and features built without an audit trail. */
export const noAudit: AuditApi = { record: async () => undefined };
