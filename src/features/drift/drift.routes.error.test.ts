import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { findResource } from './testing/drift-test-helpers';

let app: TestApp;
let admin: Session;
let user: Session;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  user = await registerUser(app);
});
afterAll(async () => app?.teardown());

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string | (() => Promise<string>);
  payload?: unknown;
  body?: string;
  status: number;
  code: string;
}

const webUrl = async (suffix: string) => `/api/v1/resources/${(await findResource(app, admin.headers, 'i-0a1b2c3d4e5f60001')).id}${suffix}`;
const missing = '00000000-0000-4000-8000-000000000000';

const cases: Case[] = [
  { name: 'inventory without items', method: 'POST', url: '/api/v1/inventory', payload: { items: [] }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'inventory item without type', method: 'POST', url: '/api/v1/inventory', payload: { items: [{ resourceId: 'x' }] }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'inventory item without resourceId', method: 'POST', url: '/api/v1/inventory', payload: { items: [{ type: 'aws_instance' }] }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'inventory attributes not an object', method: 'POST', url: '/api/v1/inventory', payload: { items: [{ type: 'aws_instance', resourceId: 'i', attributes: 'x' }] }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'inventory negative usage', method: 'POST', url: '/api/v1/inventory', payload: { items: [{ type: 'aws_s3_bucket', resourceId: 'b', usage: { storage_gb: -1 } }] }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'inventory duplicate items', method: 'POST', url: '/api/v1/inventory', payload: { items: [{ type: 'aws_s3_bucket', resourceId: 'b' }, { type: 'aws_s3_bucket', resourceId: 'b' }] }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'inventory malformed JSON', method: 'POST', url: '/api/v1/inventory', body: '{"items": [', status: 400, code: 'INVALID_JSON' },
  { name: 'inventory collect needs admin', method: 'POST', url: '/api/v1/inventory/collect', payload: {}, status: 403, code: 'INSUFFICIENT_PERMISSIONS' },
  { name: 'list with bad provider', method: 'GET', url: '/api/v1/resources?provider=gcp', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'list with limit 0', method: 'GET', url: '/api/v1/resources?limit=0', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'list with negative offset', method: 'GET', url: '/api/v1/resources?offset=-1', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'search without q', method: 'GET', url: '/api/v1/resources/search', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'search with blank q', method: 'GET', url: '/api/v1/resources/search?q=%20', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown resource', method: 'GET', url: `/api/v1/resources/${missing}`, status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'cost of unknown resource', method: 'GET', url: `/api/v1/resources/${missing}/cost`, status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'compliance of unknown resource', method: 'GET', url: `/api/v1/resources/${missing}/compliance`, status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'tags of unknown resource', method: 'PUT', url: `/api/v1/resources/${missing}/tags`, payload: { tags: {} }, status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'tags without tags', method: 'PUT', url: () => webUrl('/tags'), payload: {}, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'tags with a non-string value', method: 'PUT', url: () => webUrl('/tags'), payload: { tags: { Environment: 5 } }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'tags with the reserved aws: prefix', method: 'PUT', url: () => webUrl('/tags'), payload: { tags: { 'aws:x': 'y' } }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'tags with a too long key', method: 'PUT', url: () => webUrl('/tags'), payload: { tags: { ['k'.repeat(129)]: 'v' } }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'tags: more than 50', method: 'PUT', url: () => webUrl('/tags'), payload: { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect an unknown resource', method: 'POST', url: '/api/v1/drift/detect', payload: { resource_id: missing }, status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'detect an unknown state', method: 'POST', url: '/api/v1/drift/detect', payload: { state_id: missing }, status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'detect with a bad option type', method: 'POST', url: '/api/v1/drift/detect', payload: { options: { deep_scan: 'yes' } }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect with an unknown option', method: 'POST', url: '/api/v1/drift/detect', payload: { options: { turbo: true } }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'detect with a non-object body', method: 'POST', url: '/api/v1/drift/detect', payload: ['x'], status: 400, code: 'VALIDATION_ERROR' },
  { name: 'results with a bad status', method: 'GET', url: '/api/v1/drift/results?status=done', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'unknown result', method: 'GET', url: `/api/v1/drift/results/${missing}`, status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'delete unknown result', method: 'DELETE', url: `/api/v1/drift/results/${missing}`, status: 404, code: 'RESOURCE_NOT_FOUND' },
  { name: 'history with days 0', method: 'GET', url: '/api/v1/drift/history?days=0', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'history with days abc', method: 'GET', url: '/api/v1/drift/history?days=abc', status: 400, code: 'VALIDATION_ERROR' },
  { name: 'ignore rules not a list', method: 'PUT', url: '/api/v1/drift/ignore', payload: { rules: 'x' }, status: 400, code: 'VALIDATION_ERROR' },
  { name: 'ignore rule with an empty segment', method: 'PUT', url: '/api/v1/drift/ignore', payload: { rules: ['aws_instance..x'] }, status: 400, code: 'VALIDATION_ERROR' },
];

describe('drift and inventory errors', () => {
  it.each(cases)('$name: $status $code', async (c) => {
    const url = typeof c.url === 'function' ? await c.url() : c.url;
    const session = c.code === 'INSUFFICIENT_PERMISSIONS' ? user : admin;
    const res = await app.app.inject({
      method: c.method, url, headers: { ...session.headers, ...(c.body ? { 'content-type': 'application/json' } : {}) },
      ...(c.body !== undefined ? { body: c.body } : c.payload !== undefined ? { payload: c.payload as object } : {}),
    });
    expect(res.statusCode, res.body).toBe(c.status);
    expect(json(res)).toMatchObject({ success: false, error: { code: c.code } });
  });

  it('refuses tag changes on read-only providers with 409 and leaves the resource unchanged', async () => {
    // a resource stored by the aws provider (written as the aws collector would), in the admin's organization
    const now = Date.now();
    await app.core.db
      .insertInto('drift_resources')
      .values({
        id: 'aws-row-1', organization_id: admin.organizationId, provider: 'aws', source: 'aws:us-east-1', type: 'aws_instance', resource_id: 'i-aws1', name: 'from-aws',
        region: 'us-east-1', account_id: null, status: 'running', tags: '{"Owner":"x"}', attributes: '{}', usage: '{}', created_at: now, updated_at: now,
      })
      .execute();
    const res = await app.app.inject({ method: 'PUT', url: '/api/v1/resources/aws-row-1/tags', headers: admin.headers, payload: { tags: { Owner: 'y' } } });
    expect(res.statusCode).toBe(409);
    expect(json(res).error).toMatchObject({ code: 'CONFLICT', details: { provider: 'aws' } });
    expect(json(await app.app.inject({ method: 'GET', url: '/api/v1/resources/aws-row-1', headers: admin.headers })).data.tags).toEqual({ Owner: 'x' });
  });
});
