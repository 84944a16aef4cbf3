import type { Insertable, Kysely } from 'kysely';
import type { ThreatsApi } from '../threats/threats.api';
import type { Database } from '../../db/schema';
import type { AnomaliesTable, AnomalyEventsTable } from '../../db/tables/anomalies';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { AppError } from '../../lib/errors';
import { newId } from '../../lib/ids';
import type { Logger } from '../../lib/logger';
import type { AnomaliesRepository } from './anomalies.repository';
import type { EventsRepository } from './anomalies-events.repository';
import { MAX_EVENTS_PER_BATCH, ingestEvent } from './anomalies.schemas';
import { detect, keysOf, type Detection, type ExtraScorer, type IngestEvent } from './detection';
import type { DetectionEngine } from './engine';
import type { PartitionedIngest } from './partitioned-ingest';
import { markSuppressed } from './anomaly-suppression';
import type { AnomalyLifecycle } from './anomaly-lifecycle';
import type { SuppressionsApi } from '../suppressions/suppressions.api';

export interface IngestDeps {
  db: Kysely<Database>;
  events: EventsRepository;
  anomalies: AnomaliesRepository;
  engine: DetectionEngine;
  bus: EventBus;
  clock: Clock;
  logger: Logger;
  threats: ThreatsApi;
  scorerFor: (organizationId: string) => ExtraScorer | undefined;
  /** Cluster mode: batches are committed with a partition log entry and detected by each partition's owner. */
  partitioned?: PartitionedIngest | null;
  suppressions?: Pick<SuppressionsApi, 'matchMany'>;
  lifecycle?: AnomalyLifecycle;
}

export interface IngestOutcome {
  events: IngestEvent[];
  detections: Detection[];
  anomalies: (Insertable<AnomaliesTable> & { id: string })[];
}

/** Checks every item and reports each problem with its index and field; nothing is stored unless all pass. */
export function validateEvents(items: unknown[], now: number): IngestEvent[] {
  if (items.length > MAX_EVENTS_PER_BATCH) {
    throw new AppError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `A batch holds at most ${MAX_EVENTS_PER_BATCH} events (got ${items.length}); split it`,
      details: { max_events: MAX_EVENTS_PER_BATCH, received: items.length },
    });
  }
  const problems: { index: number; field: string; message: string }[] = [];
  const events: IngestEvent[] = [];
  items.forEach((item, index) => {
    const parsed = ingestEvent.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        problems.push({ index, field: ['events', index, ...issue.path].join('.'), message: issue.message });
      }
      return;
    }
    const e = parsed.data;
    const common = { id: newId(), source: e.source, timestamp: e.timestamp ?? now, metadata: e.metadata ?? null };
    if (e.type === 'metric') events.push({ ...common, type: 'metric', name: e.name, value: e.value });
    else if (e.type === 'log') events.push({ ...common, type: 'log', level: e.level ?? null, message: e.message });
    else {
      const metadata = e.parent_span_id ? { ...(e.metadata ?? {}), parent_span_id: e.parent_span_id } : common.metadata;
      events.push({ ...common, metadata, type: 'trace', name: e.name, traceId: e.trace_id, spanId: e.span_id, durationMs: e.duration_ms });
    }
  });
  if (problems.length > 0) {
    throw new AppError({
      code: 'VALIDATION_ERROR',
      message: `${problems.length} problem(s) in the batch, first: ${problems[0]!.field} ${problems[0]!.message}; nothing was stored`,
      details: problems.slice(0, 200),
    });
  }
  return events;
}

export function toRow(organizationId: string, event: IngestEvent, now: number): Insertable<AnomalyEventsTable> {
  return {
    id: event.id,
    organization_id: organizationId,
    type: event.type,
    source: event.source,
    name: event.name ?? null,
    value: event.type === 'metric' ? (event.value ?? null) : null,
    level: event.level ?? null,
    message: event.message ?? null,
    trace_id: event.traceId ?? null,
    span_id: event.spanId ?? null,
    duration_ms: event.durationMs ?? null,
    metadata: event.metadata ? JSON.stringify(event.metadata) : null,
    point_id: event.pointId ?? null,
    timestamp: event.timestamp,
    received_at: now,
  };
}

