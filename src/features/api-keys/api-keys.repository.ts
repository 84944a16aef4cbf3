import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema';
import type { ApiKeysTable } from '../../db/tables/core';

export type ApiKeyRow = Selectable<ApiKeysTable>;

export function createApiKeysRepository(db: Kysely<Database>) {
  return {
    async insert(row: ApiKeyRow) {
      await db.insertInto('api_keys').values(row).execute();
    },
    async findByHash(keyHash: string) {
      return db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    },
    async findOwned(userId: string, id: string) {
      return db.selectFrom('api_keys').selectAll().where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    },
    async listOwned(userId: string, page: number, size: number) {
      const base = db.selectFrom('api_keys').where('user_id', '=', userId).where('revoked_at', 'is', null);
      const [items, count] = await Promise.all([
        base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(size).offset((page - 1) * size).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    async revoke(id: string, at: number) {
      await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },
    /** One statement per key for a whole batch of usage timestamps. */
    async touchMany(entries: [string, number][]) {
      if (entries.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const [id, at] of entries) {
          await trx.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
        }
      });
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;
