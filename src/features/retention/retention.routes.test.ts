import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../lib/clock';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { json, loginAdmin, registerUser, type Session } from '../../../test/support/http';

let app: TestApp;
let admin: Session;
const clock = new FakeClock(Date.parse('2026-05-01T00:00:00Z'));
beforeAll(async () => {
  app = await createTestApp({ clock, config: { retentionBatchSize: 10 } });
  admin = await loginAdmin(app);
});
afterAll(() => app.teardown());

const prune = () => (app.features.find((f) => f.name === 'retention') as unknown as { api: { prune(): Promise<Record<string, number>> } }).api.prune();
const events = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ type: 'log', source: `retention-${tag}`, level: 'info', message: `${tag} line ${i}`, timestamp: new Date(clock.now()).toISOString() }));
const ingest = (tag: string, n: number) => app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: admin.headers, payload: { events: events(tag, n) } });
const countSource = async (source: string) =>
  Number((await app.core.db.selectFrom('anomaly_events').select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', source).executeTakeFirstOrThrow()).n);

describe('retention settings', () => {
  it('answers the defaults, takes changes in range and refuses values out of range (nothing changed)', async () => {
    const initial = json(await app.app.inject({ method: 'GET', url: '/api/v1/settings/retention', headers: admin.headers })).data;
    expect(initial).toMatchObject({ events_days: 30, audit_days: 365, defaults: { events_days: 30 } });
    for (const bad of [{ events_days: 0 }, { audit_days: 7 }, { events_days: 5000 }, { unknown_days: 3 }, { events_days: 'ten' }]) {
      const res = await app.app.inject({ method: 'PUT', url: '/api/v1/settings/retention', headers: admin.headers, payload: bad });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      expect(json(res).error.code).toBe('VALIDATION_ERROR');
    }
    const ok = await app.app.inject({ method: 'PUT', url: '/api/v1/settings/retention', headers: admin.headers, payload: { deliveries_days: 7 } });
    expect(ok.statusCode).toBe(200);
    const after = json(await app.app.inject({ method: 'GET', url: '/api/v1/settings/retention', headers: admin.headers })).data;
    expect(after).toMatchObject({ events_days: 30, deliveries_days: 7 });
  });
});

describe('retention settings belong to one organization', () => {
  it('another organization\'s admin changes only their own windows', async () => {
    const stranger = await registerUser(app, { own: true });
    const res = await app.app.inject({ method: 'PUT', url: '/api/v1/settings/retention', headers: stranger.headers, payload: { deliveries_days: 2 } });
    expect(res.statusCode).toBe(200);
    const ours = json(await app.app.inject({ method: 'GET', url: '/api/v1/settings/retention', headers: admin.headers })).data;
    expect(ours.deliveries_days).toBe(7);
    const theirs = json(await app.app.inject({ method: 'GET', url: '/api/v1/settings/retention', headers: stranger.headers })).data;
    expect(theirs.deliveries_days).toBe(2);
  });
});

describe('pruning', () => {
  it('removes what is past the window in small batches while ingest runs, and loses nothing inside the window', async () => {
    for (let i = 0; i < 6; i++) expect((await ingest('old', 25)).statusCode).toBeLessThan(300);
    expect(await countSource('retention-old')).toBe(150);
    clock.advance(31 * 86_400_000);

    // Ingest keeps arriving while the pass runs (batches of 10 rows, yielding between them).
    const pass = prune();
    const writes = Array.from({ length: 8 }, () => ingest('new', 20));
    const [summary, ...answers] = await Promise.all([pass, ...writes]);
    for (const answer of answers) expect(answer.statusCode).toBeLessThan(300);
    expect(summary.anomaly_events).toBe(150);
    expect(await countSource('retention-old')).toBe(0);
    expect(await countSource('retention-new')).toBe(160);

    // A second pass finds nothing more to remove inside the window.
    const again = await prune();
    expect(again.anomaly_events).toBe(0);
    expect(await countSource('retention-new')).toBe(160);
  });

  it('keeps the audit trail for its own (longer) window', async () => {
    const before = Number((await app.core.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(before).toBeGreaterThan(0);
    await prune();
    const after = Number((await app.core.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(after).toBe(before);
    clock.advance(400 * 86_400_000);
    await prune();
    const left = await app.core.db.selectFrom('audit_log').select('created_at').execute();
    expect(left.every((r) => Number(r.created_at) >= clock.now() - 365 * 86_400_000)).toBe(true);
  });
});