/** The anomaly rows of a batch's anomalous detections. */
export function anomalyRows(organizationId: string, events: IngestEvent[], detections: Detection[], now: number): IngestOutcome['anomalies'] {
  return detections
    .filter((d) => d.isAnomaly)
    .map((d) => {
      const event = events[d.eventIndex]!;
      return {
        id: newId(), organization_id: organizationId, series_key: d.seriesKey, kind: d.kind, source: d.source, metric: d.metric,
        value: d.value, expected: d.expected, score: d.score, severity: d.severity, detector: d.detector, explanation: d.explanation,
        status: 'open' as const, event_id: event.id, point_id: event.pointId ?? null, notes: null, is_false_positive: 0,
        acknowledged_at: null, acknowledged_by: null, resolved_at: null, detected_at: event.timestamp, created_at: now, suppressed_by: null as string | null,
      };
    });
}

/** Publishes stored anomalies on the bus (after their commit). */
export function publishAnomalies(bus: EventBus, organizationId: string, anomalies: IngestOutcome['anomalies']) {
  for (const a of anomalies) {
    // A suppressed anomaly is stored and listed, but notifies nothing.
    if (a.suppressed_by) continue;
    bus.publish('anomaly.detected', organizationId, {
      anomaly_id: a.id, source: a.source, metric: a.metric, score: a.score, severity: a.severity,
      explanation: a.explanation, value: a.value, expected: a.expected, kind: a.kind, detected_at: new Date(Number(a.detected_at)).toISOString(),
    });
  }
}

/** Log events as the threat engine takes them. */
export function logLinesOf(events: IngestEvent[]) {
  return events
    .filter((e) => e.type === 'log')
    .map((e) => ({ source: e.source, message: e.message ?? '', level: e.level ?? null, timestamp: new Date(e.timestamp).toISOString(), metadata: e.metadata ?? null, eventId: e.id }));
}

/**
 * Runs a batch through the detectors and stores its events and anomalies in one transaction (the engine
 * checkpoints detector state after it), then publishes the anomalies and hands log lines to the threat engine.
 */
export function createIngestService(deps: IngestDeps) {
  async function ingest(organizationId: string, events: IngestEvent[]): Promise<IngestOutcome> {
    if (deps.partitioned) return deps.partitioned.ingest(organizationId, events);
    const now = deps.clock.now();
    const outcome = await deps.engine.run(
      organizationId,
      events.flatMap(keysOf),
      (states) => {
        const detections = detect(events, states, deps.scorerFor(organizationId));
        const anomalies = anomalyRows(organizationId, events, detections, now);
        return {
          commit: async () => {
            await markSuppressed(deps.suppressions, organizationId, anomalies, events);
            const lifecycle = await deps.lifecycle?.plan(organizationId, detections, anomalies);
            const rows = events.map((e) => toRow(organizationId, e, now));
            if (anomalies.length === 0) {
              await deps.events.insertMany(rows);
            } else {
              await deps.db.transaction().execute(async (trx) => {
                await deps.events.insertMany(rows, trx);
                await deps.anomalies.insertMany(anomalies, trx);
              });
            }
            await deps.lifecycle?.apply(organizationId, lifecycle ?? null);
            return { events, detections, anomalies };
          },
        };
      },
    );
    afterCommit(organizationId, outcome);
    return outcome;
  }

  function afterCommit(organizationId: string, outcome: IngestOutcome) {
    publishAnomalies(deps.bus, organizationId, outcome.anomalies);
    const lines = logLinesOf(outcome.events);
    if (lines.length > 0) {
      // The threat engine works on its own time; ingest answers once the batch is committed.
      Promise.resolve()
        .then(() => deps.threats.analyzeLogLines(organizationId, lines))
        .catch((error) => deps.logger.warn({ err: error }, 'anomalies: threat analysis of ingested logs failed'));
    }
  }

  return { ingest, validate: (items: unknown[]) => validateEvents(items, deps.clock.now()) };
}

export type IngestService = ReturnType<typeof createIngestService>;
