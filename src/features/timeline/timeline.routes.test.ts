import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';
import { findResource, waitForResult } from '../drift/testing/drift-test-helpers';

let app: TestApp;
let admin: Session;

beforeAll(async () => {
  app = await createTestApp({ config: { backgroundJobs: true } });
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

const get = (url: string, session = admin) => app.app.inject({ method: 'GET', url, headers: session.headers });

describe('resource timeline', () => {
  it('shows drift, anomalies whose event names the resource, threats on its IP and state operations, newest first', async () => {
    const web = await findResource(app, admin.headers, 'i-0a1b2c3d4e5f60001');
    await app.app.inject({ method: 'PUT', url: `/api/v1/resources/${web.id}/tags`, headers: admin.headers, payload: { tags: { ...web.tags, Environment: 'staging' } } });
    const accepted = json(await app.app.inject({ method: 'POST', url: '/api/v1/drift/detect', headers: admin.headers, payload: { resource_id: web.id } })).data;
    await waitForResult(app, admin.headers, accepted.result_id);

    // an anomaly whose event metadata names the instance, after 24 steady points
    const start = Date.now() - 30 * 60_000;
    const events = Array.from({ length: 24 }, (_, i) => ({ type: 'metric', source: 'node-exporter', name: 'cpu', value: 40 + (i % 3), timestamp: new Date(start + i * 60_000).toISOString(), metadata: { instance: 'i-0a1b2c3d4e5f60001' } }));
    events.push({ type: 'metric', source: 'node-exporter', name: 'cpu', value: 400, timestamp: new Date(start + 25 * 60_000).toISOString(), metadata: { instance: 'i-0a1b2c3d4e5f60001' } });
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: admin.headers, payload: { events } })).statusCode).toBeLessThan(300);

    const timeline = json(await get(`/api/v1/resources/${web.id}/timeline`)).data;
    expect(timeline.resource).toMatchObject({ id: web.id, resource_id: 'i-0a1b2c3d4e5f60001' });
    const drift = timeline.entries.find((e: any) => e.engine === 'drift' && e.id === accepted.result_id);
    expect(drift.title).toContain('tags.Environment changed');
    const anomaly = timeline.entries.find((e: any) => e.engine === 'anomaly');
    expect(anomaly).toMatchObject({ kind: 'metric', suppressed_by: null });
    const times = timeline.entries.map((e: any) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('answers 404 for an unknown resource and 400 for a bad limit', async () => {
    const unknown = await get('/api/v1/resources/does-not-exist/timeline');
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).error.code).toBe('RESOURCE_NOT_FOUND');
    expect((await get('/api/v1/resources/x/timeline?limit=0')).statusCode).toBe(400);
    expect((await get('/api/v1/resources/x/timeline?limit=abc')).statusCode).toBe(400);
  });

  it("another organization's resource answers like an unknown one", async () => {
    const web = await findResource(app, admin.headers, 'i-0a1b2c3d4e5f60001');
    const stranger = await registerUser(app, { organization: 'Elsewhere' });
    const foreign = await get(`/api/v1/resources/${web.id}/timeline`, stranger);
    const unknown = await get('/api/v1/resources/00000000-0000-4000-8000-000000000000/timeline', stranger);
    expect(foreign.statusCode).toBe(404);
    expect(json(foreign).error).toEqual(json(unknown).error);
  });

  securitySuite(() => app, [{ method: 'GET', url: '/api/v1/resources/00000000-0000-4000-8000-000000000000/timeline' }]);
});
