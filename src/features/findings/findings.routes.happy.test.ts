import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { createAnomaly, createDriftResult, createThreat } from './findings.test-helpers';

let app: TestApp;
let admin: Session;
let anomaly: any;
let threat: any;
let drift: any;
/** Threats the drift scan raised itself (an exposed security group in the example workspace). */
let driftThreats: any[];

beforeAll(async () => {
  // Drift jobs run on the in-process queue, which needs background jobs.
  app = await createTestApp({ config: { backgroundJobs: true, driftScanIntervalSeconds: 0 } as never });
  admin = await loginAdmin(app);
  anomaly = await createAnomaly(app, admin, 'web-1');
  threat = await createThreat(app, admin, '203.0.113.50');
  drift = await createDriftResult(app, admin);
  const threats = json(await app.app.inject({ method: 'GET', url: '/api/v1/threats?limit=100', headers: admin.headers })).data.threats;
  driftThreats = threats.filter((t: any) => t.id !== threat.threat_id);
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
    expect(page.total).toBe(3 + driftThreats.length);
    expect(page).toMatchObject({ page: 1, size: 20 });
    const engines = page.items.map((f: any) => f.engine).sort();
    expect(engines).toEqual(['anomaly', 'drift', ...driftThreats.map(() => 'threat'), 'threat']);
    const times = page.items.map((f: any) => Date.parse(f.detected_at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const a = page.items.find((f: any) => f.engine === 'anomaly');
    expect(a).toEqual({ engine: 'anomaly', id: anomaly.id, title: 'Unusual cpu on web-1', severity: anomaly.severity, status: 'open', detected_at: anomaly.detected_at, resource_id: null, suppressed_by: null });
    const t = page.items.find((f: any) => f.id === threat.threat_id);
    expect(t).toMatchObject({ id: threat.threat_id, title: 'Brute force attack from 203.0.113.50', severity: 'high', status: 'detected' });
    const d = page.items.find((f: any) => f.engine === 'drift');
    expect(d).toMatchObject({ id: drift.id, status: 'completed', suppressed_by: null });
    expect(d.title).toBe(`${drift.drift_count} drifted fields across the infrastructure`);
    expect(['critical', 'high', 'medium', 'low']).toContain(d.severity);
  });

  it('filters by engine, severity, status and resource id', async () => {
    expect((await list('?engine=threat')).items.map((f: any) => f.id).sort()).toEqual([threat.threat_id, ...driftThreats.map((t) => t.id)].sort());
    expect((await list('?engine=drift')).items.map((f: any) => f.id)).toEqual([drift.id]);
    const bySeverity = (severity: string) => 1 * Number(severity === 'high') + driftThreats.filter((t) => t.severity === severity).length;
    expect((await list('?severity=high&engine=threat')).total).toBe(bySeverity('high'));
    expect((await list('?severity=low&engine=threat')).total).toBe(bySeverity('low'));
    expect((await list('?status=open')).items.map((f: any) => f.engine)).toEqual(['anomaly']);
    expect((await list('?resource_id=nothing-here')).total).toBe(0);
    const drifted = await list(`?severity=${(await list('?engine=drift')).items[0].severity}&engine=drift`);
    expect(drifted.total).toBe(1);
    expect((await list('?include_suppressed=true')).total).toBe(3 + driftThreats.length);
  });

  it('hides a suppressed finding unless include_suppressed, and names the suppression', async () => {
    const created = await app.app.inject({
      method: 'POST', url: '/api/v1/suppressions', headers: admin.headers,
      payload: { engine: 'anomaly', match: { source: 'batch-9' }, reason: 'nightly batch window', expires_at: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(created.statusCode, created.body).toBe(201);
    const suppression = json(created).data;
    const silenced = await createAnomaly(app, admin, 'batch-9');
    expect((await list('?engine=anomaly')).items.map((f: any) => f.id)).not.toContain(silenced.id);
    const all = await list('?engine=anomaly&include_suppressed=true');
    expect(all.items.find((f: any) => f.id === silenced.id)).toMatchObject({ suppressed_by: suppression.id });
    await app.app.inject({ method: 'DELETE', url: `/api/v1/suppressions/${suppression.id}`, headers: admin.headers });
  });

  it('paginates: pages do not overlap and the total stays', async () => {
    const total = 3 + driftThreats.length;
    const pages = [];
    for (let page = 1; page <= Math.ceil(total / 2); page++) pages.push(await list(`?size=2&page=${page}`));
    expect(pages.every((p) => p.total === total)).toBe(true);
    expect(pages.slice(0, -1).every((p) => p.items.length === 2)).toBe(true);
    const ids = pages.flatMap((p) => p.items.map((f: any) => f.id));
    expect(new Set(ids).size).toBe(total);
    expect((await list(`?size=2&page=${pages.length + 1}`)).items).toEqual([]);
  });

  it("another organization's findings are not listed", async () => {
    const other = await registerUser(app, { organization: 'elsewhere' });
    expect(await list('', other)).toMatchObject({ items: [], total: 0 });
  });
});
