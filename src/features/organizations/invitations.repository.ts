import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../db/schema';
import type { InvitationsTable } from '../../db/tables/organizations';

export type InvitationRow = Selectable<InvitationsTable>;
type Db = Kysely<Database> | Transaction<Database>;

export function createInvitationsRepository(db: Kysely<Database>) {
  return {
    async insert(row: InvitationRow, trx?: Db) {
      await (trx ?? db).insertInto('invitations').values(row).execute();
    },
    async findByTokenHash(tokenHash: string, trx?: Db) {
      return (trx ?? db).selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    },
    async findInOrg(organizationId: string, id: string, trx?: Db) {
      return (trx ?? db).selectFrom('invitations').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async list(organizationId: string, page: number, size: number, trx?: Db) {
      const base = (trx ?? db).selectFrom('invitations').where('organization_id', '=', organizationId);
      const [items, count] = await Promise.all([
        base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(size).offset((page - 1) * size).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    /** Single use: only the first redemption of a pending, unexpired invitation updates the row. */
    async markAccepted(id: string, userId: string, now: number, trx?: Db) {
      const result = await (trx ?? db)
        .updateTable('invitations')
        .set({ accepted_at: now, accepted_by: userId })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async revoke(id: string, now: number, trx?: Db) {
      const result = await (trx ?? db)
        .updateTable('invitations')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

export type InvitationsRepository = ReturnType<typeof createInvitationsRepository>;
