/** Tables of the suppressions feature (owned by src/features/suppressions). */

/** One silence: which findings of which engine it matches, why, whose, and until when (or in which window). */
export interface SuppressionsTable {
  id: string;
  organization_id: string;
  /** anomaly | threat | drift | any */
  engine: string;
  /** JSON object: field -> condition (see suppressions.logic.ts). */
  match: string;
  reason: string;
  owner: string;
  created_by: string;
  /** 1 when an admin created it: only then may it silence critical findings. */
  allow_critical: number;
  expires_at: number | null;
  /** Recurring maintenance window: cron expression, window length, IANA time zone. */
  schedule_cron: string | null;
  schedule_duration_s: number | null;
  schedule_tz: string | null;
  /** api | drift_ignore_rule (migrated) */
  origin: string;
  created_at: number;
}

/** Addresses and CIDRs that are never quarantined and whose detections are stored suppressed. */
export interface AllowlistTable {
  id: string;
  organization_id: string;
  /** Canonical address or CIDR (`10.0.0.0/8`, `2001:db8::/32`, `203.0.113.7`). */
  value: string;
  reason: string;
  created_by: string;
  expires_at: number | null;
  created_at: number;
}

export interface SuppressionsTables {
  suppressions: SuppressionsTable;
  allowlist: AllowlistTable;
}
