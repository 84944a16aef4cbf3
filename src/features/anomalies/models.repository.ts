import type { Insertable, Kysely, Selectable, Updateable } from 'kysely';
import type { Database } from '../../db/schema';
import type { AnomalyModelsTable } from '../../db/tables/anomalies';

export type ModelRow = Selectable<AnomalyModelsTable>;

export function createModelsRepository(db: Kysely<Database>) {
  return {
    async insert(row: Insertable<AnomalyModelsTable>) {
      await db.insertInto('anomaly_models').values(row).execute();
    },
    async update(id: string, changes: Updateable<AnomalyModelsTable>) {
      await db.updateTable('anomaly_models').set(changes).where('id', '=', id).execute();
    },
    async find(organizationId: string, id: string) {
      return db.selectFrom('anomaly_models').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async list(organizationId: string) {
      return db
        .selectFrom('anomaly_models')
        .select(['id', 'organization_id', 'job_id', 'algorithm', 'version', 'status', 'hyperparameters', 'data_range', 'metrics', 'error', 'active', 'training_points', 'created_at', 'trained_at'])
        .where('organization_id', '=', organizationId)
        .orderBy('created_at', 'desc')
        .limit(100)
        .execute();
    },
    async countAll(organizationId: string) {
      const row = await db.selectFrom('anomaly_models').where('organization_id', '=', organizationId).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async activeModels() {
      return db.selectFrom('anomaly_models').selectAll().where('active', '=', 1).where('status', '=', 'ready').execute();
    },
    async activate(organizationId: string, id: string) {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('anomaly_models').set({ active: 0 }).where('organization_id', '=', organizationId).execute();
        await trx.updateTable('anomaly_models').set({ active: 1 }).where('organization_id', '=', organizationId).where('id', '=', id).execute();
      });
    },
    async deactivateAll(organizationId: string) {
      await db.updateTable('anomaly_models').set({ active: 0 }).where('organization_id', '=', organizationId).execute();
    },
    /** Jobs a previous process left unfinished. */
    async failUnfinished(at: number) {
      await db.updateTable('anomaly_models').set({ status: 'failed', error: 'the server stopped during training', trained_at: at }).where('status', 'in', ['queued', 'training']).execute();
    },
  };
}

export type ModelsRepository = ReturnType<typeof createModelsRepository>;
