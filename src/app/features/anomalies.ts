import type { CoreContext, Feature } from '../context';
import type { GatewayApi, IngestApi, IngestHooks, ThreatsApi } from '../contracts';
import { createAlertRulesRepository } from '../../features/anomalies/alert-rules.repository';
import { createAlertsService } from '../../features/anomalies/alerts.service';
import type { AlertAnomaly } from '../../features/anomalies/alerts.logic';
import { createAnomaliesRepository } from '../../features/anomalies/anomalies.repository';
import { createEventsRepository } from '../../features/anomalies/anomalies-events.repository';
import { createSeriesRepository } from '../../features/anomalies/anomalies-series.repository';
import { createAnomaliesService } from '../../features/anomalies/anomalies.service';
import { anomaliesRoutes } from '../../features/anomalies/anomalies.routes';
import { createDataPointsService } from '../../features/anomalies/data-points.service';
import { createDetectionEngine } from '../../features/anomalies/engine';
import { createIngestService, type IngestService } from '../../features/anomalies/ingest.service';
import { createModelsRepository } from '../../features/anomalies/models.repository';
import { createModelsService } from '../../features/anomalies/models.service';
import { modelsRoutes } from '../../features/anomalies/models.routes';
import { otlpRoutes } from '../../features/anomalies/otlp.routes';
import { v1Routes } from '../../features/anomalies/v1.routes';
import type { ClusterApi } from '../../features/cluster/cluster.api';
import { createPartitionedIngest } from '../../features/anomalies/partitioned-ingest';
import { createPartitionWorkers } from '../../features/anomalies/partition-workers';
import { logLinesOf, publishAnomalies } from '../../features/anomalies/ingest.service';
import { otlpProtobufCodec } from '../../features/intake/otlp-protobuf';
import type { SuppressionsApi } from '../../features/suppressions/suppressions.api';
import { createAnomalyLifecycle } from '../../features/anomalies/anomaly-lifecycle';

/** How often unacknowledged alerts are checked for escalation. */
const ESCALATION_SCAN_MS = 10_000;

