import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/support/test-app';
import { createApiKey, json, loginAdmin, registerUser, type Session } from '../../../../test/support/http';
import { fixture } from './testing/fixtures';
import { EXAMPLE_WORKSPACE } from './sources';

vi.mock('../../../app/features/drift', () => import('./testing/wire-state-only'));

/** Replays terraform's http backend client (internal/backend/remote-state/http/client.go) byte for byte. */
let app: TestApp;
let admin: Session;
let adminKey: string;
let colleagueKey: string;
const URL = '/api/v1/terraform/state/prod';

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  adminKey = await createApiKey(app, admin);
  colleagueKey = await createApiKey(app, await registerUser(app));
});
afterAll(() => app.teardown());

const basic = (key: string) => `Basic ${Buffer.from(`terraform:${key}`).toString('base64')}`;
const md5 = (data: string) => createHash('md5').update(data).digest('base64');
const lockInfo = (id = randomUUID(), who = 'alice@laptop') =>
  JSON.stringify({ ID: id, Operation: 'OperationTypeApply', Info: '', Who: who, Version: '1.5.0', Created: '2026-01-01T10:00:00.123456Z', Path: '' });

/** What terraform's httpRequest does: Basic auth, and for bodies Content-Type json + Content-MD5. */
function terraform(method: string, url: string, body?: string, key = adminKey, headers: Record<string, string> = {}) {
  return app.app.inject({
    method: method as 'GET',
    url,
    payload: body,
    headers: { authorization: basic(key), ...(body !== undefined ? { 'content-type': 'application/json', 'content-md5': md5(body) } : {}), ...headers },
  });
}

