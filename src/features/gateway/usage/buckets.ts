/** Time buckets of the usage analytics, computed with integer arithmetic on epoch milliseconds (UTC). */
export type Interval = 'minute' | 'hour' | 'day' | 'week' | 'month';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** 1970-01-05 was a Monday: weeks start on Monday (ISO 8601). */
export const MONDAY_OFFSET = 4 * DAY;

/** Fixed-size buckets SQL can compute as `t - ((t - offset) % size)`; months are folded from days in code. */
export function sqlBucket(interval: Interval): { size: number; offset: number } {
  switch (interval) {
    case 'minute':
      return { size: MINUTE, offset: 0 };
    case 'hour':
      return { size: HOUR, offset: 0 };
    case 'day':
    case 'month':
      return { size: DAY, offset: 0 };
    case 'week':
      return { size: WEEK, offset: MONDAY_OFFSET };
  }
}

export function bucketStart(interval: Interval, t: number): number {
  if (interval === 'month') {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }
  const { size, offset } = sqlBucket(interval);
  const shifted = t - offset;
  return t - (((shifted % size) + size) % size);
}

export function nextBucket(interval: Interval, start: number): number {
  if (interval === 'month') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return start + sqlBucket(interval).size;
}

/** Bucket starts covering [from, to], or null when there would be more than `max`. */
export function bucketRange(interval: Interval, from: number, to: number, max: number): number[] | null {
  const starts: number[] = [];
  for (let b = bucketStart(interval, from); b <= to; b = nextBucket(interval, b)) {
    if (starts.length >= max) return null;
    starts.push(b);
  }
  return starts;
}

export interface BucketTotals {
  bucket: number;
  requests: number;
  success: number;
  durationUs: number;
}

export interface DataPoint {
  timestamp: string;
  requests: number;
  success_count: number;
  error_count: number;
  average_response_time: number;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Folds SQL rows into every bucket of the range (empty buckets included) and the overall figures. */
export function summarize(interval: Interval, starts: number[], rows: BucketTotals[]) {
  const byStart = new Map<number, BucketTotals>();
  for (const row of rows) {
    const start = bucketStart(interval, row.bucket);
    const into = byStart.get(start) ?? { bucket: start, requests: 0, success: 0, durationUs: 0 };
    into.requests += row.requests;
    into.success += row.success;
    into.durationUs += row.durationUs;
    byStart.set(start, into);
  }
  let requests = 0;
  let success = 0;
  let durationUs = 0;
  const dataPoints: DataPoint[] = starts.map((start) => {
    const t = byStart.get(start) ?? { bucket: start, requests: 0, success: 0, durationUs: 0 };
    requests += t.requests;
    success += t.success;
    durationUs += t.durationUs;
    return {
      timestamp: new Date(start).toISOString(),
      requests: t.requests,
      success_count: t.success,
      error_count: t.requests - t.success,
      average_response_time: t.requests ? round2(t.durationUs / t.requests / 1000) : 0,
    };
  });
  return {
    total_requests: requests,
    success_rate: requests ? round2((success / requests) * 100) : 0,
    average_response_time: requests ? round2(durationUs / requests / 1000) : 0,
    data_points: dataPoints,
  };
}
