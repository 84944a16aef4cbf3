import type { Redis } from 'ioredis';
import type { CoreContext, Feature } from '../context';
import type { GatewayApi } from '../contracts';
import { createRedis } from '../../lib/redis';
import { installRateLimitHook } from '../../features/gateway/ratelimit/ratelimit.hook';
import { createRateLimitRepository } from '../../features/gateway/ratelimit/ratelimit.repository';
import { rateLimitRoutes } from '../../features/gateway/ratelimit/ratelimit.routes';
import { createRateLimitService, type RateLimitService } from '../../features/gateway/ratelimit/ratelimit.service';
import { createMemoryStore, createRedisStore, type LimitStore } from '../../features/gateway/ratelimit/stores';
import { analyticsRoutes } from '../../features/gateway/usage/analytics.routes';
import { createUsageRecorder, type UsageRecorder } from '../../features/gateway/usage/usage.recorder';
import { createUsageRepository } from '../../features/gateway/usage/usage.repository';
import { createWebhooksRepository } from '../../features/gateway/webhooks/webhooks.repository';
import { createWebhooksService, type WebhooksService } from '../../features/gateway/webhooks/webhooks.service';
import { webhooksRoutes } from '../../features/gateway/webhooks/webhooks.routes';

/** The gateway's Feature plus its services, so tests can drive the outbox and flush buffers without timers. */
export interface GatewayFeature extends Feature {
  limits: RateLimitService;
  recorder: UsageRecorder;
  webhooks: WebhooksService;
  store: LimitStore;
}

/** Finds the gateway among a built app's features. */
export function gatewayOf(vigil: { features: Feature[] }): GatewayFeature {
  const feature = vigil.features.find((f) => f.name === 'gateway');
  if (!feature) throw new Error('the gateway feature is not wired');
  return feature as GatewayFeature;
}

/** Waits (bounded) for the first connection so that the first requests after start-up do not hit the fail policy. */
async function whenReady(redis: Redis, timeoutMs: number) {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}

/** Wires the gateway feature (rate limits, usage analytics, webhooks). Owned by src/features/gateway. */
export async function wireGateway(core: CoreContext): Promise<{ feature: GatewayFeature; api: GatewayApi }> {
  const { config, logger, clock } = core;
  let defaultOrg: Promise<string> | null = null;
  const defaultOrganizationId = () => {
    defaultOrg ??= core.accounts.defaultOrganizationId().catch((error) => {
      defaultOrg = null;
      throw error;
    });
    return defaultOrg;
  };

  const limits = createRateLimitService({ repo: createRateLimitRepository(core.db), settings: core.settings, bus: core.bus, clock, logger });
  let store: LimitStore;
  if (config.redisUrl) {
    // Its own fail-fast connection: a decision never waits in an offline queue, the fail policy answers at once.
    const redis = createRedis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    await whenReady(redis, 2_000);
    store = createRedisStore(redis);
  } else {
    store = createMemoryStore(clock);
  }

  const usage = createUsageRepository(core.db);
  const recorder = createUsageRecorder({ repo: usage, clock, logger, flushMs: config.usageFlushMs, background: config.backgroundJobs, defaultOrganizationId });
  const webhooks = createWebhooksService({
    repo: createWebhooksRepository(core.db),
    bus: core.bus,
    clock,
    logger,
    timeoutMs: config.webhookTimeoutMs,
    maxAttempts: config.webhookMaxAttempts,
    guard: core.outbound,
    background: config.backgroundJobs,
    secrets: core.secrets,
  });

  let flushTimer: NodeJS.Timeout | null = null;
  const feature: GatewayFeature = {
    name: 'gateway',
    limits,
    recorder,
    webhooks,
    store,
    hooks(app) {
      if (config.rateLimitsEnabled) installRateLimitHook(app, { limits, store, failMode: config.rateLimitFail, defaultOrganizationId, logger });
      recorder.install(app);
    },
    routes(app) {
      rateLimitRoutes({ limits, audit: core.audit })(app);
      analyticsRoutes({ usage, recorder, limits })(app);
      webhooksRoutes({ webhooks })(app);
    },
    start() {
      recorder.start();
      webhooks.start();
      if (config.backgroundJobs) {
        flushTimer = setInterval(() => {
          void limits.flushEvents().catch(() => undefined);
          void limits.pruneOverrides().catch(() => undefined);
        }, Math.max(config.usageFlushMs, 1_000));
        flushTimer.unref();
      }
    },
    async stop() {
      if (flushTimer) clearInterval(flushTimer);
      await webhooks.stop();
      await recorder.stop();
      await limits.flushEvents().catch((error) => logger.error({ err: error }, 'rate limits: 429 records lost at shutdown'));
      await store.close();
    },
  };

  return {
    feature,
    api: {
      enqueueDelivery: (delivery) => webhooks.enqueue(delivery),
      subscribedWebhooks: (organizationId, event) => webhooks.subscribedCount(organizationId, event),
      tightenLimit: (input) => limits.tighten(input),
      outboxStats: () => webhooks.outboxStats(),
    },
  };
}
