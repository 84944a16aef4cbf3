import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/clock';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { delaySeconds } from './login-throttle';

let app: TestApp;
let admin: Session;
const clock = new FakeClock(Date.parse('2026-04-01T00:00:00Z'));
beforeAll(async () => {
  app = await createTestApp({ clock });
  admin = await loginAdmin(app);
});
afterAll(() => app.teardown());

const attempt = (username: string, password: string, address: string) =>
  app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password }, remoteAddress: address });

describe('delaySeconds', () => {
  it('gives the free failures no delay, then doubles up to the cap', () => {
    expect([1, 4, 5, 6, 7, 8].map((n) => delaySeconds(n, 5, 300))).toEqual([0, 0, 1, 2, 4, 8]);
    expect(delaySeconds(100, 5, 300)).toBe(300);
  });
});

describe('password guessing against one account', () => {
  it('is answered 429 with Retry-After once the free failures are spent, with growing delays, even from new addresses', async () => {
    const victim = await registerUser(app);
    for (let i = 0; i < 5; i++) expect((await attempt(victim.username, 'wrong-password', `198.51.100.${i + 1}`)).statusCode).toBe(401);
    const throttled = await attempt(victim.username, 'password-123', '198.51.100.99');
    expect(throttled.statusCode).toBe(429);
    expect(json(throttled).error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(throttled.headers['retry-after']).toBe('1');
    clock.advance(1_000);
    expect((await attempt(victim.username, 'wrong-password', '198.51.100.50')).statusCode).toBe(401);
    const longer = await attempt(victim.username, 'password-123', '198.51.100.99');
    expect(longer.statusCode).toBe(429);
    expect(Number(longer.headers['retry-after'])).toBe(2);
  });

  it('never locks the owner out for good: after the (capped) wait the right password works and clears the count', async () => {
    const victim = await registerUser(app);
    for (let i = 0; i < 30; i++) {
      clock.advance(400_000); // every failure lands after the previous wait
      expect((await attempt(victim.username, 'wrong-password', `203.0.113.${i + 1}`)).statusCode).toBe(401);
    }
    const waiting = await attempt(victim.username, 'password-123', '192.0.2.1');
    expect(waiting.statusCode).toBe(429);
    expect(Number(waiting.headers['retry-after'])).toBeLessThanOrEqual(300);
    clock.advance(300_000);
    expect((await attempt(victim.username, 'password-123', '192.0.2.1')).statusCode).toBe(200);
    expect((await attempt(victim.username, 'wrong-password', '192.0.2.1')).statusCode).toBe(401);
  });
});

describe('password guessing from one address', () => {
  it('is throttled across accounts; other addresses are not affected', async () => {
    const address = '198.51.100.200';
    const target = await registerUser(app);
    for (let i = 0; i < 10; i++) expect((await attempt(`nobody-${i}`, 'wrong-password', address)).statusCode).toBe(401);
    const res = await attempt(target.username, 'password-123', address);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await attempt(target.username, 'password-123', '198.51.100.201')).statusCode).toBe(200);
  });

  it('throttled attempts and failures are on the audit trail', async () => {
    const audit = json(await app.app.inject({ method: 'GET', url: '/api/v1/audit?action=auth.login&outcome=denied&size=100', headers: admin.headers })).data;
    expect(audit.items.some((r: any) => r.details?.reason === 'throttled' && r.address === '198.51.100.200')).toBe(true);
  });
});

describe('Vigil reports its own failed logins to its threat engine', () => {
  it('a brute force against Vigil becomes a brute_force_attack threat of the default organization', async () => {
    const address = '192.0.2.77';
    for (let i = 0; i < 6; i++) await attempt('admin', `guess-${i}`, address);
    let threats: any[] = [];
    for (let i = 0; i < 200 && threats.length === 0; i++) {
      const list = json(await app.app.inject({ method: 'GET', url: '/api/v1/threats?size=100', headers: admin.headers })).data;
      threats = (list.threats ?? list.items ?? []).filter((t: any) => t.source_ip === address);
      if (threats.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(threats.length).toBeGreaterThan(0);
    expect(threats[0].threat_type).toBe('brute_force_attack');
  });
});
