import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/clock';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, uniqueName, type Session } from '../../../test/support/http';

let app: TestApp;
let admin: Session;
const clock = new FakeClock(Date.parse('2026-03-01T00:00:00Z'));
beforeAll(async () => {
  app = await createTestApp({ clock });
  admin = await loginAdmin(app);
});
afterAll(() => app.teardown());

const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) =>
  app.app.inject({ method, url, headers, payload: payload as object });
const invite = async (email: string, extra: Record<string, unknown> = {}) =>
  json(await inject('POST', '/api/v1/organizations/current/invitations', admin.headers, { email, ...extra })).data;
const register = (email: string, invitation: string) =>
  inject('POST', '/api/v1/auth/register', {}, { username: uniqueName('r'), email, password: 'password-123', invitation });
const usersCount = async () => Number((await app.core.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('unusable invitations: 400 INVALID_INVITATION, nothing created', () => {
  it('an expired invitation', async () => {
    const email = `${uniqueName('e')}@example.test`;
    const { token } = await invite(email, { expires_in_hours: 1 });
    clock.advance(2 * 3600_000);
    const before = await usersCount();
    const res = await register(email, token);
    expect(res.statusCode).toBe(400);
    expect(json(res).error.code).toBe('INVALID_INVITATION');
    expect(await usersCount()).toBe(before);
  });

  it('a reused invitation', async () => {
    const email = `${uniqueName('u')}@example.test`;
    const { token } = await invite(email);
    expect((await register(email, token)).statusCode).toBe(201);
    const again = await inject('POST', '/api/v1/auth/register', {}, { username: uniqueName('r'), email: `x${email}`, password: 'password-123', invitation: token });
    expect(again.statusCode).toBe(400);
    expect(json(again).error.code).toBe('INVALID_INVITATION');
  });

  it('an invitation addressed to another email, or an unknown token', async () => {
    const { token } = await invite(`${uniqueName('f')}@example.test`);
    for (const [email, t] of [[`${uniqueName('o')}@example.test`, token], [`${uniqueName('o')}@example.test`, 'inv_unknown'], [`${uniqueName('o')}@example.test`, 'garbage']] as const) {
      const res = await register(email, t);
      expect(res.statusCode).toBe(400);
      expect(json(res).error.code).toBe('INVALID_INVITATION');
    }
    // Still usable by its addressee.
    const list = json(await inject('GET', '/api/v1/organizations/current/invitations?size=100', admin.headers)).data;
    expect(list.items.some((i: { status: string }) => i.status === 'pending')).toBe(true);
  });

  it('a duplicate username with a valid invitation leaves the invitation unspent', async () => {
    const email = `${uniqueName('d')}@example.test`;
    const { token, id } = await invite(email);
    const res = await inject('POST', '/api/v1/auth/register', {}, { username: 'admin', email, password: 'password-123', invitation: token });
    expect(res.statusCode).toBe(409);
    const row = await app.core.db.selectFrom('invitations').select(['accepted_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.accepted_at).toBeNull();
  });

  it('VIGIL_OPEN_REGISTRATION=false closes self-registration entirely', async () => {
    const closed = await createTestApp({ config: { openRegistration: false } });
    try {
      const res = await closed.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username: 'nobody', email: 'nobody@example.test', password: 'password-123' } });
      expect(res.statusCode).toBe(403);
    } finally {
      await closed.teardown();
    }
  });
});

describe('bad member changes: 4xx with a code, nothing changed', () => {
  it('the last admin can be neither demoted, disabled nor removed', async () => {
    const solo = await registerUser(app, { own: true });
    for (const [method, url, payload] of [
      ['PUT', `/api/v1/organizations/current/members/${solo.userId}`, { role: 'member' }],
      ['POST', `/api/v1/organizations/current/members/${solo.userId}/disable`, undefined],
      ['DELETE', `/api/v1/organizations/current/members/${solo.userId}`, undefined],
    ] as const) {
      const res = await inject(method, url, solo.headers, payload);
      expect(res.statusCode, `${method} ${url}`).toBe(409);
      expect(json(res).error.code).toBe('CONFLICT');
    }
    const row = await app.core.db.selectFrom('users').select(['role', 'is_active']).where('id', '=', solo.userId).executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'admin', is_active: 1 });
  });

  it('a role outside admin/member/viewer, a bad email, a bad expiry: 400', async () => {
    const member = await registerUser(app);
    const cases: [string, string, unknown][] = [
      ['PUT', `/api/v1/organizations/current/members/${member.userId}`, { role: 'owner' }],
      ['PUT', `/api/v1/organizations/current/members/${member.userId}`, { role: 'user' }],
      ['POST', '/api/v1/organizations/current/invitations', { email: 'x@example.test', role: 'superuser' }],
      ['POST', '/api/v1/organizations/current/invitations', { email: 'not-an-email' }],
      ['POST', '/api/v1/organizations/current/invitations', { email: 'x@example.test', expires_in_hours: 0 }],
    ];
    for (const [method, url, payload] of cases) {
      const res = await inject(method as 'PUT', url, admin.headers, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(json(res).error.code).toBe('VALIDATION_ERROR');
    }
    const row = await app.core.db.selectFrom('users').select('role').where('id', '=', member.userId).executeTakeFirstOrThrow();
    expect(row.role).toBe('member');
  });

  it('unknown members and invitations: 404; a revoked invitation revoked again: 409', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await inject('PUT', `/api/v1/organizations/current/members/${unknown}`, admin.headers, { role: 'member' })).statusCode).toBe(404);
    expect((await inject('DELETE', `/api/v1/organizations/current/invitations/${unknown}`, admin.headers)).statusCode).toBe(404);
    const { id } = await invite(`${uniqueName('rr')}@example.test`);
    expect((await inject('DELETE', `/api/v1/organizations/current/invitations/${id}`, admin.headers)).statusCode).toBe(200);
    expect((await inject('DELETE', `/api/v1/organizations/current/invitations/${id}`, admin.headers)).statusCode).toBe(409);
  });

  it('logout and password change validate their bodies', async () => {
    const res = await inject('PUT', '/api/v1/user/password', admin.headers, { current_password: 'x', new_password: 'short' });
    expect(res.statusCode).toBe(400);
  });
});