/** Wires the anomaly engine. Owned by src/features/anomalies. */
export async function wireAnomalies(
  core: CoreContext,
  deps: { gateway: GatewayApi; threats: ThreatsApi; cluster?: ClusterApi | null; ingestHooks?: IngestHooks; suppressions?: SuppressionsApi },
): Promise<{ feature: Feature; workers: ReturnType<typeof createPartitionWorkers> | null; api: { ingest: IngestApi<ReturnType<IngestService['validate']>[number]> } }> {
  const { db, bus, clock, logger } = core;
  const events = createEventsRepository(db);
  const anomaliesRepo = createAnomaliesRepository(db);
  const series = createSeriesRepository(db);
  const engine = createDetectionEngine({ series, logger });
  const models = createModelsService({ models: createModelsRepository(db), events, anomalies: anomaliesRepo, clock, logger });
  await models.load();
  const cluster = deps.cluster ?? null;
  const partitioned = cluster ? createPartitionedIngest({ db, events, cluster, clock, logger, waitMs: core.config.clusterIngestWaitMs }) : null;
  const workers = cluster
    ? createPartitionWorkers({
        db, cluster, series, anomalies: anomaliesRepo, clock, logger, checkpointMs: 1_000, scorerFor: models.scorerFor,
        analyzeLogs: (organizationId, batch) => deps.threats.analyzeLogLines(organizationId, logLinesOf(batch)),
        published: (organizationId, stored) => publishAnomalies(bus, organizationId, stored),
      })
    : null;
  if (cluster && workers) cluster.setOwner(workers.owner);
  const ingest = withIngestHooks(
    createIngestService({
      db, events, anomalies: anomaliesRepo, engine, bus, clock, logger, threats: deps.threats, scorerFor: models.scorerFor, partitioned, suppressions: deps.suppressions,
      lifecycle: createAnomalyLifecycle({ db, bus, clock, resolveAfterPoints: core.config.anomalyAutoResolvePoints }),
    }),
    deps.ingestHooks,
  );
  const anomalies = createAnomaliesService({ db, anomalies: anomaliesRepo, series, engine, bus, clock });
  const dataPoints = createDataPointsService({ ingest, clock });
  const alerts = createAlertsService({ rules: createAlertRulesRepository(db), anomalies: anomaliesRepo, gateway: deps.gateway, bus, clock, logger, secrets: core.secrets, guard: core.outbound });

  bus.subscribe(['anomaly.detected'], (event) => alerts.evaluate(event.organizationId, event.data as unknown as AlertAnomaly).then(() => undefined), { scope: 'local' });
  bus.subscribe(['threat.detected'], (event) => {
    const d = event.data as Record<string, unknown>;
    if (d.simulated) return;
    const finding = { engine: 'threat' as const, anomaly_id: String(d.threat_id), source: 'threat', metric: String(d.threat_type), score: Number(d.confidence ?? 1), severity: String(d.severity), explanation: `${d.severity} ${d.threat_type}${d.source_ip ? ` from ${d.source_ip}` : ''}${d.resource ? ` on ${d.resource}` : ''}`, detected_at: String(d.timestamp ?? event.createdAt), types: [String(d.threat_type)], tags: [] };
    return alerts.evaluate(event.organizationId, finding).then(() => undefined);
  }, { scope: 'local' });
  bus.subscribe(['drift.detected'], (event) => {
    const d = event.data as Record<string, unknown>;
    const types = Array.isArray(d.resource_types) ? d.resource_types.map(String) : [];
    const finding = { engine: 'drift' as const, anomaly_id: String(d.result_id), source: 'drift', metric: types.join(',') || 'drift', score: 1, severity: String(d.max_severity ?? 'low'), explanation: `${d.drift_count} drift finding(s) on ${types.join(', ') || 'the inventory'} (result ${d.result_id})`, detected_at: event.createdAt, types, tags: Array.isArray(d.resource_tags) ? (d.resource_tags as Record<string, string>[]) : [] };
    return alerts.evaluate(event.organizationId, finding).then(() => undefined);
  }, { scope: 'local' });
  core.ws.map('anomaly.detected', 'drift', (event) => ({ type: 'anomaly_detected', data: { id: event.data.anomaly_id, ...event.data } }));

  let timer: NodeJS.Timeout | null = null;
  let scanning: Promise<unknown> | null = null;
  const ingestBodyLimit = core.config.ingestBodyLimitBytes;

  return {
    workers,
    api: { ingest },
    feature: {
      name: 'anomalies',
      routes: (app) => {
        anomaliesRoutes({ ingest, anomalies, events, ingestBodyLimit })(app);
        v1Routes({ dataPoints, anomalies, alerts, events })(app);
        modelsRoutes({ models })(app);
        otlpRoutes({ ingest, ingestBodyLimit, codec: otlpProtobufCodec })(app);
      },
      start: () => {
        workers?.start();
        if (!core.config.backgroundJobs) return;
        timer = setInterval(() => {
          if (scanning) return;
          scanning = alerts
            .escalateDue()
            .catch((error) => logger.warn({ err: error }, 'anomalies: escalation scan failed'))
            .finally(() => (scanning = null));
        }, ESCALATION_SCAN_MS);
        timer.unref();
      },
      stop: async () => {
        if (timer) clearInterval(timer);
        workers?.stop();
        await scanning;
        await models.idle();
        await engine.checkpoint();
      },
    },
  };
}

/** Every batch, whatever door it came through, is admitted (503 under overload) and observed (/metrics). */
function withIngestHooks(service: IngestService, hooks: IngestHooks | undefined) {
  if (!hooks) return service;
  return {
    ...service,
    async ingest(organizationId: string, events: Parameters<IngestService['ingest']>[1], intake = 'api') {
      const release = hooks.admit();
      const started = performance.now();
      try {
        const outcome = await service.ingest(organizationId, events);
        hooks.observe(intake, events.map((e) => e.type), performance.now() - started, outcome.anomalies.length);
        return outcome;
      } finally {
        release();
      }
    },
  };
}
