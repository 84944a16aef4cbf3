/**
 * The console inbox with N findings (default 10,000: a third each anomalies, threats and drift results, plus as
 * many rows of another organization): time to serve the first page (HTML, over loopback HTTP, signed in), deep
 * pages and filters, against baselines measured in the same run: the API's single-table anomaly list (one
 * engine, same page size) and a naive merged query (UNION ALL of the whole tables, then sort and limit).
 * Also prints the console's page weights (HTML, CSS, JS raw / gzip / brotli).
 * Usage: node --import tsx bench/console/run.ts [--findings 10000] [--requests 60] [--database-url postgres://...]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { buildApp } from '../../src/app/compose';
import { loadConfig } from '../../src/lib/config';
import { createLogger } from '../../src/lib/logger';
import { newId } from '../../src/lib/ids';
import type { Database } from '../../src/db/schema';
import { createFindingsRepository } from '../../src/features/findings/findings.repository';

const { values } = parseArgs({ options: { findings: { type: 'string', default: '10000' }, requests: { type: 'string', default: '60' }, 'database-url': { type: 'string' } } });
const total = Number(values.findings);
const requests = Number(values.requests);
const ADMIN = { username: 'admin', email: 'admin@bench.test', password: 'bench-password-1' };
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

async function insertChunks<T extends keyof Database>(db: any, table: T, rows: unknown[]) {
  for (let i = 0; i < rows.length; i += 400) await db.insertInto(table).values(rows.slice(i, i + 400)).execute();
}

async function seed(db: any, organizationId: string, count: number, now: number) {
  const anomalies = [];
  const threats = [];
  const drift = [];
  for (let i = 0; i < count; i++) {
    const at = now - i * 7_000;
    const severity = SEVERITIES[i % 4]!;
    if (i % 3 === 0) {
      anomalies.push({ id: newId(), organization_id: organizationId, series_key: `s${i % 50}`, kind: 'metric', source: `host-${i % 50}`, metric: 'cpu', value: 99, expected: 10, score: 0.9, severity, detector: 'robust_zscore', explanation: 'bench', status: i % 5 === 0 ? 'acknowledged' : 'open', event_id: null, point_id: null, notes: null, is_false_positive: 0, acknowledged_at: null, acknowledged_by: null, resolved_at: null, detected_at: at, created_at: at });
    } else if (i % 3 === 1) {
      threats.push({ id: newId(), organization_id: organizationId, threat_type: 'brute_force_attack', severity, confidence: 0.8, status: 'detected', impact_usd: 100, source_ip: `198.51.100.${i % 250}`, user_name: null, target: null, source: null, asset_class: 'default', mitre_attack: '[]', recommended_actions: '[]', rules: '[]', detections: '[]', iocs: '{}', explanation: 'bench', raw_log: 'Failed password', log_format: 'text', simulated: 0, simulation_id: null, processing_time_ms: 1, occurrences: 1, last_seen_at: at, log_time: at, detected_at: at, mitigated_at: null, updated_at: at });
    } else {
      drift.push({ id: newId(), organization_id: organizationId, job_id: newId(), scope: 'all', resource_id: null, state_id: null, status: 'completed', drift_detected: 1, drift_count: 2, resources_checked: 20, critical_count: severity === 'critical' ? 1 : 0, high_count: severity === 'high' ? 1 : 0, medium_count: severity === 'medium' ? 1 : 0, low_count: 1, drifts: '[]', remediation: '[]', error: null, created_at: at, completed_at: at });
    }
  }
  await insertChunks(db, 'anomalies', anomalies);
  await insertChunks(db, 'threats', threats);
  await insertChunks(db, 'drift_results', drift);
}

async function timeIt(label: string, n: number, run: () => Promise<void>) {
  for (let i = 0; i < 5; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(n / 2)]!;
  const p95 = samples[Math.min(n - 1, Math.floor(n * 0.95))]!;
  console.log(`${label.padEnd(58)} median ${median.toFixed(2).padStart(7)} ms   p95 ${p95.toFixed(2).padStart(7)} ms`);
  return { median, p95 };
}

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-console-'));
  const config = loadConfig({ dataDir, databaseUrl: values['database-url'], adminUsername: ADMIN.username, adminEmail: ADMIN.email, adminPassword: ADMIN.password, logLevel: 'silent', backgroundJobs: false, rateLimitsEnabled: false, argon2MemoryKib: 1024, argon2TimeCost: 1 } as never, {});
  const vigil = await buildApp({ config, logger: createLogger('silent') });
  const db = vigil.core.db as any;
  const organizationId = await vigil.core.accounts.defaultOrganizationId();
  const other = newId();
  await db.insertInto('organizations').values({ id: other, name: 'bench-other', created_at: Date.now() }).execute();
  const now = Date.now();
  const seeded = performance.now();
  await seed(db, organizationId, total, now);
  await seed(db, other, total, now);
  // Fresh statistics, as autovacuum would gather them on a live server (PostgreSQL plans by them).
  await sql`analyze`.execute(vigil.core.db);
  console.log(`dialect ${vigil.core.dialect}; seeded ${total} findings for the organization and ${total} for another in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

  const base = await vigil.app.listen({ port: 0, host: '127.0.0.1' });
  const form = await fetch(`${base}/console/login`);
  const loginCookie = /vigil_login_csrf=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')![1]!;
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!;
  const signedIn = await fetch(`${base}/console/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vigil_login_csrf=${loginCookie}` }, body: new URLSearchParams({ login: ADMIN.username, password: ADMIN.password, _csrf: csrf }) });
  const cookie = `vigil_session=${/vigil_session=([^;]+)/.exec(signedIn.headers.get('set-cookie') ?? '')![1]}`;
  const login: any = await (await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password }) })).json();
  const bearer = { authorization: `Bearer ${login.data.access_token}` };

  const page = async (url: string, headers: Record<string, string>) => {
    const response = await fetch(`${base}${url}`, { headers });
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    await response.arrayBuffer();
  };
  const inbox = await timeIt('console inbox, first page (GET /, HTML)', requests, () => page('/', { cookie }));
  const api = await timeIt('API findings, first page (GET /api/v1/findings)', requests, () => page('/api/v1/findings', bearer));
  const single = await timeIt('baseline: API anomalies list, one engine (GET /api/v1/anomalies)', requests, () => page('/api/v1/anomalies?limit=20', bearer));
  await timeIt('console inbox, page 50 (offset 980)', requests, () => page('/?page=50', { cookie }));
  await timeIt('console inbox, severity=critical&engine=threat', requests, () => page('/?severity=critical&engine=threat', { cookie }));
  const repo = createFindingsRepository(vigil.core.db);
  const filter = { organizationId, includeSuppressed: false };
  const merged = await timeIt('findings query alone (per-table limit, then merge)', requests, async () => {
    const rows = await repo.page(filter, 0, 20);
    if (rows.length !== 20) throw new Error('expected a full page');
  });
  await timeIt('findings count alone (three indexed counts)', requests, async () => {
    await repo.count(filter);
  });
  const naive = await timeIt('baseline: naive UNION ALL of whole tables, sort, limit 20', requests, async () => {
    const result = await sql<{ id: string }>`select * from (
      select id, severity, status, detected_at, metric as title_a, source as title_b from anomalies where organization_id = ${organizationId}
      union all select id, severity, status, detected_at, threat_type, source_ip from threats where organization_id = ${organizationId}
      union all select id, 'high', status, created_at, scope, scope from drift_results where organization_id = ${organizationId} and drift_detected = 1
    ) f order by detected_at desc, id desc limit 20`.execute(vigil.core.db);
    if (result.rows.length !== 20) throw new Error('expected a full page');
  });
  console.log(`\ninbox first page: ${inbox.median.toFixed(1)} ms median (target < 150 ms) = ${(inbox.median / single.median).toFixed(2)}x the single-engine API list, ${(inbox.median / api.median).toFixed(2)}x the findings API page; the merged query is ${(naive.median / merged.median).toFixed(1)}x faster than the naive UNION ALL + sort`);

  const html = await (await fetch(`${base}/`, { headers: { cookie } })).text();
  console.log(`\npage weights: inbox HTML ${(Buffer.byteLength(html) / 1024).toFixed(1)} KB (20 rows)`);
  for (const url of html.match(/\/console\/assets\/[\w.]+/g) ?? []) {
    const raw = Buffer.from(await (await fetch(`${base}${url}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer()).length;
    const gz = Number((await fetch(`${base}${url}`, { headers: { 'accept-encoding': 'gzip' } })).headers.get('content-length'));
    const br = Number((await fetch(`${base}${url}`, { headers: { 'accept-encoding': 'br' } })).headers.get('content-length'));
    console.log(`  ${url}: ${raw} B raw, ${gz} B gzip, ${br} B brotli`);
  }
  await vigil.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
