import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../../test/support/http';
import { securitySuite } from '../../../../test/support/security';
import { makeStateDir } from './testing/fixtures';

vi.mock('../../../app/features/drift', () => import('./testing/wire-state-only'));

let app: TestApp;
let admin: Session;
let member: Session;
let outsider: Session;
let root: string;
let stateId: string;
let backendId: string;

const call = async (session: Session, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
  const res = await app.app.inject({ method, url, payload: payload as never, headers: session.headers });
  return { status: res.statusCode, body: json(res) };
};

beforeAll(async () => {
  root = makeStateDir();
  app = await createTestApp({ config: { terraformRoots: root } });
  admin = await loginAdmin(app);
  member = await registerUser(app);
  outsider = await registerUser(app, { organization: 'Elsewhere Inc' });
  const list = (await call(admin, 'GET', '/api/v1/state/list')).body.data.state_files;
  stateId = list[0].id;
  backendId = list[0].backend_id;
});
afterAll(async () => {
  await app.teardown();
  fs.rmSync(root, { recursive: true, force: true });
});

const unknown = '00000000-0000-4000-8000-000000000000';

describe('state and backend routes: shared security suite', () => {
  securitySuite(() => app, [
    { method: 'GET', url: '/api/v1/backends/list' },
    { method: 'GET', url: `/api/v1/backends/${unknown}` },
    { method: 'POST', url: '/api/v1/backends', payload: { name: 'x', type: 'http' } },
    { method: 'DELETE', url: `/api/v1/backends/${unknown}` },
    { method: 'POST', url: `/api/v1/backends/${unknown}/test` },
    { method: 'POST', url: '/api/v1/backends/discover', payload: {} },
    { method: 'GET', url: '/api/v1/state/list' },
    { method: 'GET', url: `/api/v1/state/details?state_id=${unknown}` },
    { method: 'GET', url: `/api/v1/state/history?state_id=${unknown}` },
    { method: 'POST', url: '/api/v1/state/import', payload: { state_id: unknown, resource_type: 'aws_eip', resource_name: 'x', resource_id: 'e' } },
    { method: 'DELETE', url: `/api/v1/state/resources/x?state_id=${unknown}` },
    { method: 'POST', url: '/api/v1/state/move', payload: { state_id: unknown, from_address: 'a.b', to_address: 'a.c' } },
    { method: 'POST', url: '/api/v1/state/rollback', payload: { state_id: unknown, serial: 1 } },
    { method: 'POST', url: '/api/v1/state/lock', payload: { state_id: unknown } },
    { method: 'POST', url: '/api/v1/state/unlock', payload: { state_id: unknown } },
    { method: 'GET', url: '/api/v1/terraform/state/prod' },
  ]);
});

describe('backend administration answers 403 to a member', () => {
  const adminRoutes: [string, 'POST' | 'DELETE', () => string, () => unknown][] = [
    ['configure a backend', 'POST', () => '/api/v1/backends', () => ({ name: 'x', type: 'pg', config: { conn_str: 'postgres://a@b/c' } })],
    ['delete a backend', 'DELETE', () => `/api/v1/backends/${backendId}`, () => undefined],
    ['discover', 'POST', () => '/api/v1/backends/discover', () => ({})],
  ];
  for (const [name, method, url, payload] of adminRoutes) {
    it(`${name}: 403 INSUFFICIENT_PERMISSIONS`, async () => {
      const res = await call(member, method, url(), payload());
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    });
  }

  it('members of the organization can read its states', async () => {
    expect((await call(member, 'GET', `/api/v1/state/details?state_id=${stateId}`)).status).toBe(200);
  });
});

