import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, type Session } from '../../../test/support/http';
import { consoleSignIn, csrfOf } from '../../../test/support/console';
import { bruteForce, playbookOf } from '../threats/threats.test-helpers';

let app: TestApp;
let admin: Session;
let cookie: string;

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  cookie = (await consoleSignIn(app, ADMIN.username, ADMIN.password)).cookie;
});
afterAll(async () => app?.teardown());

const page = (url: string, headers: Record<string, string> = {}) => app.app.inject({ method: 'GET', url, headers: { cookie, ...headers } });
const post = (url: string, form: Record<string, string>) =>
  app.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });

describe('console serving and sign-in', () => {
  it('signs in with the API account and serves the inbox with a strict CSP', async () => {
    expect(cookie).toMatch(/^vigil_session=/);
    const res = await page('/');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.body).toContain('<h1>Inbox</h1>');
    expect(res.body).not.toMatch(/sk_live_|eyJhbGci/); // no API token or key in the page
  });

  it('sets an HttpOnly SameSite session cookie and rotates it on each sign-in', async () => {
    const first = await consoleSignIn(app, ADMIN.username, ADMIN.password);
    const second = await consoleSignIn(app, ADMIN.username, ADMIN.password);
    expect(first.cookie).not.toBe(second.cookie);
    const form = await app.app.inject({ method: 'GET', url: '/console/login' });
    expect(String(form.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('serves hashed, compressed, immutable assets under 100 KB of JavaScript', async () => {
    const res = await page('/');
    const js = /src="(\/console\/assets\/console\.[0-9a-f]{12}\.js)"/.exec(res.body)![1]!;
    const css = /href="(\/console\/assets\/console\.[0-9a-f]{12}\.css)"/.exec(res.body)![1]!;
    const br = await app.app.inject({ method: 'GET', url: js, headers: { 'accept-encoding': 'gzip, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toContain('immutable');
    const plain = await app.app.inject({ method: 'GET', url: js });
    expect(plain.body.length).toBeLessThan(100 * 1024);
    expect(plain.body).toContain('EventSource');
    expect((await app.app.inject({ method: 'GET', url: css, headers: { 'accept-encoding': 'gzip' } })).headers['content-encoding']).toBe('gzip');
  });

  it('logout revokes the session', async () => {
    const session = await consoleSignIn(app, ADMIN.username, ADMIN.password);
    const inbox = await app.app.inject({ method: 'GET', url: '/', headers: { cookie: session.cookie } });
    const out = await app.app.inject({
      method: 'POST', url: '/console/logout', headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrfOf(inbox.body))}`,
    });
    expect(out.statusCode).toBe(303);
    const after = await app.app.inject({ method: 'GET', url: '/', headers: { cookie: session.cookie } });
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/console\/login/);
  });
});

describe('console screens act through the API', () => {
  it('shows a threat in the inbox and its detail with MITRE links and the raw line as text', async () => {
    const threat = await bruteForce(app, admin, '198.51.100.7');
    const inbox = await page('/?engine=threat');
    expect(inbox.body).toContain(`/console/findings/threat/${threat.threat_id}`);
    const detail = await page(`/console/findings/threat/${threat.threat_id}`);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain('https://attack.mitre.org/techniques/T1110/001/');
    expect(detail.body).toContain('Failed password for root from 198.51.100.7');
  });

  it('an admin approves a playbook from the approvals screen and the API shows it approved', async () => {
    const threat = await bruteForce(app, admin, '198.51.100.8');
    const playbook = await playbookOf(app, admin, threat.threat_id);
    const approvals = await page('/console/approvals');
    expect(approvals.body).toContain(`/console/playbooks/${playbook.id}/decision`);
    const res = await post(`/console/playbooks/${playbook.id}/decision`, { _csrf: csrfOf(approvals.body), decision: 'approve', comment: 'go' });
    expect(res.statusCode).toBe(303);
    const stored = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: admin.headers })).data;
    expect(stored.approval_status).toBe('approved');
  });

  it('creates an API key shown once, which then works, and revokes it', async () => {
    const access = await page('/console/access');
    const created = await post('/console/keys', { _csrf: csrfOf(access.body), name: 'ci', permissions: 'read' });
    expect(created.statusCode).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const key = /id="new-key">(sk_live_[^<]+)</.exec(created.body)![1]!;
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/findings', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    expect((await page('/console/access')).body).not.toContain(key);
    const keys = json(await app.app.inject({ method: 'GET', url: '/api/v1/api-keys', headers: admin.headers })).data.items;
    const id = keys.find((k: any) => k.name === 'ci').id;
    const revoked = await post(`/console/keys/${id}/revoke`, { _csrf: csrfOf(access.body) });
    expect(revoked.statusCode).toBe(303);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/findings', headers: { 'x-api-key': key } })).statusCode).toBe(401);
  });

  it('an admin changes the global rate limit from the access screen', async () => {
    const access = await page('/console/access');
    expect(access.body).toContain('action="/console/rate-limits"');
    const res = await post('/console/rate-limits', { _csrf: csrfOf(access.body), requests_per_minute: '700', requests_per_hour: '20000', algorithm: 'token_bucket' });
    expect(res.statusCode).toBe(303);
    const limits = json(await app.app.inject({ method: 'GET', url: '/api/v1/rate-limits', headers: admin.headers })).data;
    expect(limits.global).toEqual({ requests_per_minute: 700, requests_per_hour: 20000 });
    expect(limits.algorithm).toBe('token_bucket');
  });

  it('renders the infrastructure, rules, sources and access screens', async () => {
    for (const [url, heading] of [['/console/infrastructure', 'Infrastructure'], ['/console/rules', 'Rules'], ['/console/sources', 'Sources'], ['/console/access', 'Access']]) {
      const res = await page(url!);
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain(`<h1>${heading}</h1>`);
    }
  });
});
