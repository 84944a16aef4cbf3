import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Database } from '../../db/schema';
import type { AlertFiringsTable, AlertRulesTable } from '../../db/tables/anomalies';

export type AlertRuleRow = Selectable<AlertRulesTable>;
export type AlertFiringRow = Selectable<AlertFiringsTable>;

export function createAlertRulesRepository(db: Kysely<Database>) {
  return {
    async insert(row: Insertable<AlertRulesTable>) {
      await db.insertInto('alert_rules').values(row).execute();
    },
    async list(organizationId: string, limit: number, offset: number) {
      const base = db.selectFrom('alert_rules').where('organization_id', '=', organizationId);
      const [items, count] = await Promise.all([
        base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(limit).offset(offset).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    async enabled(organizationId: string) {
      return db.selectFrom('alert_rules').selectAll().where('organization_id', '=', organizationId).where('enabled', '=', 1).execute();
    },
    async find(organizationId: string, id: string) {
      return db.selectFrom('alert_rules').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async findById(id: string) {
      return db.selectFrom('alert_rules').selectAll().where('id', '=', id).executeTakeFirst();
    },
    async remove(organizationId: string, id: string) {
      return db.transaction().execute(async (trx) => {
        const result = await trx.deleteFrom('alert_rules').where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
        await trx.deleteFrom('alert_firings').where('organization_id', '=', organizationId).where('rule_id', '=', id).execute();
        return Number(result.numDeletedRows) > 0;
      });
    },
    async insertFiring(row: Insertable<AlertFiringsTable>) {
      await db.insertInto('alert_firings').values(row).execute();
    },
    async firingsOf(organizationId: string, anomalyId: string) {
      return db.selectFrom('alert_firings').selectAll().where('organization_id', '=', organizationId).where('anomaly_id', '=', anomalyId).orderBy('fired_at').execute();
    },
    /** Firings whose escalation time has come and that were not escalated (or settled) yet. */
    async dueForEscalation(now: number, limit: number) {
      return db
        .selectFrom('alert_firings')
        .innerJoin('anomalies', 'anomalies.id', 'alert_firings.anomaly_id')
        .select(['alert_firings.id', 'alert_firings.organization_id', 'alert_firings.rule_id', 'alert_firings.anomaly_id', 'anomalies.status'])
        .where('alert_firings.escalated_at', 'is', null)
        .where('alert_firings.escalate_at', '<=', now)
        .orderBy('alert_firings.escalate_at')
        .limit(limit)
        .execute();
    },
    /** Marks a firing escalated (or settled without escalation); false when another scan got there first. */
    async markEscalated(id: string, at: number, deliveries?: string) {
      const result = await db
        .updateTable('alert_firings')
        .set({ escalated_at: at, ...(deliveries ? { deliveries } : {}) })
        .where('id', '=', id)
        .where('escalated_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}

export type AlertRulesRepository = ReturnType<typeof createAlertRulesRepository>;
