import { fromJson, isoOrNull, toJson } from '../../../db/columns';
import type { OutboundDelivery } from '../gateway.api';
import type { EventBus } from '../../../events/bus';
import { EVENT_NAMES, isEventName, type VigilEvent } from '../../../events/catalogue';
import type { Clock } from '../../../lib/clock';
import { toIso } from '../../../lib/clock';
import { AppError, badRequest, notFound } from '../../../lib/errors';
import { newId } from '../../../lib/ids';
import type { Logger } from '../../../lib/logger';
import type { Principal } from '../../../server/types';
import { createDeliveryWorker } from './delivery.worker';
import { sealNullable, type SecretBox } from '../../../lib/secret-box';
import { parseDestination } from './destination';
import type { OutboundGuard } from '../../../lib/net/outbound-guard';
import { generateSecret } from './signing';
import type { DeliveryRow, WebhookRow, WebhooksRepository } from './webhooks.repository';

export interface CreateWebhookInput {
  url: string;
  secret?: string;
  events: string[];
  description?: string | null;
}

function toPublic(row: WebhookRow) {
  return {
    id: row.id,
    url: row.url,
    events: fromJson<string[]>(row.events, []),
    description: row.description,
    status: row.status,
    active: row.status === 'active',
    created_at: toIso(Number(row.created_at)),
    updated_at: toIso(Number(row.updated_at)),
    last_delivery_at: isoOrNull(row.last_delivery_at),
  };
}

const subscribes = (row: WebhookRow, event: string) => {
  const events = fromJson<string[]>(row.events, []);
  return events.includes('*') || events.includes(event);
};

