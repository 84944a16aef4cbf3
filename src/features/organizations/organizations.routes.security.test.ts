import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { securitySuite } from '../../../test/support/security';

let app: TestApp;
let admin: Session;
let member: Session;
let viewer: Session;
let stranger: Session;
let invitationId: string;
beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  member = await registerUser(app);
  viewer = await registerUser(app, { role: 'viewer' });
  stranger = await registerUser(app, { own: true });
  invitationId = json(await app.app.inject({ method: 'POST', url: '/api/v1/organizations/current/invitations', headers: admin.headers, payload: { email: 'someone@example.test' } })).data.id;
});
afterAll(() => app.teardown());

const unknown = '00000000-0000-4000-8000-000000000000';
const adminRoutes = () =>
  [
    { method: 'GET', url: '/api/v1/organizations/current/members' },
    { method: 'PUT', url: `/api/v1/organizations/current/members/${member.userId}`, payload: { role: 'viewer' } },
    { method: 'POST', url: `/api/v1/organizations/current/members/${member.userId}/disable` },
    { method: 'POST', url: `/api/v1/organizations/current/members/${member.userId}/enable` },
    { method: 'DELETE', url: `/api/v1/organizations/current/members/${member.userId}` },
    { method: 'POST', url: '/api/v1/organizations/current/invitations', payload: { email: 'x@example.test', role: 'admin' } },
    { method: 'GET', url: '/api/v1/organizations/current/invitations' },
    { method: 'DELETE', url: `/api/v1/organizations/current/invitations/${invitationId}` },
    { method: 'GET', url: '/api/v1/audit' },
    { method: 'GET', url: '/api/v1/settings/retention' },
    { method: 'PUT', url: '/api/v1/settings/retention', payload: { audit_days: 400 } },
  ] as const;

describe('shared security suite', () => {
  securitySuite(() => app, [
    { method: 'GET', url: '/api/v1/organizations/current' },
    { method: 'GET', url: '/api/v1/organizations/current/members' },
    { method: 'PUT', url: `/api/v1/organizations/current/members/${unknown}`, payload: { role: 'viewer' } },
    { method: 'POST', url: `/api/v1/organizations/current/members/${unknown}/disable` },
    { method: 'DELETE', url: `/api/v1/organizations/current/members/${unknown}` },
    { method: 'POST', url: '/api/v1/organizations/current/invitations', payload: { email: 'x@example.test' } },
    { method: 'GET', url: '/api/v1/organizations/current/invitations' },
    { method: 'DELETE', url: `/api/v1/organizations/current/invitations/${unknown}` },
    { method: 'GET', url: '/api/v1/audit' },
    { method: 'GET', url: '/api/v1/settings/retention' },
    { method: 'PUT', url: '/api/v1/settings/retention', payload: { audit_days: 400 } },
    { method: 'POST', url: '/api/v1/auth/logout', payload: {} },
    { method: 'PUT', url: '/api/v1/user/password', payload: { current_password: 'password-123', new_password: 'password-456' } },
  ]);
});

describe('roles', () => {
  it('a member gets 403 on every admin route, and nothing changes', async () => {
    for (const route of adminRoutes()) {
      const res = await app.app.inject({ method: route.method, url: route.url, headers: member.headers, payload: 'payload' in route ? route.payload : undefined });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
      expect(json(res).error.code).toBe('INSUFFICIENT_PERMISSIONS');
    }
    const row = await app.core.db.selectFrom('users').select(['role', 'is_active']).where('id', '=', member.userId).executeTakeFirstOrThrow();
    expect(row).toEqual({ role: 'member', is_active: 1 });
  });

  it('a viewer gets 403 on every admin route too, and on writes anywhere, but may log out', async () => {
    for (const route of adminRoutes()) {
      const res = await app.app.inject({ method: route.method, url: route.url, headers: viewer.headers, payload: 'payload' in route ? route.payload : undefined });
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403);
    }
    for (const [method, url, payload] of [
      ['POST', '/api/v1/webhooks', { url: 'https://example.com/h', events: ['*'] }],
      ['POST', '/api/v1/events/ingest', { events: [{ type: 'metric', source: 's', name: 'm', value: 1, timestamp: new Date().toISOString() }] }],
      ['DELETE', '/api/v1/blocklist/203.0.113.9', undefined],
    ] as const) {
      const res = await app.app.inject({ method, url, headers: viewer.headers, payload });
      expect(res.statusCode, url).toBe(403);
    }
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/organizations/current', headers: viewer.headers })).statusCode).toBe(200);
  });
});

describe('foreign organization', () => {
  it('another organization\'s admin sees none of our members and cannot touch them (404 like an unknown id)', async () => {
    const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/organizations/current/members', headers: stranger.headers })).data;
    expect(list.members.map((m: { id: string }) => m.id)).toEqual([stranger.userId]);
    for (const [method, suffix, payload] of [
      ['PUT', '', { role: 'viewer' }],
      ['POST', '/disable', undefined],
      ['DELETE', '', undefined],
    ] as const) {
      const foreign = await app.app.inject({ method, url: `/api/v1/organizations/current/members/${member.userId}${suffix}`, headers: stranger.headers, payload });
      const missing = await app.app.inject({ method, url: `/api/v1/organizations/current/members/${unknown}${suffix}`, headers: stranger.headers, payload });
      expect(foreign.statusCode).toBe(404);
      expect(json(foreign).error).toEqual(json(missing).error);
    }
    const foreignInvitation = await app.app.inject({ method: 'DELETE', url: `/api/v1/organizations/current/invitations/${invitationId}`, headers: stranger.headers });
    expect(foreignInvitation.statusCode).toBe(404);
    const invitations = json(await app.app.inject({ method: 'GET', url: '/api/v1/organizations/current/invitations', headers: stranger.headers })).data;
    expect(invitations.total).toBe(0);
  });
});
