import { newId } from '../../lib/ids';
import type { Clock } from '../../lib/clock';
import type { IngestEvent } from './detection';
import { severityOf } from './detectors/series';
import type { IngestService } from './ingest.service';

/** Seed 003's data point: each value is one series of the source, scored by the same engine as ingest. */
export function createDataPointsService(deps: { ingest: IngestService; clock: Clock }) {
  return {
    async push(organizationId: string, input: { sourceId: string; values: Record<string, number>; timestamp?: string; metadata?: Record<string, unknown> }) {
      const pointId = newId();
      const timestamp = input.timestamp ? Date.parse(input.timestamp) : deps.clock.now();
      const events: IngestEvent[] = Object.entries(input.values).map(([name, value]) => ({
        id: newId(), type: 'metric', source: input.sourceId, name, value, timestamp, metadata: input.metadata ?? null, pointId,
      }));
      const outcome = await deps.ingest.ingest(organizationId, events);
      const metrics: Record<string, { score: number; isAnomaly: boolean; severity: ReturnType<typeof severityOf>; expected: number | null; explanation: string }> = {};
      let top = 0;
      let anomalous = false;
      for (const d of outcome.detections) {
        metrics[d.metric] = { score: d.score, isAnomaly: d.isAnomaly, severity: d.severity, expected: d.expected, explanation: d.explanation };
        top = Math.max(top, d.score);
        anomalous ||= d.isAnomaly;
      }
      return {
        dataPointId: pointId,
        anomalyScore: top,
        isAnomaly: anomalous,
        severity: severityOf(top),
        metrics,
        anomalyIds: outcome.anomalies.map((a) => a.id),
      };
    },
  };
}

export type DataPointsService = ReturnType<typeof createDataPointsService>;
