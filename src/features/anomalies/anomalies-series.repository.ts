import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';

type Db = Kysely<Database> | Transaction<Database>;

/** Checkpoints of detector state: the in-memory map is a cache of these rows. */
export function createSeriesRepository(db: Kysely<Database>) {
  return {
    async load(organizationId: string, keys: string[]): Promise<Map<string, string>> {
      const found = new Map<string, string>();
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await db
          .selectFrom('anomaly_series')
          .select(['series_key', 'state'])
          .where('organization_id', '=', organizationId)
          .where('series_key', 'in', keys.slice(i, i + 500))
          .execute();
        for (const row of rows) found.set(row.series_key, row.state);
      }
      return found;
    },
    async count(organizationId: string) {
      const row = await db.selectFrom('anomaly_series').where('organization_id', '=', organizationId).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async saveMany(rows: { organization_id: string; series_key: string; state: string; updated_at: number }[], trx?: Db) {
      for (let i = 0; i < rows.length; i += 500) {
        await (trx ?? db)
          .insertInto('anomaly_series')
          .values(rows.slice(i, i + 500))
          .onConflict((oc) =>
            oc.columns(['organization_id', 'series_key']).doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), updated_at: eb.ref('excluded.updated_at') })),
          )
          .execute();
      }
    },
  };
}

export type SeriesRepository = ReturnType<typeof createSeriesRepository>;
