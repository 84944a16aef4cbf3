import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../../../test/support/http';
import { fixture } from '../testing/fixtures';
import { startFakeS3 } from '../testing/fake-s3';

vi.mock('../../../../app/features/drift', () => import('../testing/wire-state-only'));

let app: TestApp;
let admin: Session;
let fake: Awaited<ReturnType<typeof startFakeS3>>;

beforeAll(async () => {
  fake = await startFakeS3({ 'tf-states': { 'envs/prod.tfstate': fixture('web.tfstate') } });
  app = await createTestApp({ config: { terraformS3Buckets: 'tf-states/envs/', terraformS3Endpoint: fake.endpoint, terraformS3Region: 'eu-west-1' } });
  admin = await loginAdmin(app);
});
afterAll(async () => {
  await app.teardown();
  await fake.close();
});

describe('s3 backend end to end (AWS SDK against an S3-compatible server)', () => {
  it('a configured backend lists its states and state operations are written back with PutObject', async () => {
    const created = await app.app.inject({
      method: 'POST',
      url: '/api/v1/backends',
      headers: admin.headers,
      payload: { name: 'minio', type: 's3', config: { bucket: 'tf-states', prefix: 'envs/', region: 'eu-west-1', endpoint: fake.endpoint, access_key_id: 'AKIDTEST', secret_access_key: 'secret' } },
    });
    expect(created.statusCode).toBe(201);
    const backend = json(created).data;
    const list = json(await app.app.inject({ method: 'GET', url: `/api/v1/state/list?backend_id=${backend.id}`, headers: admin.headers })).data;
    expect(list.state_files).toHaveLength(1);
    const moved = await app.app.inject({
      method: 'POST',
      url: '/api/v1/state/move',
      headers: admin.headers,
      payload: { state_id: list.state_files[0].id, from_address: 'aws_instance.web_server', to_address: 'aws_instance.web' },
    });
    expect(moved.statusCode).toBe(200);
    const stored = JSON.parse(fake.objects.get('tf-states/envs/prod.tfstate')!.body);
    expect(stored.serial).toBe(13);
    expect(stored.resources.map((r: { name: string }) => r.name)).toContain('web');
    expect(fake.requests.some((r) => r.startsWith('PUT /tf-states/envs/prod.tfstate'))).toBe(true);
  });

  it('VIGIL_TERRAFORM_S3_BUCKETS is discovered for the default organization (credentials from the SDK chain)', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/backends/discover', headers: admin.headers, payload: { providers: ['aws'], regions: ['eu-west-1'] } });
    const data = json(res).data;
    expect(data.backends).toHaveLength(1);
    // The same bucket and prefix were configured above: discovery finds that backend instead of adding a duplicate.
    expect(data.backends[0]).toMatchObject({ type: 's3', config: { bucket: 'tf-states', prefix: 'envs/', region: 'eu-west-1' } });
    const all = json(await app.app.inject({ method: 'GET', url: '/api/v1/backends/list', headers: admin.headers })).data.backends;
    expect(all.filter((b: { type: string }) => b.type === 's3')).toHaveLength(1);
    const none = json(await app.app.inject({ method: 'POST', url: '/api/v1/backends/discover', headers: admin.headers, payload: { providers: ['aws'], regions: ['us-west-2'] } })).data;
    expect(none.discovered).toBe(0);
  });

  it('when the write-through fails the answer is 503 and the new version is withdrawn (a 2xx means committed)', async () => {
    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/state/list', headers: admin.headers })).data;
    const state = list.state_files.find((f: { path: string }) => f.path === 'envs/prod.tfstate');
    const before = json(await app.app.inject({ method: 'GET', url: `/api/v1/state/history?state_id=${state.id}`, headers: admin.headers })).data;
    fake.behaviour.failPuts = true;
    try {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/state/import', headers: admin.headers, payload: { state_id: state.id, resource_type: 'aws_eip', resource_name: 'ip', resource_id: 'eipalloc-9' } });
      expect(res.statusCode).toBe(503);
      expect(json(res).error).toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: 'S3 backend tf-states: store answered HTTP 500' });
    } finally {
      fake.behaviour.failPuts = false;
    }
    const after = json(await app.app.inject({ method: 'GET', url: `/api/v1/state/history?state_id=${state.id}`, headers: admin.headers })).data;
    expect(after.versions).toEqual(before.versions);
    const details = json(await app.app.inject({ method: 'GET', url: `/api/v1/state/details?state_id=${state.id}`, headers: admin.headers })).data;
    expect(details.serial).toBe(before.versions[0].serial);
    expect(details.resources.some((r: { type: string }) => r.type === 'aws_eip')).toBe(false);
  });
});
