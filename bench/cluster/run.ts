import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { buildApp, type Vigil } from '../../src/app/compose';
import { loadConfig } from '../../src/lib/config';
import { createLogger } from '../../src/lib/logger';

/**
 * Cluster mode against a single instance, on this machine, through the ingest route (in-process inject, so the
 * HTTP stack is the same in every run). Each configuration gets a fresh PostgreSQL database:
 *   single    one instance, no Redis: detection in-process on the request (what a single instance does today)
 *   cluster1  one instance in cluster mode (log + owner hand-off, nothing shared): the hand-off's own cost
 *   cluster3  three instances, round-robin client, partitions spread over them
 * Reported: events/s (ingest answered = committed and detected), detection latency receive -> anomaly stored
 * (anomalies.created_at - anomaly_events.received_at, p50/p95), and the ratios to `single`.
 * Then failover: the owner of a busy partition is abandoned (as if killed) and the time until an event sent to
 * that partition is detected by the new owner is measured.
 *   VIGIL_BENCH_DATABASE_URL=postgres://... VIGIL_BENCH_REDIS_URL=redis://... node --import tsx bench/cluster/run.ts
 * (falls back to VIGIL_TEST_DATABASE_URL / VIGIL_TEST_REDIS_URL; skips with a line without them).
 */
const adminUrl = process.env.VIGIL_BENCH_DATABASE_URL ?? process.env.VIGIL_TEST_DATABASE_URL;
const redisUrl = process.env.VIGIL_BENCH_REDIS_URL ?? process.env.VIGIL_TEST_REDIS_URL;
const SOURCES = 32;
const BATCH = 50;
const BATCHES = Number(process.env.VIGIL_BENCH_BATCHES ?? 240);
const CONCURRENCY = 6;
const ADMIN = { username: 'admin', email: 'admin@bench.test', password: 'bench-password-1' };

