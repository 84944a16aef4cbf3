import { AppError } from '../../lib/errors';
import { snappyDecode } from './decompress';
import { boundedMetadata, firstLabel } from './intake.logic';
import { pushRequestType } from './proto/loki.proto';

const SOURCE_LABELS = ['host', 'hostname', 'instance', 'service_name', 'service', 'container', 'job'];
const LEVEL_LABELS = ['level', 'detected_level', 'severity', 'lvl'];
const MAX_LINE = 10_000;

/** Parses a LogQL stream selector as Loki's protobuf push carries it: `{job="varlogs", host="web-1"}`. */
export function parseLabels(selector: string): Record<string, string> {
  const text = selector.trim();
  if (!text.startsWith('{') || !text.endsWith('}')) throw new Error(`labels must look like {name="value", ...}, got ${JSON.stringify(text.slice(0, 80))}`);
  const labels: Record<string, string> = {};
  const pair = /\s*([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;
  const inner = text.slice(1, -1);
  pair.lastIndex = 0;
  while (pair.lastIndex < inner.length) {
    const start = pair.lastIndex;
    const m = pair.exec(inner);
    if (!m) {
      if (inner.slice(start).trim() === '') break;
      throw new Error(`labels are malformed near ${JSON.stringify(inner.slice(start, start + 40))}`);
    }
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_all, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
  }
  return labels;
}

function logEvent(labels: Record<string, string>, timestampMs: number | undefined, line: string, structured: Record<string, string> | null) {
  const level = firstLabel(structured ? { ...structured, ...labels } : labels, LEVEL_LABELS, '');
  return {
    type: 'log',
    source: firstLabel(labels, SOURCE_LABELS, 'loki'),
    level: level ? level.slice(0, 20).toLowerCase() : null,
    message: line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line,
    ...(timestampMs === undefined ? {} : { timestamp: timestampMs }),
    metadata: boundedMetadata(structured && Object.keys(structured).length > 0 ? { labels, structured_metadata: structured } : { labels }),
  };
}

/** Unix nanoseconds as a decimal string (Loki's JSON) to epoch milliseconds. */
function nanosToMs(value: unknown, where: string): number {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value)) {
    throw new AppError({ code: 'VALIDATION_ERROR', message: `${where}: the timestamp must be a string of Unix nanoseconds`, details: { field: where } });
  }
  return Number(BigInt(value) / 1_000_000n);
}

/** Loki's JSON push body: `{"streams":[{"stream":{labels},"values":[["<ns>","line",{metadata}?], ...]}]}`. */
export function lokiJsonToEvents(body: unknown): unknown[] {
  const streams = (body as { streams?: unknown })?.streams;
  if (!Array.isArray(streams)) throw new AppError({ code: 'VALIDATION_ERROR', message: 'Loki push body must be {"streams": [...]}' });
  const events: unknown[] = [];
  streams.forEach((stream: { stream?: unknown; values?: unknown }, s) => {
    const labels = stream?.stream ?? {};
    if (typeof labels !== 'object' || Array.isArray(labels) || !Object.values(labels).every((v) => typeof v === 'string')) {
      throw new AppError({ code: 'VALIDATION_ERROR', message: `streams[${s}].stream must be an object of string labels` });
    }
    if (!Array.isArray(stream.values)) throw new AppError({ code: 'VALIDATION_ERROR', message: `streams[${s}].values must be an array of [timestamp, line] pairs` });
    stream.values.forEach((entry: unknown, v) => {
      const where = `streams[${s}].values[${v}]`;
      if (!Array.isArray(entry) || typeof entry[1] !== 'string') throw new AppError({ code: 'VALIDATION_ERROR', message: `${where} must be ["<unix ns>", "<line>"]` });
      const structured = entry[2] && typeof entry[2] === 'object' ? (entry[2] as Record<string, string>) : null;
      events.push(logEvent(labels as Record<string, string>, nanosToMs(entry[0], where), entry[1], structured));
    });
  });
  return events;
}

interface DecodedStream {
  labels?: string;
  entries?: { timestamp?: { seconds?: number; nanos?: number }; line?: string; structuredMetadata?: { name?: string; value?: string }[] }[];
}

/** Loki's protobuf push body (snappy block, `PushRequest`), as Promtail, Grafana Alloy and Fluent Bit's loki output send it. */
export function lokiProtobufToEvents(body: Buffer, maxBytes: number): unknown[] {
  const raw = snappyDecode(body, maxBytes);
  let streams: DecodedStream[];
  try {
    streams = (pushRequestType.toObject(pushRequestType.decode(raw), { longs: Number, defaults: false }) as { streams?: DecodedStream[] }).streams ?? [];
  } catch (error) {
    throw new AppError({ code: 'VALIDATION_ERROR', message: `Body is not a valid Loki PushRequest: ${(error as Error).message}` });
  }
  const events: unknown[] = [];
  streams.forEach((stream, s) => {
    let labels: Record<string, string>;
    try {
      labels = parseLabels(stream.labels ?? '{}');
    } catch (error) {
      throw new AppError({ code: 'VALIDATION_ERROR', message: `streams[${s}].labels: ${(error as Error).message}` });
    }
    for (const entry of stream.entries ?? []) {
      const ts = entry.timestamp;
      const ms = ts && (ts.seconds || ts.nanos) ? (ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1e6) : undefined;
      const structured = entry.structuredMetadata?.length ? Object.fromEntries(entry.structuredMetadata.map((p) => [p.name ?? '', p.value ?? ''])) : null;
      events.push(logEvent(labels, ms, entry.line ?? '', structured));
    }
  });
  return events;
}
