import { CompiledQuery, type Kysely, type Transaction, type Selectable } from 'kysely';
import type { Database } from '../../db/schema';
import type { UsersTable, RefreshTokensTable } from '../../db/tables/core';

export type UserRow = Selectable<UsersTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
type Db = Kysely<Database> | Transaction<Database>;

export function createAccountsRepository(db: Kysely<Database>) {
  const userByIdSql = db.selectFrom('users').selectAll().where('id', '=', '').compile().sql;
  return {
    transaction<T>(work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
      return db.transaction().execute(work);
    },
    /** Takes the organization's row lock (PostgreSQL) for the rest of the transaction. */
    async touchOrganization(id: string, trx: Db) {
      await trx.updateTable('organizations').set((eb) => ({ name: eb.ref('name') })).where('id', '=', id).execute();
    },
    async insertOrganization(org: { id: string; name: string; created_at: number }, trx?: Db) {
      await (trx ?? db).insertInto('organizations').values(org).execute();
    },
    async getOrganization(id: string, trx?: Db) {
      return (trx ?? db).selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async insertUser(user: UserRow, trx?: Db) {
      await (trx ?? db).insertInto('users').values(user).execute();
    },
    async findUserByLogin(login: string, trx?: Db) {
      const normalized = login.toLowerCase();
      return (trx ?? db)
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb.or([eb('username', '=', login), eb('email', '=', normalized)]))
        .executeTakeFirst();
    },
    /** On every authenticated request whose user is not cached, and on profile reads: compiled once. */
    async findUserById(id: string, trx?: Db) {
      if (trx) return trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      const { rows } = await db.executeQuery<Selectable<UsersTable>>(CompiledQuery.raw(userByIdSql, [id]));
      return rows[0];
    },
    async findUserInOrg(organizationId: string, idOrName: string, trx?: Db) {
      return (trx ?? db)
        .selectFrom('users')
        .selectAll()
        .where('organization_id', '=', organizationId)
        .where((eb) => eb.or([eb('id', '=', idOrName), eb('username', '=', idOrName), eb('email', '=', idOrName.toLowerCase())]))
        .executeTakeFirst();
    },
    async listUsers(organizationId: string, trx?: Db) {
      return (trx ?? db).selectFrom('users').selectAll().where('organization_id', '=', organizationId).orderBy('created_at').execute();
    },
    async updateUser(id: string, patch: Partial<Omit<UserRow, 'id'>>, trx?: Db) {
      await (trx ?? db).updateTable('users').set(patch).where('id', '=', id).execute();
    },
    async countUsers(trx?: Db) {
      const row = await (trx ?? db).selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async insertRefreshToken(row: RefreshTokenRow, trx?: Db) {
      await (trx ?? db).insertInto('refresh_tokens').values(row).execute();
    },
    async findRefreshToken(tokenHash: string, trx?: Db) {
      return (trx ?? db).selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    },
    /** Marks the token rotated only if nobody rotated it first: returns false when it lost the race. */
    async markRotated(id: string, at: number, trx?: Db) {
      const result = await (trx ?? db)
        .updateTable('refresh_tokens')
        .set({ rotated_at: at })
        .where('id', '=', id)
        .where('rotated_at', 'is', null)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async revokeFamily(familyId: string, at: number, trx?: Db) {
      await (trx ?? db).updateTable('refresh_tokens').set({ revoked_at: at }).where('family_id', '=', familyId).where('revoked_at', 'is', null).execute();
    },
    async revokeFamilyOfUser(userId: string, familyId: string, at: number, trx?: Db) {
      await (trx ?? db)
        .updateTable('refresh_tokens')
        .set({ revoked_at: at })
        .where('user_id', '=', userId)
        .where('family_id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
    },
    /** Revokes every refresh token of the user outside one session; returns how many sessions ended. */
    async revokeUserTokensExcept(userId: string, keepFamilyId: string | null, at: number, trx?: Db) {
      let query = (trx ?? db).updateTable('refresh_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null);
      if (keepFamilyId) query = query.where('family_id', '!=', keepFamilyId);
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
    async countActiveAdmins(organizationId: string, trx?: Db) {
      const row = await (trx ?? db)
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organization_id', '=', organizationId)
        .where('role', '=', 'admin')
        .where('is_active', '=', 1)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async deleteUser(id: string, trx?: Db) {
      await (trx ?? db).deleteFrom('users').where('id', '=', id).execute();
    },
    async revokeUserTokens(userId: string, at: number, trx?: Db) {
      await (trx ?? db).updateTable('refresh_tokens').set({ revoked_at: at }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
    },
  };
}

export type AccountsRepository = ReturnType<typeof createAccountsRepository>;
