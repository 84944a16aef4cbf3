import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';
import { findResource, waitForResult } from './testing/drift-test-helpers';

let app: TestApp;
let admin: Session;

beforeAll(async () => {
  app = await createTestApp({ config: { backgroundJobs: true } });
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

const id = '00000000-0000-4000-8000-000000000000';

describe('drift and inventory routes require credentials', () => {
  securitySuite(() => app, [
    { method: 'POST', url: '/api/v1/inventory', payload: { items: [{ type: 'aws_s3_bucket', resourceId: 'b' }] } },
    { method: 'GET', url: '/api/v1/resources' },
    { method: 'GET', url: '/api/v1/resources/search?q=web' },
    { method: 'GET', url: `/api/v1/resources/${id}` },
    { method: 'PUT', url: `/api/v1/resources/${id}/tags`, payload: { tags: {} } },
    { method: 'GET', url: `/api/v1/resources/${id}/cost` },
    { method: 'GET', url: `/api/v1/resources/${id}/compliance` },
    { method: 'POST', url: '/api/v1/drift/detect', payload: {} },
    { method: 'GET', url: '/api/v1/drift/results' },
    { method: 'GET', url: `/api/v1/drift/results/${id}` },
    { method: 'DELETE', url: `/api/v1/drift/results/${id}` },
    { method: 'GET', url: '/api/v1/drift/history' },
    { method: 'GET', url: '/api/v1/drift/summary' },
    { method: 'GET', url: '/api/v1/drift/ignore' },
    { method: 'PUT', url: '/api/v1/drift/ignore', payload: { rules: [] } },
  ]);
});

describe('another organization gets the same 404 as an unknown id', () => {
  let outsider: Session;
  let resourceId: string;
  let resultId: string;

  beforeAll(async () => {
    outsider = await registerUser(app, { organization: 'outsiders' });
    resourceId = (await findResource(app, admin.headers, 'i-0a1b2c3d4e5f60001')).id;
    const started = json(await app.app.inject({ method: 'POST', url: '/api/v1/drift/detect', headers: admin.headers, payload: { resource_id: resourceId } })).data;
    resultId = (await waitForResult(app, admin.headers, started.result_id)).id;
  });

  const compare = async (method: 'GET' | 'PUT' | 'POST' | 'DELETE', foreignUrl: string, unknownUrl: string, payload?: object) => {
    const foreign = await app.app.inject({ method, url: foreignUrl, headers: outsider.headers, payload });
    const unknown = await app.app.inject({ method, url: unknownUrl, headers: outsider.headers, payload });
    expect(foreign.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(json(foreign).error).toEqual(json(unknown).error);
  };

  it('resources, their cost, compliance and tags', async () => {
    await compare('GET', `/api/v1/resources/${resourceId}`, `/api/v1/resources/${id}`);
    await compare('GET', `/api/v1/resources/${resourceId}/cost`, `/api/v1/resources/${id}/cost`);
    await compare('GET', `/api/v1/resources/${resourceId}/compliance`, `/api/v1/resources/${id}/compliance`);
    await compare('PUT', `/api/v1/resources/${resourceId}/tags`, `/api/v1/resources/${id}/tags`, { tags: { Environment: 'x' } });
    // and the provider id does not leak across organizations either
    await compare('GET', '/api/v1/resources/i-0a1b2c3d4e5f60001', `/api/v1/resources/${id}`);
  });

  it('drift results and detection scopes', async () => {
    await compare('GET', `/api/v1/drift/results/${resultId}`, `/api/v1/drift/results/${id}`);
    await compare('DELETE', `/api/v1/drift/results/${resultId}`, `/api/v1/drift/results/${id}`);
    await compare('POST', '/api/v1/drift/detect', '/api/v1/drift/detect', { resource_id: resourceId });
    expect((await app.app.inject({ method: 'GET', url: `/api/v1/drift/results/${resultId}`, headers: admin.headers })).statusCode).toBe(200);
    const search = json(await app.app.inject({ method: 'GET', url: '/api/v1/resources/search?q=prod-web-1', headers: outsider.headers })).data;
    expect(search.total).toBe(0);
  });
});
