import type { Finding, SuppressionsApi } from '../suppressions/suppressions.api';
import type { IngestEvent } from './detection';

const text = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' && value.length <= 256 ? value.trim() : typeof value === 'number' ? String(value) : null);

/** What a suppression can match on an anomaly: its series, and resource hints from the event's metadata. */
export function anomalyFinding(anomaly: { source: string; metric: string; kind: string; severity: string }, event: IngestEvent | undefined): Finding {
  const meta = event?.metadata ?? {};
  const tags = meta.tags && typeof meta.tags === 'object' && !Array.isArray(meta.tags) ? (Object.fromEntries(Object.entries(meta.tags).map(([k, v]) => [k, String(v)])) as Record<string, string>) : null;
  const names = [meta.host, meta.hostname, meta.resource_name, meta.instance].map(text).filter((v): v is string => v !== null);
  return {
    engine: 'anomaly',
    severity: anomaly.severity,
    source: anomaly.source,
    metric: anomaly.metric,
    kind: anomaly.kind,
    source_ip: text(meta.ip) ?? text(meta.src_ip) ?? text(meta.source_ip),
    resource_id: text(meta.resource_id),
    resource_type: text(meta.resource_type),
    resource_name: names,
    tags,
  };
}

/** Sets `suppressed_by` on each anomaly a suppression (or the allowlist) silences; one lookup for the batch. */
export async function markSuppressed(
  suppressions: Pick<SuppressionsApi, 'matchMany'> | undefined,
  organizationId: string,
  anomalies: { source: string; metric: string; kind: string; severity: string; event_id?: string | null; suppressed_by?: string | null }[],
  events: IngestEvent[],
) {
  if (!suppressions || anomalies.length === 0) return;
  const byId = new Map(events.map((e) => [e.id, e]));
  const verdicts = await suppressions.matchMany(organizationId, anomalies.map((a) => anomalyFinding(a, a.event_id ? byId.get(a.event_id) : undefined)));
  anomalies.forEach((a, i) => (a.suppressed_by = verdicts[i] ?? null));
}
