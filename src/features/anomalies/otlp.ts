/**
 * OTLP/HTTP JSON (OpenTelemetry protocol, JSON encoding) to Vigil ingest events. The source of an event is
 * the resource's `service.name` (else `host.name`, else "otlp"); metric data point attributes become part of
 * the series name (`name{key=value,...}`) so each labelled series is learned on its own.
 */
type Json = Record<string, unknown>;

const list = (value: unknown): Json[] => (Array.isArray(value) ? (value.filter((v) => v && typeof v === 'object') as Json[]) : []);
const obj = (value: unknown): Json => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});

export function anyValue(value: unknown): unknown {
  const v = obj(value);
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) return Number(v.intValue);
  if ('doubleValue' in v) return Number(v.doubleValue);
  if ('bytesValue' in v) return v.bytesValue;
  if ('arrayValue' in v) return list(obj(v.arrayValue).values).map(anyValue);
  if ('kvlistValue' in v) return attributes(obj(v.kvlistValue).values);
  return null;
}

export function attributes(value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list(value)) if (typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  return out;
}

/** Unix nanoseconds (a JSON string or number) to epoch milliseconds; undefined when absent or unreadable. */
export function nanosToMs(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '' || value === '0' || value === 0) return undefined;
  try {
    return Number(BigInt(String(value)) / 1_000_000n);
  } catch {
    const n = Number(value);
    return Number.isFinite(n) ? Math.floor(n / 1e6) : undefined;
  }
}

function sourceOf(resource: unknown): { source: string; resource: Record<string, unknown> } {
  const attrs = attributes(obj(resource).attributes);
  const name = attrs['service.name'] ?? attrs['host.name'];
  return { source: typeof name === 'string' && name.trim() ? name.trim().slice(0, 200) : 'otlp', resource: attrs };
}

function seriesName(name: string, attrs: Record<string, unknown>): string {
  const keys = Object.keys(attrs).sort();
  const labelled = keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}=${String(attrs[k])}`).join(',')}}`;
  return labelled.slice(0, 200);
}

function pointValue(point: Json, kind: string): number | undefined {
  if (kind === 'histogram' || kind === 'exponentialHistogram' || kind === 'summary') {
    const count = Number(point.count);
    const sum = Number(point.sum);
    return count > 0 && Number.isFinite(sum) ? sum / count : undefined;
  }
  if (point.asDouble !== undefined) return Number(point.asDouble);
  if (point.asInt !== undefined) return Number(point.asInt);
  return undefined;
}

export function otlpMetricsToEvents(body: unknown): unknown[] {
  const events: unknown[] = [];
  for (const rm of list(obj(body).resourceMetrics)) {
    const { source, resource } = sourceOf(rm.resource);
    for (const sm of list(rm.scopeMetrics)) {
      for (const metric of list(sm.metrics)) {
        for (const kind of ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary']) {
          if (!(kind in metric)) continue;
          for (const point of list(obj(metric[kind]).dataPoints)) {
            const attrs = attributes(point.attributes);
            events.push({
              type: 'metric', source, name: seriesName(String(metric.name ?? ''), attrs), value: pointValue(point, kind),
              timestamp: nanosToMs(point.timeUnixNano), metadata: { otlp: kind, unit: metric.unit ?? null, resource, attributes: attrs },
            });
          }
        }
      }
    }
  }
  return events;
}

function levelOf(record: Json): string | null {
  if (typeof record.severityText === 'string' && record.severityText) return record.severityText.toLowerCase();
  const n = Number(record.severityNumber);
  if (!Number.isFinite(n) || n <= 0) return null;
  return n >= 21 ? 'fatal' : n >= 17 ? 'error' : n >= 13 ? 'warn' : n >= 9 ? 'info' : n >= 5 ? 'debug' : 'trace';
}

export function otlpLogsToEvents(body: unknown): unknown[] {
  const events: unknown[] = [];
  for (const rl of list(obj(body).resourceLogs)) {
    const { source, resource } = sourceOf(rl.resource);
    for (const sl of list(rl.scopeLogs)) {
      for (const record of list(sl.logRecords)) {
        const message = anyValue(record.body);
        events.push({
          type: 'log', source, level: levelOf(record), message: typeof message === 'string' ? message : JSON.stringify(message ?? ''),
          timestamp: nanosToMs(record.timeUnixNano) ?? nanosToMs(record.observedTimeUnixNano),
          metadata: { resource, attributes: attributes(record.attributes), trace_id: record.traceId ?? null, span_id: record.spanId ?? null },
        });
      }
    }
  }
  return events;
}

export function otlpTracesToEvents(body: unknown): unknown[] {
  const events: unknown[] = [];
  for (const rs of list(obj(body).resourceSpans)) {
    const { source, resource } = sourceOf(rs.resource);
    for (const ss of list(rs.scopeSpans)) {
      for (const span of list(ss.spans)) {
        const start = nanosToMs(span.startTimeUnixNano);
        let duration: number | undefined;
        try {
          duration = Number(BigInt(String(span.endTimeUnixNano)) - BigInt(String(span.startTimeUnixNano))) / 1e6;
        } catch {
          duration = undefined;
        }
        events.push({
          type: 'trace', source, name: span.name, trace_id: span.traceId, span_id: span.spanId, parent_span_id: span.parentSpanId || null,
          duration_ms: duration, timestamp: start, metadata: { resource, attributes: attributes(span.attributes), kind: span.kind ?? null, status: span.status ?? null },
        });
      }
    }
  }
  return events;
}