describe('terraform http backend protocol', () => {
  const state = fixture('web.tfstate');
  const lockId = randomUUID();

  it('a new state: GET answers 204, LOCK 200, POST ?ID= stores it, GET returns the same bytes, UNLOCK 200', async () => {
    expect((await terraform('GET', URL)).statusCode).toBe(204);
    const lock = await terraform('LOCK', URL, lockInfo(lockId));
    expect(lock.statusCode).toBe(200);
    const put = await terraform('POST', `${URL}?ID=${lockId}`, state);
    expect(put.statusCode).toBe(200);
    const get = await terraform('GET', URL);
    expect(get.statusCode).toBe(200);
    expect(get.body).toBe(state);
    expect(get.headers['content-md5']).toBe(md5(state));
    const unlock = await terraform('UNLOCK', URL, lockInfo(lockId));
    expect(unlock.statusCode).toBe(200);
  });

  it('the state lists in /api/v1/state/list under the organization\'s http backend, with details', async () => {
    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/state/list', headers: admin.headers })).data;
    const prod = list.state_files.find((f: { path: string }) => f.path === 'prod');
    expect(prod).toMatchObject({ serial: 12, locked: false, resource_count: 3, size: Buffer.byteLength(state) });
    const backends = json(await app.app.inject({ method: 'GET', url: '/api/v1/backends/list', headers: admin.headers })).data.backends;
    expect(backends.find((b: { id: string }) => b.id === prod.backend_id).type).toBe('http');
    const details = json(await app.app.inject({ method: 'GET', url: `/api/v1/state/details?state_id=${prod.id}`, headers: admin.headers })).data;
    expect(details.resources.map((r: { address: string }) => r.address)).toContain('aws_instance.web_server');
  });

  it('a held lock: a second LOCK answers 423 with the holder\'s lock info; writes without the lock ID are refused', async () => {
    const first = randomUUID();
    expect((await terraform('LOCK', URL, lockInfo(first, 'alice@laptop'))).statusCode).toBe(200);
    const second = await terraform('LOCK', URL, lockInfo(randomUUID(), 'bob@ci'), colleagueKey);
    expect(second.statusCode).toBe(423);
    expect(json(second)).toMatchObject({ ID: first, Who: 'alice@laptop', Operation: 'OperationTypeApply', Version: '1.5.0' });
    const next = state.replace('"serial": 12', '"serial": 13');
    const noId = await terraform('POST', URL, next, colleagueKey);
    expect(noId.statusCode).toBe(423);
    expect(json(noId).ID).toBe(first);
    expect((await terraform('POST', `${URL}?ID=${randomUUID()}`, next)).statusCode).toBe(423);
    expect((await terraform('DELETE', URL)).statusCode).toBe(423);
    // REST operations by someone else are refused too, naming the holder.
    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/state/list', headers: admin.headers })).data;
    const prod = list.state_files.find((f: { path: string }) => f.path === 'prod');
    expect(prod.locked).toBe(true);
    // A retried LOCK with the same ID (retryablehttp) is not a conflict.
    expect((await terraform('LOCK', URL, lockInfo(first, 'alice@laptop'))).statusCode).toBe(200);
    // UNLOCK with another ID is refused with the holder's info.
    const wrong = await terraform('UNLOCK', URL, lockInfo(randomUUID()), colleagueKey);
    expect(wrong.statusCode).toBe(423);
    expect(json(wrong).ID).toBe(first);
    // `terraform force-unlock <ID>` sends the ID it read: releasing someone else's lock is an admin's (one rule
    // with the REST force unlock); the holder itself may always unlock.
    expect((await terraform('UNLOCK', URL, lockInfo(first), colleagueKey)).statusCode).toBe(403);
    expect((await terraform('UNLOCK', URL, lockInfo(first))).statusCode).toBe(200);
    expect((await terraform('POST', URL, next, colleagueKey)).statusCode).toBe(200);
    expect(JSON.parse((await terraform('GET', URL)).body).serial).toBe(13);
  });

  it('a lock taken through the REST API blocks terraform (423 with the API lock info), and the reverse', async () => {
    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/state/list', headers: admin.headers })).data;
    const prod = list.state_files.find((f: { path: string }) => f.path === 'prod');
    const locked = json(await app.app.inject({ method: 'POST', url: '/api/v1/state/lock', headers: admin.headers, payload: { state_id: prod.id, reason: 'maintenance' } })).data;
    const res = await terraform('LOCK', URL, lockInfo(), colleagueKey);
    expect(res.statusCode).toBe(423);
    expect(json(res)).toMatchObject({ ID: locked.ID, Info: 'maintenance', Who: 'admin@vigil' });
    await app.app.inject({ method: 'POST', url: '/api/v1/state/unlock', headers: admin.headers, payload: { state_id: prod.id } });

    const tfLock = randomUUID();
    expect((await terraform('LOCK', URL, lockInfo(tfLock, 'bob@ci'), colleagueKey)).statusCode).toBe(200);
    const refused = await app.app.inject({ method: 'POST', url: '/api/v1/state/import', headers: admin.headers, payload: { state_id: prod.id, resource_type: 'aws_eip', resource_name: 'x', resource_id: 'eip-1' } });
    expect(refused.statusCode).toBe(423);
    expect(json(refused).error).toMatchObject({ code: 'STATE_LOCKED', details: { lock: { ID: tfLock, Who: 'bob@ci' } } });
    const apiLock = await app.app.inject({ method: 'POST', url: '/api/v1/state/lock', headers: admin.headers, payload: { state_id: prod.id } });
    expect(apiLock.statusCode).toBe(409);
    expect(json(apiLock).error.details.lock.ID).toBe(tfLock);
    expect((await terraform('UNLOCK', URL, lockInfo(tfLock), colleagueKey)).statusCode).toBe(200);
  });

  it('an API key scoped to state:write (for CI) writes state by both paths and reaches nothing else', async () => {
    const ciKey = await createApiKey(app, admin, ['state:write']);
    const body = state.replace('"serial": 12', '"serial": 40');
    expect((await terraform('POST', '/api/v1/terraform/state/ci', body, ciKey)).statusCode).toBe(200);
    expect((await terraform('GET', '/api/v1/terraform/state/ci', undefined, ciKey)).statusCode).toBe(200);
    const headers = { 'x-api-key': ciKey };
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/state/list', headers })).statusCode).toBe(200);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/threats', headers })).statusCode).toBe(403);
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers, payload: { url: 'https://example.com/h', events: ['*'] } })).statusCode).toBe(403);
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/backends/discover', headers, payload: {} })).statusCode).toBe(403);
  });

  it('exactly one of 20 concurrent LOCK attempts wins; the others get 423 naming the winner', async () => {
    const url = '/api/v1/terraform/state/race';
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const results = await Promise.all(ids.map((id) => terraform('LOCK', url, lockInfo(id))));
    const winners = results.filter((r) => r.statusCode === 200);
    expect(winners).toHaveLength(1);
    const winnerId = JSON.parse(winners[0]!.body).ID;
    for (const loser of results.filter((r) => r.statusCode !== 200)) {
      expect(loser.statusCode).toBe(423);
      expect(JSON.parse(loser.body).ID).toBe(winnerId);
    }
  });

  it('refuses a body whose Content-MD5 does not match, a state that is not v4 and lock info without an ID', async () => {
    const bad = await terraform('POST', '/api/v1/terraform/state/md5', state, adminKey, { 'content-md5': md5('something else') });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.code).toBe('VALIDATION_ERROR');
    const v3 = await terraform('POST', '/api/v1/terraform/state/md5', '{"version":3,"serial":1,"lineage":"x"}');
    expect(v3.statusCode).toBe(400);
    expect((await terraform('POST', '/api/v1/terraform/state/md5', 'garbage{')).statusCode).toBe(400);
    expect((await terraform('LOCK', '/api/v1/terraform/state/md5', '{"Who":"x"}')).statusCode).toBe(400);
    expect((await terraform('LOCK', '/api/v1/terraform/state/md5', 'not json')).statusCode).toBe(400);
    expect((await terraform('GET', '/api/v1/terraform/state/..%2Fetc')).statusCode).toBe(400);
    expect((await terraform('GET', '/api/v1/terraform/state/md5')).statusCode).toBe(204);
  });

  it('DELETE removes the state (history kept); GET then answers 204', async () => {
    expect((await terraform('DELETE', URL)).statusCode).toBe(200);
    expect((await terraform('GET', URL)).statusCode).toBe(204);
    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/state/list', headers: admin.headers })).data;
    expect(list.state_files.find((f: { path: string }) => f.path === 'prod')).toBeUndefined();
  });

  it('authenticates with HTTP Basic (API key or access token as password) and keeps organizations apart', async () => {
    expect((await app.app.inject({ method: 'GET', url: URL })).statusCode).toBe(401);
    expect((await terraform('GET', URL, undefined, 'sk_live_unknown')).statusCode).toBe(401);
    const withToken = await app.app.inject({ method: 'GET', url: '/api/v1/terraform/state/race', headers: { authorization: basic(admin.token) } });
    expect(withToken.statusCode).toBe(204);
    const readOnly = await createApiKey(app, admin, ['read']);
    expect((await terraform('LOCK', '/api/v1/terraform/state/ro', lockInfo(), readOnly)).statusCode).toBe(403);
    const other = await registerUser(app, { organization: 'Other Org' });
    const otherKey = await createApiKey(app, other);
    // Same name, other organization: its own empty state, and its own lock.
    expect((await terraform('LOCK', '/api/v1/terraform/state/race', lockInfo(), otherKey)).statusCode).toBe(200);
  });
});

