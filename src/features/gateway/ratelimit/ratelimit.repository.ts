import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../../db/schema';
import type { RateLimitEventsTable, RateLimitOverridesTable } from '../../../db/tables/gateway';
import { insertRows } from '../../../db/bulk-insert';

export type RateLimitEventRow = Selectable<RateLimitEventsTable>;
export type OverrideRow = Selectable<RateLimitOverridesTable>;

export interface RateLimitEventFilter {
  organizationId: string;
  from: number;
  to: number;
  userId?: string;
  apiKeyId?: string;
  limit: number;
}

export function createRateLimitRepository(db: Kysely<Database>) {
  return {
    async insertEvents(rows: RateLimitEventRow[]) {
      if (rows.length === 0) return;
      // Bounded chunks keep every statement under SQLite's and pg's parameter limits; one transaction keeps a
      // retried batch from being stored twice.
      await db.transaction().execute(async (trx) => {
        await insertRows(trx, 'rate_limit_events', rows);
      });
    },
    async listEvents(filter: RateLimitEventFilter) {
      let base = db
        .selectFrom('rate_limit_events')
        .where('organization_id', '=', filter.organizationId)
        .where('created_at', '>=', filter.from)
        .where('created_at', '<', filter.to);
      if (filter.userId) base = base.where('user_id', '=', filter.userId);
      if (filter.apiKeyId) base = base.where('api_key_id', '=', filter.apiKeyId);
      const [rows, count] = await Promise.all([
        base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(filter.limit).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.n) };
    },
    async upsertOverride(row: OverrideRow) {
      await db
        .insertInto('rate_limit_overrides')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['organization_id', 'subject_type', 'subject_value'])
            .doUpdateSet({ requests_per_minute: row.requests_per_minute, expires_at: row.expires_at, created_at: row.created_at }),
        )
        .execute();
    },
    async activeOverrides(now: number) {
      return db.selectFrom('rate_limit_overrides').selectAll().where('expires_at', '>', now).execute();
    },
    async deleteExpiredOverrides(now: number) {
      await db.deleteFrom('rate_limit_overrides').where('expires_at', '<=', now).execute();
    },
  };
}

export type RateLimitRepository = ReturnType<typeof createRateLimitRepository>;
