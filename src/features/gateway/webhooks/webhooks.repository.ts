import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../../../db/schema';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhooksTable } from '../../../db/tables/gateway';

export type WebhookRow = Selectable<WebhooksTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;

export function createWebhooksRepository(db: Kysely<Database>) {
  return {
    /** Deliveries by status across all organizations (the outbox depth in /metrics). */
    async countDeliveriesByStatus(): Promise<Record<string, number>> {
      const rows = await db.selectFrom('webhook_deliveries').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
    async insertWebhook(row: WebhookRow) {
      await db.insertInto('webhooks').values(row).execute();
    },
    async listWebhooks(organizationId: string, page: number, size: number) {
      const base = db.selectFrom('webhooks').where('organization_id', '=', organizationId);
      const [items, count] = await Promise.all([
        base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(size).offset((page - 1) * size).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    async findWebhook(organizationId: string, id: string) {
      return db.selectFrom('webhooks').selectAll().where('organization_id', '=', organizationId).where('id', '=', id).executeTakeFirst();
    },
    async webhooksOf(organizationId: string) {
      return db.selectFrom('webhooks').selectAll().where('organization_id', '=', organizationId).execute();
    },
    /** Removes the webhook with its outbox entries and their attempt log. */
    async deleteWebhook(organizationId: string, id: string): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const deliveries = trx.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', id).where('organization_id', '=', organizationId);
        await trx.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries).execute();
        await trx.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).where('organization_id', '=', organizationId).execute();
        const result = await trx.deleteFrom('webhooks').where('id', '=', id).where('organization_id', '=', organizationId).executeTakeFirst();
        return Number(result.numDeletedRows) > 0;
      });
    },
    async setWebhookStatus(id: string, status: WebhookRow['status'], at: number, delivered: boolean) {
      await db
        .updateTable('webhooks')
        .set({ status, updated_at: at, ...(delivered ? { last_delivery_at: at } : {}) })
        .where('id', '=', id)
        .execute();
    },

    async insertDeliveries(rows: DeliveryRow[]) {
      if (rows.length === 0) return;
      await db.insertInto('webhook_deliveries').values(rows).execute();
    },
    /** Pending deliveries whose time has come, and deliveries whose worker lease expired (a crashed instance). */
    async dueDeliveries(now: number, limit: number) {
      return db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
            eb.and([eb('status', '=', 'delivering'), eb('lease_until', '<', now)]),
          ]),
        )
        .orderBy('next_attempt_at')
        .limit(limit)
        .execute();
    },
    /**
     * Takes one delivery for this worker. The update only matches the row as it was read (same attempt count,
     * still due), so when two instances race for it exactly one changes a row.
     */
    async claim(row: DeliveryRow, now: number, leaseUntil: number): Promise<boolean> {
      const result = await db
        .updateTable('webhook_deliveries')
        .set({ status: 'delivering', attempts: Number(row.attempts) + 1, lease_until: leaseUntil, updated_at: now })
        .where('id', '=', row.id)
        .where('attempts', '=', Number(row.attempts))
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
            eb.and([eb('status', '=', 'delivering'), eb('lease_until', '<', now)]),
          ]),
        )
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
    async finishAttempt(
      id: string,
      patch: Pick<DeliveryRow, 'status' | 'next_attempt_at' | 'last_status_code' | 'last_error' | 'updated_at' | 'completed_at'>,
      attempt: AttemptRow,
    ) {
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('webhook_attempts').values(attempt).execute();
        await trx.updateTable('webhook_deliveries').set({ ...patch, lease_until: null }).where('id', '=', id).execute();
      });
    },
    async listDeliveries(organizationId: string, webhookId: string, page: number, size: number) {
      const base = db.selectFrom('webhook_deliveries').where('organization_id', '=', organizationId).where('webhook_id', '=', webhookId);
      const [items, count] = await Promise.all([
        base.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(size).offset((page - 1) * size).execute(),
        base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
      ]);
      return { items, total: Number(count.n) };
    },
    async attemptsOf(deliveryIds: string[]) {
      if (deliveryIds.length === 0) return [];
      return db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('attempt').execute();
    },
    async findDelivery(id: string) {
      return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    },
  };
}

export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
