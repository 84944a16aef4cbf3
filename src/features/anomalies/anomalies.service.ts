import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import { isoOrNull, toBool } from '../../db/columns';
import type { EventBus } from '../../events/bus';
import type { Clock } from '../../lib/clock';
import { notFound } from '../../lib/errors';
import type { AnomaliesRepository, AnomalyFilter, AnomalyRow } from './anomalies.repository';
import type { SeriesRepository } from './anomalies-series.repository';
import type { ErrorRateState } from './detectors/error-rate';
import { absorbFalsePositive, type SeriesState } from './detectors/series';
import type { AnyState } from './detection';
import type { DetectionEngine } from './engine';

export function toPublicAnomaly(row: AnomalyRow) {
  return {
    id: row.id,
    status: row.status,
    source: row.source,
    metric: row.metric,
    kind: row.kind,
    value: row.value === null ? null : Number(row.value),
    expected: row.expected === null ? null : Number(row.expected),
    score: Number(row.score),
    severity: row.severity,
    detector: row.detector,
    explanation: row.explanation,
    event_id: row.event_id,
    notes: row.notes,
    is_false_positive: toBool(row.is_false_positive),
    detected_at: isoOrNull(row.detected_at)!,
    acknowledged_at: isoOrNull(row.acknowledged_at),
    resolved_at: isoOrNull(row.resolved_at),
    created_at: isoOrNull(row.created_at)!,
    suppressed_by: row.suppressed_by ?? null,
    resolution: row.resolution ?? null,
  };
}

const DAY = 86_400_000;

/** Reading and reviewing anomalies; a false positive is fed back into the detector of its series. */
export function createAnomaliesService(deps: {
  db: Kysely<Database>;
  anomalies: AnomaliesRepository;
  series: SeriesRepository;
  engine: DetectionEngine;
  bus: EventBus;
  clock: Clock;
}) {
  const { anomalies, clock } = deps;

  async function require(organizationId: string, id: string) {
    const row = await anomalies.find(organizationId, id);
    if (!row) throw notFound('Anomaly');
    return row;
  }

  /** Makes the flagged value normal for its series and raises the series threshold above the flagged score. */
  function feedBack(row: AnomalyRow, state: AnyState) {
    const at = Number(row.detected_at);
    if ((row.kind === 'metric' || row.kind === 'trace_latency') && row.value !== null) {
      absorbFalsePositive(state as SeriesState, { value: Number(row.value), timestamp: at }, Number(row.score));
    } else if (row.kind === 'log_error_rate') {
      const rate = state as ErrorRateState;
      rate.series.threshold = Math.min(0.999, Math.max(rate.series.threshold, Number(row.score) + 0.02));
    }
  }

  return {
    async list(organizationId: string, filter: AnomalyFilter, limit: number, offset: number) {
      const { items, total } = await anomalies.list(organizationId, filter, limit, offset);
      return { items: items.map(toPublicAnomaly), total };
    },
    async get(organizationId: string, id: string) {
      return toPublicAnomaly(await require(organizationId, id));
    },
    async resolve(organizationId: string, id: string, notes?: string) {
      const row = await require(organizationId, id);
      if (row.status !== 'resolved') {
        await anomalies.update(organizationId, id, { status: 'resolved', resolved_at: clock.now(), ...(notes ? { notes } : {}) });
        deps.bus.publish('anomaly.resolved', organizationId, { anomaly_id: id });
      }
      return toPublicAnomaly((await anomalies.find(organizationId, id))!);
    },
    async remove(organizationId: string, id: string) {
      if (!(await anomalies.remove(organizationId, id))) throw notFound('Anomaly');
      return { id, deleted: true };
    },
    async acknowledge(organizationId: string, userId: string, id: string, input: { notes?: string | null; isFalsePositive?: boolean }) {
      const row = await require(organizationId, id);
      const now = clock.now();
      const changes = {
        status: row.status === 'resolved' ? ('resolved' as const) : ('acknowledged' as const),
        acknowledged_at: now,
        acknowledged_by: userId,
        notes: input.notes ?? row.notes,
        is_false_positive: input.isFalsePositive ? 1 : 0,
      };
      const learnsNow = input.isFalsePositive && !toBool(row.is_false_positive) && row.kind !== 'log_template';
      if (learnsNow) {
        await deps.engine.run(
          organizationId,
          [row.series_key],
          (states) => {
            const existing = states.get<AnyState>(row.series_key, () => null as unknown as AnyState);
            if (existing) feedBack(row, existing);
            return { commit: () => anomalies.update(organizationId, id, changes) };
          },
        );
        await deps.engine.checkpoint();
      } else {
        await anomalies.update(organizationId, id, changes);
      }
      deps.bus.publish('anomaly.acknowledged', organizationId, { anomaly_id: id, is_false_positive: Boolean(input.isFalsePositive) });
      return toPublicAnomaly((await anomalies.find(organizationId, id))!);
    },
    async stats(organizationId: string) {
      const now = clock.now();
      const [byStatus, bySeverity, lastDay, topSources] = await Promise.all([
        anomalies.countBy(organizationId, 'status'),
        anomalies.countBy(organizationId, 'severity'),
        anomalies.countBy(organizationId, 'status', now - DAY),
        anomalies.topSources(organizationId, now - 7 * DAY, 5),
      ]);
      await deps.engine.checkpoint();
      const monitored = await deps.series.count(organizationId);
      const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
      return {
        total_anomalies: sum(byStatus),
        open_anomalies: byStatus.open ?? 0,
        acknowledged_anomalies: byStatus.acknowledged ?? 0,
        resolved_anomalies: byStatus.resolved ?? 0,
        by_severity: { low: 0, medium: 0, high: 0, critical: 0, ...bySeverity },
        by_status: { open: 0, acknowledged: 0, resolved: 0, ...byStatus },
        last_24h: sum(lastDay),
        top_sources: topSources,
        monitored_series: monitored,
      };
    },
  };
}

export type AnomaliesService = ReturnType<typeof createAnomaliesService>;
