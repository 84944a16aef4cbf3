import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { createAnomaly, createDriftResult, createThreat } from './findings.test-helpers';

let app: TestApp;
let admin: Session;
let anomaly: any;
let threat: any;
let drift: any;

beforeAll(async () => {
  // Drift jobs run on the in-process queue, which needs background jobs.
  app = await createTestApp({ config: { backgroundJobs: true, driftScanIntervalSeconds: 0 } as never });
  admin = await loginAdmin(app);
  anomaly = await createAnomaly(app, admin, 'web-1');
  threat = await createThreat(app, admin, '203.0.113.50');
  drift = await createDriftResult(app, admin);
});
afterAll(async () => app?.teardown());

const list = async (query = '', session = admin) => {
  const res = await app.app.inject({ method: 'GET', url: `/api/v1/findings${query}`, headers: session.headers });
  expect(res.statusCode, res.body).toBe(200);
  return json(res).data;
};

describe('GET /api/v1/findings', () => {
  it('lists anomalies, threats and drift results together, newest first, with every field', async () => {
    const page = await list();
    expect(page.total).toBe(3);
    expect(page).toMatchObject({ page: 1, size: 20 });
    const engines = page.items.map((f: any) => f.engine).sort();
    expect(engines).toEqual(['anomaly', 'drift', 'threat']);
    const times = page.items.map((f: any) => Date.parse(f.detected_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const a = page.items.find((f: any) => f.engine === 'anomaly');
    expect(a).toEqual({ engine: 'anomaly', id: anomaly.id, title: 'Unusual cpu on web-1', severity: anomaly.severity, status: 'open', detected_at: anomaly.detected_at, resource_id: null, suppressed_by: null });
    const t = page.items.find((f: any) => f.engine === 'threat');
    expect(t).toMatchObject({ id: threat.threat_id, title: 'Brute force attack from 203.0.113.50', severity: 'high', status: 'detected' });
    const d = page.items.find((f: any) => f.engine === 'drift');
    expect(d).toMatchObject({ id: drift.id, status: 'completed', suppressed_by: null });
    expect(d.title).toBe(`${drift.drift_count} drifted fields across the infrastructure`);
    expect(['critical', 'high', 'medium', 'low']).toContain(d.severity);
  });

  it('filters by engine, severity, status and resource id', async () => {
    expect((await list('?engine=threat')).items.map((f: any) => f.id)).toEqual([threat.threat_id]);
    expect((await list('?engine=drift')).items.map((f: any) => f.id)).toEqual([drift.id]);
    expect((await list('?severity=high&engine=threat')).total).toBe(1);
    expect((await list('?severity=low&engine=threat')).total).toBe(0);
    expect((await list('?status=open')).items.map((f: any) => f.engine)).toEqual(['anomaly']);
    expect((await list('?resource_id=nothing-here')).total).toBe(0);
    const drifted = await list(`?severity=${(await list('?engine=drift')).items[0].severity}&engine=drift`);
    expect(drifted.total).toBe(1);
    expect((await list('?include_suppressed=true')).total).toBe(3);
  });

  it('paginates: pages do not overlap and the total stays', async () => {
    const first = await list('?size=2&page=1');
    const second = await list('?size=2&page=2');
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(1);
    expect(first.total).toBe(3);
    const ids = [...first.items, ...second.items].map((f: any) => f.id);
    expect(new Set(ids).size).toBe(3);
    expect((await list('?size=2&page=3')).items).toEqual([]);
  });

  it("another organization's findings are not listed", async () => {
    const other = await registerUser(app, { organization: 'elsewhere' });
    expect(await list('', other)).toMatchObject({ items: [], total: 0 });
  });
});
