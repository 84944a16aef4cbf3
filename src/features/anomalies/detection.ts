import { newErrorRateState, observeErrorLine, type ErrorRateState } from './detectors/error-rate';
import { burstOpen, isErrorLevel, newTemplateState, observeLogLine, type LineVerdict, type TemplateState } from './detectors/log-templates';
import { explain, formatDuration, formatNumber, newSeriesState, observe, recurringNote, severityOf, type PointScore, type SeriesState, type Severity } from './detectors/series';

/** An event as the detectors see it (validated and normalised by the ingest schemas). */
export interface IngestEvent {
  id: string;
  type: 'metric' | 'log' | 'trace';
  source: string;
  timestamp: number;
  name?: string | null;
  value?: number | null;
  level?: string | null;
  message?: string | null;
  traceId?: string | null;
  spanId?: string | null;
  durationMs?: number | null;
  metadata?: Record<string, unknown> | null;
  pointId?: string | null;
}

export type AnomalyKind = 'metric' | 'log_error_rate' | 'log_template' | 'trace_latency';

export interface Detection {
  eventIndex: number;
  kind: AnomalyKind;
  seriesKey: string;
  source: string;
  metric: string;
  value: number | null;
  expected: number | null;
  score: number;
  severity: Severity;
  isAnomaly: boolean;
  detector: string;
  explanation: string;
}

export type AnyState = SeriesState | ErrorRateState | TemplateState;

/** Unambiguous series keys whatever the source and metric names contain. */
export const seriesKey = (kind: 'm' | 'e' | 't' | 'l', source: string, name = '') => JSON.stringify([kind, source, name]);

export interface StateAccess {
  get<S extends AnyState>(key: string, create: () => S): S;
}

/** Optional extra scorer (an activated trained model): returns an anomaly score in [0,1] or null. */
export type ExtraScorer = (source: string, metric: string, value: number) => { score: number; explanation: string } | null;

/** The series keys a batch touches, so their states can be loaded before detection. */
export function keysOf(event: IngestEvent): string[] {
  if (event.type === 'metric') return [seriesKey('m', event.source, event.name ?? '')];
  if (event.type === 'trace') return [seriesKey('l', event.source, event.name ?? '')];
  return [seriesKey('e', event.source), seriesKey('t', event.source)];
}

function metricDetection(event: IngestEvent, index: number, key: string, result: PointScore, extra: ReturnType<ExtraScorer>): Detection {
  const value = event.value!;
  const metric = event.name ?? '';
  let score = result.score;
  let explanation = explain(metric, event.source, value, result);
  let detector = result.detector;
  if (extra && extra.score > 0) {
    const combined = 1 - (1 - score) * (1 - extra.score);
    if (extra.score > score) {
      explanation = extra.explanation;
      detector = 'isolation_forest';
    }
    score = Math.round(combined * 1e4) / 1e4;
  }
  return {
    eventIndex: index, kind: 'metric', seriesKey: key, source: event.source, metric, value, expected: result.expected,
    score, severity: severityOf(score), isAnomaly: result.isAnomaly || score >= Math.max(0.9, result.score + 0.2), detector, explanation,
  };
}

function templateExplanation(event: IngestEvent, verdict: LineVerdict): string {
  const level = (event.level ?? 'log').toUpperCase();
  const quoted = `"${verdict.template.slice(0, 160)}"`;
  if (verdict.kind === 'returned') {
    const usual = verdict.typicalGapMs ? `; it usually comes every ${formatDuration(verdict.typicalGapMs)}` : '; seen once before';
    return `${level} message ${quoted} from ${event.source} is back after ${formatDuration(verdict.quietMs!)} of quiet${usual}`;
  }
  return `new ${level} message pattern from ${event.source}: ${quoted}; later severe lines of this burst are counted into this anomaly, not reported again`;
}

/** Log lines feed two series per source: severe templates (new, or back after quiet) and the error-line rate. */
function logDetections(event: IngestEvent, index: number, states: StateAccess): Detection[] {
  const out: Detection[] = [];
  const templateKey = seriesKey('t', event.source);
  const templates = states.get(templateKey, newTemplateState);
  // An error burst that comes with a severe pattern burst already reported is the same incident.
  const burstBefore = burstOpen(templates, event.timestamp);
  const template = observeLogLine(templates, event.message ?? '', event.level, event.timestamp);
  if (template.score >= 0.7) {
    out.push({
      eventIndex: index, kind: 'log_template', seriesKey: templateKey, source: event.source, metric: 'log_template', value: null, expected: null,
      score: template.score, severity: severityOf(template.score), isAnomaly: true, detector: template.kind === 'returned' ? 'log_template_return' : 'log_template',
      explanation: templateExplanation(event, template),
    });
  }
  const rateKey = seriesKey('e', event.source);
  const rate = observeErrorLine(states.get(rateKey, newErrorRateState), event.timestamp, isErrorLevel(event.level));
  if (rate && !burstBefore && out.length === 0) {
    out.push({
      eventIndex: index, kind: 'log_error_rate', seriesKey: rateKey, source: event.source, metric: 'error_rate', value: rate.count, expected: rate.expected,
      score: rate.score, severity: rate.severity, isAnomaly: true, detector: 'error_rate',
      explanation: `error rate: ${rate.count} error lines this minute from ${event.source}, usually about ${formatNumber(rate.expected)} per minute`,
    });
  }
  return out;
}

/**
 * Runs each event through its series' detectors, in order. Returns one detection per metric and trace event
 * (anomalous or not, /v1/data reports every score) and one per log event that is anomalous.
 */
export function detect(events: IngestEvent[], states: StateAccess, extraScorer?: ExtraScorer): Detection[] {
  const detections: Detection[] = [];
  events.forEach((event, index) => {
    if (event.type === 'metric') {
      const key = seriesKey('m', event.source, event.name ?? '');
      const result = observe(states.get(key, () => newSeriesState()), { value: event.value!, timestamp: event.timestamp });
      detections.push(metricDetection(event, index, key, result, extraScorer?.(event.source, event.name ?? '', event.value!) ?? null));
      return;
    }
    if (event.type === 'trace') {
      const key = seriesKey('l', event.source, event.name ?? '');
      const duration = event.durationMs!;
      const result = observe(states.get(key, () => newSeriesState({ log: true, minSpread: 0.05 })), { value: duration, timestamp: event.timestamp });
      const direction = result.deviation >= 0 ? 'slower' : 'faster';
      detections.push({
        eventIndex: index, kind: 'trace_latency', seriesKey: key, source: event.source, metric: `latency:${event.name ?? ''}`,
        value: duration, expected: result.expected, score: result.score, severity: result.severity, isAnomaly: result.isAnomaly && result.deviation > 0,
        detector: result.detector,
        explanation: `span ${event.name} took ${formatNumber(duration)} ms on ${event.source}, ${direction} than usual (typical ${formatNumber(result.expected)} ms; ${formatNumber(Math.abs(result.deviation))} std in log scale)${recurringNote(result)}`,
      });
      return;
    }
    detections.push(...logDetections(event, index, states));
  });
  return detections;
}