async function freshDatabase() {
  const name = `vigil_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl!);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function start(databaseUrl: string, cluster: boolean): Promise<Vigil> {
  const config = loadConfig(
    {
      dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-cluster-')), databaseUrl, redisUrl: cluster ? redisUrl : undefined,
      jwtSecret: 'bench-secret-bench-secret-bench-secret-0', adminUsername: ADMIN.username, adminEmail: ADMIN.email, adminPassword: ADMIN.password,
      argon2MemoryKib: 1024, argon2TimeCost: 1, logLevel: 'silent', rateLimitsEnabled: false, backgroundJobs: true,
      clusterLeaseMs: 2_000, clusterRenewMs: 250,
    } as Record<string, unknown>,
    {},
  );
  return buildApp({ config, logger: createLogger('silent') });
}

async function headersOf(app: Vigil) {
  const res = await app.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: ADMIN.username, password: ADMIN.password } });
  return { authorization: `Bearer ${JSON.parse(res.body).data.access_token}` };
}

const T0 = Date.parse('2026-01-01T00:00:00Z');
function batchOf(b: number) {
  return Array.from({ length: BATCH }, (_, k) => {
    const i = b * BATCH + k;
    const step = Math.floor(i / SOURCES);
    const planted = step > 40 && i % 101 === 0; // spread over the run, one source at a time
    return { type: 'metric', source: `svc-${i % SOURCES}`, name: 'latency_ms', value: planted ? 5_000 : 100 + ((i * 7919) % 13) - 6, timestamp: new Date(T0 + step * 10_000).toISOString() };
  });
}

async function settle(apps: Vigil[], partitions: number) {
  for (let i = 0; i < 200; i++) {
    const owned = apps.flatMap((a) => a.cluster?.health().partitions_owned ?? []);
    if (new Set(owned).size === partitions) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function drive(apps: Vigil[], headers: Record<string, string>[]) {
  let next = 0;
  const requestMs: number[] = [];
  const started = performance.now();
  // Batches of one source range go out in order: a client with CONCURRENCY requests in flight, round-robin.
  async function worker() {
    for (;;) {
      const b = next++;
      if (b >= BATCHES) return;
      const i = b % apps.length;
      const sent = performance.now();
      const res = await apps[i]!.app.inject({ method: 'POST', url: '/api/v1/events/ingest', headers: headers[i], payload: { events: batchOf(b) } });
      if (res.statusCode !== 202) throw new Error(`ingest ${res.statusCode}: ${res.body}`);
      requestMs.push(performance.now() - sent);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  requestMs.sort((x, y) => x - y);
  return { rate: (BATCHES * BATCH) / ((performance.now() - started) / 1000), requestP50: requestMs[Math.floor(requestMs.length / 2)]! };
}

async function latencies(app: Vigil) {
  const rows = await app.core.db
    .selectFrom('anomalies as a')
    .innerJoin('anomaly_events as e', 'e.id', 'a.event_id')
    .select(['a.created_at', 'e.received_at'])
    .execute();
  const ms = rows.map((r) => Number(r.created_at) - Number(r.received_at)).sort((x, y) => x - y);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
  return { anomalies: ms.length, p50: at(0.5), p95: at(0.95) };
}

async function run(label: string, instances: number, cluster: boolean) {
  const db = await freshDatabase();
  const apps: Vigil[] = [];
  for (let i = 0; i < instances; i++) apps.push(await start(db.url, cluster));
  await settle(apps, 16);
  const headers = await Promise.all(apps.map(headersOf));
  const { rate, requestP50 } = await drive(apps, headers);
  const latency = await latencies(apps[0]!);
  let failoverMs: number | null = null;
  if (instances === 3) failoverMs = await failover(apps, headers);
  for (const app of apps.reverse()) await app.close();
  await db.drop();
  return { label, instances, rate, requestP50, ...latency, failoverMs };
}

/** Abandons the owner of svc-0's partition, then times an event to that partition until it is detected. */
async function failover(apps: Vigil[], headers: Record<string, string>[]) {
  const org = (await apps[0]!.core.db.selectFrom('organizations').select('id').executeTakeFirstOrThrow()).id;
  const partition = apps[0]!.cluster!.api.partitionOf(org, 'svc-0');
  const owner = apps.findIndex((a) => a.cluster!.health().partitions_owned.includes(partition));
  apps[owner]!.cluster!.abandon();
  const other = (owner + 1) % apps.length;
  const started = performance.now();
  const res = await apps[other]!.app.inject({
    method: 'POST', url: '/api/v1/events/ingest', headers: headers[other],
    payload: { events: [{ type: 'metric', source: 'svc-0', name: 'latency_ms', value: 100, timestamp: new Date(T0 + 10_000_000).toISOString() }] },
  });
  if (res.statusCode !== 202) throw new Error(`ingest after kill ${res.statusCode}`);
  return performance.now() - started;
}

async function main() {
  if (!adminUrl || !redisUrl) {
    console.log('[vigil] cluster bench skipped: set VIGIL_BENCH_DATABASE_URL and VIGIL_BENCH_REDIS_URL (or the VIGIL_TEST_ ones)');
    return;
  }
  console.log(`${BATCHES} batches x ${BATCH} metric events over ${SOURCES} sources, ${CONCURRENCY} requests in flight, ${os.cpus().length} cores`);
  const results = [await run('single (no Redis, in-process)', 1, false), await run('cluster, 1 instance', 1, true), await run('cluster, 3 instances', 3, true)];
  const base = results[0]!;
  console.log('| configuration | events/s | ratio to single | ingest answer p50 ms (= detected) | ratio | anomalies | receive -> anomaly stored p50 / p95 ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(`| ${r.label} | ${Math.round(r.rate)} | ${(r.rate / base.rate).toFixed(2)} | ${r.requestP50.toFixed(1)} | ${(r.requestP50 / base.requestP50).toFixed(2)} | ${r.anomalies} | ${r.p50} / ${r.p95} |`);
  }
  console.log('(single: anomalies commit in the ingest transaction itself, so receive -> stored is the same instant)');
  const f = results[2]!.failoverMs;
  console.log(`failover: an event for the killed owner's partition was detected after ${Math.round(f ?? NaN)} ms (lease 2000 ms, renew 250 ms)`);
}

void main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
