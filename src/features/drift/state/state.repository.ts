import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database } from '../../../db/schema';
import type { StateBackendsTable, StateFilesTable, StateLocksTable, StateVersionsTable } from '../../../db/tables/drift-state';

export type BackendRow = Selectable<StateBackendsTable>;
export type StateFileRow = Selectable<StateFilesTable>;
export type StateVersionRow = Selectable<StateVersionsTable>;
export type StateLockRow = Selectable<StateLocksTable>;
type Db = Kysely<Database> | Transaction<Database>;

/** Storage of backends, state files, their versions and locks. Every read is scoped to an organization. */
export function createStateRepository(db: Kysely<Database>) {
  return {
    db,
    /** Inserts unless the organization already has a backend with this locator; returns the stored row. */
    async ensureBackend(row: BackendRow): Promise<{ row: BackendRow; created: boolean }> {
      const result = await db
        .insertInto('state_backends')
        .values(row)
        .onConflict((oc) => oc.columns(['organization_id', 'locator']).doNothing())
        .executeTakeFirst();
      const stored = await db
        .selectFrom('state_backends')
        .selectAll()
        .where('organization_id', '=', row.organization_id)
        .where('locator', '=', row.locator)
        .executeTakeFirstOrThrow();
      return { row: stored, created: Number(result.numInsertedOrUpdatedRows ?? 0) > 0 && stored.id === row.id };
    },
    listBackends(organizationId: string) {
      return db.selectFrom('state_backends').selectAll().where('organization_id', '=', organizationId).orderBy('created_at').orderBy('id').execute();
    },
    getBackend(organizationId: string, id: string) {
      return db.selectFrom('state_backends').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async deleteBackend(organizationId: string, id: string): Promise<boolean> {
      const result = await db.deleteFrom('state_backends').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async setBackendStatus(id: string, patch: Pick<BackendRow, 'status' | 'last_checked' | 'last_error' | 'updated_at'>) {
      await db.updateTable('state_backends').set(patch).where('id', '=', id).execute();
    },

    async ensureFile(row: StateFileRow): Promise<StateFileRow> {
      await db
        .insertInto('state_files')
        .values(row)
        .onConflict((oc) => oc.columns(['backend_id', 'path']).doNothing())
        .execute();
      return db.selectFrom('state_files').selectAll().where('backend_id', '=', row.backend_id).where('path', '=', row.path).executeTakeFirstOrThrow();
    },
    getFile(organizationId: string, id: string, trx: Db = db) {
      return trx.selectFrom('state_files').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    findFile(backendId: string, path: string) {
      return db.selectFrom('state_files').selectAll().where('backend_id', '=', backendId).where('path', '=', path).executeTakeFirst();
    },
    filesOfBackend(backendId: string) {
      return db.selectFrom('state_files').selectAll().where('backend_id', '=', backendId).execute();
    },
    async listFiles(organizationId: string, options: { backendIds: string[]; limit: number; offset: number }) {
      if (options.backendIds.length === 0) return { rows: [] as StateFileRow[], total: 0 };
      const base = db
        .selectFrom('state_files')
        .where('organization_id', '=', organizationId)
        .where('backend_id', 'in', options.backendIds)
        .where('present', '=', 1)
        .where('latest_version', '>', 0);
      const [rows, count] = await Promise.all([
        base.selectAll().orderBy('path').orderBy('id').limit(options.limit).offset(options.offset).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.n) };
    },
    async updateFile(id: string, patch: Partial<Omit<StateFileRow, 'id' | 'organization_id' | 'backend_id' | 'path'>>, trx: Db = db) {
      await trx.updateTable('state_files').set(patch).where('id', '=', id).execute();
    },

    /** Claims version slot `row.version`; a concurrent writer that claimed it first makes this throw a unique violation. */
    async insertVersion(row: StateVersionRow, trx: Db = db) {
      await trx.insertInto('state_versions').values(row).execute();
    },
    async deleteVersion(stateId: string, version: number) {
      await db.deleteFrom('state_versions').where('state_id', '=', stateId).where('version', '=', version).execute();
    },
    getVersion(stateId: string, version: number) {
      return db.selectFrom('state_versions').selectAll().where('state_id', '=', stateId).where('version', '=', version).executeTakeFirst();
    },
    latestVersionWithSerial(stateId: string, serial: number) {
      return db.selectFrom('state_versions').selectAll().where('state_id', '=', stateId).where('serial', '=', serial).orderBy('version', 'desc').limit(1).executeTakeFirst();
    },
    listVersions(stateId: string) {
      return db
        .selectFrom('state_versions')
        .select(['id', 'version', 'serial', 'lineage', 'md5', 'size', 'action', 'reason', 'created_by', 'created_at'])
        .where('state_id', '=', stateId)
        .orderBy('version', 'desc')
        .execute();
    },

    /** Atomic acquisition: the primary key on state_id lets exactly one insert win, on SQLite and PostgreSQL alike. */
    async insertLock(row: StateLockRow) {
      await db.insertInto('state_locks').values(row).execute();
    },
    getLock(stateId: string) {
      return db.selectFrom('state_locks').selectAll().where('state_id', '=', stateId).executeTakeFirst();
    },
    async deleteLock(stateId: string, lockId: string): Promise<boolean> {
      const result = await db.deleteFrom('state_locks').where('state_id', '=', stateId).where('lock_id', '=', lockId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
    async lockedStateIds(organizationId: string, stateIds: string[]): Promise<Set<string>> {
      if (stateIds.length === 0) return new Set();
      const rows = await db.selectFrom('state_locks').select('state_id').where('organization_id', '=', organizationId).where('state_id', 'in', stateIds).execute();
      return new Set(rows.map((row) => row.state_id));
    },
  };
}

export type StateRepository = ReturnType<typeof createStateRepository>;
