import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, testDialect, type TestApp } from './support/test-app';
import { json, loginAdmin, type Session } from './support/http';

/**
 * Three Vigil instances on one PostgreSQL database and one Redis, driven by a round-robin client, against one
 * single instance (no Redis, in-process) given the same input: the answers must be the same.
 */
const redisUrl = process.env.VIGIL_TEST_REDIS_URL;
const enabled = testDialect() === 'postgres' && Boolean(redisUrl);
if (!enabled) console.warn('[vigil] cluster test skipped: needs the postgres project and VIGIL_TEST_REDIS_URL (run .ci/run).');

const PARTITIONS = 8;
const clusterConfig = { redisUrl, clusterPartitions: PARTITIONS, clusterLeaseMs: 1_500, clusterRenewMs: 250, clusterIngestWaitMs: 15_000, backgroundJobs: true };
const T0 = Date.parse('2026-03-01T00:00:00Z');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A steady metric with deterministic noise; `outliers` maps an index to a planted value. */
function series(source: string, count: number, outliers: Record<number, number>) {
  return Array.from({ length: count }, (_, i) => ({
    type: 'metric', source, name: 'latency_ms', value: outliers[i] ?? 100 + ((i * 7919) % 11) - 5, timestamp: new Date(T0 + i * 60_000).toISOString(),
  }));
}

async function ingest(app: TestApp, session: Session, event: object) {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: session.headers, payload: { events: [event] } });
  expect(res.statusCode, res.body).toBe(202);
  return json(res).data as { event_ids: string[]; anomalies_detected: number };
}

async function anomaliesOf(app: TestApp, session: Session, source: string) {
  const res = await app.app.inject({ method: 'GET', url: `/api/v1/anomalies?source=${source}&limit=100`, headers: session.headers });
  return (json(res).data.anomalies as { metric: string; value: number; score: number; severity: string; detected_at: string; explanation: string }[])
    .map((a) => ({ metric: a.metric, value: a.value, score: a.score, severity: a.severity, detected_at: a.detected_at, explanation: a.explanation }))
    .sort((x, y) => x.detected_at.localeCompare(y.detected_at));
}

async function owners(apps: TestApp[]) {
  return Promise.all(apps.map(async (app) => json(await app.app.inject({ method: 'GET', url: '/health' })).data.cluster.partitions_owned as number[]));
}

/** Until every partition has exactly one owner among `apps`. */
async function settled(apps: TestApp[]) {
  for (let i = 0; i < 100; i++) {
    const owned = (await owners(apps)).flat();
    if (owned.length === PARTITIONS && new Set(owned).size === PARTITIONS) return;
    await sleep(100);
  }
  throw new Error('partitions never settled on one owner each');
}

