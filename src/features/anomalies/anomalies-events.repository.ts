import { CompiledQuery, SqliteAdapter, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { AnomalyEventsTable } from '../../db/tables/anomalies';

export type EventRow = Selectable<AnomalyEventsTable>;
type Db = Kysely<Database> | Transaction<Database>;

/** Rows per INSERT: 15 columns each stays well under both drivers' parameter limits. */
export const EVENTS_PER_STATEMENT = 500;
const CHUNK = EVENTS_PER_STATEMENT;

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

  // SQLite runs one prepared single-row INSERT per row about 30% faster than multi-row VALUES (no round
  // trips to save in-process); PostgreSQL wants few statements.
  const perRow = db.getExecutor().adapter instanceof SqliteAdapter;

  async function insertRows(target: Db, rows: Insertable<AnomalyEventsTable>[]) {
    if (perRow) {
      const columns = Object.keys(rows[0]!) as (keyof Insertable<AnomalyEventsTable>)[];
      const first = Object.fromEntries(columns.map((c) => [c, rows[0]![c] ?? null])) as Insertable<AnomalyEventsTable>;
      const { sql } = target.insertInto('anomaly_events').values(first).compile();
      for (const row of rows) await target.executeQuery(CompiledQuery.raw(sql, columns.map((c) => row[c] ?? null)));
      return;
    }
    for (let i = 0; i < rows.length; i += CHUNK) {
      await target.insertInto('anomaly_events').values(rows.slice(i, i + CHUNK)).execute();
    }
  }

  return {
    /** Stores all rows or none: in the given transaction, else in one statement or a transaction of its own. */
    async insertMany(rows: Insertable<AnomalyEventsTable>[], trx?: Db) {
      if (rows.length === 0) return;
      if (!trx && (rows.length > CHUNK || (perRow && rows.length > 1))) {
        await db.transaction().execute((own) => insertRows(own, rows));
        return;
      }
      await insertRows(trx ?? db, rows);
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
