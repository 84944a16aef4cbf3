import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { AllowlistTable, SuppressionsTable } from '../../db/tables/suppressions';
import { mapUniqueViolation } from '../../db/unique';

export type SuppressionRow = Selectable<SuppressionsTable>;
export type AllowlistRow = Selectable<AllowlistTable>;
type Db = Kysely<Database> | Transaction<Database>;

/** Suppressions and allowlist entries of each organization. */
export function createSuppressionsRepository(db: Kysely<Database>) {
  return {
    async insert(row: SuppressionRow, trx: Db = db) {
      await trx.insertInto('suppressions').values(row).execute();
    },
    async find(organizationId: string, id: string, trx: Db = db) {
      return trx.selectFrom('suppressions').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async list(organizationId: string, filter: { engine?: string; activeAt?: number }, page: number, size: number, trx: Db = db) {
      let query = trx.selectFrom('suppressions').where('organization_id', '=', organizationId);
      if (filter.engine) query = query.where('engine', '=', filter.engine);
      if (filter.activeAt !== undefined) query = query.where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', filter.activeAt!)]));
      const [items, count] = await Promise.all([
        query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(size).offset((page - 1) * size).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    /** Every suppression that has not expired yet (oldest first: attribution is stable). */
    async unexpired(organizationId: string, now: number, trx: Db = db) {
      return trx
        .selectFrom('suppressions')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },
    async remove(organizationId: string, id: string, trx: Db = db) {
      const result = await trx.deleteFrom('suppressions').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async insertAllowlist(row: AllowlistRow, trx: Db = db) {
      await mapUniqueViolation(() => trx.insertInto('allowlist').values(row).execute(), `${row.value} is already on the allowlist`);
    },
    async findAllowlist(organizationId: string, id: string, trx: Db = db) {
      return trx.selectFrom('allowlist').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async listAllowlist(organizationId: string, page: number, size: number, trx: Db = db) {
      const query = trx.selectFrom('allowlist').where('organization_id', '=', organizationId);
      const [items, count] = await Promise.all([
        query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(size).offset((page - 1) * size).execute(),
        query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    async unexpiredAllowlist(organizationId: string, now: number, trx: Db = db) {
      return trx
        .selectFrom('allowlist')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .orderBy('created_at')
        .execute();
    },
    async removeAllowlist(organizationId: string, id: string, trx: Db = db) {
      const result = await trx.deleteFrom('allowlist').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

export type SuppressionsRepository = ReturnType<typeof createSuppressionsRepository>;
