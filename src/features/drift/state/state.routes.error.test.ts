import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../../test/support/http';
import { makeStateDir } from './testing/fixtures';

vi.mock('../../../app/features/drift', () => import('./testing/wire-state-only'));

let app: TestApp;
let admin: Session;
let member: Session;
let root: string;
let readOnlyRoot: string;
let stateId: string;
let readOnlyStateId: string;

const call = async (session: Session, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) => {
  const res = await app.app.inject({ method, url, payload: payload as never, headers: session.headers });
  return { status: res.statusCode, body: json(res) };
};

beforeAll(async () => {
  root = makeStateDir();
  readOnlyRoot = makeStateDir();
  app = await createTestApp({ config: { terraformRoots: root } });
  admin = await loginAdmin(app);
  member = await registerUser(app);
  const list = (await call(admin, 'GET', '/api/v1/state/list')).body.data.state_files;
  stateId = list.find((f: { path: string }) => f.path === 'environments/prod/terraform.tfstate').id;
  const ro = await call(admin, 'POST', '/api/v1/backends', { name: 'frozen', type: 'local', config: { path: readOnlyRoot, read_only: true } });
  expect(ro.status).toBe(201);
  const roList = (await call(admin, 'GET', `/api/v1/state/list?backend_id=${ro.body.data.id}`)).body.data.state_files;
  readOnlyStateId = roList.find((f: { path: string }) => f.path === 'environments/prod/terraform.tfstate').id;
});
afterAll(async () => {
  await app.teardown();
  for (const dir of [root, readOnlyRoot]) fs.rmSync(dir, { recursive: true, force: true });
});

const unknown = '00000000-0000-4000-8000-000000000000';
/** Table rows are built before beforeAll runs: ids are filled in when each case runs. */
const resolvePlaceholders = (payload: unknown) =>
  payload === undefined ? undefined : JSON.parse(JSON.stringify(payload).replace('$STATE', stateId).replace('$READONLY', readOnlyStateId).replace('$ROOT', root));

