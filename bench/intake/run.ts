import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import snappy from 'snappyjs';
import { buildApp, type Vigil } from '../../src/app/compose';
import { loadConfig } from '../../src/lib/config';
import { createLogger } from '../../src/lib/logger';
import type { IntakeModule } from '../../src/features/intake/intake.module';
import { pushRequestType } from '../../src/features/intake/proto/loki.proto';
import { writeRequestType } from '../../src/features/intake/proto/remote-write.proto';

/**
 * Intake throughput through real HTTP and TCP on loopback, each against JSON ingest (`POST /api/v1/events/ingest`)
 * of the same data in the same run, on a fresh SQLite file per measurement, anomaly detection on, every batch
 * committed before the next is sent (log lines also reach the threat pipeline after commit, on both sides).
 * Bodies are encoded before the clock starts, so the client's encoding cost is not measured on either side.
 *   node --import tsx bench/intake/run.ts
 */
const LINES = Number(process.env.BENCH_LINES ?? 20_000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40_000);
const BATCH = 500;
const T0 = 1_764_900_000_000;
const HOSTS = ['web-1', 'web-2', 'db-1', 'bastion'];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-intake-'));
let run = 0;

function logLine(i: number) {
  const host = HOSTS[i % HOSTS.length]!;
  const body = i % 3 === 0
    ? `sshd[${1000 + (i % 50)}]: Accepted publickey for deploy from 10.0.${i % 200}.${i % 250} port ${40000 + (i % 2000)} ssh2`
    : i % 3 === 1 ? `nginx: 10.1.${i % 200}.7 - - "GET /api/items/${i} HTTP/1.1" 200 ${500 + (i % 900)}` : `cron[${i % 90}]: (root) CMD (run-parts /etc/cron.hourly)`;
  return { host, time: T0 + i * 10, text: `<38>Dec  5 02:30:${String(i % 60).padStart(2, '0')} ${host} ${body}` };
}

async function startVigil(syslog: boolean) {
  const dataDir = path.join(dir, `run-${run++}`);
  const config = loadConfig({
    dataDir, jwtSecret: 'bench-secret-bench-secret-bench-secret-01', adminUsername: 'admin', adminEmail: 'admin@bench.test', adminPassword: 'admin-password-1',
    logLevel: 'silent', backgroundJobs: false, rateLimitsEnabled: false, argon2MemoryKib: 1024, argon2TimeCost: 1, metricsProcess: false,
    ...(syslog ? { syslogHost: '127.0.0.1', syslogTcpPort: 0 } : {}),
  } as Record<string, unknown>, {});
  const vigil = await buildApp({ config, logger: createLogger('silent') });
  await vigil.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(vigil.app.server.address() as net.AddressInfo).port}`;
  const login = (await (await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'admin-password-1' }) })).json()) as { data: { access_token: string } };
  const created = (await (await fetch(`${base}/api/v1/api-keys`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${login.data.access_token}` }, body: JSON.stringify({ name: 'bench', permissions: ['read', 'write'] }) })).json()) as { data: { key: string } };
  return { vigil, base, key: created.data.key };
}

