import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';

const MAX_ROWS = 500;
/** `%` never appears in the identifiers we look for; `_` matches itself (and, harmlessly, any one character). */
const likeEscape = (value: string) => value.replace(/%/g, "");

/**
 * Read-only queries over the engines' tables for one resource's timeline. This feature owns no table: it reads the
 * drift, threat, anomaly and state tables (the columns the engines document) and never writes them.
 */
export function createTimelineRepository(db: Kysely<Database>) {
  return {
    async resource(organizationId: string, idOrProviderId: string) {
      return db
        .selectFrom('drift_resources')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where((eb) => eb.or([eb('id', '=', idOrProviderId), eb('resource_id', '=', idOrProviderId)]))
        .orderBy('created_at')
        .limit(1)
        .executeTakeFirst();
    },
    /** Completed drift results whose findings name the resource (pre-filtered by text, checked by the caller). */
    async driftResults(organizationId: string, ids: string[]) {
      return db
        .selectFrom('drift_results')
        .select(['id', 'drifts', 'completed_at', 'created_at', 'suppressed_by'])
        .where('organization_id', '=', organizationId)
        .where('status', '=', 'completed')
        .where('drift_detected', '=', 1)
        .where((eb) => eb.or(ids.map((id) => eb('drifts', 'like', `%"${likeEscape(id)}"%`))))
        .orderBy('created_at', 'desc')
        .limit(MAX_ROWS)
        .execute();
    },
    async threats(organizationId: string, identifiers: string[], ips: string[]) {
      return db
        .selectFrom('threats')
        .select(['id', 'threat_type', 'severity', 'status', 'target', 'source_ip', 'explanation', 'detected_at', 'suppressed_by'])
        .where('organization_id', '=', organizationId)
        .where('simulated', '=', 0)
        .where((eb) =>
          eb.or([
            eb('target', 'in', identifiers),
            ...(ips.length ? [eb('source_ip', 'in', ips)] : []),
            ...ips.map((ip) => eb('iocs', 'like', `%"${likeEscape(ip)}"%`)),
          ]),
        )
        .orderBy('detected_at', 'desc')
        .limit(MAX_ROWS)
        .execute();
    },
    /** Anomalies whose source is one of the identifiers, or whose event's metadata names one. */
    async anomalies(organizationId: string, identifiers: string[]) {
      const byMetadata = db
        .selectFrom('anomaly_events')
        .select('id')
        .where('organization_id', '=', organizationId)
        .where('id', 'in', db.selectFrom('anomalies').select('event_id').where('organization_id', '=', organizationId).where('event_id', 'is not', null))
        .where((eb) => eb.or(identifiers.map((id) => eb('metadata', 'like', `%"${likeEscape(id)}"%`))));
      return db
        .selectFrom('anomalies')
        .select(['id', 'kind', 'source', 'metric', 'severity', 'status', 'explanation', 'detected_at', 'suppressed_by'])
        .where('organization_id', '=', organizationId)
        .where((eb) => eb.or([eb('source', 'in', identifiers), eb('event_id', 'in', byMetadata)]))
        .orderBy('detected_at', 'desc')
        .limit(MAX_ROWS)
        .execute();
    },
    /** State operations (import, move, remove, rollback) whose reason names the resource. */
    async stateChanges(organizationId: string, identifiers: string[]) {
      return db
        .selectFrom('state_versions')
        .select(['id', 'state_id', 'action', 'reason', 'created_by', 'created_at'])
        .where('organization_id', '=', organizationId)
        .where('action', 'in', ['imported', 'removed', 'moved', 'rolled_back'])
        .where((eb) => eb.or(identifiers.map((id) => eb('reason', 'like', `%${likeEscape(id)}%`))))
        .orderBy('created_at', 'desc')
        .limit(MAX_ROWS)
        .execute();
    },
    async locks(organizationId: string, stateIds: string[]) {
      if (stateIds.length === 0) return [];
      return db.selectFrom('state_locks').select(['state_id', 'lock_id', 'operation', 'who', 'created_at']).where('organization_id', '=', organizationId).where('state_id', 'in', stateIds).execute();
    },
  };
}

export type TimelineRepository = ReturnType<typeof createTimelineRepository>;
