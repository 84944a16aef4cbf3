/**
 * Evaluates Sigma correlation rules (see sigma/correlation-rules.ts) as base-rule matches stream in. State is a
 * sliding window per (organization, correlation rule, group-by values), driven by the events' own timestamps
 * (no wall clock, no look-ahead), as the built-in correlations are:
 *
 *   event_count       matching events in the window satisfy the condition
 *   value_count       distinct values of `condition.field` among them satisfy it
 *   temporal          the referenced rules all matched (or `condition` many of them) within the timespan
 *   temporal_ordered  ... and in the order the correlation lists them
 *
 * A correlation is evaluated each time one of its base rules matches, so it fires on the event that makes the
 * condition true and on each later one while it stays true (as the built-in brute force does); `lt`/`lte`
 * conditions are therefore true on the first events of a window (use them with a `gte` as a range).
 *
 * Memory bounds: a window keeps at most MAX_WINDOW_EVENTS events (the oldest drop first) and the last
 * EVIDENCE_LINES lines; at most MAX_GROUPS windows and MAX_TOTAL_EVENTS events are kept over all windows (beyond
 * either, the quarter of windows that went quiet longest is evicted in one batch); windows whose newest event is
 * older than their timespan are swept every 4096 updates.
 */
import type { CompiledCorrelation, Detection, EventView } from '../types';
import { MAX_CORRELATION_COUNT } from '../sigma/correlation-rules';

export const MAX_GROUPS = 10_000;
export const MAX_WINDOW_EVENTS = MAX_CORRELATION_COUNT;
export const MAX_TOTAL_EVENTS = 200_000;
export const EVIDENCE_LINES = 10;
const EVIDENCE_CHARS = 300;
const MAX_GROUP_VALUE_CHARS = 256;

export const LEVEL_CONFIDENCE: Record<string, number> = { informational: 0.3, low: 0.45, medium: 0.6, high: 0.75, critical: 0.85 };

export interface GroupWindow {
  /** Event times, oldest first (event_count, value_count). */
  t: number[];
  /** value_count: the counted field's value per event ('' when the event lacks it). */
  v: string[];
  /** temporal: latest time each referenced rule matched; temporal_ordered: start time of the newest chain reaching each position. */
  last: number[];
  lines: string[];
  newest: number;
  span: number;
}

export interface SigmaCorrelationState { version: 1; windows: [string, GroupWindow][] }

const first = (view: EventView, candidates: readonly string[]): string | null => {
  for (const name of candidates) {
    const values = view.get(name);
    for (const v of values) {
      if (typeof v === 'string' && v !== '') return v.length > MAX_GROUP_VALUE_CHARS ? v.slice(0, MAX_GROUP_VALUE_CHARS) : v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    }
  }
  return null;
};

export class SigmaCorrelationEngine {
  private totalEvents = 0;
  private touches = 0;

  /** `windows` may be a per-call map seeded from shared storage (cluster mode, see shared-windows.ts). */
  constructor(private readonly windows = new Map<string, GroupWindow>()) {}

  /**
   * Feeds one line's base-rule matches: `hits` maps each correlation to the indexes (into its `ruleIds`) of the
   * referenced rules that matched the line.
   */
  observe(hits: Map<CompiledCorrelation, number[]>, view: EventView, message: string, t: number, org: string, base: Pick<Detection, 'sourceIp' | 'user' | 'target'>): Detection[] {
    const detections: Detection[] = [];
    const line = message.length > EVIDENCE_CHARS ? `${message.slice(0, EVIDENCE_CHARS)}…` : message;
    for (const [corr, matched] of hits) {
      const groupValues: string[] = [];
      let complete = true;
      for (const candidates of corr.groupByCandidates) {
        const value = first(view, candidates);
        if (value === null) { complete = false; break; }
        groupValues.push(value);
      }
      if (!complete) continue; // an event without a group-by field belongs to no group
      const key = `${org}\0${corr.id}\0${groupValues.join('\u001f')}`;
      let w = this.windows.get(key);
      if (!w) {
        w = { t: [], v: [], last: [], lines: [], newest: t, span: corr.timespanMs };
        this.windows.set(key, w);
      }
      w.span = corr.timespanMs;
      if (t > w.newest) w.newest = t;
      w.lines.push(line);
      if (w.lines.length > EVIDENCE_LINES) w.lines.shift();
      const since = w.newest - corr.timespanMs;
      let count: number;
      let countText: string;
      if (corr.type === 'event_count' || corr.type === 'value_count') {
        this.insert(w, t, corr.type === 'value_count' ? first(view, corr.fieldCandidates) ?? '' : null);
        this.prune(w, since);
        if (corr.type === 'event_count') {
          count = countSince(w.t, t - corr.timespanMs, t);
          countText = `${count} matching events`;
        } else {
          const distinct = new Set<string>();
          for (let i = 0; i < w.t.length; i++) if (w.v[i] !== '' && w.t[i] >= t - corr.timespanMs && w.t[i] <= t) distinct.add(w.v[i]);
          count = distinct.size;
          countText = `${count} distinct values of ${corr.field}`;
        }
      } else {
        const n = corr.ruleIds.length;
        while (w.last.length < n) w.last.push(-Infinity);
        if (corr.type === 'temporal') {
          for (const i of matched) if (t > w.last[i]) w.last[i] = t;
        } else {
          // Positions from last to first, so one line does not advance a chain twice.
          for (let k = matched.length - 1; k >= 0; k--) {
            const i = matched[k];
            const start = i === 0 ? t : w.last[i - 1];
            if (start >= t - corr.timespanMs && start > w.last[i]) w.last[i] = start;
          }
        }
        if (corr.type === 'temporal') {
          count = 0;
          for (const seen of w.last) if (seen >= t - corr.timespanMs && seen <= t) count++;
          countText = `${count} of ${n} rules matched`;
        } else {
          // The newest chain's progress: how many leading positions hold a start within the timespan.
          count = 0;
          while (count < n && w.last[count] >= t - corr.timespanMs) count++;
          countText = `${count} of ${n} rules matched in order`;
        }
      }
      this.afterTouch(t);
      if (!corr.condition(count)) continue;
      const group = corr.groupBy.length ? corr.groupBy.map((g, i) => `${g}=${groupValues[i]}`).join(', ') : 'all events';
      const rulesText = corr.ruleTitles.map((title) => `"${title}"`).join(corr.type === 'temporal_ordered' ? ' then ' : ', ');
      detections.push({
        ...base,
        threatType: corr.threatType,
        severity: corr.severity,
        confidence: LEVEL_CONFIDENCE[corr.level] ?? 0.5,
        mitreAttack: [...corr.mitreAttack],
        rules: [{ id: corr.id, title: corr.title, kind: 'correlation' }],
        explanation: `Sigma correlation "${corr.title}" (${corr.type}, level ${corr.level}): ${countText} (rules: ${rulesText}) for ${group} within ${corr.timespanText} (condition: ${corr.conditionText}).`,
        evidence: [...w.lines],
      });
    }
    return detections;
  }

