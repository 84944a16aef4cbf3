import { describe, expect, it } from 'vitest';
import { bucketStart, percentile, statistics } from './threat-analytics.service';

describe('analytics arithmetic', () => {
  it('percentiles interpolate linearly between ranks', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5.5);
    expect(percentile(sorted, 95)).toBeCloseTo(9.55, 10);
    expect(percentile([7], 99)).toBe(7);
  });

  it('statistics of nothing are null, of values their min/max/avg/percentiles', () => {
    expect(statistics([]).avg).toBeNull();
    expect(statistics([3, 1, 2])).toMatchObject({ count: 3, min: 1, max: 3, avg: 2, p50: 2 });
  });

  it('weeks start on Monday 00:00 UTC', () => {
    const wednesday = Date.parse('2026-01-07T15:30:00Z');
    expect(new Date(bucketStart(wednesday, 'week')).toISOString()).toBe('2026-01-05T00:00:00.000Z');
    expect(new Date(bucketStart(wednesday, 'day')).toISOString()).toBe('2026-01-07T00:00:00.000Z');
    expect(new Date(bucketStart(wednesday, 'hour')).toISOString()).toBe('2026-01-07T15:00:00.000Z');
  });
});