describe('state routes: bad input is a 4xx with a code', () => {
  const cases: [string, 'GET' | 'POST' | 'DELETE', () => string, unknown, number, string][] = [
    ['details without state_id', 'GET', () => '/api/v1/state/details', undefined, 400, 'VALIDATION_ERROR'],
    ['details of an unknown state', 'GET', () => `/api/v1/state/details?state_id=${unknown}`, undefined, 404, 'RESOURCE_NOT_FOUND'],
    ['details of a non-uuid id', 'GET', () => '/api/v1/state/details?state_id=nope', undefined, 404, 'RESOURCE_NOT_FOUND'],
    ['list with limit 0', 'GET', () => '/api/v1/state/list?limit=0', undefined, 400, 'VALIDATION_ERROR'],
    ['list with a text offset', 'GET', () => '/api/v1/state/list?offset=abc', undefined, 400, 'VALIDATION_ERROR'],
    ['list of an unknown backend', 'GET', () => `/api/v1/state/list?backend_id=${unknown}`, undefined, 404, 'RESOURCE_NOT_FOUND'],
    ['history of an unknown state', 'GET', () => `/api/v1/state/history?state_id=${unknown}`, undefined, 404, 'RESOURCE_NOT_FOUND'],
    ['import without fields', 'POST', () => '/api/v1/state/import', { state_id: '$STATE' }, 400, 'VALIDATION_ERROR'],
    ['import with a bad type', 'POST', () => '/api/v1/state/import', { state_id: '$STATE', resource_type: 'AWS Instance', resource_name: 'x', resource_id: 'i-1' }, 400, 'VALIDATION_ERROR'],
    ['import over an existing address', 'POST', () => '/api/v1/state/import', { state_id: '$STATE', resource_type: 'aws_instance', resource_name: 'web_server', resource_id: 'i-1' }, 409, 'CONFLICT'],
    ['import into an unknown state', 'POST', () => '/api/v1/state/import', { state_id: unknown, resource_type: 'aws_eip', resource_name: 'x', resource_id: 'e-1' }, 404, 'RESOURCE_NOT_FOUND'],
    ['remove without state_id', 'DELETE', () => '/api/v1/state/resources/aws_instance.web_server', undefined, 400, 'VALIDATION_ERROR'],
    ['remove an unknown resource', 'DELETE', () => `/api/v1/state/resources/i-doesnotexist?state_id=${stateId}`, undefined, 404, 'RESOURCE_NOT_FOUND'],
    ['move onto an existing address', 'POST', () => '/api/v1/state/move', { state_id: '$STATE', from_address: 'aws_s3_bucket.assets', to_address: 'aws_instance.web_server' }, 400, 'VALIDATION_ERROR'],
    ['move onto an existing address of the same type', 'POST', () => '/api/v1/state/move', { state_id: '$STATE', from_address: 'data.aws_ami.ubuntu', to_address: 'data.aws_ami.ubuntu' }, 409, 'CONFLICT'],
    ['move a missing source', 'POST', () => '/api/v1/state/move', { state_id: '$STATE', from_address: 'aws_instance.nope', to_address: 'aws_instance.other' }, 404, 'RESOURCE_NOT_FOUND'],
    ['move with an invalid address', 'POST', () => '/api/v1/state/move', { state_id: '$STATE', from_address: 'not an address', to_address: 'aws_instance.other' }, 400, 'VALIDATION_ERROR'],
    ['rollback to a serial never seen', 'POST', () => '/api/v1/state/rollback', { state_id: '$STATE', serial: 999 }, 404, 'RESOURCE_NOT_FOUND'],
    ['rollback to a negative serial', 'POST', () => '/api/v1/state/rollback', { state_id: '$STATE', serial: -1 }, 400, 'VALIDATION_ERROR'],
    ['unlock a state that is not locked', 'POST', () => '/api/v1/state/unlock', { state_id: '$STATE' }, 409, 'CONFLICT'],
    ['import into a read-only backend', 'POST', () => '/api/v1/state/import', { state_id: '$READONLY', resource_type: 'aws_eip', resource_name: 'x', resource_id: 'e-1' }, 409, 'CONFLICT'],
    ['rollback on a read-only backend', 'POST', () => '/api/v1/state/rollback', { state_id: '$READONLY', serial: 12 }, 409, 'CONFLICT'],
    ['create a backend of an unknown type', 'POST', () => '/api/v1/backends', { name: 'x', type: 'ftp', config: {} }, 400, 'VALIDATION_ERROR'],
    ['create an s3 backend with a bad bucket', 'POST', () => '/api/v1/backends', { name: 'x', type: 's3', config: { bucket: 'Bad_Bucket' } }, 400, 'VALIDATION_ERROR'],
    ['create an s3 backend with a bad region', 'POST', () => '/api/v1/backends', { name: 'x', type: 's3', config: { bucket: 'good-bucket', region: 'moon' } }, 400, 'VALIDATION_ERROR'],
    ['create a pg backend with a bad url', 'POST', () => '/api/v1/backends', { name: 'x', type: 'pg', config: { conn_str: 'mysql://x' } }, 400, 'VALIDATION_ERROR'],
    ['create a pg backend with a bad schema', 'POST', () => '/api/v1/backends', { name: 'x', type: 'pg', config: { conn_str: 'postgres://x@h/db', schema_name: 'a;drop' } }, 400, 'VALIDATION_ERROR'],
    ['create a local backend with a relative path', 'POST', () => '/api/v1/backends', { name: 'x', type: 'local', config: { path: 'states' } }, 400, 'VALIDATION_ERROR'],
    ['create a backend without config', 'POST', () => '/api/v1/backends', { name: 'x', type: 's3' }, 400, 'VALIDATION_ERROR'],
    ['create a backend that already exists', 'POST', () => '/api/v1/backends', { name: 'again', type: 'local', config: { path: '$ROOT' } }, 409, 'RESOURCE_ALREADY_EXISTS'],
    ['discover an unknown provider', 'POST', () => '/api/v1/backends/discover', { providers: ['aws', 'oracle'] }, 400, 'VALIDATION_ERROR'],
    ['discover a malformed region', 'POST', () => '/api/v1/backends/discover', { regions: ['us-east'] }, 400, 'VALIDATION_ERROR'],
    ['get an unknown backend', 'GET', () => `/api/v1/backends/${unknown}`, undefined, 404, 'RESOURCE_NOT_FOUND'],
    ['test an unknown backend', 'POST', () => `/api/v1/backends/${unknown}/test`, undefined, 404, 'RESOURCE_NOT_FOUND'],
  ];
  for (const [name, method, url, payload, status, code] of cases) {
    it(`${name}: ${status} ${code}`, async () => {
      const res = await call(admin, method, url(), resolvePlaceholders(payload));
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect(res.body.error.code).toBe(code);
    });
  }

  it('malformed JSON is a 400', async () => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/state/import', payload: '{"state_id":', headers: { ...admin.headers, 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
  });

  it('the read-only refusal says why', async () => {
    const res = await call(admin, 'POST', '/api/v1/state/move', { state_id: readOnlyStateId, from_address: 'aws_s3_bucket.assets', to_address: 'aws_s3_bucket.b' });
    expect(res.body.error.message).toContain('read-only');
  });

  it('the organization\'s http backend cannot be deleted', async () => {
    const http = (await call(admin, 'GET', '/api/v1/backends/list')).body.data.backends.find((b: { type: string }) => b.type === 'http');
    const res = await call(admin, 'DELETE', `/api/v1/backends/${http.id}`);
    expect(res.status).toBe(409);
  });

  it('an unreachable backend lists with status error instead of failing the list', async () => {
    const pg = await call(admin, 'POST', '/api/v1/backends', { name: 'down', type: 'pg', config: { conn_str: 'postgres://tf:pw@127.0.0.1:9/tf' } });
    expect(pg.status).toBe(201);
    expect((await call(admin, 'GET', '/api/v1/state/list')).status).toBe(200);
    const fetched = (await call(admin, 'GET', `/api/v1/backends/${pg.body.data.id}`)).body.data;
    expect(fetched).toMatchObject({ status: 'error', last_error: 'PostgreSQL backend: connection refused' });
    await call(admin, 'DELETE', `/api/v1/backends/${pg.body.data.id}`);
  });
});

