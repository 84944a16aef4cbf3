import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { ThreatLogLinesTable, ThreatTimelineTable, ThreatsTable } from '../../db/tables/threats';
import { insertRows } from '../../db/bulk-insert';

export type ThreatRow = Selectable<ThreatsTable>;
export type TimelineRow = Selectable<ThreatTimelineTable>;
export type LogLineRow = Selectable<ThreatLogLinesTable>;
type Db = Kysely<Database> | Transaction<Database>;

export interface ThreatFilter {
  severity?: string;
  status?: string;
  type?: string;
  from?: number;
  to?: number;
  includeSimulated: boolean;
}

let sequence = 0;
/** Orders timeline entries written within the same millisecond. */
export const nextSeq = () => (sequence = (sequence + 1) % 1_000_000_000);

export function createThreatsRepository(db: Kysely<Database>) {
  function filtered(organizationId: string, filter: ThreatFilter) {
    let query = db.selectFrom('threats').where('organization_id', '=', organizationId);
    if (filter.severity) query = query.where('severity', '=', filter.severity);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.type) query = query.where('threat_type', '=', filter.type);
    if (filter.from !== undefined) query = query.where('detected_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('detected_at', '<=', filter.to);
    if (!filter.includeSimulated) query = query.where('simulated', '=', 0);
    return query;
  }

  return {
    async insertThreat(row: ThreatRow, trx: Db = db) {
      await trx.insertInto('threats').values(row).execute();
    },
    async insertTimeline(rows: TimelineRow[], trx: Db = db) {
      if (rows.length > 0) await trx.insertInto('threat_timeline').values(rows).execute();
    },
    async findThreat(organizationId: string, id: string, trx: Db = db) {
      return trx.selectFrom('threats').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async listThreats(organizationId: string, filter: ThreatFilter, page: number, limit: number) {
      const [items, count] = await Promise.all([
        filtered(organizationId, filter).selectAll().orderBy('detected_at', 'desc').orderBy('id').limit(limit).offset((page - 1) * limit).execute(),
        filtered(organizationId, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    /** Rows for analytics: only the columns the figures need. */
    async threatsBetween(organizationId: string, from: number, to: number, includeSimulated: boolean) {
      return filtered(organizationId, { from, to, includeSimulated })
        .select(['id', 'threat_type', 'severity', 'status', 'impact_usd', 'detected_at', 'mitigated_at', 'simulated'])
        .execute();
    },
    async mitigatedBetween(organizationId: string, from: number, to: number, includeSimulated: boolean) {
      let query = db
        .selectFrom('threats')
        .select(['id', 'threat_type', 'impact_usd', 'detected_at', 'mitigated_at', 'status'])
        .where('organization_id', '=', organizationId)
        .where('mitigated_at', '>=', from)
        .where('mitigated_at', '<=', to);
      if (!includeSimulated) query = query.where('simulated', '=', 0);
      return query.execute();
    },
    /** The newest still-open threat of the same type, source and kind (real/simulated) since `since`. */
    async findOpenThreat(organizationId: string, match: { threatType: string; sourceIp: string | null; user: string | null; simulated: boolean; since: number }) {
      let query = db
        .selectFrom('threats')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('threat_type', '=', match.threatType)
        .where('status', 'in', ['detected', 'analyzing', 'acknowledged'])
        .where('simulated', '=', match.simulated ? 1 : 0)
        .where('last_seen_at', '>=', match.since);
      query = match.sourceIp ? query.where('source_ip', '=', match.sourceIp) : query.where('source_ip', 'is', null).where('user_name', '=', match.user ?? '');
      return query.orderBy('last_seen_at', 'desc').limit(1).executeTakeFirst();
    },
    async addOccurrence(organizationId: string, id: string, at: number, trx: Db = db) {
      await trx
        .updateTable('threats')
        .set((eb) => ({ occurrences: eb(eb.ref('occurrences'), '+', 1), last_seen_at: at }))
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .execute();
    },
    async timeline(organizationId: string, threatId: string) {
      return db
        .selectFrom('threat_timeline')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where('threat_id', '=', threatId)
        .orderBy('at')
        .orderBy('seq')
        .execute();
    },
    async updateStatus(organizationId: string, id: string, patch: { status: string; mitigated_at?: number | null; updated_at: number }, trx: Db = db) {
      await trx.updateTable('threats').set(patch).where('organization_id', '=', organizationId).where('id', '=', id).execute();
    },

    async insertLogLines(rows: LogLineRow[], trx: Db = db) {
      await insertRows(trx, 'threat_log_lines', rows);
    },
    /** Lines of the same source IP or user within [from, to], oldest first. */
    async relatedLogLines(organizationId: string, criteria: { sourceIp: string | null; user: string | null; from: number; to: number; limit: number }) {
      if (!criteria.sourceIp && !criteria.user) return [];
      return db
        .selectFrom('threat_log_lines')
        .select(['id', 'line', 'log_time', 'source', 'source_ip', 'user_name'])
        .where('organization_id', '=', organizationId)
        .where('log_time', '>=', criteria.from)
        .where('log_time', '<=', criteria.to)
        .where((eb) => {
          const ors = [];
          if (criteria.sourceIp) ors.push(eb('source_ip', '=', criteria.sourceIp));
          if (criteria.user) ors.push(eb('user_name', '=', criteria.user));
          return eb.or(ors);
        })
        .orderBy('log_time')
        .orderBy('received_at')
        .limit(criteria.limit)
        .execute();
    },
    /** Keeps the newest `keep` lines of an organization. */
    async pruneLogLines(organizationId: string, keep: number) {
      const edge = await db
        .selectFrom('threat_log_lines')
        .select('received_at')
        .where('organization_id', '=', organizationId)
        .orderBy('received_at', 'desc')
        .offset(keep)
        .limit(1)
        .executeTakeFirst();
      if (!edge) return 0;
      const result = await db
        .deleteFrom('threat_log_lines')
        .where('organization_id', '=', organizationId)
        .where('received_at', '<=', Number(edge.received_at))
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async countLines(organizationId: string, hour: number, simulated: boolean, lines: number, threats: number, trx: Db = db) {
      await trx
        .insertInto('threat_line_counts')
        .values({ organization_id: organizationId, hour, simulated: simulated ? 1 : 0, lines, threats })
        .onConflict((oc) =>
          oc.columns(['organization_id', 'hour', 'simulated']).doUpdateSet((eb) => ({
            lines: eb(eb.ref('threat_line_counts.lines'), '+', lines),
            threats: eb(eb.ref('threat_line_counts.threats'), '+', threats),
          })),
        )
        .execute();
    },
    async lineCounts(organizationId: string, from: number, to: number, includeSimulated: boolean) {
      let query = db
        .selectFrom('threat_line_counts')
        .select(['hour', 'lines', 'threats'])
        .where('organization_id', '=', organizationId)
        .where('hour', '>=', from - 3_600_000)
        .where('hour', '<=', to);
      if (!includeSimulated) query = query.where('simulated', '=', 0);
      return query.execute();
    },
  };
}

export type ThreatsRepository = ReturnType<typeof createThreatsRepository>;
