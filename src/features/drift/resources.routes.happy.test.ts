import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { findResource } from './testing/drift-test-helpers';

let app: TestApp;
let admin: Session;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

const get = (url: string, session = admin) => app.app.inject({ method: 'GET', url, headers: session.headers });

describe('live inventory of the default organization (example workspace)', () => {
  it('lists the workspace inventory with filters and pagination', async () => {
    const all = json(await get('/api/v1/resources?limit=1000')).data;
    expect(all.total).toBe(22);
    expect(all.resources[0]).toMatchObject({ provider: 'snapshot', id: expect.any(String), tags: expect.any(Object), region: expect.any(String) });
    const instances = json(await get('/api/v1/resources?type=aws_instance')).data;
    expect(instances.total).toBe(6);
    const prod = json(await get('/api/v1/resources?tags=Environment:production&limit=5&offset=5')).data;
    expect(prod).toMatchObject({ total: 13, limit: 5, offset: 5 });
    expect(prod.resources).toHaveLength(5);
    expect(prod.resources.every((r: any) => r.tags.Environment === 'production')).toBe(true);
    expect(json(await get('/api/v1/resources?region=eu-west-3')).data.total).toBe(0);
  });

  it('searches with ranking: exact name first, then prefixes', async () => {
    const res = json(await get('/api/v1/resources/search?q=prod-web')).data;
    expect(res.query).toBe('prod-web');
    expect(res.resources.map((r: any) => r.name).slice(0, 3)).toEqual(['prod-web-1', 'prod-web-sg', 'prod-web-alb']);
    const exact = json(await get('/api/v1/resources/search?q=prod-web-sg')).data;
    expect(exact.resources[0].name).toBe('prod-web-sg');
    expect(json(await get('/api/v1/resources/search?q=bucket%20staging')).data.resources.map((r: any) => r.name)).toContain('vigil-example-staging-assets');
  });

  it('shows one resource with attributes, cost and compliance (by Vigil id or provider id)', async () => {
    const web = await findResource(app, admin.headers, 'i-0a1b2c3d4e5f60001');
    const detail = json(await get(`/api/v1/resources/${web.id}`)).data;
    expect(detail).toMatchObject({ id: web.id, type: 'aws_instance', name: 'prod-web-1', attributes: { instance_type: 't3.large' }, cost: { currency: 'USD' } });
    expect(detail.cost.monthly).toBeGreaterThan(60);
    expect(detail.compliance.status).toBe('compliant');
    expect(json(await get('/api/v1/resources/i-0a1b2c3d4e5f60001')).data.id).toBe(web.id);
  });

  it('estimates cost from the shipped price table with an honest trend', async () => {
    const nat = await findResource(app, admin.headers, 'nat-0e1f2a3b4c5d60041');
    const cost = json(await get(`/api/v1/resources/${nat.id}/cost`)).data;
    expect(cost).toMatchObject({ resource_id: nat.id, cost: { current_month: 32.85, yearly: 394.2, currency: 'USD', last_month: null }, breakdown: { compute: 0, storage: 0, network: 32.85 } });
    expect(cost.trend).toBe('unknown');
    expect(cost.price_source).toMatch(/us-east-1/);
    expect(cost.price_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(cost.history).toHaveLength(1);
  });

  it('runs compliance checks on attributes', async () => {
    const db = await findResource(app, admin.headers, 'db-ABCDEFGHIJKLMNOPQRSTUVWXY1');
    const good = json(await get(`/api/v1/resources/${db.id}/compliance`)).data;
    expect(good).toMatchObject({ resource_id: db.id, overall_status: 'compliant', score: 100 });
    expect(good.checks.find((c: any) => c.id === 'VGL-ENC-003')).toMatchObject({ status: 'pass', name: 'rds_storage_encrypted' });
    const bucket = await findResource(app, admin.headers, 'vigil-example-tmp-exports');
    const bad = json(await get(`/api/v1/resources/${bucket.id}/compliance`)).data;
    expect(bad.overall_status).toBe('non_compliant');
    expect(bad.checks.filter((c: any) => c.status === 'fail').map((c: any) => c.id).sort()).toEqual(['VGL-BAK-002', 'VGL-ENC-002', 'VGL-NET-003', 'VGL-TAG-001']);
    expect(bad.score).toBe(0);
  });

  it('replaces tags on the live side and records them', async () => {
    const bucket = await findResource(app, admin.headers, 'vigil-example-staging-assets');
    const res = await app.app.inject({ method: 'PUT', url: `/api/v1/resources/${bucket.id}/tags`, headers: admin.headers, payload: { tags: { Environment: 'staging', Owner: 'team-alpha' } } });
    expect(res.statusCode).toBe(200);
    expect(json(res).data.tags).toEqual({ Environment: 'staging', Owner: 'team-alpha' });
    expect(json(await get(`/api/v1/resources/${bucket.id}`)).data.tags).toEqual({ Environment: 'staging', Owner: 'team-alpha' });
  });
});

describe('inventory pushed by a collector', () => {
  it('validates, upserts and scopes items to the organization', async () => {
    const user = await registerUser(app, { organization: 'collector-org' });
    const payload = {
      accountId: '210987654321',
      items: [
        { resourceType: 'AWS::EC2::Instance', resourceId: 'i-push1', awsRegion: 'eu-west-1', tags: [{ key: 'Name', value: 'pushed-1' }, { key: 'Environment', value: 'dev' }], configuration: { instanceType: 't3.micro', state: { name: 'running' } } },
        { type: 'aws_s3_bucket', resourceId: 'pushed-bucket', region: 'eu-west-1', attributes: { bucket: 'pushed-bucket', versioning: [{ enabled: true }] }, usage: { storage_gb: 100 } },
      ],
    };
    const first = await app.app.inject({ method: 'POST', url: '/api/v1/inventory', headers: user.headers, payload });
    expect(first.statusCode).toBe(200);
    expect(json(first).data).toMatchObject({ received: 2, changed: 2, unchanged: 0 });
    const again = json(await app.app.inject({ method: 'POST', url: '/api/v1/inventory', headers: user.headers, payload })).data;
    expect(again).toMatchObject({ changed: 0, unchanged: 2 });
    const list = json(await get('/api/v1/resources', user)).data;
    expect(list.total).toBe(2);
    const instance = list.resources.find((r: any) => r.type === 'aws_instance');
    expect(instance).toMatchObject({ name: 'pushed-1', region: 'eu-west-1', account_id: '210987654321', status: 'running' });
    const bucket = list.resources.find((r: any) => r.type === 'aws_s3_bucket');
    expect(json(await get(`/api/v1/resources/${bucket.id}/cost`, user)).data.cost.current_month).toBe(2.3);
    const replaced = json(await app.app.inject({ method: 'POST', url: '/api/v1/inventory', headers: user.headers, payload: { replace: true, items: [payload.items[1]] } })).data;
    expect(replaced.removed).toBe(1);
    expect(json(await get('/api/v1/resources', user)).data.total).toBe(1);
  });
});
