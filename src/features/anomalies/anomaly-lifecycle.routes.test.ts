import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../test/support/http';
import type { VigilEvent } from '../../events/catalogue';
import { streaksAfter } from './anomaly-lifecycle';

let app: TestApp;
let admin: Session;
const published: VigilEvent[] = [];

beforeAll(async () => {
  app = await createTestApp({ config: { anomalyAutoResolvePoints: 250 } });
  admin = await loginAdmin(app);
  app.core.bus.subscribe('*', (event) => void published.push(event));
});
afterAll(async () => app?.teardown());

let minute = 0;
const start = Date.now() - 3 * 3_600_000;
const point = (value: number) => ({ type: 'metric', source: 'db-1', name: 'qps', value, timestamp: new Date(start + minute++ * 60_000).toISOString() });
const ingest = async (values: number[]) => {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: admin.headers, payload: { events: values.map(point) } });
  expect(res.statusCode, res.body).toBeLessThan(300);
};
const rows = () => app.core.db.selectFrom('anomalies').select(['id', 'status', 'suppressed_by', 'resolution', 'resolved_at']).where('source', '=', 'db-1').orderBy('detected_at').execute();

describe('acknowledge until resolved, and auto-resolve', () => {
  it('counts normal points in a row per series', () => {
    const streaks = streaksAfter([{ seriesKey: 'a', isAnomaly: false }, { seriesKey: 'a', isAnomaly: true }, { seriesKey: 'a', isAnomaly: false }, { seriesKey: 'b', isAnomaly: false }], new Map([['b', 3]]));
    expect(Object.fromEntries(streaks)).toEqual({ a: 1, b: 4 });
  });

  it('an acknowledged anomaly does not notify again while open; the series back to normal resolves both', async () => {
    await ingest(Array.from({ length: 24 }, (_, i) => 100 + (i % 3)));
    await ingest([1000]);
    const [first] = await rows();
    expect(first).toMatchObject({ status: 'open', suppressed_by: null });
    const ack = await app.app.inject({ method: 'PATCH', url: `/v1/alerts/${first!.id}/acknowledge`, headers: admin.headers, payload: {} });
    expect(ack.statusCode, ack.body).toBe(200);

    published.length = 0;
    const normal = (n: number) => Array.from({ length: n }, (_, i) => 100 + (i % 3));
    await ingest([...normal(200), 1_000_000]);
    const second = (await rows())[1]!;
    expect(second.suppressed_by).toBe(`acknowledged:${first!.id}`);
    expect(published.filter((e) => e.type === 'anomaly.detected')).toHaveLength(0);

    await ingest(normal(100));
    expect((await rows()).every((r) => r.status !== 'resolved')).toBe(true);
    // the detector may flag a point or two while it re-learns after the spike; each resets the count
    for (let batch = 0; batch < 20 && (await rows()).some((r) => r.status !== 'resolved'); batch++) await ingest(normal(50));
    const after = await rows();
    for (const row of after) {
      expect(row.status).toBe('resolved');
      const points = Number(/normal range for (\d+) points in a row/.exec(row.resolution ?? '')?.[1]);
      expect(points).toBeGreaterThanOrEqual(250);
      expect(row.suppressed_by === null || row.suppressed_by === `acknowledged:${first!.id}`).toBe(true);
    }
    expect(published.filter((e) => e.type === 'anomaly.resolved').map((e) => e.data.anomaly_id).sort()).toEqual(after.map((r) => r.id).sort());
  });
});
