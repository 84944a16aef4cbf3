import type { Finding } from './suppressions.logic';

export type { Finding } from './suppressions.logic';

/** What other features receive from the suppressions feature. */
export interface SuppressionsApi {
  /**
   * The id of what silences this finding now: an allowlist entry (`allowlist:<id>`, for findings whose source IP
   * it covers) wins over a suppression id; null when the finding must notify. Never throws: on a storage error
   * it answers null (a finding is never silenced by accident).
   */
  match(organizationId: string, finding: Finding): Promise<string | null>;
  /** One answer per finding, in order (one load for the batch). */
  matchMany(organizationId: string, findings: Finding[]): Promise<(string | null)[]>;
  /** The allowlist entry covering the address now, or null. */
  allowlisted(organizationId: string, address: string | null | undefined): Promise<{ id: string; value: string; reason: string } | null>;
}

/** Prefix of `suppressed_by` when an allowlist entry (not a suppression) silenced a finding. */
export const ALLOWLIST_PREFIX = 'allowlist:';
