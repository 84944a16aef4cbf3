import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../../../db/schema';
import type { ApiUsageTable } from '../../../db/tables/gateway';
import type { BucketTotals } from './buckets';
import { insertRows } from '../../../db/bulk-insert';

export type UsageRow = Selectable<ApiUsageTable>;

export interface UsageFilter {
  organizationId: string;
  from: number;
  to: number;
  endpoint?: string;
  userId?: string;
}

export function createUsageRepository(db: Kysely<Database>) {
  return {
    /** All or nothing, so that a batch retried after a failure is never stored twice. */
    async insertMany(rows: UsageRow[]) {
      if (rows.length === 0) return;
      await db.transaction().execute(async (trx) => {
        await insertRows(trx, 'api_usage', rows);
      });
    },
    /** Per-bucket totals; the bucket is `t - ((t - offset) % size)`, plain integer arithmetic on both dialects. */
    async totals(filter: UsageFilter, size: number, offset: number): Promise<BucketTotals[]> {
      const bucket = sql<number>`created_at - ((created_at - ${sql.lit(offset)}) % ${sql.lit(size)})`;
      let query = db
        .selectFrom('api_usage')
        .select([
          bucket.as('bucket'),
          (eb) => eb.fn.countAll<number>().as('requests'),
          sql<number>`sum(case when status_code < 400 then 1 else 0 end)`.as('success'),
          (eb) => eb.fn.sum<number>('duration_us').as('duration_us'),
        ])
        .where('organization_id', '=', filter.organizationId)
        .where('created_at', '>=', filter.from)
        .where('created_at', '<=', filter.to);
      if (filter.endpoint) query = query.where('endpoint', '=', filter.endpoint);
      if (filter.userId) query = query.where('user_id', '=', filter.userId);
      const rows = await query.groupBy(bucket).execute();
      return rows.map((r) => ({ bucket: Number(r.bucket), requests: Number(r.requests), success: Number(r.success), durationUs: Number(r.duration_us) }));
    },
  };
}

export type UsageRepository = ReturnType<typeof createUsageRepository>;
