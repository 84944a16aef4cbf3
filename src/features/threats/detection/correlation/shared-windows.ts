/**
 * Correlation windows shared by every instance of a cluster, in Redis, with the pipeline's own logic.
 *
 * A line is analyzed twice: a first pass over empty per-call maps only learns which windows it touches (the
 * keys follow from the line's fields, not from state); their current values and versions are loaded in one
 * round trip; the second pass runs on them; a Lua script writes the touched windows back only if none changed
 * meanwhile (compare-and-set on a version per window) and, atomically with it, marks the line's event id as
 * counted. A conflict reloads and re-runs; an event id already counted is reported as a duplicate and not
 * counted again (a partition replayed after a failover hands the same committed lines in once more).
 */
import type { Redis } from 'ioredis';
import type { Detection, ExtraRules, LogContext, ParsedLog } from '../types';
import type { BurstEntry } from './burst';
import type { GroupWindow } from './sigma-correlation';
import type { WindowEvent } from './windows';
import type { CorrelationMaps, ThreatPipeline } from '../pipeline';

const PREFIX = 'vigil:corr:';
const MAX_ATTEMPTS = 50;
/** How long an event id is remembered as counted: longer than any replay can come after it. */
const SEEN_TTL_MS = 24 * 3_600_000;
const WINDOW_TTL_MS = 2 * 3_600_000; // the built-in windows keep at most an hour
const BURST_TTL_MS = 10 * 60_000;
const MIN_SIGMA_TTL_MS = 10 * 60_000;

type MapName = keyof CorrelationMaps;
const MAP_NAMES: MapName[] = ['windows', 'bursts', 'sigma'];

/** Keeps the keys each analysis reads, so the second pass knows what to load and what to write back. */
class RecordingMap<V> extends Map<string, V> {
  readonly seen = new Set<string>();
  override get(key: string): V | undefined {
    this.seen.add(key);
    return super.get(key);
  }
}

interface Recorded { windows: RecordingMap<WindowEvent[]>; bursts: RecordingMap<BurstEntry>; sigma: RecordingMap<GroupWindow> }

const recorded = (): Recorded => ({ windows: new RecordingMap(), bursts: new RecordingMap(), sigma: new RecordingMap() });
const redisKey = (map: MapName, key: string) => `${PREFIX}${map[0]}:${key}`;

function encode(map: MapName, value: unknown): string {
  if (map !== 'sigma') return JSON.stringify(value);
  const w = value as GroupWindow;
  return JSON.stringify({ ...w, last: w.last.map((x) => (Number.isFinite(x) ? x : null)) });
}
function decode(map: MapName, text: string): unknown {
  const value = JSON.parse(text) as unknown;
  if (map !== 'sigma') return value;
  const w = value as GroupWindow;
  return { ...w, last: (w.last as (number | null)[]).map((x) => (x === null ? -Infinity : x)) };
}
function ttlOf(map: MapName, value: unknown): number {
  if (map === 'windows') return WINDOW_TTL_MS;
  if (map === 'bursts') return BURST_TTL_MS;
  return Math.max(MIN_SIGMA_TTL_MS, 2 * ((value as GroupWindow).span || 0));
}

/** Writes the windows if every version is unchanged, and marks the event counted; -1 when it already was. */
const COMMIT = `
local n = tonumber(ARGV[1])
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[n + 1]) == 1 then return -1 end
for i = 1, n do
  local v = redis.call('HGET', KEYS[i], 'v') or '0'
  if v ~= ARGV[3 + (i - 1) * 3 + 1] then return 0 end
end
for i = 1, n do
  local base = 3 + (i - 1) * 3
  redis.call('HSET', KEYS[i], 'v', tostring(tonumber(ARGV[base + 1]) + 1), 'd', ARGV[base + 2])
  redis.call('PEXPIRE', KEYS[i], ARGV[base + 3])
end
if ARGV[2] == '1' then redis.call('SET', KEYS[n + 1], '1', 'PX', ARGV[3]) end
return 1
`;

export type SharedAnalysis = { parsed: ParsedLog; detections: Detection[]; belowConfidence: Detection[]; duplicate: boolean };

export function createSharedCorrelation(redis: Redis) {
  const seenKey = (org: string, eventId: string) => `${PREFIX}seen:${org}:${eventId}`;

  async function load(keys: { map: MapName; key: string }[], seen: string | null) {
    const pipe = redis.pipeline();
    for (const k of keys) pipe.hmget(redisKey(k.map, k.key), 'v', 'd');
    if (seen) pipe.exists(seen);
    const replies = (await pipe.exec()) ?? [];
    for (const [error] of replies) if (error) throw error;
    const values = keys.map((_, i) => replies[i]![1] as [string | null, string | null]);
    const duplicate = seen ? Number(replies[keys.length]![1]) === 1 : false;
    return { values, duplicate };
  }

  /**
   * Analyzes one line against the shared windows. `eventId` (a committed event's id) makes the counting
   * idempotent; lines without one (direct /detect calls) are counted each time they are sent.
   */
  async function analyze(pipeline: ThreatPipeline, line: string, ctx: LogContext, extraRules: ExtraRules | undefined, eventId: string | null): Promise<SharedAnalysis> {
    const probe = recorded();
    pipeline.analyze(line, ctx, extraRules, probe);
    let wanted = MAP_NAMES.flatMap((map) => [...probe[map].seen].map((key) => ({ map, key })));
    const seen = eventId ? seenKey(ctx.organizationId, eventId) : null;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { values, duplicate } = await load(wanted, seen);
      const maps = recorded();
      wanted.forEach((k, i) => {
        const data = values[i]![1];
        if (data !== null) (maps[k.map] as Map<string, unknown>).set(k.key, decode(k.map, data));
      });
      const result = pipeline.analyze(line, ctx, extraRules, maps);
      if (duplicate) return { ...result, duplicate: true };
      const missed = MAP_NAMES.flatMap((map) => [...maps[map].seen].filter((key) => !wanted.some((w) => w.map === map && w.key === key)).map((key) => ({ map, key })));
      if (missed.length > 0) {
        wanted = [...wanted, ...missed]; // this state led the line to another window: load it too and re-run
        continue;
      }
      const writes = wanted.map((k, i) => ({ ...k, version: values[i]![0] ?? '0', value: (maps[k.map] as Map<string, unknown>).get(k.key) })).filter((w) => w.value !== undefined);
      if (writes.length === 0 && !seen) return { ...result, duplicate: false };
      const keys = writes.map((w) => redisKey(w.map, w.key));
      if (seen) keys.push(seen);
      const args: (string | number)[] = [writes.length, seen ? '1' : '0', SEEN_TTL_MS];
      for (const w of writes) args.push(w.version, encode(w.map, w.value), ttlOf(w.map, w.value));
      const outcome = Number(await redis.eval(COMMIT, keys.length, ...keys, ...args));
      if (outcome === 1) return { ...result, duplicate: false };
      if (outcome === -1) return { ...result, duplicate: true };
    }
    throw new Error('correlation windows kept changing under this line; gave up after many attempts');
  }

  return { analyze };
}

export type SharedCorrelation = ReturnType<typeof createSharedCorrelation>;
