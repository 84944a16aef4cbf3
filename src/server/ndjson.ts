/**
 * NDJSON bodies (`application/x-ndjson`), as Fluent Bit (`format json_lines`) and Vector (`framing
 * newline_delimited`) send them. A line that is already a Vigil event (`type` metric|log|trace) is taken as
 * is; any other record becomes a log event: its message from `message`/`log`/`msg`, its source from
 * `source`/`host`/`hostname`/`service`, its time from `timestamp`/`@timestamp`/`date`/`time`, and the
 * remaining fields as metadata.
 */
type Record_ = Record<string, unknown>;

const MESSAGE_KEYS = ['message', 'log', 'msg', 'MESSAGE'];
const SOURCE_KEYS = ['source', 'host', 'hostname', 'service', 'container_name', 'tag'];
const LEVEL_KEYS = ['level', 'severity', 'lvl', 'log_level'];
const TIME_KEYS = ['timestamp', '@timestamp', 'date', 'time'];
const MAX_METADATA_CHARS = 8_000;

const isRecord = (value: unknown): value is Record_ => value !== null && typeof value === 'object' && !Array.isArray(value);

function pick(record: Record_, keys: string[], used: Set<string>): unknown {
  for (const key of keys) {
    const value = record[key];
    if (value !== undefined && value !== null && value !== '') {
      used.add(key);
      return value;
    }
  }
  return undefined;
}

/** Epoch seconds (Fluent Bit's `date`, fractional) or milliseconds, or an ISO string, to epoch milliseconds. */
export function shipperTime(value: unknown): number | string | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.floor(value < 1e11 ? value * 1000 : value > 1e14 ? value / 1e6 : value);
  if (typeof value === 'string') {
    if (/^\d+(\.\d+)?$/.test(value)) return shipperTime(Number(value));
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? value : parsed;
  }
  return undefined;
}

function metadataOf(record: Record_, used: Set<string>): Record_ | null {
  const rest: Record_ = {};
  for (const [key, value] of Object.entries(record)) if (!used.has(key)) rest[key] = value;
  if (Object.keys(rest).length === 0) return null;
  if (JSON.stringify(rest).length <= MAX_METADATA_CHARS) return rest;
  // Large shipper envelopes (Kubernetes metadata) are trimmed to the fields that fit rather than refused.
  const kept: Record_ = {};
  let size = 2;
  for (const [key, value] of Object.entries(rest)) {
    const piece = JSON.stringify({ [key]: value }).length;
    if (size + piece > MAX_METADATA_CHARS - 64) continue;
    kept[key] = value;
    size += piece;
  }
  kept.vigil_truncated = true;
  return kept;
}

export function shipperRecordToEvent(record: unknown): unknown {
  if (!isRecord(record)) return record;
  if (record.type === 'metric' || record.type === 'log' || record.type === 'trace') return record;
  const used = new Set<string>();
  const message = pick(record, MESSAGE_KEYS, used);
  if (message === undefined) return record;
  const source = pick(record, SOURCE_KEYS, used);
  const level = pick(record, LEVEL_KEYS, used);
  const time = shipperTime(pick(record, TIME_KEYS, used));
  return {
    type: 'log',
    source: typeof source === 'string' && source.trim() ? source.trim().slice(0, 200) : 'ndjson',
    level: typeof level === 'string' ? level.slice(0, 20).toLowerCase() : null,
    message: (typeof message === 'string' ? message : JSON.stringify(message)).slice(0, 10_000),
    ...(time === undefined ? {} : { timestamp: time }),
    metadata: metadataOf(record, used),
  };
}
