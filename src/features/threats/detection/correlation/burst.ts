/**
 * Per-key event counts in tumbling windows: every line with an address is counted, so this must not keep
 * event lists. A window restarts when an event arrives after it ended; stale keys are dropped in batches.
 * Not exported in the correlation state: a burst is seconds long and meaningless after a restart.
 */
export interface BurstEntry { start: number; count: number }

export class BurstCounter {
  constructor(private readonly maxKeys = 50_000, private readonly counts = new Map<string, BurstEntry>()) {}

  hit(key: string, t: number, windowMs: number): number {
    const entry = this.counts.get(key);
    if (entry && t - entry.start < windowMs && t >= entry.start) return ++entry.count;
    if (entry) {
      entry.start = t;
      entry.count = 1;
      return 1;
    }
    if (this.counts.size >= this.maxKeys) this.dropStale(t, windowMs);
    this.counts.set(key, { start: t, count: 1 });
    return 1;
  }

  private dropStale(t: number, windowMs: number): void {
    for (const [key, entry] of this.counts) if (t - entry.start >= windowMs) this.counts.delete(key);
    if (this.counts.size >= this.maxKeys) this.counts.clear(); // all active: a flood of distinct sources
  }
}
