import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Vigil's own Prometheus metrics. One registry per built app (tests build several apps in one process, so the
 * library's global registry is never used). Names follow Prometheus conventions: `vigil_` prefix, base units
 * (seconds), `_total` for counters.
 */
export function createMetricsRegistry(options: { defaultMetrics: boolean }) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'vigil_' });

  const httpDuration = new Histogram({
    name: 'vigil_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status code, with their duration',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const eventsIngested = new Counter({
    name: 'vigil_events_ingested_total',
    help: 'Events committed, by event type and the intake they came through',
    labelNames: ['type', 'intake'] as const,
    registers: [registry],
  });
  const ingestDuration = new Histogram({
    name: 'vigil_ingest_batch_duration_seconds',
    help: 'Time to run a batch through the detectors and commit it (detection latency), by intake',
    labelNames: ['intake'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const ingestRejected = new Counter({
    name: 'vigil_ingest_overload_rejections_total',
    help: 'Ingest batches refused with 503 because too many batches were already waiting',
    registers: [registry],
  });
  const findings = new Counter({
    name: 'vigil_findings_total',
    help: 'Findings raised: anomalies, threats and drift results',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  const rateLimitDecisions = new Counter({
    name: 'vigil_rate_limit_decisions_total',
    help: 'Rate-limit decisions taken on HTTP requests (allowed or rejected)',
    labelNames: ['decision'] as const,
    registers: [registry],
  });
  const dependencyErrors = new Counter({
    name: 'vigil_dependency_errors_total',
    help: 'Errors of the database and Redis connections',
    labelNames: ['dependency'] as const,
    registers: [registry],
  });
  const dependencyUp = new Gauge({
    name: 'vigil_dependency_up',
    help: 'Whether the database and Redis answered a ping at the last scrape (1) or not (0)',
    labelNames: ['dependency'] as const,
    registers: [registry],
  });
  const unexpectedErrors = new Counter({
    name: 'vigil_http_unexpected_errors_total',
    help: 'Requests that ended in an unexpected 500 (a bug or a failing dependency)',
    registers: [registry],
  });
  const syslogFrames = new Counter({
    name: 'vigil_syslog_frames_total',
    help: 'Syslog frames by transport and outcome (accepted, dropped_overload, dropped_malformed, dropped_oversize)',
    labelNames: ['transport', 'outcome'] as const,
    registers: [registry],
  });
  const webhookOutbox = new Gauge({
    name: 'vigil_webhook_outbox_depth',
    help: 'Webhook deliveries waiting in the outbox (pending), at the last scrape',
    registers: [registry],
  });
  const webhookFailures = new Gauge({
    name: 'vigil_webhook_deliveries_failed',
    help: 'Webhook deliveries that gave up after all their attempts, at the last scrape',
    registers: [registry],
  });

  // Label values known in advance are created at zero, so rate() and absent() work from the first scrape.
  for (const kind of ['anomaly', 'threat', 'drift']) findings.inc({ kind }, 0);
  for (const decision of ['allowed', 'rejected']) rateLimitDecisions.inc({ decision }, 0);
  for (const dependency of ['database', 'redis']) dependencyErrors.inc({ dependency }, 0);

  return {
    registry,
    httpDuration,
    eventsIngested,
    ingestDuration,
    ingestRejected,
    findings,
    rateLimitDecisions,
    dependencyErrors,
    dependencyUp,
    unexpectedErrors,
    syslogFrames,
    webhookOutbox,
    webhookFailures,
  };
}

export type MetricsRegistry = ReturnType<typeof createMetricsRegistry>;
