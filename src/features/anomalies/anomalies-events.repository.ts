import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { insertRows, isSingleStatement } from '../../db/bulk-insert';
import type { Database } from '../../db/schema';
import type { AnomalyEventsTable } from '../../db/tables/anomalies';

export type EventRow = Selectable<AnomalyEventsTable>;
type Db = Kysely<Database> | Transaction<Database>;

/** Ids per `in (...)` list: well under both drivers' parameter limits. */
const CHUNK = 500;

export interface EventFilter {
  type?: 'metric' | 'log' | 'trace';
  source?: string;
  name?: string;
  from?: number;
  to?: number;
}

export function createEventsRepository(db: Kysely<Database>) {
  function filtered(organizationId: string, filter: EventFilter) {
    let query = db.selectFrom('anomaly_events').where('organization_id', '=', organizationId);
    if (filter.type) query = query.where('type', '=', filter.type);
    if (filter.source) query = query.where('source', '=', filter.source);
    if (filter.name) query = query.where('name', '=', filter.name);
    if (filter.from !== undefined) query = query.where('timestamp', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('timestamp', '<=', filter.to);
    return query;
  }

  return {
    /** Stores all rows or none: in the given transaction, else in one statement or a transaction of its own. */
    async insertMany(rows: Insertable<AnomalyEventsTable>[], trx?: Db) {
      if (trx || isSingleStatement(db, rows.length)) await insertRows(trx ?? db, 'anomaly_events', rows);
      else await db.transaction().execute((own) => insertRows(own, 'anomaly_events', rows));
    },
    async list(organizationId: string, filter: EventFilter, limit: number, offset: number) {
      const [items, count] = await Promise.all([
        filtered(organizationId, filter).selectAll().orderBy('timestamp', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
        filtered(organizationId, filter).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    /** Metric values for model training, oldest first, bounded. */
    async metricValues(organizationId: string, from: number | undefined, to: number | undefined, limit: number) {
      return filtered(organizationId, { type: 'metric', from, to })
        .select(['id', 'source', 'name', 'value', 'timestamp'])
        .orderBy('timestamp', 'desc')
        .limit(limit)
        .execute();
    },
    async hasSource(organizationId: string, source: string) {
      const row = await db.selectFrom('anomaly_events').select('id').where('organization_id', '=', organizationId).where('source', '=', source).limit(1).executeTakeFirst();
      return row !== undefined;
    },
    async findByIds(organizationId: string, ids: string[]) {
      if (ids.length === 0) return [];
      const rows: EventRow[] = [];
      for (let i = 0; i < ids.length; i += CHUNK) {
        rows.push(...(await db.selectFrom('anomaly_events').selectAll().where('organization_id', '=', organizationId).where('id', 'in', ids.slice(i, i + CHUNK)).execute()));
      }
      return rows;
    },
  };
}

export type EventsRepository = ReturnType<typeof createEventsRepository>;
