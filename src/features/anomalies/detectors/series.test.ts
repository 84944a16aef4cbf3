import { describe, expect, it } from 'vitest';
import { absorbFalsePositive, explain, newSeriesState, observe, severityOf } from './series';

const HOUR = 3_600_000;
const start = Date.parse('2026-01-01T00:00:00Z');
/** Deterministic pseudo-random noise so the tests never flake. */
function noise(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648 - 0.5;
  };
}

describe('series detector', () => {
  it('flags a far outlier after a steady series, and not an in-range value', () => {
    const rand = noise(1);
    const state = newSeriesState();
    for (let i = 0; i < 24; i++) expect(observe(state, { value: 100 + rand() * 4, timestamp: start + i * 60_000 }).isAnomaly).toBe(false);
    const probe = structuredClone(state);
    const normal = observe(probe, { value: 101, timestamp: start + 24 * 60_000 });
    expect(normal.isAnomaly).toBe(false);
    const spike = observe(state, { value: 1000, timestamp: start + 24 * 60_000 });
    expect(spike.isAnomaly).toBe(true);
    expect(spike.score).toBeGreaterThan(0.95);
    expect(spike.severity).toBe('critical');
    expect(spike.deviation).toBeGreaterThan(10);
    expect(explain('cpu', 'server-01', 1000, spike)).toMatch(/^cpu 1000 is far above the (9\d|10\d)(\.\d)?–(9\d|10\d)(\.\d)? range of the last 24 min on server-01 \(\d+(\.\d)? std\); still learning: 25 of 30 points seen$/);
  });

  it('scores a point only from the past (no look-ahead): scoring is the same whatever comes next', () => {
    const a = newSeriesState();
    const b = newSeriesState();
    const scoresA: number[] = [];
    for (let i = 0; i < 50; i++) scoresA.push(observe(a, { value: i % 5, timestamp: start + i * 60_000 }).score);
    for (let i = 0; i < 50; i++) expect(observe(b, { value: i % 5, timestamp: start + i * 60_000 }).score).toBe(scoresA[i]);
  });

  it('treats a flat series as normal and any departure from it as an anomaly', () => {
    const state = newSeriesState();
    for (let i = 0; i < 30; i++) expect(observe(state, { value: 5, timestamp: start + i }).score).toBeLessThan(0.1);
    expect(observe(state, { value: 6, timestamp: start + 31 }).isAnomaly).toBe(true);
  });

  it('detects a sustained level shift even when each step is moderate', () => {
    const rand = noise(2);
    const state = newSeriesState();
    for (let i = 0; i < 300; i++) observe(state, { value: 50 + rand() * 10, timestamp: start + i * 60_000 });
    const flagged: string[] = [];
    for (let i = 300; i < 330; i++) {
      const r = observe(state, { value: 62 + rand() * 10, timestamp: start + i * 60_000 });
      if (r.isAnomaly) flagged.push(r.kind);
    }
    // The fast change detector or the slow one (whichever is further out) reports it.
    expect(flagged.some((kind) => kind === 'level shift' || kind === 'sustained shift')).toBe(true);
  });

  it('raises few alarms on pure noise', () => {
    const rand = noise(3);
    const state = newSeriesState();
    let alarms = 0;
    for (let i = 0; i < 5000; i++) if (observe(state, { value: 10 + rand() * 2, timestamp: start + i * 60_000 }).isAnomaly) alarms++;
    expect(alarms).toBeLessThan(5);
  });

  it('learns a daily cycle so the usual evening peak is normal but a peak at night is not', () => {
    const rand = noise(4);
    const state = newSeriesState();
    const daily = (t: number) => 100 + 50 * Math.sin((2 * Math.PI * (t % (24 * HOUR))) / (24 * HOUR)) + rand() * 4;
    const step = 10 * 60_000;
    let t = start;
    for (; t < start + 14 * 24 * HOUR; t += step) observe(state, { value: daily(t), timestamp: t });
    const peakTime = start + 15 * 24 * HOUR + 6 * HOUR; // sin peak at 06:00
    expect(observe(structuredClone(state), { value: 150, timestamp: peakTime }).isAnomaly).toBe(false);
    const troughTime = start + 15 * 24 * HOUR + 18 * HOUR; // sin trough at 18:00
    expect(observe(structuredClone(state), { value: 150, timestamp: troughTime }).isAnomaly).toBe(true);
  });

  it('false-positive feedback stops the same value from alarming again', () => {
    const state = newSeriesState();
    for (let i = 0; i < 30; i++) observe(state, { value: 10 + (i % 3), timestamp: start + i });
    const first = observe(structuredClone(state), { value: 20, timestamp: start + 31 });
    expect(first.isAnomaly).toBe(true);
    absorbFalsePositive(state, { value: 20, timestamp: start + 31 }, first.score);
    expect(state.threshold).toBeGreaterThan(0.7);
    expect(observe(state, { value: 20, timestamp: start + 32 }).isAnomaly).toBe(false);
  });

  it('suppresses repeats of one incident but reports a stronger one', () => {
    const state = newSeriesState();
    for (let i = 0; i < 40; i++) observe(state, { value: 10 + (i % 3), timestamp: start + i });
    expect(observe(state, { value: 30, timestamp: start + 41 }).isAnomaly).toBe(true);
    expect(observe(state, { value: 30, timestamp: start + 42 }).isAnomaly).toBe(false);
    expect(severityOf(0.96)).toBe('critical');
    expect(severityOf(0.9)).toBe('high');
    expect(severityOf(0.8)).toBe('medium');
    expect(severityOf(0.71)).toBe('low');
  });

  it('keeps its state small and JSON-serialisable', () => {
    const state = newSeriesState();
    for (let i = 0; i < 100; i++) observe(state, { value: i, timestamp: start + i * HOUR });
    const text = JSON.stringify(state);
    expect(JSON.parse(text)).toEqual(state);
    expect(text.length).toBeLessThan(16_384);
  });

  it('reports a small shift that lasts (sustained shift), which neither the spot nor the fast change detector flags', () => {
    const rand = noise(5);
    const state = newSeriesState();
    for (let i = 0; i < 800; i++) expect(observe(state, { value: 50 + rand() * 10, timestamp: start + i * 60_000 }).isAnomaly).toBe(false);
    const flagged: { kind: string; text: string }[] = [];
    for (let i = 800; i < 1000; i++) {
      const r = observe(state, { value: 53 + rand() * 10, timestamp: start + i * 60_000 });
      if (r.isAnomaly) flagged.push({ kind: r.kind, text: explain('latency', 'db-1', 53, r) });
    }
    expect(flagged.length).toBeGreaterThan(0);
    expect(new Set(flagged.map((f) => f.kind))).toEqual(new Set(['sustained shift']));
    expect(flagged[0]!.text).toMatch(/^latency has stayed above its usual level on db-1 for a while: 53 against the 4\d(\.\d)?–5\d(\.\d)? range of the last \d+ h \(\d+(\.\d)? std of its usual drift\)$/);
  });

  it('resumes from a checkpoint written before the slow detector existed', () => {
    const state = newSeriesState();
    for (let i = 0; i < 400; i++) observe(state, { value: 10 + (i % 5), timestamp: start + i * 60_000 });
    const { slow: _dropped, ...old } = state;
    const restored = JSON.parse(JSON.stringify(old)) as typeof state;
    expect(observe(restored, { value: 12, timestamp: start + 400 * 60_000 }).isAnomaly).toBe(false);
    expect(restored.slow?.n).toBe(1);
    expect(observe(restored, { value: 100, timestamp: start + 401 * 60_000 }).isAnomaly).toBe(true);
  });

  it('damps a spike of the size the series produces every day, but reports a clearly larger one', () => {
    const rand = noise(6);
    const state = newSeriesState();
    const step = 5 * 60_000;
    const daily: ReturnType<typeof observe>[] = [];
    let laterAlarms = 0;
    let t = start;
    for (let i = 0; i < 288 * 8; i++, t += step) {
      // A one-point job spike every day at 03:00 (a little earlier or later each day), of about the same size.
      const day = Math.floor(i / 288);
      const spike = i % 288 === 36 + (day % 3);
      const r = observe(state, { value: spike ? 60 + rand() * 4 : 10 + rand() * 2, timestamp: t });
      if (spike) daily.push(r);
      if (day >= 4 && r.isAnomaly) laterAlarms++;
    }
    // The first days' spikes are reported; once four similar ones were seen in a week they are damped.
    expect(daily.slice(0, 4).every((r) => r.isAnomaly)).toBe(true);
    const later = daily.slice(4);
    expect(later.every((r) => !r.isAnomaly && r.recurring! >= 4)).toBe(true);
    // The change detectors' echo of a damped spike is damped too: nothing alarms on those days.
    expect(laterAlarms).toBe(0);
    expect(explain('cpu', 'web-1', 61, later[0]!)).toMatch(/^cpu 61 is far above the [\d.]+–[\d.]+ range of the last 2 days on web-1 \([\d.]+ std\); a recurring spike \(\d similar ones in the last 7 days\), score halved$/);
    // A clearly larger spike is news.
    for (let i = 0; i < 40; i++, t += step) observe(state, { value: 10 + rand() * 2, timestamp: t });
    const big = observe(state, { value: 150, timestamp: t });
    expect(big.isAnomaly).toBe(true);
    expect(big.recurring).toBeUndefined();
    expect(JSON.stringify(state).length).toBeLessThan(16_384);
  });

  it('resumes from a checkpoint written before recurring spikes were remembered', () => {
    const state = newSeriesState();
    for (let i = 0; i < 400; i++) observe(state, { value: 10 + (i % 5), timestamp: start + i * 60_000 });
    const { recent: _r, echo: _e, ...old } = state;
    const restored = JSON.parse(JSON.stringify(old)) as typeof state;
    expect(observe(restored, { value: 100, timestamp: start + 401 * 60_000 }).isAnomaly).toBe(true);
    expect(restored.recent).toHaveLength(1);
  });
});
