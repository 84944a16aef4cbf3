import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';
import { FakeClock } from '../../lib/clock';

let app: TestApp;
let admin: Session;
const clock = new FakeClock(Date.parse('2026-03-02T10:00:00Z'));
const inDays = (days: number) => new Date(clock.now() + days * 86_400_000).toISOString();

beforeAll(async () => {
  app = await createTestApp({ clock });
  admin = await loginAdmin(app);
});
afterAll(async () => app?.teardown());

const post = (url: string, payload: unknown, session = admin) => app.app.inject({ method: 'POST', url, headers: session.headers, payload: payload as object });
const get = (url: string, session = admin) => app.app.inject({ method: 'GET', url, headers: session.headers });

describe('suppressions', () => {
  it('creates one with an owner defaulting to the caller, lists it, reads it and deletes it', async () => {
    const res = await post('/api/v1/suppressions', { engine: 'threat', match: { source_ip: '10.0.0.0/8', threat_type: 'brute_*' }, reason: 'pen test OPS-12', expires_at: inDays(7) });
    expect(res.statusCode).toBe(201);
    const created = json(res).data;
    expect(created).toMatchObject({
      engine: 'threat', match: { source_ip: '10.0.0.0/8', threat_type: 'brute_*' }, reason: 'pen test OPS-12', owner: 'admin@vigil.test', created_by: 'admin@vigil.test',
      expires_at: inDays(7), schedule: null, active: true, silences_critical: true, origin: 'api',
    });
    const stored = await app.core.db.selectFrom('suppressions').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(Number(stored.expires_at)).toBe(Date.parse(inDays(7)));

    const list = json(await get('/api/v1/suppressions?engine=threat')).data;
    expect(list.items.map((s: any) => s.id)).toContain(created.id);
    expect(json(await get(`/api/v1/suppressions/${created.id}`)).data.id).toBe(created.id);

    const removed = await app.app.inject({ method: 'DELETE', url: `/api/v1/suppressions/${created.id}`, headers: admin.headers });
    expect(json(removed).data).toEqual({ id: created.id, deleted: true });
    expect((await get(`/api/v1/suppressions/${created.id}`)).statusCode).toBe(404);
  });

  it('a member creates one for their team; it cannot silence critical findings', async () => {
    const member = await registerUser(app);
    const res = await post('/api/v1/suppressions', { engine: 'anomaly', match: { source: 'batch-*', severity: ['low', 'medium'] }, reason: 'nightly batch', owner: 'data-team', expires_at: inDays(1) }, member);
    expect(res.statusCode).toBe(201);
    expect(json(res).data).toMatchObject({ owner: 'data-team', silences_critical: false });
  });

  it('a recurring maintenance window needs no expiry and is active only inside its window', async () => {
    // Mondays 10:00-12:00 Europe/Paris; the clock is Monday 2026-03-02 10:00 UTC = 11:00 Paris
    const res = await post('/api/v1/suppressions', { engine: 'any', match: { source: 'db-primary' }, reason: 'weekly maintenance', schedule: { cron: '0 10 * * 1', duration: '2h', timezone: 'Europe/Paris' } });
    expect(res.statusCode).toBe(201);
    expect(json(res).data).toMatchObject({ expires_at: null, schedule: { cron: '0 10 * * 1', duration_seconds: 7200, timezone: 'Europe/Paris' }, active: true });
    clock.advance(2 * 3_600_000);
    expect(json(await get(`/api/v1/suppressions/${json(res).data.id}`)).data.active).toBe(false);
    clock.advance(-2 * 3_600_000);
  });

  it('expired suppressions leave the default list but stay readable', async () => {
    const created = json(await post('/api/v1/suppressions', { engine: 'drift', match: { resource_type: 'aws_instance' }, reason: 'short', expires_at: new Date(clock.now() + 1000).toISOString() })).data;
    clock.advance(2000);
    const active = json(await get('/api/v1/suppressions?size=100')).data.items.map((s: any) => s.id);
    const all = json(await get('/api/v1/suppressions?size=100&include_expired=true')).data.items.map((s: any) => s.id);
    expect(active).not.toContain(created.id);
    expect(all).toContain(created.id);
    expect(json(await get(`/api/v1/suppressions/${created.id}`)).data.active).toBe(false);
  });
});

describe('allowlist', () => {
  it('adds an address or CIDR in canonical form, lists, reads and removes it', async () => {
    const res = await post('/api/v1/allowlist', { value: '2001:DB8::/32', reason: 'office v6' });
    expect(res.statusCode).toBe(201);
    const entry = json(res).data;
    expect(entry).toMatchObject({ value: '2001:db8::/32', reason: 'office v6', expires_at: null, active: true });
    const single = json(await post('/api/v1/allowlist', { value: '203.0.113.7/32', reason: 'scanner', expires_at: inDays(400) })).data;
    expect(single.value).toBe('203.0.113.7');
    expect(json(await get('/api/v1/allowlist')).data.items.map((e: any) => e.id)).toEqual(expect.arrayContaining([entry.id, single.id]));
    expect(json(await get(`/api/v1/allowlist/${entry.id}`)).data.value).toBe('2001:db8::/32');
    expect(json(await app.app.inject({ method: 'DELETE', url: `/api/v1/allowlist/${entry.id}`, headers: admin.headers })).data.deleted).toBe(true);
    expect(await app.core.db.selectFrom('allowlist').select('id').where('id', '=', entry.id).executeTakeFirst()).toBeUndefined();
  });
});
