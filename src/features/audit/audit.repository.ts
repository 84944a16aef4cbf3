import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { AuditLogTable } from '../../db/tables/organizations';

export type AuditRow = Selectable<AuditLogTable>;
type Db = Kysely<Database> | Transaction<Database>;

export interface AuditFilter {
  action?: string;
  actorUserId?: string;
  outcome?: string;
  targetType?: string;
  targetId?: string;
  from?: number;
  to?: number;
}

/** Append-only: insert, query, and the retention pruner's bounded delete. */
export function createAuditRepository(db: Kysely<Database>) {
  return {
    async insert(row: AuditRow, trx?: Db) {
      await (trx ?? db).insertInto('audit_log').values(row).execute();
    },
    async list(organizationId: string, filter: AuditFilter, page: number, size: number, trx?: Db) {
      let query = (trx ?? db).selectFrom('audit_log').where('organization_id', '=', organizationId);
      if (filter.action) query = query.where('action', '=', filter.action);
      if (filter.actorUserId) query = query.where('actor_user_id', '=', filter.actorUserId);
      if (filter.outcome) query = query.where('outcome', '=', filter.outcome as AuditRow['outcome']);
      if (filter.targetType) query = query.where('target_type', '=', filter.targetType);
      if (filter.targetId) query = query.where('target_id', '=', filter.targetId);
      if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
      if (filter.to !== undefined) query = query.where('created_at', '<', filter.to);
      const [items, count] = await Promise.all([
        query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(size).offset((page - 1) * size).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
