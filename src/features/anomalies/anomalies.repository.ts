import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../../db/schema';
import type { AnomaliesTable } from '../../db/tables/anomalies';
import { insertRows } from '../../db/bulk-insert';

export type AnomalyRow = Selectable<AnomaliesTable>;
type Db = Kysely<Database> | Transaction<Database>;

export interface AnomalyFilter {
  status?: AnomalyRow['status'];
  severity?: AnomalyRow['severity'];
  source?: string;
  metric?: string;
  from?: number;
  to?: number;
}

export function createAnomaliesRepository(db: Kysely<Database>) {
  function filtered(organizationId: string, filter: AnomalyFilter) {
    let query = db.selectFrom('anomalies').where('organization_id', '=', organizationId);
    if (filter.status) query = query.where('status', '=', filter.status);
    if (filter.severity) query = query.where('severity', '=', filter.severity);
    if (filter.source) query = query.where('source', '=', filter.source);
    if (filter.metric) query = query.where('metric', '=', filter.metric);
    if (filter.from !== undefined) query = query.where('detected_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('detected_at', '<=', filter.to);
    return query;
  }

  return {
    async insertMany(rows: Insertable<AnomaliesTable>[], trx?: Db) {
      await insertRows(trx ?? db, 'anomalies', rows);
    },
    async list(organizationId: string, filter: AnomalyFilter, limit: number, offset: number) {
      const [items, count] = await Promise.all([
        filtered(organizationId, filter).selectAll().orderBy('detected_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
        filtered(organizationId, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    async find(organizationId: string, id: string, trx?: Db) {
      return (trx ?? db).selectFrom('anomalies').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async update(organizationId: string, id: string, changes: Updateable<AnomaliesTable>, trx?: Db) {
      await (trx ?? db).updateTable('anomalies').set(changes).where('organization_id', '=', organizationId).where('id', '=', id).execute();
    },
    async remove(organizationId: string, id: string) {
      const result = await db.deleteFrom('anomalies').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async countBy(organizationId: string, column: 'status' | 'severity', since?: number) {
      let query = db.selectFrom('anomalies').where('organization_id', '=', organizationId);
      if (since !== undefined) query = query.where('detected_at', '>=', since);
      const rows = await query.select([column, (eb) => eb.fn.countAll<number>().as('n')]).groupBy(column).execute();
      return Object.fromEntries(rows.map((r) => [String((r as Record<string, unknown>)[column]), Number(r.n)]));
    },
    async topSources(organizationId: string, since: number, limit: number) {
      const rows = await db
        .selectFrom('anomalies')
        .where('organization_id', '=', organizationId)
        .where('detected_at', '>=', since)
        .select(['source', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('source')
        .orderBy('n', 'desc')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ source: r.source, count: Number(r.n) }));
    },
    /** Reviewed anomalies: the labels model metrics are measured on. */
    async labeled(organizationId: string) {
      return db
        .selectFrom('anomalies')
        .where('organization_id', '=', organizationId)
        .where((eb) => eb.or([eb('status', '!=', 'open'), eb('is_false_positive', '=', 1)]))
        .where('event_id', 'is not', null)
        .select(['event_id', 'is_false_positive', 'status'])
        .execute();
    },
  };
}

export type AnomaliesRepository = ReturnType<typeof createAnomaliesRepository>;
