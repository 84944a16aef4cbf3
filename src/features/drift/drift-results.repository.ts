import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema';
import type { DriftJobsTable, DriftResultsTable } from '../../db/tables/drift';

export type JobRow = Selectable<DriftJobsTable>;
export type ResultRow = Selectable<DriftResultsTable>;

/** Drift jobs (the persisted queue) and their results. */
export function createDriftResultsRepository(db: Kysely<Database>) {
  return {
    async insertJob(job: JobRow, result: ResultRow): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('drift_jobs').values(job).execute();
        await trx.insertInto('drift_results').values(result).execute();
      });
    },
    async findJob(id: string): Promise<JobRow | undefined> {
      return db.selectFrom('drift_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** Claims a pending job (pending -> running); false when someone else took it. */
    async claimJob(id: string, now: number): Promise<boolean> {
      const res = await db.updateTable('drift_jobs').set({ status: 'running', started_at: now }).where('id', '=', id).where('status', '=', 'pending').executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await db.updateTable('drift_results').set({ status: 'running' }).where('job_id', '=', id).execute();
      return true;
    },
    async pendingJobIds(): Promise<string[]> {
      const rows = await db.selectFrom('drift_jobs').select('id').where('status', '=', 'pending').orderBy('created_at').execute();
      return rows.map((row) => row.id);
    },
    /** Jobs left running by a process that stopped: back to pending. */
    async requeueRunning(): Promise<number> {
      const res = await db.updateTable('drift_jobs').set({ status: 'pending', started_at: null }).where('status', '=', 'running').executeTakeFirst();
      await db.updateTable('drift_results').set({ status: 'pending' }).where('status', '=', 'running').execute();
      return Number(res.numUpdatedRows);
    },
    async finish(jobId: string, result: Partial<ResultRow> & { status: 'completed' | 'failed' }, now: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('drift_jobs').set({ status: result.status, error: result.error ?? null, completed_at: now }).where('id', '=', jobId).execute();
        await trx.updateTable('drift_results').set({ ...result, completed_at: now }).where('job_id', '=', jobId).execute();
      });
    },
    async findResult(organizationId: string, id: string): Promise<ResultRow | undefined> {
      return db.selectFrom('drift_results').selectAll().where('organization_id', '=', organizationId).where((eb) => eb.or([eb('id', '=', id), eb('job_id', '=', id)])).executeTakeFirst();
    },
    async listResults(organizationId: string, filters: { status?: string; resourceId?: string }, limit: number, offset: number) {
      let base = db.selectFrom('drift_results').where('organization_id', '=', organizationId);
      if (filters.status) base = base.where('status', '=', filters.status);
      if (filters.resourceId) base = base.where('resource_id', '=', filters.resourceId);
      const [rows, count] = await Promise.all([
        base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { rows, total: Number(count.n) };
    },
    async completedSince(organizationId: string, since: number): Promise<ResultRow[]> {
      return db.selectFrom('drift_results').selectAll().where('organization_id', '=', organizationId).where('status', '=', 'completed').where('created_at', '>=', since).orderBy('created_at').execute();
    },
    async latestCompletedFullScan(organizationId: string): Promise<ResultRow | undefined> {
      return db.selectFrom('drift_results').selectAll().where('organization_id', '=', organizationId).where('status', '=', 'completed').where('scope', '=', 'all').orderBy('completed_at', 'desc').executeTakeFirst();
    },
    async latestCompleted(organizationId: string): Promise<ResultRow | undefined> {
      return db.selectFrom('drift_results').selectAll().where('organization_id', '=', organizationId).where('status', '=', 'completed').orderBy('completed_at', 'desc').executeTakeFirst();
    },
    async deleteResult(organizationId: string, id: string): Promise<boolean> {
      const row = await this.findResult(organizationId, id);
      if (!row) return false;
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('drift_results').where('id', '=', row.id).execute();
        await trx.deleteFrom('drift_jobs').where('id', '=', row.job_id).where('status', 'in', ['pending', 'completed', 'failed']).execute();
      });
      return true;
    },
    async organizationsWithInventory(): Promise<string[]> {
      const rows = await db.selectFrom('drift_resources').select('organization_id').distinct().execute();
      return rows.map((row) => row.organization_id);
    },
  };
}

export type DriftResultsRepository = ReturnType<typeof createDriftResultsRepository>;