  get size(): number {
    return this.windows.size;
  }

  private insert(w: GroupWindow, t: number, value: string | null): void {
    let i = w.t.length;
    while (i > 0 && w.t[i - 1] > t) i--; // out-of-order events keep the window sorted (rare; usually i stays at the end)
    w.t.splice(i, 0, t);
    if (value !== null) w.v.splice(i, 0, value);
    this.totalEvents++;
  }

  private prune(w: GroupWindow, since: number): void {
    let drop = 0;
    while (drop < w.t.length && w.t[drop] < since) drop++;
    if (w.t.length - drop > MAX_WINDOW_EVENTS) drop = w.t.length - MAX_WINDOW_EVENTS;
    if (drop === 0) return;
    w.t.splice(0, drop);
    if (w.v.length) w.v.splice(0, drop);
    this.totalEvents -= drop;
  }

  private afterTouch(now: number): void {
    if (this.windows.size > MAX_GROUPS || this.totalEvents > MAX_TOTAL_EVENTS) this.evictQuietest();
    else if (++this.touches % 4096 === 0) this.sweep(now);
  }

  /** Drops the quarter of windows that went quiet longest. */
  private evictQuietest(): void {
    const newest = [...this.windows.values()].map((w) => w.newest).sort((a, b) => a - b);
    const cutoff = newest[Math.floor(newest.length / 4)];
    for (const [key, w] of this.windows) {
      if (w.newest <= cutoff) {
        this.totalEvents -= w.t.length;
        this.windows.delete(key);
      }
    }
  }

  /** Drops windows whose newest event is older than their timespan (nothing in them can count again). */
  sweep(now: number): void {
    for (const [key, w] of this.windows) {
      if (w.newest < now - w.span) {
        this.totalEvents -= w.t.length;
        this.windows.delete(key);
      }
    }
  }

  exportState(): SigmaCorrelationState {
    // -Infinity does not survive JSON: temporal slots never seen are written as null.
    return { version: 1, windows: [...this.windows.entries()].map(([key, w]) => [key, { ...w, last: w.last.map((x) => (Number.isFinite(x) ? x : null)) as number[] }]) };
  }

  importState(state: unknown): void {
    if (typeof state !== 'object' || state === null || (state as SigmaCorrelationState).version !== 1) return;
    const windows = (state as SigmaCorrelationState).windows;
    if (!Array.isArray(windows)) return;
    this.windows.clear();
    this.totalEvents = 0;
    const nums = (x: unknown): number[] => (Array.isArray(x) ? x.filter((n): n is number => typeof n === 'number' && Number.isFinite(n)) : []);
    for (const entry of windows.slice(-MAX_GROUPS)) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'object' || entry[1] === null) continue;
      const raw = entry[1] as Partial<Record<keyof GroupWindow, unknown>>;
      const t = nums(raw.t).slice(-MAX_WINDOW_EVENTS);
      const v = Array.isArray(raw.v) ? raw.v.map((x) => (typeof x === 'string' ? x : '')).slice(-MAX_WINDOW_EVENTS) : [];
      const w: GroupWindow = {
        t,
        v: v.length === t.length ? v : [],
        last: Array.isArray(raw.last) ? raw.last.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : -Infinity)) : [],
        lines: Array.isArray(raw.lines) ? raw.lines.filter((l): l is string => typeof l === 'string').slice(-EVIDENCE_LINES) : [],
        newest: typeof raw.newest === 'number' && Number.isFinite(raw.newest) ? raw.newest : (t[t.length - 1] ?? 0),
        span: typeof raw.span === 'number' && raw.span > 0 ? raw.span : 0,
      };
      this.windows.set(entry[0], w);
      this.totalEvents += t.length;
    }
    if (this.windows.size > MAX_GROUPS || this.totalEvents > MAX_TOTAL_EVENTS) this.evictQuietest();
  }
}

function countSince(times: number[], since: number, until: number): number {
  let n = 0;
  for (let i = times.length - 1; i >= 0; i--) {
    if (times[i] > until) continue;
    if (times[i] < since) break;
    n++;
  }
  return n;
}
