import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, createTestApp, type TestApp } from '../../../test/support/test-app';
import { consoleSignIn, csrfOf } from '../../../test/support/console';

let app: TestApp;
let cookie: string;
let csrf: string;

beforeAll(async () => {
  app = await createTestApp();
  cookie = (await consoleSignIn(app, ADMIN.username, ADMIN.password)).cookie;
  csrf = csrfOf((await app.app.inject({ method: 'GET', url: '/console/access', headers: { cookie } })).body);
});
afterAll(async () => app?.teardown());

const form = (url: string, body: Record<string, string>) =>
  app.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: csrf, ...body }).toString() });

describe('console: bad input answers a page with the reason, never a 500', () => {
  it('an empty key name answers 400 with the API message next to the field, and creates nothing', async () => {
    const res = await form('/console/keys', { name: '' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<div class="error" id="key-error">name: [^<]+<\/div>/);
    expect(res.body).toContain('aria-invalid="true"');
    expect(res.body).not.toContain('id="new-key"');
  });

  it('a non-number rate limit answers 400 with the reason next to the form and changes nothing', async () => {
    const res = await form('/console/rate-limits', { requests_per_minute: 'lots', requests_per_hour: '100', algorithm: 'sliding_window' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<div class="error" id="limits-error">global requests_per_minute: [^<]+<\/div>/);
  });

  it.each([
    ['GET', '/console/findings/anomaly/00000000-0000-4000-8000-000000000000', 404],
    ['GET', '/console/findings/drift/00000000-0000-4000-8000-000000000000', 404],
    ['GET', '/console/findings/metrics/abc', 404],
    ['GET', `/console/findings/threat/${'x'.repeat(300)}`, 400], // the API's own validation of ids
    ['POST', '/console/anomalies/00000000-0000-4000-8000-000000000000/acknowledge', 404],
    ['POST', '/console/anomalies/00000000-0000-4000-8000-000000000000/explode', 404],
    ['POST', '/console/playbooks/00000000-0000-4000-8000-000000000000/decision', 404],
    ['POST', '/console/keys/00000000-0000-4000-8000-000000000000/revoke', 404],
    ['GET', '/console/assets/console.0000.js', 404],
  ])('%s %s answers %i', async (method, url, status) => {
    const res = method === 'GET' ? await app.app.inject({ method: 'GET', url, headers: { cookie } }) : await form(url, { decision: 'approve' });
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-type']).toMatch(/text\/(html|plain)/);
  });

  it('garbage inbox filters fall back to the unfiltered first page', async () => {
    const res = await app.app.inject({ method: 'GET', url: '/?engine=nope&severity=%00&page=-4&size=99999', headers: { cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Page 1 of 1');
  });

  it('a sign-in with an empty password is 400 with a message, and a malformed body does not break the form', async () => {
    const page = await app.app.inject({ method: 'GET', url: '/console/login' });
    const loginCsrf = csrfOf(page.body);
    const cookieValue = /vigil_login_csrf=([^;]+)/.exec(String(page.headers['set-cookie']))![1];
    const res = await app.app.inject({
      method: 'POST', url: '/console/login', headers: { cookie: `vigil_login_csrf=${cookieValue}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: loginCsrf, login: 'admin', password: '' }).toString(),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Enter your username or email and your password.');
    const garbage = await app.app.inject({ method: 'POST', url: '/console/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'login[]=x&&=&password' });
    expect(garbage.statusCode).toBe(403);
  });
});
