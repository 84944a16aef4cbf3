import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, login, loginAdmin, registerUser, uniqueName } from '../../../test/support/http';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(async () => app.teardown());

describe('POST /api/v1/auth/register', () => {
  it('creates a user with the union of the seeds\' fields and never returns the password', async () => {
    const username = uniqueName();
    const res = await app.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { username, email: `${username}@Example.test`, password: 'password-123', first_name: 'Ada', last_name: 'Lovelace' },
    });
    expect(res.statusCode).toBe(201);
    const body = json(res);
    expect(body.success).toBe(true);
    expect(body.timestamp).toBeTypeOf('string');
    expect(body.data).toMatchObject({ username, email: `${username}@example.test`, first_name: 'Ada', last_name: 'Lovelace', full_name: 'Ada Lovelace', name: 'Ada Lovelace', role: 'admin', is_active: true });
    expect(res.body).not.toContain('password');
    const stored = await app.core.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('joins the default organization unless an organization name is given', async () => {
    const admin = await loginAdmin(app);
    const member = await registerUser(app);
    const founder = await registerUser(app, { organization: 'Acme' });
    expect(member.organizationId).toBe(admin.organizationId);
    expect(founder.organizationId).not.toBe(admin.organizationId);
    const profile = json(await app.app.inject({ method: 'GET', url: '/api/v1/auth/profile', headers: founder.headers })).data;
    expect(profile.role).toBe('admin');
  });
});

describe('POST /api/v1/auth/login', () => {
  it('accepts username or email and answers every seed\'s token fields', async () => {
    const username = uniqueName();
    await app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { username, email: `${username}@example.test`, password: 'password-123', full_name: 'Grace Hopper' } });
    for (const payload of [{ username, password: 'password-123' }, { email: `${username}@example.test`, password: 'password-123' }]) {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload });
      expect(res.statusCode).toBe(200);
      const data = json(res).data;
      expect(data).toMatchObject({ token_type: 'bearer', expires_in: 900 });
      expect(data.token).toBe(data.access_token);
      expect(data.refresh_token).toMatch(/^rt_/);
      expect(data.user).toMatchObject({ username, name: 'Grace Hopper', role: 'admin' });
    }
  });
});

describe('POST /api/v1/auth/refresh', () => {
  it('rotates: the new pair works, the old refresh token is refused afterwards', async () => {
    const session = await registerUser(app);
    const first = await app.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: session.refreshToken } });
    expect(first.statusCode).toBe(200);
    const next = json(first).data;
    expect(next.refresh_token).not.toBe(session.refreshToken);
    const profile = await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: `Bearer ${next.access_token}` } });
    expect(profile.statusCode).toBe(200);
  });

  it('takes the refresh token as Authorization: Bearer (ThreatCopilot)', async () => {
    const session = await registerUser(app);
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', headers: { authorization: `Bearer ${session.refreshToken}` } });
    expect(res.statusCode).toBe(200);
    expect(json(res).data.access_token).toBeTypeOf('string');
  });

  it('reuse of a rotated token revokes the whole family', async () => {
    const session = await registerUser(app);
    const rotated = json(await app.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: session.refreshToken } })).data;
    const reuse = await app.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: session.refreshToken } });
    expect(reuse.statusCode).toBe(401);
    const afterTheft = await app.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: rotated.refresh_token } });
    expect(afterTheft.statusCode).toBe(401);
  });

  it('exactly one of two concurrent refreshes with the same token wins', async () => {
    const session = await registerUser(app);
    const results = await Promise.all(
      [0, 1].map(() => app.app.inject({ method: 'POST', url: '/api/v1/auth/refresh', payload: { refresh_token: session.refreshToken } })),
    );
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });
});

describe('GET/PUT /api/v1/user and GET /api/v1/auth/profile', () => {
  it('reads and updates the caller\'s name fields', async () => {
    const session = await registerUser(app);
    const put = await app.app.inject({ method: 'PUT', url: '/api/v1/user', headers: session.headers, payload: { first_name: 'Linus', last_name: 'Torvalds' } });
    expect(put.statusCode).toBe(200);
    expect(json(put).data).toMatchObject({ first_name: 'Linus', last_name: 'Torvalds', name: 'Linus Torvalds' });
    const profile = json(await app.app.inject({ method: 'GET', url: '/api/v1/auth/profile', headers: session.headers })).data;
    expect(profile).toMatchObject({ id: session.userId, first_name: 'Linus', is_admin: false });
  });

  it('the bootstrap admin exists with the admin role', async () => {
    const admin = await loginAdmin(app);
    const profile = json(await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: admin.headers })).data;
    expect(profile).toMatchObject({ role: 'admin', is_admin: true });
  });

  it('a disabled account can no longer log in or use its token', async () => {
    const session = await registerUser(app);
    await app.core.accounts.disableUser(session.organizationId, session.userId);
    const res = await app.app.inject({ method: 'GET', url: '/api/v1/user', headers: session.headers });
    expect(res.statusCode).toBe(401);
    await expect(login(app, (await app.core.accounts.getProfile(session.userId)).username, 'password-123')).rejects.toThrow(/403/);
  });
});
