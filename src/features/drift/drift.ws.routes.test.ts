import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser } from '../../../test/support/http';
import { connectWs } from '../../../test/support/ws';
import { findResource } from './testing/drift-test-helpers';

let app: TestApp;
let base: string;
beforeAll(async () => {
  app = await createTestApp({ config: { backgroundJobs: true } });
  base = (await app.app.listen({ port: 0, host: '127.0.0.1' })).replace('http', 'ws');
});
afterAll(async () => app?.teardown());

describe('/ws drift messages', () => {
  it('sends resource_update, drift_detection and remediation_update to the organization only', async () => {
    const admin = await loginAdmin(app);
    const stranger = await registerUser(app, { organization: 'ws-strangers' });
    const client = await connectWs(`${base}/ws`, { authorization: `Bearer ${admin.token}` });
    const foreign = await connectWs(`${base}/ws`, { authorization: `Bearer ${stranger.token}` });
    await client.next((m) => m.type === 'connection_established');
    await foreign.next((m) => m.type === 'connection_established');

    const api = await findResource(app, admin.headers, 'i-0a1b2c3d4e5f60002');
    await app.app.inject({ method: 'PUT', url: `/api/v1/resources/${api.id}/tags`, headers: admin.headers, payload: { tags: { ...api.tags, Owner: 'team-alpha' } } });
    const update = await client.next((m) => m.type === 'resource_update');
    expect(update.data).toMatchObject({ resource_id: api.id, action: 'updated', changes: { tags: { Owner: 'team-alpha' } } });

    const started = json(await app.app.inject({ method: 'POST', url: '/api/v1/drift/detect', headers: admin.headers, payload: { resource_id: api.id } })).data;
    const detection = await client.next((m) => m.type === 'drift_detection' && m.data.job_id === started.job_id);
    expect(detection.data).toMatchObject({ resource_id: api.id, status: 'completed', drift_detected: true, drift_count: 2 });
    const remediation = await client.next((m) => m.type === 'remediation_update' && m.data.job_id === started.job_id);
    expect(remediation.data).toMatchObject({ resource_id: api.id, status: 'planned', progress: 0, plan: { action: 'restore_tags' } });
    expect(remediation.data.plan.request.body.tags).toMatchObject({ Owner: 'api-team', Environment: 'production' });

    expect(foreign.messages.filter((m) => ['resource_update', 'drift_detection', 'remediation_update'].includes(m.type))).toEqual([]);
    client.close();
    foreign.close();
  });
});
