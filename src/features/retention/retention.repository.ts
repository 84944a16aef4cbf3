import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/**
 * One prunable table: rows of an organization older than a cutoff on a time column (optionally only in
 * finished states). Deleted in batches bounded by time: the batch's upper bound is the time of the N-th oldest
 * candidate, so each statement touches about N rows and uses the (organization_id, time) indexes.
 */
interface Target {
  table: 'anomaly_events' | 'api_usage' | 'rate_limit_events' | 'threat_log_lines' | 'anomalies' | 'threats' | 'threat_evidence' | 'drift_results' | 'drift_jobs' | 'webhook_deliveries' | 'webhook_attempts' | 'audit_log';
  time: string;
  statuses?: { column: string; values: string[] };
}

export const TARGETS: Record<string, Target[]> = {
  events_days: [{ table: 'anomaly_events', time: 'received_at' }],
  usage_days: [{ table: 'api_usage', time: 'created_at' }, { table: 'rate_limit_events', time: 'created_at' }],
  log_lines_days: [{ table: 'threat_log_lines', time: 'received_at' }],
  resolved_anomalies_days: [{ table: 'anomalies', time: 'resolved_at', statuses: { column: 'status', values: ['resolved'] } }],
  resolved_threats_days: [
    { table: 'threat_evidence', time: 'created_at' },
    { table: 'threats', time: 'updated_at', statuses: { column: 'status', values: ['mitigated', 'false_positive'] } },
  ],
  drift_results_days: [
    { table: 'drift_results', time: 'created_at' },
    { table: 'drift_jobs', time: 'created_at', statuses: { column: 'status', values: ['completed', 'failed'] } },
  ],
  deliveries_days: [
    { table: 'webhook_attempts', time: 'created_at' },
    { table: 'webhook_deliveries', time: 'updated_at', statuses: { column: 'status', values: ['succeeded', 'failed'] } },
  ],
  audit_days: [{ table: 'audit_log', time: 'created_at' }],
};

export function createRetentionRepository(db: Kysely<Database>) {
  // The builder is used with table names from TARGETS only; Kysely's types cannot follow a union of tables.
  const anyDb = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  return {
    async organizationIds(): Promise<string[]> {
      return (await db.selectFrom('organizations').select('id').execute()).map((r) => r.id);
    },
    /** Deletes up to about `batch` rows older than `cutoff`; returns how many went. */
    async pruneBatch(target: Target, organizationId: string, cutoff: number, batch: number): Promise<number> {
      let candidates = anyDb.selectFrom(target.table).select(target.time).where('organization_id', '=', organizationId).where(target.time, '<', cutoff);
      if (target.statuses) candidates = candidates.where(target.statuses.column, 'in', target.statuses.values);
      const boundaryRow = await candidates.orderBy(target.time, 'asc').limit(1).offset(batch - 1).executeTakeFirst();
      const upper = boundaryRow ? Number(boundaryRow[target.time]) : cutoff;
      let remove = anyDb.deleteFrom(target.table).where('organization_id', '=', organizationId).where(target.time, boundaryRow ? '<=' : '<', upper);
      if (target.statuses) remove = remove.where(target.statuses.column, 'in', target.statuses.values);
      const result = await remove.executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    /** Failed-login counters no one has touched for a while (server-wide). */
    async pruneLoginThrottle(before: number, now: number) {
      const result = await db.deleteFrom('login_throttle').where('last_failure_at', '<', before).where('blocked_until', '<', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type RetentionRepository = ReturnType<typeof createRetentionRepository>;
