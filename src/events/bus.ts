import type { Redis } from 'ioredis';
import type { Logger } from '../lib/logger';
import { newId } from '../lib/ids';
import { EVENT_SCHEMAS, type EventData, type EventName, type VigilEvent } from './catalogue';

export type Listener = (event: VigilEvent) => void | Promise<void>;

export interface SubscribeOptions {
  /**
   * `local`: only events published by this instance (durable consumers such as webhooks, which must act once).
   * `cluster`: also events published by other instances through Redis (fan-out consumers such as WebSockets).
   */
  scope?: 'local' | 'cluster';
}

export interface EventBus {
  publish<N extends EventName>(type: N, organizationId: string, data: EventData<N>): VigilEvent<N>;
  subscribe(types: EventName[] | '*', listener: Listener, options?: SubscribeOptions): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'vigil:events';

interface Subscription {
  types: Set<EventName> | '*';
  listener: Listener;
  scope: 'local' | 'cluster';
}

/**
 * One typed in-process bus. With Redis, every published event is also sent on a pub/sub channel so that
 * `cluster` subscribers on the other instances see it; the publishing instance ignores its own echo.
 */
export function createEventBus(deps: { logger: Logger; redis?: { publisher: Redis; subscriber: Redis } | null }) {
  const instanceId = newId();
  const subscriptions = new Set<Subscription>();
  const { logger } = deps;

  function deliver(event: VigilEvent, remote: boolean) {
    for (const sub of subscriptions) {
      if (remote && sub.scope === 'local') continue;
      if (sub.types !== '*' && !sub.types.has(event.type)) continue;
      try {
        const result = sub.listener(event);
        if (result && typeof (result as Promise<void>).catch === 'function') {
          (result as Promise<void>).catch((error) => logger.error({ err: error, event: event.type }, 'event listener failed'));
        }
      } catch (error) {
        logger.error({ err: error, event: event.type }, 'event listener failed');
      }
    }
  }

  if (deps.redis) {
    const { subscriber } = deps.redis;
    subscriber.subscribe(CHANNEL).catch((error) => logger.error({ err: error }, 'event bus: redis subscribe failed'));
    subscriber.on('message', (channel, message) => {
      if (channel !== CHANNEL) return;
      try {
        const envelope = JSON.parse(message) as { origin: string; event: VigilEvent };
        if (envelope.origin === instanceId) return;
        deliver(envelope.event, true);
      } catch (error) {
        logger.warn({ err: error }, 'event bus: dropped malformed message');
      }
    });
  }

  const bus: EventBus = {
    publish(type, organizationId, data) {
      const parsed = EVENT_SCHEMAS[type].safeParse(data);
      if (!parsed.success) {
        // A malformed payload is a programming error; log it loudly but never break the publisher.
        logger.error({ event: type, issues: parsed.error.issues }, 'event payload does not match the catalogue');
      }
      const event = { id: newId(), type, organizationId, createdAt: new Date().toISOString(), data } as VigilEvent<typeof type>;
      deliver(event as VigilEvent, false);
      if (deps.redis) {
        deps.redis.publisher
          .publish(CHANNEL, JSON.stringify({ origin: instanceId, event }))
          .catch((error) => logger.warn({ err: error }, 'event bus: redis publish failed'));
      }
      return event;
    },
    subscribe(types, listener, options = {}) {
      const sub: Subscription = { types: types === '*' ? '*' : new Set(types), listener, scope: options.scope ?? 'local' };
      subscriptions.add(sub);
      return () => subscriptions.delete(sub);
    },
    async close() {
      subscriptions.clear();
      if (deps.redis) await deps.redis.subscriber.unsubscribe(CHANNEL).catch(() => undefined);
    },
  };
  return bus;
}
