import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { FindingEngine } from './findings.schemas';

/** One row of the cross-engine read model; the service turns it into a `Finding`. */
export interface FindingRow {
  engine: FindingEngine;
  id: string;
  severity: string;
  status: string;
  detected_at: number;
  resource_id: string | null;
  suppressed_by: string | null;
  /** Engine-specific parts of the title (anomaly: metric/source, threat: type/source ip, drift: count/scope). */
  title_a: string | null;
  title_b: string | null;
}

export interface FindingsFilter {
  organizationId: string;
  engine?: FindingEngine;
  severity?: string;
  status?: string;
  resourceId?: string;
  includeSuppressed: boolean;
}

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Where each engine's `suppressed_by` comes from: the column the suppressions feature fills when a finding is
 * stored under a suppression, an allowlist entry or an acknowledgement. The select and the `include_suppressed`
 * filter both go through these expressions.
 */
const SUPPRESSED_BY = {
  anomaly: sql<string | null>`anomalies.suppressed_by`,
  threat: sql<string | null>`threats.suppressed_by`,
  drift: sql<string | null>`drift_results.suppressed_by`,
} satisfies Record<FindingEngine, Expression<string | null>>;

const noResource = sql<string | null>`cast(null as text)`;
const driftSeverity = sql<string>`case when drift_results.critical_count > 0 then 'critical' when drift_results.high_count > 0 then 'high' when drift_results.medium_count > 0 then 'medium' else 'low' end`;

/** SQL condition on drift_results for "the highest severity of this result is X" (uses the count columns). */
function driftSeverityIs(severity: string) {
  switch (severity) {
    case 'critical':
      return sql<SqlBool>`drift_results.critical_count > 0`;
    case 'high':
      return sql<SqlBool>`drift_results.critical_count = 0 and drift_results.high_count > 0`;
    case 'medium':
      return sql<SqlBool>`drift_results.critical_count = 0 and drift_results.high_count = 0 and drift_results.medium_count > 0`;
    default:
      return sql<SqlBool>`drift_results.critical_count = 0 and drift_results.high_count = 0 and drift_results.medium_count = 0`;
  }
}

/**
 * Anomalies, threats and drift results with drift, newest first. Each engine's part is ordered and limited on its
 * own (served by its (organization_id, time) index), so a page reads at most `offset + size` rows per table
 * however many findings exist; the outer query merges the three short lists.
 */
