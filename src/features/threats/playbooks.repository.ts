import type { Kysely, Selectable, Transaction, Updateable } from 'kysely';
import type { Database } from '../../db/schema';
import type { PlaybookStepsTable, PlaybooksTable } from '../../db/tables/threats';

export type PlaybookRow = Selectable<PlaybooksTable>;
export type StepRow = Selectable<PlaybookStepsTable>;
type Db = Kysely<Database> | Transaction<Database>;

export function createPlaybooksRepository(db: Kysely<Database>) {
  return {
    async insert(playbook: PlaybookRow, steps: StepRow[], trx: Db = db) {
      await trx.insertInto('playbooks').values(playbook).execute();
      if (steps.length > 0) await trx.insertInto('playbook_steps').values(steps).execute();
    },
    async find(organizationId: string, id: string) {
      return db.selectFrom('playbooks').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async list(organizationId: string, threatId: string | undefined, page: number, limit: number) {
      let base = db.selectFrom('playbooks').where('organization_id', '=', organizationId);
      if (threatId) base = base.where('threat_id', '=', threatId);
      const [items, count] = await Promise.all([
        base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).offset((page - 1) * limit).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    async stepCounts(playbookIds: string[]) {
      if (playbookIds.length === 0) return new Map<string, number>();
      const rows = await db
        .selectFrom('playbook_steps')
        .select(['playbook_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('playbook_id', 'in', playbookIds)
        .groupBy('playbook_id')
        .execute();
      return new Map(rows.map((row) => [row.playbook_id, Number(row.n)]));
    },
    async steps(playbookId: string) {
      return db.selectFrom('playbook_steps').selectAll().where('playbook_id', '=', playbookId).orderBy('step_order').execute();
    },
    /** Compare-and-set on the status: false when another request changed it first. */
    async transition(organizationId: string, id: string, from: string, patch: Updateable<PlaybooksTable>, trx: Db = db) {
      const result = await trx
        .updateTable('playbooks')
        .set(patch)
        .where('organization_id', '=', organizationId)
        .where('id', '=', id)
        .where('status', '=', from)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async update(id: string, patch: Updateable<PlaybooksTable>, trx: Db = db) {
      await trx.updateTable('playbooks').set(patch).where('id', '=', id).execute();
    },
    async updateStep(id: string, patch: Updateable<PlaybookStepsTable>, trx: Db = db) {
      await trx.updateTable('playbook_steps').set(patch).where('id', '=', id).execute();
    },
    /** Playbooks of threats in a window, for analytics (response time and success rate). */
    async completedBetween(organizationId: string, from: number, to: number) {
      return db
        .selectFrom('playbooks')
        .select(['id', 'threat_id', 'success_rate', 'completed_at'])
        .where('organization_id', '=', organizationId)
        .where('completed_at', '>=', from)
        .where('completed_at', '<=', to)
        .execute();
    },
  };
}

export type PlaybooksRepository = ReturnType<typeof createPlaybooksRepository>;