export function createWebhooksService(deps: {
  repo: WebhooksRepository;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  timeoutMs: number;
  maxAttempts: number;
  guard: OutboundGuard;
  background: boolean;
  /** Webhook secrets are stored sealed and opened only to sign. */
  secrets: SecretBox;
}) {
  const { repo, clock, bus } = deps;
  const worker = createDeliveryWorker({ repo, clock, logger: deps.logger, secrets: deps.secrets, timeoutMs: deps.timeoutMs, guard: deps.guard, background: deps.background });

  async function checkDestination(raw: string, field: string): Promise<string> {
    const parsed = parseDestination(raw);
    if ('reason' in parsed) throw badRequest(`url ${parsed.reason}`, [{ field, message: parsed.reason }]);
    await deps.guard.assertUrl(parsed.url.toString(), field);
    return parsed.url.toString();
  }

  function deliveryRow(input: { organizationId: string; webhookId: string | null; origin: string; event: string; url: string; secret: string | null; headers: Record<string, string>; body: string }): DeliveryRow {
    const now = clock.now();
    return {
      id: newId(),
      organization_id: input.organizationId,
      webhook_id: input.webhookId,
      origin: input.origin,
      event: input.event,
      url: input.url,
      secret: input.secret,
      headers: toJson(input.headers),
      body: input.body,
      status: 'pending',
      attempts: 0,
      max_attempts: deps.maxAttempts,
      next_attempt_at: now,
      lease_until: null,
      last_status_code: null,
      last_error: null,
      created_at: now,
      updated_at: now,
      completed_at: null,
    };
  }

  /** One outbox entry per webhook of the event's organization that subscribes to it. */
  async function fanOut(event: VigilEvent) {
    const hooks = (await repo.webhooksOf(event.organizationId)).filter((h) => subscribes(h, event.type));
    if (hooks.length === 0) return;
    const body = JSON.stringify({ event: event.type, created_at: event.createdAt, data: event.data });
    await repo.insertDeliveries(
      hooks.map((h) => deliveryRow({ organizationId: h.organization_id, webhookId: h.id, origin: 'webhook', event: event.type, url: h.url, secret: h.secret, headers: {}, body })),
    );
    worker.kick();
  }

  const inFlight = new Set<Promise<void>>();
  // Local scope: each instance enqueues only the events it published, so a delivery is created exactly once.
  bus.subscribe(
    '*',
    (event) => {
      const work = fanOut(event).finally(() => inFlight.delete(work));
      inFlight.add(work);
      return work;
    },
    { scope: 'local' },
  );

  return {
    async create(principal: Principal, input: CreateWebhookInput) {
      const unknown = input.events.filter((e) => e !== '*' && !isEventName(e));
      if (unknown.length > 0) {
        throw badRequest(`Unknown event names: ${unknown.join(', ')}`, { unknown, allowed: ['*', ...EVENT_NAMES] });
      }
      const url = await checkDestination(input.url, 'body.url');
      const secret = input.secret ?? generateSecret();
      const now = clock.now();
      const row: WebhookRow = {
        id: newId(),
        organization_id: principal.organizationId,
        url,
        secret: deps.secrets.seal(secret),
        events: toJson([...new Set(input.events)]),
        description: input.description ?? null,
        status: 'active',
        created_by: principal.userId,
        created_at: now,
        updated_at: now,
        last_delivery_at: null,
      };
      await repo.insertWebhook(row);
      return { ...toPublic(row), secret };
    },

    async list(principal: Principal, page: number, size: number) {
      const { items, total } = await repo.listWebhooks(principal.organizationId, page, size);
      return { items: items.map(toPublic), total, page, size };
    },

    async get(principal: Principal, id: string) {
      const row = await repo.findWebhook(principal.organizationId, id);
      if (!row) throw notFound('Webhook');
      return toPublic(row);
    },

    async remove(principal: Principal, id: string) {
      if (!(await repo.deleteWebhook(principal.organizationId, id))) throw notFound('Webhook');
      return { id, deleted: true };
    },

    async deliveries(principal: Principal, id: string, page: number, size: number) {
      if (!(await repo.findWebhook(principal.organizationId, id))) throw notFound('Webhook');
      const { items, total } = await repo.listDeliveries(principal.organizationId, id, page, size);
      const attempts = await repo.attemptsOf(items.map((d) => d.id));
      return {
        items: items.map((d) => ({
          id: d.id,
          event: d.event,
          status: d.status,
          attempts: Number(d.attempts),
          max_attempts: Number(d.max_attempts),
          last_status_code: d.last_status_code === null ? null : Number(d.last_status_code),
          last_error: d.last_error,
          next_attempt_at: d.status === 'pending' ? toIso(Number(d.next_attempt_at)) : null,
          created_at: toIso(Number(d.created_at)),
          completed_at: isoOrNull(d.completed_at),
          attempt_log: attempts
            .filter((a) => a.delivery_id === d.id)
            .map((a) => ({
              attempt: Number(a.attempt),
              status_code: a.status_code === null ? null : Number(a.status_code),
              error: a.error,
              duration_ms: Number(a.duration_ms),
              timestamp: toIso(Number(a.created_at)),
            })),
        })),
        total,
        page,
        size,
      };
    },

    /** Queues a `webhook.test` delivery to this webhook only. */
    async sendTest(principal: Principal, id: string) {
      const hook = await repo.findWebhook(principal.organizationId, id);
      if (!hook) throw notFound('Webhook');
      const body = JSON.stringify({ event: 'webhook.test', created_at: toIso(clock.now()), data: { webhook_id: id } });
      const row = deliveryRow({ organizationId: hook.organization_id, webhookId: hook.id, origin: 'webhook', event: 'webhook.test', url: hook.url, secret: hook.secret, headers: {}, body });
      await repo.insertDeliveries([row]);
      worker.kick();
      return { delivery_id: row.id };
    },

    /** GatewayApi.enqueueDelivery: arbitrary signed-or-not POSTs through the same durable outbox. */
    async subscribedCount(organizationId: string, event: string): Promise<number> {
      return (await repo.webhooksOf(organizationId)).filter((h) => subscribes(h, event)).length;
    },
    async enqueue(delivery: OutboundDelivery) {
      const parsed = parseDestination(delivery.url);
      if ('reason' in parsed) throw new AppError({ code: 'VALIDATION_ERROR', message: `Delivery URL ${parsed.reason}` });
      const row = deliveryRow({
        organizationId: delivery.organizationId,
        webhookId: null,
        origin: delivery.origin,
        event: delivery.event,
        url: parsed.url.toString(),
        secret: sealNullable(deps.secrets, delivery.secret),
        headers: delivery.headers ?? {},
        body: JSON.stringify(delivery.body ?? null),
      });
      await repo.insertDeliveries([row]);
      worker.kick();
      return { id: row.id };
    },

    /** Outbox depth (pending or being delivered) and deliveries that gave up, for /metrics. */
    async outboxStats() {
      const counts = await repo.countDeliveriesByStatus();
      return { pending: (counts.pending ?? 0) + (counts.delivering ?? 0), failed: counts.failed ?? 0 };
    },

    async deliveryStatus(id: string) {
      return repo.findDelivery(id);
    },

    /** Resolves once every event published so far has been turned into outbox entries. */
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    /** Sends every due delivery once; tests drive the outbox with this instead of timers. */
    processDueDeliveries: (now?: number) => worker.processDue(now),
    start: () => worker.start(),
    stop: () => worker.stop(),
  };
}

export type WebhooksService = ReturnType<typeof createWebhooksService>;