describe.skipIf(!enabled)('three instances give the answers of one', () => {
  let apps: TestApp[];
  let single: TestApp;
  let sessions: Session[];
  let singleSession: Session;
  let next = 0;
  const roundRobin = () => {
    const live = apps.filter((app) => !killed.has(app));
    const i = next++ % live.length;
    return { app: live[i]!, session: sessions[apps.indexOf(live[i]!)]! };
  };
  const killed = new Set<TestApp>();

  beforeAll(async () => {
    const first = await createTestApp({ config: clusterConfig });
    apps = [first, await createTestApp({ databaseUrl: first.databaseUrl!, config: clusterConfig }), await createTestApp({ databaseUrl: first.databaseUrl!, config: clusterConfig })];
    single = await createTestApp({ config: { backgroundJobs: true } });
    sessions = await Promise.all(apps.map((app) => loginAdmin(app)));
    singleSession = await loginAdmin(single);
    await settled(apps);
  }, 60_000);
  afterAll(async () => {
    await single?.teardown();
    for (const app of [...(apps ?? [])].reverse()) await (app === apps[0] ? app.teardown() : app.app.close());
  }, 60_000);

  it('spreads the partitions over the three and shows them in /health', async () => {
    const owned = await owners(apps);
    for (const list of owned) expect(list.length).toBeGreaterThan(0);
    expect(owned.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: PARTITIONS }, (_, i) => i));
    expect(single.cluster).toBeNull();
    expect(json(await single.app.inject({ method: 'GET', url: '/health' })).data.cluster).toBeUndefined();
  });

  it('(a) a series with a planted outlier sent round-robin yields exactly the anomalies of one instance', async () => {
    const events = series('web-a', 40, { 13: 1000, 31: 1000 });
    for (const event of events) {
      const { app, session } = roundRobin();
      await ingest(app, session, event);
      await ingest(single, singleSession, event);
    }
    const expected = await anomaliesOf(single, singleSession, 'web-a');
    expect(expected.some((a) => a.value === 1000)).toBe(true);
    for (const app of apps) expect(await anomaliesOf(app, sessions[apps.indexOf(app)]!, 'web-a')).toEqual(expected);
  }, 60_000);

  it('(b) five failed SSH logins from one address spread over the three yield one brute-force threat', async () => {
    for (let i = 0; i < 5; i++) {
      const { app, session } = roundRobin();
      const line = `Mar  1 10:00:0${i} bastion sshd[${4100 + i}]: Failed password for root from 203.0.113.77 port ${50_000 + i} ssh2`;
      const res = await app.app.inject({ method: 'POST', url: '/api/v1/detect', headers: session.headers, payload: { log_entry: line, timestamp: new Date(T0 + i * 1000).toISOString() } });
      expect(res.statusCode, res.body).toBeLessThan(300);
    }
    const listed = json(await apps[0]!.app.inject({ method: 'GET', url: '/api/v1/threats?limit=100', headers: sessions[0]!.headers })).data.threats as { threat_type: string; source_ip: string | null }[];
    expect(listed.filter((t) => t.threat_type === 'brute_force_attack' && t.source_ip === '203.0.113.77')).toHaveLength(1);
  }, 60_000);

  it('(b) the same through ingest, one log source per instance: one brute-force threat, counted once', async () => {
    for (let i = 0; i < 5; i++) {
      const { app, session } = roundRobin();
      const message = `sshd[${5100 + i}]: Failed password for admin from 198.51.100.9 port ${51_000 + i} ssh2`;
      await ingest(app, session, { type: 'log', source: `host-${i % 3}`, level: 'warning', message, timestamp: new Date(T0 + i * 1000).toISOString() });
    }
    let found: { threat_type: string; source_ip: string | null }[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      const listed = json(await apps[1]!.app.inject({ method: 'GET', url: '/api/v1/threats?limit=100', headers: sessions[1]!.headers })).data.threats as typeof found;
      found = listed.filter((t) => t.threat_type === 'brute_force_attack' && t.source_ip === '198.51.100.9');
      if (found.length === 0) await sleep(100);
    }
    expect(found).toHaveLength(1);
  }, 60_000);

  it('(c) killing the owner mid-stream loses no acknowledged event and still detects an outlier sent after the kill', async () => {
    const source = 'db-c';
    const events = series(source, 45, { 42: 2500 });
    const partition = apps[0]!.cluster!.api.partitionOf(sessions[0]!.organizationId, source);
    const owner = apps.find((app) => app.cluster!.health().partitions_owned.includes(partition))!;
    const acknowledged: string[] = [];
    for (const [i, event] of events.entries()) {
      if (i === 25) {
        owner.cluster!.abandon(); // as a killed process: no hand-off, no checkpoint; its lease expires
        killed.add(owner);
      }
      const { app, session } = roundRobin();
      acknowledged.push(...(await ingest(app, session, event)).event_ids);
      await ingest(single, singleSession, event);
    }
    const survivor = apps.find((app) => !killed.has(app))!;
    const session = sessions[apps.indexOf(survivor)]!;
    const stored = json(await survivor.app.inject({ method: 'GET', url: `/api/v1/events?source=${source}&limit=100`, headers: session.headers })).data.events as { id: string }[];
    expect(new Set(stored.map((e) => e.id))).toEqual(new Set(acknowledged));
    const expected = await anomaliesOf(single, singleSession, source);
    expect(expected.some((a) => a.value === 2500)).toBe(true);
    expect(await anomaliesOf(survivor, session, source)).toEqual(expected);
    const afterKill = (await owners(apps.filter((app) => !killed.has(app)))).flat();
    expect(afterKill).toContain(partition);
  }, 90_000);
});
