import type { CoreContext, Feature } from '../context';
import type { GatewayApi, IngestApi, IngestHooks } from '../contracts';
import { createIngestAdmission } from '../../features/intake/admission';
import { createIntakeModule, type IntakeModule } from '../../features/intake/intake.module';
import { createMetricsModule, type MetricsModule } from '../../features/metrics/metrics.module';

/** The metrics feature, plus what other features report to it (the ingest admission and observation hooks). */
export function wireMetrics(
  core: CoreContext,
  deps: { gateway: GatewayApi; pingDatabase: () => Promise<boolean>; redisConnections: CoreContext['redis'][] },
): { feature: Feature; module: MetricsModule; ingestHooks: IngestHooks } {
  const redis = core.redis;
  const metrics = createMetricsModule({
    bus: core.bus,
    logger: core.logger,
    redisConnections: deps.redisConnections.filter((r): r is NonNullable<typeof r> => r !== null),
    pingDatabase: deps.pingDatabase,
    pingRedis: redis ? async () => (await redis.ping()) === 'PONG' : null,
    gateway: deps.gateway,
    token: core.config.metricsToken,
    operatorOrganizationId: () => core.accounts.defaultOrganizationId(),
    processMetrics: core.config.metricsProcess,
  });
  const ingestHooks = createIngestAdmission({ maxPending: core.config.ingestMaxPendingBatches, metrics: metrics.api });
  return {
    module: metrics,
    ingestHooks,
    feature: { name: 'metrics', hooks: (app) => metrics.hooks(app), routes: (app) => metrics.routes(app), stop: () => metrics.stop() },
  };
}

/** The intake feature (Loki push, remote_write, syslog). Owned by src/features/intake. */
export function wireIntake(core: CoreContext, deps: { ingest: IngestApi; metrics: MetricsModule }): { feature: Feature & { module: IntakeModule }; module: IntakeModule } {
  const intake = createIntakeModule({
    config: core.config,
    ingest: deps.ingest,
    metrics: deps.metrics.api,
    defaultOrganizationId: () => core.accounts.defaultOrganizationId(),
    clock: core.clock,
    logger: core.logger,
  });
  return {
    module: intake,
    feature: { name: 'intake', module: intake, routes: (app) => intake.routes(app), start: () => intake.start(), stop: () => intake.stop() },
  };
}
