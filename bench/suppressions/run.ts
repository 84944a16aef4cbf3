/**
 * Latency added to detection by suppression matching. Same app, same run: POST /api/v1/detect of SQL-injection
 * lines from distinct addresses (each stores a new threat, so each is matched) with no suppressions, then with 100
 * suppressions that do not match (CIDR, glob and rule-id conditions: every one is tested), interleaved in rounds.
 * Also the matcher alone: findings per second with 0 and 100 suppressions.
 * Usage: node --import tsx bench/suppressions/run.ts [--requests 600] [--rounds 3]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp } from '../../src/app/compose';
import { loadConfig } from '../../src/lib/config';
import { createLogger } from '../../src/lib/logger';
import { systemClock } from '../../src/lib/clock';
import { createSuppressionsRepository } from '../../src/features/suppressions/suppressions.repository';
import { createSuppressionMatcher } from '../../src/features/suppressions/suppressions.matcher';
import type { Finding } from '../../src/features/suppressions/suppressions.logic';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '600' }, rounds: { type: 'string', default: '3' } } });
const requests = Number(values.requests);
const rounds = Number(values.rounds);
const admin = { username: 'admin', email: 'admin@bench.test', password: 'bench-password-1' };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-suppr-'));
  const config = loadConfig({ dataDir, jwtSecret: 'bench-secret-bench-secret-bench-secret-01', adminUsername: admin.username, adminEmail: admin.email, adminPassword: admin.password, argon2MemoryKib: 1024, argon2TimeCost: 1, logLevel: 'silent', backgroundJobs: false, rateLimitsEnabled: false, threatLogRetentionLines: 0 } as Record<string, unknown>, {});
  const vigil = await buildApp({ config, logger: createLogger('silent'), sqliteFile: ':memory:' });
  const login = await vigil.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: admin.username, password: admin.password } });
  const headers = { authorization: `Bearer ${JSON.parse(login.body).data.access_token}` };
  const orgId = JSON.parse(login.body).data.user.organization_id ?? (await vigil.core.accounts.defaultOrganizationId());

  const ids: string[] = [];
  async function addSuppressions(n: number) {
    for (let i = 0; i < n; i++) {
      const match = i % 3 === 0 ? { source_ip: `10.${i}.0.0/16` } : i % 3 === 1 ? { threat_type: `scan_${i}_*` } : { rule_id: `custom-${i}`, source: `host-${i}-*` };
      const res = await vigil.app.inject({ method: 'POST', url: '/api/v1/suppressions', headers, payload: { engine: 'threat', match, reason: 'bench', expires_at: new Date(Date.now() + 86_400_000).toISOString() } });
      if (res.statusCode !== 201) throw new Error(res.body);
      ids.push(JSON.parse(res.body).data.id);
    }
  }
  async function removeSuppressions() {
    for (const id of ids.splice(0)) await vigil.app.inject({ method: 'DELETE', url: `/api/v1/suppressions/${id}`, headers });
  }

  let ip = 0;
  async function detectRound(n: number) {
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      ip++;
      const line = `198.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255} - - [23/Nov/2026:10:00:00 +0000] "GET /item?id=1'%20OR%20'1'='1 HTTP/1.1" 200 512 "-" "curl/8.4.0"`;
      const started = performance.now();
      const res = await vigil.app.inject({ method: 'POST', url: '/api/v1/detect', headers, payload: { log_entry: line } });
      latencies.push(performance.now() - started);
      if (!JSON.parse(res.body).data.threat_detected) throw new Error('expected a threat');
    }
    return latencies;
  }

  await detectRound(200); // warm-up
  const none: number[] = [];
  const hundred: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await removeSuppressions();
    none.push(...(await detectRound(requests)));
    await addSuppressions(100);
    hundred.push(...(await detectRound(requests)));
  }

  // the matcher alone
  const matcher = createSuppressionMatcher({ repo: createSuppressionsRepository(vigil.core.db), clock: systemClock, logger: createLogger('silent') });
  const findings: Finding[] = Array.from({ length: 10_000 }, (_, i) => ({ engine: 'threat', severity: 'high', threat_type: 'sql_injection', source_ip: `198.51.${(i >> 8) & 255}.${i & 255}`, rule_ids: ['web-sqli'], source: 'nginx' }));
  async function matcherRate() {
    matcher.invalidate(orgId);
    await matcher.api.matchMany(orgId, findings.slice(0, 10));
    const started = performance.now();
    for (let i = 0; i < 5; i++) await matcher.api.matchMany(orgId, findings);
    return (5 * findings.length) / ((performance.now() - started) / 1000);
  }
  const with100 = await matcherRate();
  await removeSuppressions();
  const with0 = await matcherRate();

  console.log(`detect latency, ${rounds} rounds x ${requests} requests each (in-process HTTP, SQLite in memory):`);
  console.log(`  no suppressions      median ${median(none).toFixed(3)} ms  p95 ${pct(none, 0.95).toFixed(3)} ms`);
  console.log(`  100 suppressions     median ${median(hundred).toFixed(3)} ms  p95 ${pct(hundred, 0.95).toFixed(3)} ms`);
  console.log(`  ratio (median)       ${(median(hundred) / median(none)).toFixed(3)}`);
  console.log(`matcher alone: ${Math.round(with0).toLocaleString('en-US')} findings/s with 0 suppressions, ${Math.round(with100).toLocaleString('en-US')} findings/s with 100 (${(1e6 / with100).toFixed(2)} µs per finding)`);
  await vigil.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
