/**
 * Authenticated GET throughput (JWT and API key) of Vigil vs a bare Fastify hello-world on the same machine,
 * measured in the same run with autocannon. Prints requests/s and the ratio (goal >= 0.5x).
 * Usage: node --import tsx bench/http/run.ts [--duration 10] [--connections 50]
 */
import Fastify from 'fastify';
import autocannon from 'autocannon';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../../src/app/compose';
import { loadConfig } from '../../src/lib/config';
import { createLogger } from '../../src/lib/logger';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } } });
const duration = Number(values.duration);
const connections = Number(values.connections);

async function measure(url: string, headers: Record<string, string> = {}): Promise<{ rps: number; p99: number; errors: number }> {
  const result = await autocannon({ url, headers, duration, connections, pipelining: 1 });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main() {
  const bare = Fastify();
  bare.get('/hello', async () => ({ hello: 'world' }));
  const bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const config = loadConfig({
    dataDir,
    logLevel: 'silent',
    backgroundJobs: true,
    rateLimitsEnabled: false,
    adminUsername: 'bench',
    adminEmail: 'bench@vigil.local',
    adminPassword: 'bench-password',
  } as Record<string, unknown>);
  const vigil = await buildApp({ config, logger: createLogger('silent') });
  const vigilUrl = await vigil.app.listen({ port: 0, host: '127.0.0.1' });
  const login = await vigil.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'bench', password: 'bench-password' } });
  const token = JSON.parse(login.body).data.access_token as string;
  const keyRes = await vigil.app.inject({ method: 'POST', url: '/api/v1/api-keys', headers: { authorization: `Bearer ${token}` }, payload: { name: 'bench' } });
  const apiKey = JSON.parse(keyRes.body).data.key as string;

  console.log(`bench/http: ${duration}s per run, ${connections} connections, node ${process.version}, ${os.cpus().length} cpus`);
  const baseline = await measure(`${bareUrl}/hello`);
  const jwtNoDb = await measure(`${vigilUrl}/api/v1/version`, { authorization: `Bearer ${token}` });
  const jwt = await measure(`${vigilUrl}/api/v1/user`, { authorization: `Bearer ${token}` });
  const key = await measure(`${vigilUrl}/api/v1/user`, { 'x-api-key': apiKey });
  const rows = [
    ['bare fastify GET /hello (baseline)', baseline],
    ['vigil GET /api/v1/version (JWT, no query)', jwtNoDb],
    ['vigil GET /api/v1/user (JWT)', jwt],
    ['vigil GET /api/v1/user (API key)', key],
  ] as const;
  for (const [name, r] of rows) {
    console.log(`${name.padEnd(40)} ${r.rps.toFixed(0).padStart(8)} req/s  p99 ${r.p99} ms  errors ${r.errors}  ratio ${(r.rps / baseline.rps).toFixed(2)}x`);
  }
  await vigil.close();
  await bare.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

await main();