describe('one rule for state writes (docs/terraform-backend.md): members write, viewers never, force-unlock is an admin\'s', () => {
  const writes: [string, 'POST' | 'DELETE', () => string, () => unknown][] = [
    ['import', 'POST', () => '/api/v1/state/import', () => ({ state_id: stateId, resource_type: 'aws_eip', resource_name: 'x', resource_id: 'e' })],
    ['remove', 'DELETE', () => `/api/v1/state/resources/aws_instance.web_server?state_id=${stateId}`, () => undefined],
    ['move', 'POST', () => '/api/v1/state/move', () => ({ state_id: stateId, from_address: 'aws_s3_bucket.assets', to_address: 'aws_s3_bucket.x' })],
    ['rollback', 'POST', () => '/api/v1/state/rollback', () => ({ state_id: stateId, serial: 12 })],
    ['lock', 'POST', () => '/api/v1/state/lock', () => ({ state_id: stateId })],
    ['unlock', 'POST', () => '/api/v1/state/unlock', () => ({ state_id: stateId })],
  ];
  for (const [name, method, url, payload] of writes) {
    it(`REST ${name} by a viewer: 403 INSUFFICIENT_PERMISSIONS`, async () => {
      const viewer = await registerUser(app, { role: 'viewer' });
      const res = await call(viewer, method, url(), payload());
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('INSUFFICIENT_PERMISSIONS');
    });
  }

  it('the HTTP backend refuses a viewer\'s POST, DELETE, LOCK and UNLOCK but lets it read', async () => {
    const viewer = await registerUser(app, { role: 'viewer' });
    const body = JSON.stringify({ ID: '3f1c0d8e-0000-4000-8000-000000000001', Operation: 'x', Info: '', Who: 'v', Version: '1', Created: '', Path: '' });
    for (const method of ['POST', 'DELETE', 'LOCK', 'UNLOCK']) {
      const res = await app.app.inject({ method: method as 'POST', url: '/api/v1/terraform/state/viewer-test', payload: body, headers: { ...viewer.headers, 'content-type': 'application/json' } });
      expect(res.statusCode, method).toBe(403);
    }
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/terraform/state/viewer-test', headers: viewer.headers })).statusCode).toBe(204);
  });

  it('a member locks and unlocks through REST, and cannot force-unlock someone else\'s lock by either path', async () => {
    const locked = await call(member, 'POST', '/api/v1/state/lock', { state_id: stateId, reason: 'member work' });
    expect(locked.status).toBe(200);
    expect((await call(member, 'POST', '/api/v1/state/unlock', { state_id: stateId })).status).toBe(200);

    const adminLock = await call(admin, 'POST', '/api/v1/state/lock', { state_id: stateId, reason: 'admin work' });
    expect(adminLock.status).toBe(200);
    expect((await call(member, 'POST', '/api/v1/state/unlock', { state_id: stateId, force: true })).status).toBe(403);
    expect((await call(admin, 'POST', '/api/v1/state/unlock', { state_id: stateId })).status).toBe(200);
  });
});

describe('organizations never see each other\'s backends and states', () => {
  it('a foreign state or backend answers exactly like an unknown one', async () => {
    const pairs: [string, string, 'GET' | 'POST', unknown?][] = [
      [`/api/v1/state/details?state_id=${stateId}`, `/api/v1/state/details?state_id=${unknown}`, 'GET'],
      [`/api/v1/state/history?state_id=${stateId}`, `/api/v1/state/history?state_id=${unknown}`, 'GET'],
      [`/api/v1/backends/${backendId}`, `/api/v1/backends/${unknown}`, 'GET'],
      [`/api/v1/backends/${backendId}/test`, `/api/v1/backends/${unknown}/test`, 'POST'],
      [`/api/v1/state/list?backend_id=${backendId}`, `/api/v1/state/list?backend_id=${unknown}`, 'GET'],
    ];
    for (const [foreign, missing, method] of pairs) {
      const a = await call(outsider, method, foreign);
      const b = await call(outsider, method, missing);
      expect(a.status, foreign).toBe(404);
      expect(a.body.error).toEqual(b.body.error);
    }
    for (const [method, url, payload] of [
      ['POST', '/api/v1/state/import', { state_id: stateId, resource_type: 'aws_eip', resource_name: 'x', resource_id: 'e' }],
      ['POST', '/api/v1/state/move', { state_id: stateId, from_address: 'aws_s3_bucket.assets', to_address: 'aws_s3_bucket.x' }],
      ['POST', '/api/v1/state/rollback', { state_id: stateId, serial: 12 }],
      ['POST', '/api/v1/state/lock', { state_id: stateId }],
      ['POST', '/api/v1/state/unlock', { state_id: stateId, force: true }],
      ['DELETE', `/api/v1/state/resources/aws_instance.web_server?state_id=${stateId}`, undefined],
      ['DELETE', `/api/v1/backends/${backendId}`, undefined],
    ] as const) {
      const res = await call(outsider, method, url, payload);
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe('RESOURCE_NOT_FOUND');
    }
  });

  it('another organization sees only its own http backend, and no server roots', async () => {
    const own = (await call(outsider, 'GET', '/api/v1/backends/list')).body.data;
    expect(own.backends.map((b: { type: string }) => b.type)).toEqual(['http']);
    expect((await call(outsider, 'GET', '/api/v1/state/list')).body.data.total).toBe(0);
    const discovered = await call(outsider, 'POST', '/api/v1/backends/discover', { providers: ['local', 'http'] });
    expect(discovered.body.data.backends.map((b: { type: string }) => b.type)).toEqual(['http']);
  });

  it('only the default organization may configure local (server file system) backends', async () => {
    const res = await call(outsider, 'POST', '/api/v1/backends', { name: 'etc', type: 'local', config: { path: '/etc' } });
    expect(res.status).toBe(403);
  });
});
