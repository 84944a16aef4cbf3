import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { createApiKey, json, login, loginAdmin, registerUser, uniqueName, type Session } from '../../../test/support/http';
import { bruteForce, playbookOf } from '../threats/threats.test-helpers';
import { AUDIT_ACTIONS } from './audit.api';

/** Performs every action the audit trail lists, then finds each one's record through GET /api/v1/audit. */
let app: TestApp;
let admin: Session;
const published: { action: string; organizationId: string }[] = [];

beforeAll(async () => {
  app = await createTestApp();
  app.core.bus.subscribe(['audit.recorded'], (event) => void published.push({ action: String(event.data.action), organizationId: event.organizationId }));
  admin = await loginAdmin(app);
});
afterAll(() => app.teardown());

const inject = (method: string, url: string, headers: Record<string, string>, payload?: unknown, extra: Record<string, unknown> = {}) =>
  app.app.inject({ method: method as 'GET', url, headers, payload: payload as object, ...extra });
const md5 = (data: string) => createHash('md5').update(data).digest('base64');
const tfState = (serial: number) => JSON.stringify({ version: 4, terraform_version: '1.5.0', serial, lineage: 'audit-lineage', outputs: {}, resources: [] });
const lockBody = (id: string, who: string) => JSON.stringify({ ID: id, Operation: 'OperationTypeApply', Info: '', Who: who, Version: '1.5.0', Created: '', Path: '' });

async function auditOf(session: Session, query = '') {
  const res = await inject('GET', `/api/v1/audit?size=100${query}`, session.headers);
  expect(res.statusCode, res.body).toBe(200);
  return json(res).data as { items: any[]; total: number };
}

async function performEverything() {
  // Accounts: registration by invitation, logins (success, failure), logout, password change.
  const email = `${uniqueName('aud')}@example.test`;
  const invitation = json(await inject('POST', '/api/v1/organizations/current/invitations', admin.headers, { email, role: 'member' })).data;
  const username = email.split('@')[0]!;
  expect((await inject('POST', '/api/v1/auth/register', {}, { username, email, password: 'password-123', invitation: invitation.token })).statusCode).toBe(201);
  expect((await inject('POST', '/api/v1/auth/login', {}, { username, password: 'wrong-password' }, { remoteAddress: '198.51.100.7' })).statusCode).toBe(401);
  const member = await login(app, username, 'password-123');
  expect((await inject('PUT', '/api/v1/user/password', member.headers, { current_password: 'password-123', new_password: 'password-456' })).statusCode).toBe(200);
  expect((await inject('POST', '/api/v1/auth/logout', member.headers, {})).statusCode).toBe(200);

  // Invitations and members.
  const revoked = json(await inject('POST', '/api/v1/organizations/current/invitations', admin.headers, { email: 'gone@example.test' })).data;
  expect((await inject('DELETE', `/api/v1/organizations/current/invitations/${revoked.id}`, admin.headers)).statusCode).toBe(200);
  const other = await registerUser(app);
  expect((await inject('PUT', `/api/v1/organizations/current/members/${other.userId}`, admin.headers, { role: 'viewer' })).statusCode).toBe(200);
  expect((await inject('POST', `/api/v1/organizations/current/members/${other.userId}/disable`, admin.headers)).statusCode).toBe(200);
  expect((await inject('POST', `/api/v1/organizations/current/members/${other.userId}/enable`, admin.headers)).statusCode).toBe(200);
  expect((await inject('DELETE', `/api/v1/organizations/current/members/${other.userId}`, admin.headers)).statusCode).toBe(200);

  // Keys, rate limits, settings.
  const key = json(await inject('POST', '/api/v1/api-keys', admin.headers, { name: 'audited' })).data;
  expect((await inject('DELETE', `/api/v1/api-keys/${key.id}`, admin.headers)).statusCode).toBe(200);
  expect((await inject('PUT', '/api/v1/rate-limits', admin.headers, { global: { requests_per_minute: 500 } })).statusCode).toBe(200);
  expect((await inject('PUT', '/api/v1/settings/retention', admin.headers, { events_days: 14 })).statusCode).toBe(200);

  // Playbooks: one approved (its steps run; the quarantine changes the blocklist), one rejected; a manual release.
  const reporter = await registerUser(app);
  const approvedThreat = await bruteForce(app, reporter, '203.0.113.40');
  const approvedPlaybook = await playbookOf(app, reporter, approvedThreat.threat_id);
  expect((await inject('POST', `/api/v1/playbooks/${approvedPlaybook.id}/approve`, admin.headers, { approved: true })).statusCode).toBe(200);
  const rejectedThreat = await bruteForce(app, reporter, '203.0.113.41');
  const rejectedPlaybook = await playbookOf(app, reporter, rejectedThreat.threat_id);
  expect((await inject('POST', `/api/v1/playbooks/${rejectedPlaybook.id}/approve`, admin.headers, { approved: false })).statusCode).toBe(200);
  expect((await inject('DELETE', '/api/v1/blocklist/203.0.113.40', admin.headers)).statusCode).toBe(200);

  // Terraform state through the HTTP backend: lock, write, unlock, a member's lock force-unlocked, delete.
  const adminKey = await createApiKey(app, admin);
  const colleague = await registerUser(app);
  const colleagueKey = await createApiKey(app, colleague);
  const tf = (method: string, body: string | undefined, key: string, query = '') =>
    inject(method, `/api/v1/terraform/state/audited${query}`, { authorization: `Basic ${Buffer.from(`t:${key}`).toString('base64')}`, ...(body ? { 'content-type': 'application/json', 'content-md5': md5(body) } : {}) }, body);
  const lockId = randomUUID();
  expect((await tf('LOCK', lockBody(lockId, 'ci'), adminKey)).statusCode).toBe(200);
  expect((await tf('POST', tfState(1), adminKey, `?ID=${lockId}`)).statusCode).toBe(200);
  expect((await tf('UNLOCK', lockBody(lockId, 'ci'), adminKey)).statusCode).toBe(200);
  const theirs = randomUUID();
  expect((await tf('LOCK', lockBody(theirs, 'colleague'), colleagueKey)).statusCode).toBe(200);
  expect((await tf('UNLOCK', lockBody(theirs, 'admin'), adminKey)).statusCode).toBe(200);
  expect((await tf('DELETE', undefined, adminKey)).statusCode).toBe(200);

  // Backends.
  expect((await inject('POST', '/api/v1/backends/discover', admin.headers, {})).statusCode).toBe(200);
  const backend = await inject('POST', '/api/v1/backends', admin.headers, { name: 'audited-pg', type: 'pg', config: { conn_str: 'postgres://nobody@127.0.0.1:1/none' } });
  expect(backend.statusCode, backend.body).toBe(201);
  expect((await inject('DELETE', `/api/v1/backends/${json(backend).data.id}`, admin.headers)).statusCode).toBe(200);
}

