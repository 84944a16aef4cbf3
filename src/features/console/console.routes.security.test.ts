import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { consoleSignIn, csrfOf } from '../../../test/support/console';
import { detect, playbookOf } from '../threats/threats.test-helpers';

let app: TestApp;
let admin: Session;
let adminCookie: string;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  adminCookie = (await consoleSignIn(app, ADMIN.username, ADMIN.password)).cookie;
});
afterAll(async () => app?.teardown());

const form = (url: string, cookie: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  app.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...headers }, payload: new URLSearchParams(body).toString() });

/** Five failed logins whose user name is markup: the threat's lines carry it. */
async function hostileThreat(ip: string, user: string) {
  let last: any;
  for (let i = 0; i < 5; i++) last = await detect(app, admin, `Failed password for invalid user ${user} from ${ip} port 22 ssh2`);
  return last;
}

describe('console sign-in', () => {
  it('a wrong password shows a clear message, 401, and no session', async () => {
    const res = await consoleSignIn(app, ADMIN.username, 'wrong-password');
    expect(res.status).toBe(401);
    expect(res.cookie).toBe('');
    expect(res.body).toContain('Wrong username or password.');
  });

  it('a sign-in without the form token is refused (login CSRF)', async () => {
    const res = await form('/console/login', '', { login: ADMIN.username, password: ADMIN.password });
    expect(res.statusCode).toBe(403);
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('vigil_session=');
  });

  it('pages and the live stream need a session; a forged cookie is no session', async () => {
    for (const url of ['/', '/console/approvals', '/console/access', '/console/events', '/console/inbox/rows']) {
      const res = await app.app.inject({ method: 'GET', url, headers: { cookie: 'vigil_session=forged' } });
      expect(res.statusCode, url).toBe(303);
      expect(res.headers.location).toMatch(/^\/console\/login/);
    }
  });

  it('never redirects to another site after sign-in', async () => {
    const page = await app.app.inject({ method: 'GET', url: '/console/login?next=//evil.example/x' });
    expect(page.body).not.toContain('evil.example');
  });
});

describe('console forms', () => {
  it('a state-changing form without the CSRF token, or from another origin, is refused', async () => {
    const inbox = await app.app.inject({ method: 'GET', url: '/console/access', headers: { cookie: adminCookie } });
    expect((await form('/console/keys', adminCookie, { name: 'nope' })).statusCode).toBe(403);
    expect((await form('/console/keys', adminCookie, { name: 'nope', _csrf: csrfOf(inbox.body) }, { origin: 'https://evil.example' })).statusCode).toBe(403);
    const keys = json(await app.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: admin.headers })).data.items;
    expect(keys.find((k: any) => k.name === 'nope')).toBeUndefined();
  });

  it('a non-admin sees no approve button and is refused when posting anyway', async () => {
    const member = await registerUser(app);
    const threat = await hostileThreat('192.0.2.60', 'deploy');
    const playbook = await playbookOf(app, admin, threat.threat_id);
    const memberCookie = (await consoleSignIn(app, member.username, 'password-123')).cookie;
    const page = await app.app.inject({ method: 'GET', url: '/console/approvals', headers: { cookie: memberCookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`id="playbook-${playbook.id}"`);
    expect(page.body).not.toContain('/decision');
    const res = await form(`/console/playbooks/${playbook.id}/decision`, memberCookie, { _csrf: csrfOf(page.body), decision: 'approve' });
    expect(res.statusCode).toBe(403);
    const stored = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: admin.headers })).data;
    expect(stored.approval_status).toBe('pending');
  });

  it('a non-admin sees no rate-limit form and is refused when posting anyway', async () => {
    const member = await registerUser(app);
    const memberCookie = (await consoleSignIn(app, member.username, 'password-123')).cookie;
    const page = await app.app.inject({ method: 'GET', url: '/console/access', headers: { cookie: memberCookie } });
    expect(page.body).not.toContain('action="/console/rate-limits"');
    const res = await form('/console/rate-limits', memberCookie, { _csrf: csrfOf(page.body), requests_per_minute: '1', requests_per_hour: '1', algorithm: 'sliding_window' });
    expect(res.statusCode).toBe(403);
    const limits = json(await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: admin.headers })).data;
    expect(limits.global.requests_per_minute).not.toBe(1);
  });

  it("another organization's finding answers the same 404 page as an unknown id", async () => {
    const threat = await hostileThreat('192.0.2.61', 'ops');
    const stranger = await registerUser(app, { organization: 'stranger-co' });
    const cookie = (await consoleSignIn(app, stranger.username, 'password-123')).cookie;
    const foreign = await app.app.inject({ method: 'GET', url: `/console/findings/threat/${threat.threat_id}`, headers: { cookie } });
    const unknown = await app.app.inject({ method: 'GET', url: '/console/findings/threat/00000000-0000-4000-8000-000000000000', headers: { cookie } });
    expect(foreign.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(foreign.body.replace(/[0-9a-f-]{36}|[\w-]{32}/g, '')).toBe(unknown.body.replace(/[0-9a-f-]{36}|[\w-]{32}/g, ''));
  });
});

describe('console output escaping', () => {
  it('a log line with <script> and an attribute breakout renders as text', async () => {
    const threat = await hostileThreat('192.0.2.62', '<script>alert(1)</script>"onmouseover=alert(2)');
    const page = await app.app.inject({ method: 'GET', url: `/console/findings/threat/${threat.threat_id}`, headers: { cookie: adminCookie } });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).not.toContain('"onmouseover');
    expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;onmouseover=alert(2)');
  });
});
