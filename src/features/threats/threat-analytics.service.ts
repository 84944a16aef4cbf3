import type { Clock } from '../../lib/clock';
import { badRequest } from '../../lib/errors';
import { round } from './agents';
import type { ThreatsRepository } from './threats.repository';

export const METRICS = ['response_time', 'detection_rate', 'threat_count', 'false_positive_rate', 'impact'] as const;
export type MetricName = (typeof METRICS)[number];
export const INTERVALS = ['hour', 'day', 'week'] as const;
export type Interval = (typeof INTERVALS)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const UNITS: Record<MetricName, string> = {
  response_time: 'seconds',
  detection_rate: 'ratio',
  threat_count: 'count',
  false_positive_rate: 'ratio',
  impact: 'usd',
};
const MAX_BUCKETS = 5_000;

/** Start of the UTC day / ISO week (Monday) / hour containing `ms`. */
export function bucketStart(ms: number, interval: Interval): number {
  if (interval === 'hour') return Math.floor(ms / HOUR) * HOUR;
  const day = Math.floor(ms / DAY) * DAY;
  if (interval === 'day') return day;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday = 0
  return day - weekday * DAY;
}
const step = (interval: Interval) => (interval === 'hour' ? HOUR : interval === 'day' ? DAY : 7 * DAY);

/** Linear-interpolated percentile of sorted values (the "linear" method of numpy and most spreadsheets). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function statistics(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { count: 0, min: null, max: null, avg: null, p50: null, p95: null, p99: null };
  const r = (v: number) => round(v, 4);
  return {
    count: sorted.length,
    min: r(sorted[0]!),
    max: r(sorted[sorted.length - 1]!),
    avg: r(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p50: r(percentile(sorted, 50)),
    p95: r(percentile(sorted, 95)),
    p99: r(percentile(sorted, 99)),
  };
}

/** Dashboard and time series computed from the stored threats, playbooks and line counts. */
export function createThreatAnalyticsService(deps: { repo: ThreatsRepository; clock: Clock }) {
  const { repo, clock } = deps;

  return {
    async dashboard(organizationId: string, includeSimulated: boolean) {
      const now = clock.now();
      const dayStart = bucketStart(now, 'day');
      const weekStart = bucketStart(now, 'week');
      const [week, mitigatedWeek] = await Promise.all([
        repo.threatsBetween(organizationId, weekStart, now, includeSimulated),
        repo.mitigatedBetween(organizationId, weekStart, now, includeSimulated),
      ]);
      const today = week.filter((t) => Number(t.detected_at) >= dayStart);
      const mitigatedToday = mitigatedWeek.filter((t) => Number(t.mitigated_at) >= dayStart);
      const responseSeconds = (rows: typeof mitigatedWeek) => rows.map((t) => (Number(t.mitigated_at) - Number(t.detected_at)) / 1000);
      const avg = (values: number[]) => (values.length === 0 ? null : round(values.reduce((a, b) => a + b, 0) / values.length, 3));
      const weekGenuine = week.filter((t) => t.status !== 'false_positive');
      const counts = new Map<string, number>();
      for (const threat of week) counts.set(threat.threat_type, (counts.get(threat.threat_type) ?? 0) + 1);
      return {
        today: {
          threats_detected: today.length,
          threats_mitigated: mitigatedToday.length,
          false_positives: today.filter((t) => t.status === 'false_positive').length,
          avg_response_time_s: avg(responseSeconds(mitigatedToday)),
          total_impact_prevented_usd: mitigatedToday.reduce((sum, t) => sum + Number(t.impact_usd), 0),
        },
        this_week: {
          threats_detected: week.length,
          threats_mitigated: mitigatedWeek.length,
          false_positives: week.length - weekGenuine.length,
          success_rate: weekGenuine.length === 0 ? null : round(weekGenuine.filter((t) => t.status === 'mitigated').length / weekGenuine.length, 4),
          avg_response_time_s: avg(responseSeconds(mitigatedWeek)),
          total_impact_prevented_usd: mitigatedWeek.reduce((sum, t) => sum + Number(t.impact_usd), 0),
        },
        top_threats: [...counts.entries()]
          .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
          .slice(0, 10)
          .map(([type, count]) => ({ type, count })),
        window: { today_from: new Date(dayStart).toISOString(), week_from: new Date(weekStart).toISOString(), to: new Date(now).toISOString() },
        include_simulated: includeSimulated,
      };
    },

    async metrics(organizationId: string, input: { metric: MetricName; from?: number; to?: number; interval: Interval; includeSimulated: boolean }) {
      const to = input.to ?? clock.now();
      const from = input.from ?? to - 7 * DAY;
      if (from > to) throw badRequest('from_date must be before to_date', [{ field: 'querystring.from_date', message: 'must be before to_date' }]);
      const first = bucketStart(from, input.interval);
      const size = step(input.interval);
      const bucketCount = Math.floor((to - first) / size) + 1;
      if (bucketCount > MAX_BUCKETS) throw badRequest(`The range holds ${bucketCount} ${input.interval}s; at most ${MAX_BUCKETS} data points per request (use a wider interval)`);
      const buckets = Array.from({ length: bucketCount }, (_, i) => ({ start: first + i * size, values: [] as number[], a: 0, b: 0 }));
      const at = (ms: number) => buckets[Math.floor((bucketStart(ms, input.interval) - first) / size)];
      let samples: number[] | null = null;

      if (input.metric === 'response_time') {
        samples = [];
        for (const t of await repo.mitigatedBetween(organizationId, from, to, input.includeSimulated)) {
          const seconds = (Number(t.mitigated_at) - Number(t.detected_at)) / 1000;
          at(Number(t.mitigated_at))?.values.push(seconds);
          samples.push(seconds);
        }
      } else if (input.metric === 'detection_rate') {
        for (const row of await repo.lineCounts(organizationId, from, to, input.includeSimulated)) {
          const bucket = Number(row.hour) >= first ? at(Number(row.hour)) : undefined;
          if (bucket) {
            bucket.a += Number(row.threats);
            bucket.b += Number(row.lines);
          }
        }
      } else {
        for (const t of await repo.threatsBetween(organizationId, from, to, input.includeSimulated)) {
          const bucket = at(Number(t.detected_at));
          if (!bucket) continue;
          bucket.b += 1;
          if (input.metric === 'impact') bucket.a += Number(t.impact_usd);
          if (input.metric === 'false_positive_rate' && t.status === 'false_positive') bucket.a += 1;
        }
      }

      const dataPoints = buckets.map((bucket) => {
        let value: number | null;
        if (input.metric === 'response_time') value = bucket.values.length ? bucket.values.reduce((x, y) => x + y, 0) / bucket.values.length : null;
        else if (input.metric === 'threat_count') value = bucket.b;
        else if (input.metric === 'impact') value = bucket.a;
        else value = bucket.b > 0 ? bucket.a / bucket.b : null;
        return { timestamp: new Date(bucket.start).toISOString(), value: value === null ? null : round(value, 4) };
      });
      const values = samples ?? dataPoints.map((p) => p.value).filter((v): v is number => v !== null);
      return {
        metric: input.metric,
        unit: UNITS[input.metric],
        interval: input.interval,
        from_date: new Date(from).toISOString(),
        to_date: new Date(to).toISOString(),
        include_simulated: input.includeSimulated,
        data_points: dataPoints,
        statistics: statistics(values),
      };
    },
  };
}

export type ThreatAnalyticsService = ReturnType<typeof createThreatAnalyticsService>;