describe('locks', () => {
  it('a second lock is 409 naming the holder; others are refused with 423; only the holder or a forced admin unlock', async () => {
    const first = await call(admin, 'POST', '/api/v1/state/lock', { state_id: stateId, reason: 'terraform apply' });
    expect(first.status).toBe(200);
    const second = await call(admin, 'POST', '/api/v1/state/lock', { state_id: stateId, reason: 'again' });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('CONFLICT');
    expect(second.body.error.message).toContain('admin@vigil');
    expect(second.body.error.details.lock).toMatchObject({ ID: first.body.data.ID, Who: 'admin@vigil', Info: 'terraform apply' });

    const byMember = await call(member, 'POST', '/api/v1/state/unlock', { state_id: stateId });
    expect(byMember.status).toBe(409);
    expect(byMember.body.error.details.lock.ID).toBe(first.body.data.ID);
    const forcedByMember = await call(member, 'POST', '/api/v1/state/unlock', { state_id: stateId, force: true });
    expect(forcedByMember.status).toBe(403);
    const forced = await call(admin, 'POST', '/api/v1/state/unlock', { state_id: stateId, force: true });
    expect(forced.status).toBe(200);
    expect(forced.body.data.forced).toBe(true);
  });

  it('exactly one of 20 concurrent REST lock attempts wins', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => call(admin, 'POST', '/api/v1/state/lock', { state_id: stateId, reason: `attempt ${i}` })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const conflicts = results.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(19);
    const winner = results.find((r) => r.status === 200)!.body.data.ID;
    for (const loser of conflicts) expect(loser.body.error.details.lock.ID).toBe(winner);
    expect((await call(admin, 'POST', '/api/v1/state/unlock', { state_id: stateId })).status).toBe(200);
  });
});