export function createFindingsRepository(db: Kysely<Database>) {
  function anomalies(f: FindingsFilter, take: number, on: Db) {
    let q = on
      .selectFrom('anomalies')
      .select([
        sql<FindingEngine>`'anomaly'`.as('engine'), 'anomalies.id', 'anomalies.severity', 'anomalies.status', 'anomalies.detected_at',
        noResource.as('resource_id'), SUPPRESSED_BY.anomaly.as('suppressed_by'),
        sql<string | null>`anomalies.metric`.as('title_a'), sql<string | null>`anomalies.source`.as('title_b'),
      ])
      .where('anomalies.organization_id', '=', f.organizationId);
    if (f.severity) q = q.where('anomalies.severity', '=', f.severity as never);
    if (f.status) q = q.where('anomalies.status', '=', f.status as never);
    if (f.resourceId) q = q.where(sql<SqlBool>`1 = 0`);
    if (!f.includeSuppressed) q = q.where(SUPPRESSED_BY.anomaly, 'is', null);
    return q.orderBy('anomalies.detected_at', 'desc').orderBy('anomalies.id', 'desc').limit(take);
  }

  function threats(f: FindingsFilter, take: number, on: Db) {
    let q = on
      .selectFrom('threats')
      .select([
        sql<FindingEngine>`'threat'`.as('engine'), 'threats.id', 'threats.severity', 'threats.status', 'threats.detected_at',
        noResource.as('resource_id'), SUPPRESSED_BY.threat.as('suppressed_by'),
        sql<string | null>`threats.threat_type`.as('title_a'), sql<string | null>`threats.source_ip`.as('title_b'),
      ])
      .where('threats.organization_id', '=', f.organizationId);
    if (f.severity) q = q.where('threats.severity', '=', f.severity);
    if (f.status) q = q.where('threats.status', '=', f.status);
    if (f.resourceId) q = q.where(sql<SqlBool>`1 = 0`);
    if (!f.includeSuppressed) q = q.where(SUPPRESSED_BY.threat, 'is', null);
    return q.orderBy('threats.detected_at', 'desc').orderBy('threats.id', 'desc').limit(take);
  }

  function drift(f: FindingsFilter, take: number, on: Db) {
    let q = on
      .selectFrom('drift_results')
      .select([
        sql<FindingEngine>`'drift'`.as('engine'), 'drift_results.id', driftSeverity.as('severity'), 'drift_results.status',
        sql<number>`drift_results.created_at`.as('detected_at'),
        sql<string | null>`drift_results.resource_id`.as('resource_id'), SUPPRESSED_BY.drift.as('suppressed_by'),
        sql<string | null>`cast(drift_results.drift_count as text)`.as('title_a'), sql<string | null>`drift_results.scope`.as('title_b'),
      ])
      .where('drift_results.organization_id', '=', f.organizationId)
      .where('drift_results.drift_detected', '=', 1);
    if (f.severity) q = q.where(driftSeverityIs(f.severity));
    if (f.status) q = q.where('drift_results.status', '=', f.status);
    if (f.resourceId) q = q.where('drift_results.resource_id', '=', f.resourceId);
    if (!f.includeSuppressed) q = q.where(SUPPRESSED_BY.drift, 'is', null);
    return q.orderBy('drift_results.created_at', 'desc').orderBy('drift_results.id', 'desc').limit(take);
  }

  const parts = { anomaly: anomalies, threat: threats, drift } as const;
  const enginesOf = (f: FindingsFilter): FindingEngine[] => (f.engine ? [f.engine] : ['anomaly', 'threat', 'drift']);

  return {
    async page(f: FindingsFilter, offset: number, size: number, trx?: Db): Promise<FindingRow[]> {
      const on = trx ?? db;
      const take = offset + size;
      const [first, ...rest] = enginesOf(f).map((engine) => parts[engine](f, take, on));
      // Each part is wrapped in its own sub-select so its ORDER BY/LIMIT applies before the UNION ALL (SQLite
      // does not allow them on compound members directly).
      const wrap = (part: typeof first) => on.selectFrom(part!.as('p')).selectAll();
      let union = wrap(first);
      for (const part of rest) union = union.unionAll(wrap(part));
      const rows = await on
        .selectFrom(union.as('f'))
        .selectAll()
        .orderBy('f.detected_at', 'desc')
        .orderBy('f.id', 'desc')
        .limit(size)
        .offset(offset)
        .execute();
      return rows.map((row) => ({ ...row, detected_at: Number(row.detected_at) }) as FindingRow);
    },

    async count(f: FindingsFilter, trx?: Db): Promise<number> {
      const on = trx ?? db;
      const countOf = async (query: { execute(): Promise<{ n: number | string | bigint }[]> }) => Number((await query.execute())[0]?.n ?? 0);
      const n = sql<number>`count(*)`.as('n');
      const counts = await Promise.all(
        enginesOf(f).map((engine) => {
          if (engine === 'anomaly') return countOf(anomalies(f, 1, on).clearSelect().clearOrderBy().clearLimit().select(n));
          if (engine === 'threat') return countOf(threats(f, 1, on).clearSelect().clearOrderBy().clearLimit().select(n));
          return countOf(drift(f, 1, on).clearSelect().clearOrderBy().clearLimit().select(n));
        }),
      );
      return counts.reduce((a, b) => a + b, 0);
    },
  };
}

export type FindingsRepository = ReturnType<typeof createFindingsRepository>;
