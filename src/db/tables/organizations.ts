export interface InvitationsTable {
  id: string;
  organization_id: string;
  email: string;
  role: 'admin' | 'member' | 'viewer';
  /** SHA-256 of the token; the token itself is shown once, at creation. */
  token_hash: string;
  created_by: string;
  expires_at: number;
  accepted_at: number | null;
  accepted_by: string | null;
  revoked_at: number | null;
  created_at: number;
}

/** Append-only: rows are inserted and, past the retention window, pruned; never updated. */
export interface AuditLogTable {
  id: string;
  organization_id: string;
  actor_user_id: string | null;
  actor_username: string | null;
  actor_api_key_id: string | null;
  address: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: 'success' | 'failure' | 'denied';
  details: string | null;
  created_at: number;
}

/** Failed logins per account (`account:<login>`) and per address (`address:<ip>`). */
export interface LoginThrottleTable {
  key: string;
  failures: number;
  last_failure_at: number;
  blocked_until: number;
}

export interface OrganizationsTables {
  invitations: InvitationsTable;
  audit_log: AuditLogTable;
  login_throttle: LoginThrottleTable;
}