async function stored(vigil: Vigil, type: 'log' | 'metric') {
  const row = await vigil.core.db.selectFrom('anomaly_events').where('type', '=', type).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Posts pre-encoded bodies one after another (each answered only after commit); returns items/s. */
async function postAll(bodies: { body: Buffer | string; headers: Record<string, string> }[], url: string, items: number, type: 'log' | 'metric', syslog = false) {
  const { vigil, base, key } = await startVigil(syslog);
  try {
    const started = performance.now();
    for (const { body, headers } of bodies) {
      const res = await fetch(`${base}${url}`, { method: 'POST', headers: { 'x-api-key': key, ...headers }, body });
      if (res.status >= 300) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    }
    const seconds = (performance.now() - started) / 1000;
    const count = await stored(vigil, type);
    if (count !== items) throw new Error(`${url}: ${count} of ${items} stored`);
    return items / seconds;
  } finally {
    await vigil.close();
  }
}

const batches = <T>(items: T[]) => Array.from({ length: Math.ceil(items.length / BATCH) }, (_, b) => items.slice(b * BATCH, (b + 1) * BATCH));
const json = (events: unknown[]) => ({ body: JSON.stringify({ events }), headers: { 'content-type': 'application/json' } });

async function syslogTcp(lines: ReturnType<typeof logLine>[]) {
  const { vigil } = await startVigil(true);
  try {
    const syslog = (vigil.features.find((f) => f.name === 'intake') as unknown as { module: IntakeModule }).module.api.syslog;
    const payload = Buffer.from(lines.map((l) => `${l.text}\n`).join(''));
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      const socket = net.connect(syslog.addresses().tcp!, '127.0.0.1', () => socket.end(payload));
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    while ((await stored(vigil, 'log')) < lines.length) await syslog.drain().then(() => new Promise((r) => setTimeout(r, 5)));
    return lines.length / ((performance.now() - started) / 1000);
  } finally {
    await vigil.close();
  }
}

async function main() {
  const lines = Array.from({ length: LINES }, (_, i) => logLine(i));
  const logEvents = lines.map((l) => ({ type: 'log', source: l.host, level: 'info', message: l.text, timestamp: l.time, metadata: { labels: { host: l.host, job: 'syslog' } } }));
  const lokiProto = batches(lines).map((batch) => {
    const streams = HOSTS.map((host) => ({
      labels: `{host="${host}", job="syslog"}`,
      entries: batch.filter((l) => l.host === host).map((l) => ({ timestamp: { seconds: Math.floor(l.time / 1000), nanos: (l.time % 1000) * 1e6 }, line: l.text })),
    }));
    return { body: Buffer.from(snappy.compress(pushRequestType.encode(pushRequestType.fromObject({ streams })).finish())), headers: { 'content-type': 'application/x-protobuf' } };
  });
  const lokiJson = batches(lines).map((batch) => ({
    body: JSON.stringify({ streams: HOSTS.map((host) => ({ stream: { host, job: 'syslog' }, values: batch.filter((l) => l.host === host).map((l) => [`${BigInt(l.time) * 1_000_000n}`, l.text]) })) }),
    headers: { 'content-type': 'application/json' },
  }));

  const series = 100;
  const samples = Array.from({ length: SAMPLES }, (_, i) => ({ series: i % series, value: 50 + Math.sin(i / 50) * 10 + (i % 7), time: T0 + Math.floor(i / series) * 15_000 }));
  const metricEvents = samples.map((s) => ({ type: 'metric', source: `node-${s.series % 10}:9100`, name: `node_load1{cpu=${s.series},job=node}`, value: s.value, timestamp: s.time, metadata: { labels: { __name__: 'node_load1', cpu: String(s.series), instance: `node-${s.series % 10}:9100`, job: 'node' } } }));
  const remoteWrite = batches(samples).map((batch) => {
    const bySeries = new Map<number, typeof batch>();
    for (const s of batch) bySeries.set(s.series, [...(bySeries.get(s.series) ?? []), s]);
    const timeseries = [...bySeries].map(([n, points]) => ({
      labels: [{ name: '__name__', value: 'node_load1' }, { name: 'cpu', value: String(n) }, { name: 'instance', value: `node-${n % 10}:9100` }, { name: 'job', value: 'node' }],
      samples: points.map((p) => ({ value: p.value, timestamp: p.time })),
    }));
    return { body: Buffer.from(snappy.compress(writeRequestType.encode(writeRequestType.fromObject({ timeseries })).finish())), headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' } };
  });

  /** Alternates baseline and intake (B, I, B, I) so that drift on a shared machine hits both; best of each. */
  async function pair(name: string, baseline: () => Promise<number>, intake: () => Promise<number>): Promise<[string, number, number]> {
    const b1 = await baseline();
    const i1 = await intake();
    const b2 = await baseline();
    const i2 = await intake();
    return [name, Math.max(i1, i2), Math.max(b1, b2)];
  }
  const jsonLogs = () => postAll(batches(logEvents).map(json), '/api/v1/events/ingest', LINES, 'log');
  const results: [string, number, number][] = [
    await pair('syslog TCP (LF framing) lines/s', jsonLogs, () => syslogTcp(lines)),
    await pair('Loki push protobuf+snappy lines/s', jsonLogs, () => postAll(lokiProto, '/loki/api/v1/push', LINES, 'log')),
    await pair('Loki push JSON lines/s', jsonLogs, () => postAll(lokiJson, '/loki/api/v1/push', LINES, 'log')),
    await pair('remote_write samples/s', () => postAll(batches(metricEvents).map(json), '/api/v1/events/ingest', SAMPLES, 'metric'), () => postAll(remoteWrite, '/api/v1/write', SAMPLES, 'metric')),
  ];

  console.log(`intake throughput, ${LINES} log lines / ${SAMPLES} samples in batches of ${BATCH}, best of 2 alternating runs, ${os.cpus().length} CPUs`);
  console.log('| intake | intake/s | JSON ingest of the same data /s | ratio |');
  console.log('|---|---:|---:|---:|');
  for (const [name, intake, baseline] of results) console.log(`| ${name} | ${Math.round(intake)} | ${Math.round(baseline)} | ${(intake / baseline).toFixed(2)}× |`);
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
