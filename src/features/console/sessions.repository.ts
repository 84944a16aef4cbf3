import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { ConsoleSessionsTable } from '../../db/tables/console';

type Db = Kysely<Database> | Transaction<Database>;

export function createSessionsRepository(db: Kysely<Database>) {
  return {
    async insert(row: ConsoleSessionsTable, trx?: Db) {
      await (trx ?? db).insertInto('console_sessions').values(row).execute();
    },
    async findByTokenHash(tokenHash: string, trx?: Db) {
      return (await (trx ?? db).selectFrom('console_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()) ?? null;
    },
    async touch(id: string, at: number, expiresAt: number, trx?: Db) {
      await (trx ?? db).updateTable('console_sessions').set({ last_seen_at: at, expires_at: expiresAt }).where('id', '=', id).execute();
    },
    async revoke(id: string, at: number, trx?: Db) {
      await (trx ?? db).updateTable('console_sessions').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
    },
    async deleteExpired(before: number, trx?: Db) {
      await (trx ?? db).deleteFrom('console_sessions').where('expires_at', '<', before).execute();
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
