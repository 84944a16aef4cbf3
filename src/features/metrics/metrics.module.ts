import type { Redis } from 'ioredis';
import type { GatewayApi } from '../gateway/gateway.api';
import type { EventBus } from '../../events/bus';
import { isAppError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import type { App } from '../../server/types';
import { createMetricsRegistry } from './metrics.registry';
import { metricsRoutes } from './metrics.routes';
import type { MetricsApi } from './metrics.api';

export interface MetricsDeps {
  bus: EventBus;
  logger: Logger;
  /** Redis connections whose errors are counted (commands and the bus subscriber). */
  redisConnections: Redis[];
  pingDatabase: () => Promise<boolean>;
  pingRedis: (() => Promise<boolean>) | null;
  gateway: Pick<GatewayApi, 'outboxStats'>;
  /** VIGIL_METRICS_TOKEN: a bearer token Prometheus may send instead of an admin's API key. */
  token: string | undefined;
  /** The organization whose administrators are the server's operators (the bootstrap admin's). */
  operatorOrganizationId: () => Promise<string>;
  /** Process metrics (CPU, memory, event loop, GC). */
  processMetrics: boolean;
}

const withTimeout = <T>(promise: Promise<T>, ms: number, fallback: T) =>
  Promise.race([promise, new Promise<T>((resolve) => setTimeout(resolve, ms, fallback).unref())]);

/**
 * Self-observability: `GET /metrics` in the Prometheus text format, HTTP request timing, ingest counters,
 * findings raised (from the bus), rate-limit decisions, dependency health and the webhook outbox.
 */
export function createMetricsModule(deps: MetricsDeps) {
  const m = createMetricsRegistry({ defaultMetrics: deps.processMetrics });
  const unsubscribe = [
    deps.bus.subscribe(['anomaly.detected'], () => m.findings.inc({ kind: 'anomaly' }), { scope: 'local' }),
    deps.bus.subscribe(['threat.detected'], () => m.findings.inc({ kind: 'threat' }), { scope: 'local' }),
    deps.bus.subscribe(['drift.detected'], () => m.findings.inc({ kind: 'drift' }), { scope: 'local' }),
  ];
  const onRedisError = () => m.dependencyErrors.inc({ dependency: 'redis' });
  for (const redis of deps.redisConnections) redis.on('error', onRedisError);

  /** Refreshed when Prometheus scrapes, never on a timer: an idle server does no work for its metrics. */
  async function refresh() {
    const database = await withTimeout(deps.pingDatabase().catch(() => false), 2_000, false);
    m.dependencyUp.set({ dependency: 'database' }, database ? 1 : 0);
    if (!database) m.dependencyErrors.inc({ dependency: 'database' });
    if (deps.pingRedis) {
      const redis = await withTimeout(deps.pingRedis().catch(() => false), 2_000, false);
      m.dependencyUp.set({ dependency: 'redis' }, redis ? 1 : 0);
    }
    if (deps.gateway.outboxStats) {
      try {
        const outbox = await deps.gateway.outboxStats();
        m.webhookOutbox.set(outbox.pending);
        m.webhookFailures.set(outbox.failed);
      } catch (error) {
        m.dependencyErrors.inc({ dependency: 'database' });
        deps.logger.warn({ err: error }, 'metrics: webhook outbox could not be counted');
      }
    }
  }

  const api: MetricsApi = {
    observeIngest(intake, types, durationMs) {
      m.ingestDuration.observe({ intake }, durationMs / 1000);
      const counts = new Map<string, number>();
      for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
      for (const [type, n] of counts) m.eventsIngested.inc({ type, intake }, n);
    },
    ingestOverloaded: () => m.ingestRejected.inc(),
    syslogFrames: (transport, outcome, n = 1) => m.syslogFrames.inc({ transport, outcome }, n),
  };

  return {
    api,
    hooks(app: App) {
      app.addHook('onResponse', (request, reply, done) => {
        const route = request.routeOptions.url ?? 'unmatched';
        m.httpDuration.observe({ method: request.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
        if (reply.statusCode === 429) m.rateLimitDecisions.inc({ decision: 'rejected' });
        else if (reply.hasHeader('x-ratelimit-limit')) m.rateLimitDecisions.inc({ decision: 'allowed' });
        done();
      });
      app.addHook('onError', (_request, _reply, error, done) => {
        if (!isAppError(error) && !(typeof (error as { statusCode?: number }).statusCode === 'number' && (error as { statusCode: number }).statusCode < 500)) {
          m.unexpectedErrors.inc();
        }
        done();
      });
    },
    routes: metricsRoutes({ registry: m.registry, refresh, token: deps.token, operatorOrganizationId: deps.operatorOrganizationId }),
    stop() {
      for (const off of unsubscribe) off();
      for (const redis of deps.redisConnections) redis.off('error', onRedisError);
    },
    /** For tests: the registry itself. */
    registry: m.registry,
  };
}

export type MetricsModule = ReturnType<typeof createMetricsModule>;
