import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { createAnomaly, createDriftResult } from '../findings/findings.test-helpers';
import { bruteForce, detect, playbookOf } from '../threats/threats.test-helpers';

/**
 * The console in a real Chromium (Debian's `chromium` through playwright-core). Screenshots of each screen go
 * to test-output/console/. Skipped, with a visible line, where no Chromium is installed.
 */
const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';
const hasChromium = fs.existsSync(CHROMIUM);
if (!hasChromium) console.warn(`SKIPPED console browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set VIGIL_CHROMIUM)`);
const SHOTS = path.resolve('test-output/console');

let app: TestApp;
let admin: Session;
let base: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const cspViolations: string[] = [];
const dialogs: string[] = [];

async function shot(target: Page, name: string) {
  await target.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

async function newPage(ctx: BrowserContext) {
  const p = await ctx.newPage();
  p.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
  });
  p.on('dialog', async (dialog) => {
    dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  return p;
}

async function signIn(target: Page, login: string, password: string) {
  await target.goto(`${base}/`);
  await target.getByLabel('Username or email').fill(login);
  await target.getByLabel('Password').fill(password);
  await target.getByRole('button', { name: 'Sign in' }).click();
}

describe.skipIf(!hasChromium)('web console in Chromium', () => {
  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    app = await createTestApp({ config: { backgroundJobs: true, heartbeatSeconds: 5 } });
    admin = await loginAdmin(app);
    base = await app.app.listen({ port: 0, host: '127.0.0.1' });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'Europe/Paris', locale: 'en-GB' });
    page = await newPage(context);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.teardown();
  });

  it('a wrong password shows a clear message; the right one opens the inbox', async () => {
    await signIn(page, ADMIN.username, 'not-the-password');
    await expect.poll(() => page.locator('[role="alert"]').textContent()).toBe('Wrong username or password.');
    await shot(page, '01-login-wrong-password');
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForSelector('h1:has-text("Inbox")');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'vigil_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
  });

  it('the inbox shows a threat, an anomaly and a drift result created through the API', async () => {
    await createAnomaly(app, admin, 'checkout-api', 'latency_ms');
    await bruteForce(app, admin, '203.0.113.77');
    await createDriftResult(app, admin);
    await page.goto(`${base}/`);
    const rows = page.locator('#inbox-rows tr');
    // The drift scan of the example workspace also raises its own threat (an exposed security group).
    const threatsRaisedByDrift = json(await app.app.inject({ method: 'GET', url: '/api/v1/threats?type=security_group_exposure', headers: admin.headers })).data.pagination.total;
    await expect.poll(() => rows.count()).toBe(3 + threatsRaisedByDrift);
    const text = await page.locator('#inbox-rows').innerText();
    expect(text).toContain('Unusual latency_ms on checkout-api');
    expect(text).toContain('Brute force attack from 203.0.113.77');
    expect(text).toMatch(/drifted fields? across the infrastructure/);
    expect(await page.locator('#inbox-rows time').first().innerText()).toMatch(/ago|now/);
    await shot(page, '02-inbox');
    const mobile = await newPage(context);
    await mobile.setViewportSize({ width: 390, height: 844 });
    await mobile.goto(`${base}/`);
    await shot(mobile, '02-inbox-390px');
    await mobile.close();
  });

  it('a new finding appears live while the page is open', async () => {
    await page.goto(`${base}/`);
    await expect.poll(() => page.locator('#live-status').innerText()).toBe('Live');
    await bruteForce(app, admin, '198.51.100.200');
    await page.waitForSelector('#inbox-rows a:has-text("Brute force attack from 198.51.100.200")', { timeout: 10_000 });
    await shot(page, '03-inbox-live-update');
  });

  it('finding details: anomaly chart, threat timeline and MITRE links, drift expected against actual', async () => {
    await page.goto(`${base}/?engine=anomaly`);
    await page.locator('#inbox-rows a').first().click();
    await page.waitForSelector('figure.chart svg circle.point');
    await shot(page, '04-anomaly-detail');
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => page.locator('.notice').innerText()).toContain('Anomaly acknowledged');

    await page.goto(`${base}/?engine=threat`);
    await page.locator('#inbox-rows a').first().click();
    await page.waitForSelector('a[href^="https://attack.mitre.org/techniques/T1110"]');
    await shot(page, '05-threat-detail');

    await page.goto(`${base}/?engine=drift`);
    await page.locator('#inbox-rows a').first().click();
    await page.waitForSelector('td:has-text("tags.Environment")');
    await shot(page, '06-drift-detail');
  });

  it('an admin approves a playbook and the API then shows it approved', async () => {
    const threat = await bruteForce(app, admin, '192.0.2.150');
    const playbook = await playbookOf(app, admin, threat.threat_id);
    await page.goto(`${base}/console/approvals`);
    const card = page.locator(`#playbook-${playbook.id}`);
    await shot(page, '07-approvals');
    await card.getByLabel('Comment').fill('Confirmed with the on-call.');
    await card.getByRole('button', { name: 'Approve and run' }).click();
    await expect.poll(() => page.locator('.notice').innerText()).toContain('Playbook approved');
    const stored = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: admin.headers })).data;
    expect(stored.approval_status).toBe('approved');
    expect(stored.approval_comment).toBe('Confirmed with the on-call.');
  });

  it('a non-admin sees no approve button and is refused when posting anyway', async () => {
    const member = await registerUser(app);
    const threat = await bruteForce(app, admin, '192.0.2.151');
    const playbook = await playbookOf(app, admin, threat.threat_id);
    const memberContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const memberPage = await newPage(memberContext);
    await signIn(memberPage, member.username, 'password-123');
    await memberPage.goto(`${base}/console/approvals`);
    await memberPage.waitForSelector(`#playbook-${playbook.id}`);
    expect(await memberPage.getByRole('button', { name: 'Approve and run' }).count()).toBe(0);
    await shot(memberPage, '08-approvals-read-only');
    const csrf = await memberPage.locator('input[name="_csrf"]').first().getAttribute('value');
    const refused = await memberContext.request.post(`${base}/console/playbooks/${playbook.id}/decision`, { form: { _csrf: csrf!, decision: 'approve' }, maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    const stored = json(await app.app.inject({ method: 'GET', url: `/api/v1/playbooks/${playbook.id}`, headers: admin.headers })).data;
    expect(stored.approval_status).toBe('pending');
    await memberContext.close();
  });

  it('creates an API key (shown once) and revokes it; a webhook shows its deliveries', async () => {
    const received: string[] = [];
    const receiver = http.createServer((req, res) => {
      req.on('data', () => undefined);
      req.on('end', () => {
        received.push(String(req.headers['webhook-id'] ?? ''));
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/vigil`;
    const hook = await app.app.inject({ method: 'POST', url: '/api/v1/webhooks', headers: admin.headers, payload: { url: hookUrl, secret: 'whsec-test-123', events: ['api_key.created', 'api_key.revoked'] } });
    expect(hook.statusCode, hook.body).toBe(201);
    await page.goto(`${base}/console/access`);
    await page.getByLabel('Name').fill('ci-pipeline');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = (await page.locator('#new-key').innerText()).trim();
    expect(key).toMatch(/^sk_live_/);
    await shot(page, '09-access-key-created');
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/findings', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    await page.goto(`${base}/console/access`);
    expect(await page.content()).not.toContain(key);
    await page.getByRole('button', { name: 'Revoke key ci-pipeline' }).click();
    await expect.poll(() => page.locator('.notice').innerText()).toContain('Key revoked');
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/findings', headers: { 'x-api-key': key } })).statusCode).toBe(401);
    await expect.poll(() => received.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    await page.goto(`${base}/console/access`);
    expect(await page.locator('#hooks ~ h3, section h3.mono').first().innerText()).toBe(hookUrl);
    await shot(page, '10-access-key-revoked');
    receiver.close();
  });

  it('a <script> log line renders as text and runs nothing', async () => {
    let last: any;
    for (let i = 0; i < 5; i++) last = await detect(app, admin, 'Failed password for invalid user <script>alert(1)</script> from 192.0.2.99 port 22 ssh2');
    await page.goto(`${base}/console/findings/threat/${last.threat_id}`);
    const line = await page.locator('pre.log-line').first().innerText();
    expect(line).toContain('<script>alert(1)</script>');
    expect(await page.locator('main script').count()).toBe(0);
    await shot(page, '11-script-line-as-text');
    expect(dialogs).toEqual([]);
  });

  it('infrastructure, rules and sources screens render', async () => {
    for (const [url, name] of [['/console/infrastructure', '12-infrastructure'], ['/console/rules', '13-rules'], ['/console/sources', '14-sources']] as const) {
      await page.goto(`${base}${url}`);
      await page.waitForSelector('main h1');
      await shot(page, name);
    }
    expect(cspViolations).toEqual([]);
  });
});
