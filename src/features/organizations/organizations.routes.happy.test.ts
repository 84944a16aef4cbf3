import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, login, loginAdmin, uniqueName, type Session } from '../../../test/support/http';

let app: TestApp;
let admin: Session;
beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
});
afterAll(() => app.teardown());

const post = (url: string, headers: Record<string, string>, payload: unknown) => app.app.inject({ method: 'POST', url, headers, payload: payload as object });

describe('joining an organization takes an invitation', () => {
  it('registering without an invitation creates the user\'s own organization, with the user as its admin', async () => {
    const username = uniqueName('solo');
    const res = await post('/api/v1/auth/register', {}, { username, email: `${username}@example.test`, password: 'password-123' });
    expect(res.statusCode).toBe(201);
    const user = json(res).data;
    expect(user.role).toBe('admin');
    expect(user.organization_id).not.toBe(admin.organizationId);
    const session = await login(app, username, 'password-123');
    const org = json(await app.app.inject({ method: 'GET', url: '/api/v1/organizations/current', headers: session.headers })).data;
    expect(org).toMatchObject({ id: user.organization_id, role: 'admin', member_count: 1 });
    expect(org.name).toContain(username);
  });

  it('an invitation joins the inviting organization with the invited role, once', async () => {
    const email = `${uniqueName('inv')}@example.test`;
    const created = await post('/api/v1/organizations/current/invitations', admin.headers, { email, role: 'viewer' });
    expect(created.statusCode).toBe(201);
    const invitation = json(created).data;
    expect(invitation).toMatchObject({ email, role: 'viewer', status: 'pending' });
    expect(invitation.token).toMatch(/^inv_/);

    const username = email.split('@')[0]!;
    const registered = await post('/api/v1/auth/register', {}, { username, email, password: 'password-123', invitation: invitation.token });
    expect(registered.statusCode).toBe(201);
    expect(json(registered).data).toMatchObject({ organization_id: admin.organizationId, role: 'viewer' });

    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/organizations/current/invitations', headers: admin.headers })).data;
    const stored = list.items.find((i: { id: string }) => i.id === invitation.id);
    expect(stored).toMatchObject({ status: 'accepted', accepted_by: json(registered).data.id });
    expect(stored.token).toBeUndefined();
    const row = await app.core.db.selectFrom('invitations').selectAll().where('id', '=', invitation.id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(invitation.token);
  });

  it('an admin revokes a pending invitation', async () => {
    const invitation = json(await post('/api/v1/organizations/current/invitations', admin.headers, { email: 'revoked@example.test' })).data;
    const res = await app.app.inject({ method: 'DELETE', url: `/api/v1/organizations/current/invitations/${invitation.id}`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(json(res).data).toEqual({ id: invitation.id, revoked: true });
    const refused = await post('/api/v1/auth/register', {}, { username: uniqueName('late'), email: 'revoked@example.test', password: 'password-123', invitation: invitation.token });
    expect(refused.statusCode).toBe(400);
  });
});

describe('members and roles', () => {
  async function invitedMember(role = 'member') {
    const username = uniqueName('m');
    const email = `${username}@example.test`;
    const token = json(await post('/api/v1/organizations/current/invitations', admin.headers, { email, role })).data.token;
    const user = json(await post('/api/v1/auth/register', {}, { username, email, password: 'password-123', invitation: token })).data;
    return { user, session: await login(app, username, 'password-123') };
  }

  it('lists members; changes a role with immediate effect', async () => {
    const { user, session } = await invitedMember();
    const members = json(await app.app.inject({ method: 'GET', url: '/api/v1/organizations/current/members', headers: admin.headers })).data;
    expect(members.members.map((m: { id: string }) => m.id)).toContain(user.id);
    // A member may write (create an API key with write) until demoted to viewer.
    const promoted = await app.app.inject({ method: 'PUT', url: `/api/v1/organizations/current/members/${user.id}`, headers: admin.headers, payload: { role: 'viewer' } });
    expect(promoted.statusCode).toBe(200);
    expect(json(promoted).data.role).toBe('viewer');
    const stored = await app.core.db.selectFrom('users').select('role').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(stored.role).toBe('viewer');
    const write = await post('/api/v1/webhooks', session.headers, { url: 'https://example.com/h', events: ['*'] });
    expect(write.statusCode).toBe(403);
    const readKey = await post('/api/v1/api-keys', session.headers, { name: 'viewer key' });
    expect(readKey.statusCode).toBe(201);
    expect(json(readKey).data.permissions).toEqual(['read']);
    expect((await post('/api/v1/api-keys', session.headers, { name: 'w', permissions: ['write'] })).statusCode).toBe(403);
  });

  it('disabling a member ends their sessions at once; enabling restores login', async () => {
    const { user, session } = await invitedMember();
    const res = await post(`/api/v1/organizations/current/members/${user.id}/disable`, admin.headers, undefined);
    expect(res.statusCode).toBe(200);
    expect(json(res).data.is_active).toBe(false);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: session.headers })).statusCode).toBe(401);
    expect((await post(`/api/v1/organizations/current/members/${user.id}/enable`, admin.headers, undefined)).statusCode).toBe(200);
    await expect(login(app, user.username, 'password-123')).resolves.toBeTruthy();
  });

  it('removing a member deletes the account, its keys and sessions', async () => {
    const { user, session } = await invitedMember();
    const res = await app.app.inject({ method: 'DELETE', url: `/api/v1/organizations/current/members/${user.id}`, headers: admin.headers });
    expect(res.statusCode).toBe(200);
    expect(await app.core.db.selectFrom('users').select('id').where('id', '=', user.id).executeTakeFirst()).toBeUndefined();
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: session.headers })).statusCode).toBe(401);
  });
});

describe('sessions: logout and password change', () => {
  it('logout revokes the refresh family; the refresh token no longer works', async () => {
    const { username } = { username: uniqueName('lo') };
    await post('/api/v1/auth/register', {}, { username, email: `${username}@example.test`, password: 'password-123' });
    const session = await login(app, username, 'password-123');
    const out = await post('/api/v1/auth/logout', session.headers, {});
    expect(out.statusCode).toBe(200);
    expect(json(out).data).toEqual({ logged_out: true, session_revoked: true });
    expect((await post('/api/v1/auth/refresh', {}, { refresh_token: session.refreshToken })).statusCode).toBe(401);
  });

  it('a password change checks the old password and ends the user\'s other sessions, not this one', async () => {
    const username = uniqueName('pw');
    await post('/api/v1/auth/register', {}, { username, email: `${username}@example.test`, password: 'password-123' });
    const here = await login(app, username, 'password-123');
    const elsewhere = await login(app, username, 'password-123');
    const wrong = await app.app.inject({ method: 'PUT', url: '/api/v1/user/password', headers: here.headers, payload: { current_password: 'nope-nope', new_password: 'new-password-456' } });
    expect(wrong.statusCode).toBe(401);
    const ok = await app.app.inject({ method: 'PUT', url: '/api/v1/user/password', headers: here.headers, payload: { current_password: 'password-123', new_password: 'new-password-456' } });
    expect(ok.statusCode).toBe(200);
    expect(json(ok).data).toEqual({ password_changed: true, other_sessions_revoked: 1 });
    expect((await post('/api/v1/auth/refresh', {}, { refresh_token: elsewhere.refreshToken })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/refresh', {}, { refresh_token: here.refreshToken })).statusCode).toBe(200);
    await expect(login(app, username, 'password-123')).rejects.toThrow();
    await expect(login(app, username, 'new-password-456')).resolves.toBeTruthy();
  });
});
