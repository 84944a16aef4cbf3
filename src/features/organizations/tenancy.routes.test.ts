import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, loginAdmin, uniqueName, login, type Session } from '../../../test/support/http';
import { bruteForce } from '../threats/threats.test-helpers';

/**
 * The issue that started organizations-by-invitation: with open registration, a stranger who registers must see
 * nothing of the operator's default organization and must not touch its Terraform state by either path.
 */
let app: TestApp;
let admin: Session;
let stranger: Session;
let defaultStateId: string;
const md5 = (data: string) => createHash('md5').update(data).digest('base64');
const tfState = (serial: number, lineage: string) => JSON.stringify({ version: 4, terraform_version: '1.5.0', serial, lineage, outputs: {}, resources: [] });
const basic = (key: string) => `Basic ${Buffer.from(`terraform:${key}`).toString('base64')}`;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  const adminKey = await createApiKey(app, admin);
  const body = tfState(7, 'operator-lineage');
  const written = await app.app.inject({ method: 'POST', url: '/api/v1/terraform/state/prod', payload: body, headers: { authorization: basic(adminKey), 'content-type': 'application/json', 'content-md5': md5(body) } });
  expect(written.statusCode).toBe(200);
  defaultStateId = json(written).state_id;
  await bruteForce(app, admin, '203.0.113.66');
  await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin.headers, payload: { url: 'https://example.com/operator', events: ['*'] } });

  const username = uniqueName('stranger');
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, email: `${username}@example.test`, password: 'password-123' } });
  expect(res.statusCode).toBe(201);
  stranger = await login(app, username, 'password-123');
});
afterAll(() => app.teardown());

const get = async (url: string, session: Session) => {
  const res = await app.app.inject({ method: 'GET', url, headers: session.headers });
  return { status: res.statusCode, body: res.body, data: res.statusCode < 300 && res.body ? json(res).data : null };
};

describe('a self-registered user', () => {
  it('is in an organization of their own', () => {
    expect(stranger.organizationId).not.toBe(admin.organizationId);
  });

  it('sees nothing of the default organization in any list', async () => {
    const operatorData = [defaultStateId, '203.0.113.66', 'operator-lineage', 'https://example.com/operator', admin.userId];
    for (const url of ['/api/v1/state/list', '/api/v1/threats', '/api/v1/webhooks', '/api/v1/backends/list', '/api/v1/organizations/current/members', '/api/v1/audit?size=100', '/api/v1/anomalies', '/api/v1/events']) {
      const res = await get(url, stranger);
      expect(res.status, url).toBe(200);
      for (const needle of operatorData) expect(res.body.includes(needle), `${url} leaks ${needle}`).toBe(false);
    }
  });

  it('cannot read or change the default organization\'s state through the REST operations (404 like an unknown id)', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    for (const query of [`?state_id=${defaultStateId}`]) {
      const foreign = await get(`/api/v1/state/details${query}`, stranger);
      const missing = await get(`/api/v1/state/details?state_id=${unknown}`, stranger);
      expect(foreign.status).toBe(404);
      expect(JSON.parse(foreign.body).error).toEqual(JSON.parse(missing.body).error);
    }
    for (const [method, url, payload] of [
      ['POST', '/api/v1/state/lock', { state_id: defaultStateId }],
      ['POST', '/api/v1/state/unlock', { state_id: defaultStateId, force: true }],
      ['POST', '/api/v1/state/import', { state_id: defaultStateId, resource_type: 'aws_eip', resource_name: 'x', resource_id: 'e' }],
      ['POST', '/api/v1/state/rollback', { state_id: defaultStateId, serial: 7 }],
      ['DELETE', `/api/v1/state/resources/aws_eip.x?state_id=${defaultStateId}`, undefined],
    ] as const) {
      const res = await app.app.inject({ method, url, headers: stranger.headers, payload });
      expect(res.statusCode, url).toBe(404);
    }
  });

  it('writing "prod" through the HTTP backend lands in their own organization; the operator\'s prod is untouched', async () => {
    const key = await createApiKey(app, stranger);
    const tf = (method: string, body?: string) =>
      app.app.inject({ method: method as 'GET', url: '/api/v1/terraform/state/prod', payload: body, headers: { authorization: basic(key), ...(body ? { 'content-type': 'application/json', 'content-md5': md5(body) } : {}) } });
    expect((await tf('GET')).statusCode).toBe(204);
    const lock = JSON.stringify({ ID: randomUUID(), Operation: 'x', Info: '', Who: 'stranger', Version: '1', Created: '', Path: '' });
    expect((await tf('LOCK', lock)).statusCode).toBe(200);
    expect((await tf('UNLOCK', lock)).statusCode).toBe(200);
    expect((await tf('POST', tfState(99, 'stranger-lineage'))).statusCode).toBe(200);
    expect((await tf('DELETE')).statusCode).toBe(200);

    const operator = await app.core.db.selectFrom('state_files').selectAll().where('id', '=', defaultStateId).executeTakeFirstOrThrow();
    expect(operator).toMatchObject({ present: 1, latest_version: 1, organization_id: admin.organizationId });
    const adminKey = await createApiKey(app, admin);
    const read = await app.app.inject({ method: 'GET', url: '/api/v1/terraform/state/prod', headers: { authorization: basic(adminKey) } });
    expect(JSON.parse(read.body)).toMatchObject({ serial: 7, lineage: 'operator-lineage' });
    expect(await app.core.db.selectFrom('state_locks').selectAll().where('state_id', '=', defaultStateId).executeTakeFirst()).toBeUndefined();
  });
});
