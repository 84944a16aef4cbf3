/**
 * Sliding time windows keyed by (organization, correlation, group key), with Sigma correlation semantics:
 * event_count (how many events), value_count (how many distinct values of a field). Memory is bounded three
 * ways: events older than the window are dropped on each touch, each window keeps at most `maxEvents`, and the
 * windows that went quiet longest are evicted in batches beyond `maxWindows`. Time comes from the events (no look-ahead).
 */
export interface WindowEvent { t: number; value?: string; line?: string }

export interface WindowStoreState { version: 1; windows: [string, WindowEvent[]][] }

export class WindowStore {
  private touches = 0;

  /** `windows` may be a per-call map seeded from shared storage (cluster mode, see shared-windows.ts). */
  constructor(private readonly maxWindows = 20_000, private readonly maxEvents = 256, private readonly maxAgeMs = 3_600_000, private readonly windows = new Map<string, WindowEvent[]>()) {}

  /** Records an event and returns the window's events within `windowMs` of `t` (oldest first). */
  add(key: string, event: WindowEvent, windowMs: number, weight = 1): WindowEvent[] {
    let events = this.windows.get(key) ?? [];
    for (let i = 0; i < weight; i++) events.push(i === 0 ? event : { t: event.t, value: event.value });
    events = this.prune(events, event.t - windowMs);
    this.windows.set(key, events);
    if (this.windows.size > this.maxWindows) this.evictOldest();
    else if (++this.touches % 4096 === 0) this.sweep(event.t);
    return events;
  }

  /** Events of a window without recording (for temporal checks such as success-after-failures). */
  peek(key: string, now: number, windowMs: number): WindowEvent[] {
    const events = this.windows.get(key);
    return events ? events.filter((e) => e.t >= now - windowMs && e.t <= now) : [];
  }

  clear(key: string): void {
    this.windows.delete(key);
  }

  get size(): number {
    return this.windows.size;
  }

  private prune(events: WindowEvent[], since: number): WindowEvent[] {
    let drop = 0;
    while (drop < events.length && events[drop].t < since) drop++;
    if (events.length - drop > this.maxEvents) drop = events.length - this.maxEvents;
    return drop > 0 ? events.slice(drop) : events;
  }

  /** Drops the quarter of windows that went quiet longest (amortized: runs once per maxWindows/4 new keys). */
  private evictOldest(): void {
    const newest = [...this.windows.values()].map((events) => events[events.length - 1]?.t ?? -Infinity).sort((a, b) => a - b);
    const cutoff = newest[Math.floor(newest.length / 4)];
    for (const [key, events] of this.windows) {
      if ((events[events.length - 1]?.t ?? -Infinity) <= cutoff) this.windows.delete(key);
    }
  }

  /** Drops windows whose newest event is older than the longest window any correlation uses. */
  sweep(now: number): void {
    for (const [key, events] of this.windows) {
      const newest = events[events.length - 1];
      if (!newest || newest.t < now - this.maxAgeMs) this.windows.delete(key);
    }
  }

  exportState(): WindowStoreState {
    return { version: 1, windows: [...this.windows.entries()] };
  }

  importState(state: unknown): void {
    if (typeof state !== 'object' || state === null || (state as WindowStoreState).version !== 1) return;
    const windows = (state as WindowStoreState).windows;
    if (!Array.isArray(windows)) return;
    this.windows.clear();
    for (const entry of windows) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Array.isArray(entry[1])) continue;
      const events = entry[1].filter((e): e is WindowEvent => typeof e === 'object' && e !== null && typeof (e as WindowEvent).t === 'number');
      this.windows.set(entry[0], events.slice(-this.maxEvents));
    }
    if (this.windows.size > this.maxWindows) this.evictOldest();
  }
}

export const distinctValues = (events: WindowEvent[]): Set<string> => {
  const values = new Set<string>();
  for (const e of events) if (e.value !== undefined) values.add(e.value);
  return values;
};

export const evidenceLines = (events: WindowEvent[], cap = 20): string[] => {
  const lines: string[] = [];
  for (let i = events.length - 1; i >= 0 && lines.length < cap; i--) if (events[i].line) lines.push(events[i].line!);
  return lines.reverse();
};
