import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';

let app: TestApp;
let admin: Session;
let member: Session;
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

beforeAll(async () => {
  app = await createTestApp();
  admin = await loginAdmin(app);
  member = await registerUser(app);
});
afterAll(async () => app?.teardown());

const valid = { engine: 'threat', match: { threat_type: 'port_scan' }, reason: 'known scanner', expires_at: inDays(3) };

describe('suppression input errors', () => {
  const cases: [string, Record<string, unknown>, number, string, string?][] = [
    ['empty match', { match: {} }, 400, 'VALIDATION_ERROR', 'body.match'],
    ['unknown match field', { match: { colour: 'red' } }, 400, 'VALIDATION_ERROR', 'body.match.colour'],
    ['invalid CIDR', { match: { source_ip: { cidr: '10.0.0.0/40' } } }, 400, 'VALIDATION_ERROR', 'body.match.source_ip'],
    ['CIDR on a non-address field', { match: { source: { cidr: '10.0.0.0/8' } } }, 400, 'VALIDATION_ERROR', 'body.match.source'],
    ['unknown severity', { match: { severity: 'urgent' } }, 400, 'VALIDATION_ERROR', 'body.match.severity'],
    ['expiry in the past', { expires_at: '2020-01-01T00:00:00Z' }, 400, 'VALIDATION_ERROR', 'body.expires_at'],
    ['expiry beyond 90 days', { expires_at: inDays(91) }, 400, 'VALIDATION_ERROR', 'body.expires_at'],
    ['neither expiry nor schedule', { expires_at: undefined }, 400, 'VALIDATION_ERROR', 'body.expires_at'],
    ['invalid cron', { expires_at: undefined, schedule: { cron: '61 25 * * *', duration: '1h' } }, 400, 'VALIDATION_ERROR', 'body.schedule.cron'],
    ['unknown time zone', { expires_at: undefined, schedule: { cron: '0 2 * * 6', duration: '1h', timezone: 'Mars/Olympus' } }, 400, 'VALIDATION_ERROR', 'body.schedule.timezone'],
    ['unreadable duration', { expires_at: undefined, schedule: { cron: '0 2 * * 6', duration: 'a while' } }, 400, 'VALIDATION_ERROR', 'body.schedule.duration'],
    ['missing reason', { reason: undefined }, 400, 'VALIDATION_ERROR', 'body'],
    ['unknown engine', { engine: 'email' }, 400, 'VALIDATION_ERROR', 'body.engine'],
    ['unknown top-level field', { colour: 'red' }, 400, 'VALIDATION_ERROR'],
  ];
  for (const [name, patch, status, code, field] of cases) {
    it(`${name}: ${status} ${code}`, async () => {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/suppressions', headers: admin.headers, payload: { ...valid, ...patch } });
      expect(res.statusCode, res.body).toBe(status);
      const body = json(res);
      expect(body.error.code).toBe(code);
      if (field) expect(JSON.stringify(body.error.details ?? body.error.message)).toContain(field);
    });
  }

  it('only an admin creates engine:any or critical-severity suppressions (403 for a member)', async () => {
    for (const patch of [{ engine: 'any' }, { match: { severity: 'critical' } }, { match: { severity: ['high', 'crit*'] } }]) {
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/suppressions', headers: member.headers, payload: { ...valid, ...patch } });
      expect(res.statusCode, JSON.stringify(patch)).toBe(403);
      expect(json(res).error.code).toBe('INSUFFICIENT_PERMISSIONS');
      const asAdmin = await app.app.inject({ method: 'POST', url: '/api/v1/suppressions', headers: admin.headers, payload: { ...valid, ...patch } });
      expect(asAdmin.statusCode).toBe(201);
    }
  });

  it('unknown ids are 404, bad query values 400', async () => {
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/suppressions/nope', headers: admin.headers })).statusCode).toBe(404);
    expect((await app.app.inject({ method: 'DELETE', url: '/api/v1/suppressions/nope', headers: admin.headers })).statusCode).toBe(404);
    expect((await app.app.inject({ method: 'GET', url: '/api/v1/suppressions?engine=mail', headers: admin.headers })).statusCode).toBe(400);
  });
});

describe('allowlist input errors', () => {
  it.each([
    [{ value: 'not-an-ip', reason: 'x' }, 'body.value'],
    [{ value: '10.0.0.0/33', reason: 'x' }, 'body.value'],
    [{ value: '10.0.0.1', reason: 'x', expires_at: '2020-01-01T00:00:00Z' }, 'body.expires_at'],
    [{ value: '10.0.0.1' }, 'body'],
  ])('%j: 400 naming %s', async (payload, field) => {
    const res = await app.app.inject({ method: 'POST', url: '/api/v1/allowlist', headers: admin.headers, payload });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(json(res).error)).toContain(field);
  });

  it('a duplicate value is 409, an unknown id 404', async () => {
    const payload = { value: '198.51.100.0/24', reason: 'partner' };
    expect((await app.app.inject({ method: 'POST', url: '/api/v1/allowlist', headers: admin.headers, payload })).statusCode).toBe(201);
    const again = await app.app.inject({ method: 'POST', url: '/api/v1/allowlist', headers: admin.headers, payload });
    expect(again.statusCode).toBe(409);
    expect(json(again).error.code).toBe('RESOURCE_ALREADY_EXISTS');
    expect((await app.app.inject({ method: 'DELETE', url: '/api/v1/allowlist/nope', headers: admin.headers })).statusCode).toBe(404);
  });
});