describe('a fresh server (no VIGIL_TERRAFORM_ROOTS)', () => {
  it.runIf(fs.existsSync(EXAMPLE_WORKSPACE))('discovers the example workspace (copied into the data dir, writable) for the default organization', async () => {
    const backends = json(await app.app.inject({ method: 'GET', url: '/api/v1/backends/list', headers: admin.headers })).data.backends;
    const example = backends.find((b: { name: string }) => b.name === 'example-workspace');
    expect(example).toMatchObject({ type: 'local', read_only: false, config: { path: path.join(app.dataDir, 'example-workspace') } });
    const states = json(await app.app.inject({ method: 'GET', url: `/api/v1/state/list?backend_id=${example.id}`, headers: admin.headers })).data;
    expect(states.total).toBeGreaterThan(0);
  });
});

describe('large states', () => {
  it('accepts a state larger than the API\'s default 1 MiB body limit', async () => {
    const big = JSON.parse(fixture('web.tfstate'));
    big.resources[1].instances[0].attributes.user_data = 'x'.repeat(3 * 1024 * 1024);
    const text = `${JSON.stringify(big, null, 2)}\n`;
    const res = await terraform('POST', '/api/v1/terraform/state/big', text);
    expect(res.statusCode).toBe(200);
    expect((await terraform('GET', '/api/v1/terraform/state/big')).body).toBe(text);
  });
});
