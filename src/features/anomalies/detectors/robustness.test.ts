import { describe, expect, it } from 'vitest';
import { explain, newSeriesState, observe, type PointScore } from './series';

const start = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;

function finite(result: PointScore) {
  return [result.score, result.deviation, result.expected].every(Number.isFinite);
}

describe('series detector on bad input', () => {
  it('never returns a NaN or infinite score for constant, huge, non-finite or out-of-order values', () => {
    const cases: Record<string, number[]> = {
      constant: Array.from({ length: 400 }, () => 7),
      zero: Array.from({ length: 400 }, () => 0),
      huge: Array.from({ length: 400 }, (_, i) => (i % 2 ? 1e300 : -1e300)),
      nearMax: Array.from({ length: 400 }, (_, i) => (i === 300 ? Number.MAX_VALUE : i % 5)),
      nonFinite: Array.from({ length: 400 }, (_, i) => (i % 50 === 0 ? Number.NaN : i % 70 === 0 ? Number.POSITIVE_INFINITY : i % 3)),
    };
    for (const [name, values] of Object.entries(cases)) {
      for (const log of [false, true]) {
        const state = newSeriesState({ log });
        values.forEach((value, i) => {
          const result = observe(state, { value, timestamp: start + i * MIN });
          expect(finite(result), `${name}${log ? ' (log)' : ''} point ${i}: ${JSON.stringify(result)}`).toBe(true);
          expect(result.score).toBeGreaterThanOrEqual(0);
          expect(result.score).toBeLessThanOrEqual(1);
          expect(explain('m', 's', value, result)).not.toMatch(/NaN/);
        });
        expect(JSON.stringify(state)).not.toMatch(/null|NaN/);
      }
    }
  });

  it('takes duplicate, out-of-order and far-apart timestamps without breaking', () => {
    const state = newSeriesState();
    const times = [0, 0, 5, 3, 3, 1e6, 2, 1e9, 7];
    for (let k = 0; k < 60; k++) for (const t of times) expect(finite(observe(state, { value: 10 + (k % 3), timestamp: start + t * MIN }))).toBe(true);
  });

  it('says a new series is learning instead of quoting the statistics of an empty baseline', () => {
    const state = newSeriesState();
    observe(state, { value: 40, timestamp: start });
    observe(state, { value: 41, timestamp: start + MIN });
    const third = observe(state, { value: 42, timestamp: start + 2 * MIN });
    expect(explain('cpu', 'server-01', 42, third)).toBe('cpu on server-01: learning: 3 of 30 points seen (value 42)');
  });
});