describe('the audit trail', () => {
  it('records every listed action with actor, organization, address, time, target and outcome', async () => {
    await performEverything();
    const first = await auditOf(admin);
    const all = [...first.items];
    for (let page = 2; all.length < first.total; page++) all.push(...(await auditOf(admin, `&page=${page}`)).items);
    const seen = new Set(all.map((r) => r.action));
    const missing = AUDIT_ACTIONS.filter((action) => !seen.has(action));
    expect(missing).toEqual([]);
    for (const record of all) {
      expect(record.organization_id).toBe(admin.organizationId);
      expect(Date.parse(record.created_at)).not.toBeNaN();
      expect(['success', 'failure', 'denied']).toContain(record.outcome);
    }
    const failed = all.find((r) => r.action === 'auth.login' && r.outcome === 'failure');
    expect(failed).toMatchObject({ address: '198.51.100.7', details: { reason: 'wrong password' } });
    const forced = all.find((r) => r.action === 'state.force_unlocked');
    expect(forced).toMatchObject({ outcome: 'success', actor: { username: 'admin' }, target: { type: 'state' } });
    const roleChange = all.find((r) => r.action === 'member.role_changed');
    expect(roleChange.details).toMatchObject({ from: 'member', to: 'viewer' });
  });

  it('every record is published on the bus as audit.recorded (webhooks can stream it)', () => {
    const actions = new Set(published.map((p) => p.action));
    for (const action of AUDIT_ACTIONS) expect(actions.has(action), action).toBe(true);
  });

  it('filters by action, outcome and time, and paginates', async () => {
    const failures = await auditOf(admin, '&action=auth.login&outcome=failure');
    expect(failures.total).toBeGreaterThanOrEqual(1);
    expect(failures.items.every((r) => r.action === 'auth.login' && r.outcome === 'failure')).toBe(true);
    const future = await auditOf(admin, `&from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    expect(future.total).toBe(0);
    const page = json(await inject('GET', '/api/v1/audit?size=2&page=2', admin.headers)).data;
    expect(page).toMatchObject({ page: 2, size: 2 });
    expect(page.items).toHaveLength(2);
    expect((await inject('GET', '/api/v1/audit?action=not.an.action', admin.headers)).statusCode).toBe(400);
  });

  it('an organization sees only its own records', async () => {
    const stranger = await registerUser(app, { own: true });
    const theirs = await auditOf(stranger);
    expect(theirs.items.every((r) => r.organization_id === stranger.organizationId)).toBe(true);
    expect(theirs.items.map((r) => r.action)).toContain('auth.registered');
  });
});
