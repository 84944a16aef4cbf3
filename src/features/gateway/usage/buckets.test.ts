import { describe, expect, it } from 'vitest';
import { bucketRange, bucketStart, summarize } from './buckets';

const at = (iso: string) => Date.parse(iso);

describe('bucketStart', () => {
  it('truncates to the UTC minute, hour and day', () => {
    const t = at('2026-03-18T13:47:29.500Z');
    expect(new Date(bucketStart('minute', t)).toISOString()).toBe('2026-03-18T13:47:00.000Z');
    expect(new Date(bucketStart('hour', t)).toISOString()).toBe('2026-03-18T13:00:00.000Z');
    expect(new Date(bucketStart('day', t)).toISOString()).toBe('2026-03-18T00:00:00.000Z');
  });
  it('starts weeks on Monday and months on the first', () => {
    expect(new Date(bucketStart('week', at('2026-03-18T13:00:00Z'))).toISOString()).toBe('2026-03-16T00:00:00.000Z'); // a Wednesday
    expect(new Date(bucketStart('week', at('2026-03-16T00:00:00Z'))).toISOString()).toBe('2026-03-16T00:00:00.000Z');
    expect(new Date(bucketStart('week', at('2026-03-15T23:59:59Z'))).toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(new Date(bucketStart('month', at('2026-02-28T23:00:00Z'))).toISOString()).toBe('2026-02-01T00:00:00.000Z');
  });
});

describe('bucketRange', () => {
  it('covers the range including partial first and last buckets', () => {
    const range = bucketRange('hour', at('2026-01-01T10:30:00Z'), at('2026-01-01T12:10:00Z'), 100)!;
    expect(range.map((b) => new Date(b).toISOString().slice(11, 16))).toEqual(['10:00', '11:00', '12:00']);
    expect(bucketRange('month', at('2026-01-15T00:00:00Z'), at('2026-03-01T00:00:00Z'), 100)!.length).toBe(3);
  });
  it('refuses ranges with too many buckets', () => {
    expect(bucketRange('minute', 0, 86_400_000 * 30, 1000)).toBeNull();
  });
});

describe('summarize', () => {
  it('folds day rows into months, fills empty buckets and computes rates', () => {
    const starts = bucketRange('month', at('2026-01-01T00:00:00Z'), at('2026-03-31T00:00:00Z'), 10)!;
    const rows = [
      { bucket: at('2026-01-03T00:00:00Z'), requests: 3, success: 3, durationUs: 3000 },
      { bucket: at('2026-01-20T00:00:00Z'), requests: 1, success: 0, durationUs: 5000 },
      { bucket: at('2026-03-02T00:00:00Z'), requests: 4, success: 3, durationUs: 4000 },
    ];
    const result = summarize('month', starts, rows);
    expect(result.total_requests).toBe(8);
    expect(result.success_rate).toBe(75);
    expect(result.average_response_time).toBe(1.5);
    expect(result.data_points.map((p) => [p.timestamp.slice(0, 7), p.requests, p.error_count, p.average_response_time])).toEqual([
      ['2026-01', 4, 1, 2],
      ['2026-02', 0, 0, 0],
      ['2026-03', 4, 1, 1],
    ]);
  });
});
