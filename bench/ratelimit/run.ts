/**
 * Rate-limit benchmarks, all measured in one run:
 *  1. decisions/s of each algorithm in memory (4 counters per decision, as a request to a limited endpoint)
 *  2. the same against Redis (one EVALSHA per decision) when VIGIL_BENCH_REDIS_URL or VIGIL_TEST_REDIS_URL is set
 *  3. HTTP: Vigil's /api/v1/version with limits on vs off; a bare Fastify route alone, behind Vigil's limiter hook,
 *     and behind @fastify/rate-limit (peer baseline).
 *  4. the same as CPU time per request through in-process injection (stable on a loaded machine), plus
 *     GET /api/v1/user with a JWT against the bare route.
 * Usage: node --import tsx bench/ratelimit/run.ts [--seconds 5] [--connections 50] [--rounds 3] [--decisions 200000]
 *        [--cpu-requests 20000] [--skip-http]
 */
import { parseArgs } from 'node:util';
import rateLimit from '@fastify/rate-limit';
import { systemClock } from '../../src/lib/clock';
import { createRedis } from '../../src/lib/redis';
import type { Algorithm } from '../../src/features/gateway/ratelimit/algorithms';
import { rulesFor } from '../../src/features/gateway/ratelimit/policy';
import { createMemoryStore, createRedisStore } from '../../src/features/gateway/ratelimit/stores';
import { cpuComparisons } from './cpu';
import { HUGE, bareServer, compare, fmt, installVigilLimiter, vigilServer } from './servers';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    decisions: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    'cpu-requests': { type: 'string', default: '20000' },
    'skip-http': { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const decisions = Number(values.decisions);
const ALGORITHMS: Algorithm[] = ['sliding_window', 'token_bucket'];
const SUBJECTS = 1000;

const rulesOf = (algorithm: Algorithm, i: number) =>
  rulesFor({ config: { ...HUGE, algorithm }, subject: { type: 'user', value: `bench-user-${i % SUBJECTS}` }, path: '/api/v1/detect', overrides: [] });

function memoryDecisions(algorithm: Algorithm) {
  const store = createMemoryStore(systemClock);
  const prepared = Array.from({ length: SUBJECTS }, (_, i) => rulesOf(algorithm, i));
  const started = performance.now();
  for (let i = 0; i < decisions; i++) store.decideNow(algorithm, prepared[i % SUBJECTS]!);
  return decisions / ((performance.now() - started) / 1000);
}

async function redisDecisions(url: string, algorithm: Algorithm, inFlight = 64) {
  const redis = createRedis(url, { enableOfflineQueue: true });
  const store = createRedisStore(redis);
  const prepared = Array.from({ length: SUBJECTS }, (_, i) => rulesOf(algorithm, i).map((r) => ({ ...r, key: `${r.key}:${process.pid}` })));
  const total = Math.min(decisions, 50_000);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < total) await store.decide(algorithm, prepared[next++ % SUBJECTS]!);
    }),
  );
  const rate = total / ((performance.now() - started) / 1000);
  await redis.del(...prepared.flat().map((r) => r.key));
  await store.close();
  return rate;
}

async function httpComparisons() {
  const plain = await bareServer();
  const ours = await bareServer(installVigilLimiter);
  // The three X-RateLimit-* headers every limited response must carry, with no decision behind them.
  const headersOnly = await bareServer((app) => {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.header('x-ratelimit-limit', '1000000');
      reply.header('x-ratelimit-remaining', '999999');
      reply.header('x-ratelimit-reset', '1764470000');
      done();
    });
  });
  const peer = await bareServer(async (app) => {
    await app.register(rateLimit, { max: 1e9, timeWindow: 60_000 });
  });
  const off = await vigilServer({ rateLimitsEnabled: false });
  const on = await vigilServer({ rateLimitsEnabled: true });
  const names = {
    bare: 'bare Fastify route',
    bareHeaders: 'bare route + the 3 headers only',
    bareOurs: 'bare route + Vigil limiter hook (memory)',
    barePeer: 'bare route + @fastify/rate-limit',
    off: 'Vigil GET /api/v1/version, limits off',
    on: 'Vigil GET /api/v1/version, limits on (memory)',
  };
  const results = await compare(
    [
      { name: names.bare, url: plain.url },
      { name: names.bareHeaders, url: headersOnly.url },
      { name: names.bareOurs, url: ours.url },
      { name: names.barePeer, url: peer.url },
      { name: names.off, url: `${off.base}/api/v1/version` },
      { name: names.on, url: `${on.base}/api/v1/version` },
    ],
    { seconds, connections, rounds },
  );
  await Promise.all([plain.close(), headersOnly.close(), ours.close(), peer.close(), off.close(), on.close()]);

  const rps = (name: string) => results.get(name)!.rps;
  console.log(`\nHTTP throughput (autocannon, ${connections} connections, median of ${rounds} interleaved ${seconds} s runs, client in the same process)`);
  for (const [name, r] of results) console.log(`  ${name.padEnd(46)} ${fmt(r.rps).padStart(8)} req/s   p99 ${r.p99} ms`);
  const ratio = (a: number, b: number) => `${(a / b).toFixed(3)}x (${((1 - a / b) * 100).toFixed(1)}% overhead)`;
  console.log(`  Vigil limits on / off:                  ${ratio(rps(names.on), rps(names.off))}, goal < 5%`);
  console.log(`  bare + headers only / bare:             ${ratio(rps(names.bareHeaders), rps(names.bare))}`);
  console.log(`  bare + Vigil limiter / bare:            ${ratio(rps(names.bareOurs), rps(names.bare))}`);
  console.log(`  Vigil limiter / headers only:           ${ratio(rps(names.bareOurs), rps(names.bareHeaders))} (the decision itself)`);
  console.log(`  bare + @fastify/rate-limit / bare:      ${ratio(rps(names.barePeer), rps(names.bare))}`);
  console.log(`  Vigil limiter / @fastify/rate-limit:    ${(rps(names.bareOurs) / rps(names.barePeer)).toFixed(3)}x`);
}

async function main() {
  console.log(`Rate-limit decisions (${fmt(decisions)} in memory, ${SUBJECTS} subjects, 4 counters each: minute+hour, global+endpoint)`);
  for (const algorithm of ALGORITHMS) console.log(`  memory ${algorithm.padEnd(15)} ${fmt(memoryDecisions(algorithm)).padStart(12)} decisions/s`);
  const redisUrl = process.env.VIGIL_BENCH_REDIS_URL ?? process.env.VIGIL_TEST_REDIS_URL;
  if (redisUrl) {
    for (const algorithm of ALGORITHMS) console.log(`  redis  ${algorithm.padEnd(15)} ${fmt(await redisDecisions(redisUrl, algorithm)).padStart(12)} decisions/s (64 in flight, one EVALSHA each)`);
  } else {
    console.log('  redis: skipped (set VIGIL_BENCH_REDIS_URL or VIGIL_TEST_REDIS_URL)');
  }
  await cpuComparisons({ requests: Number(values['cpu-requests']), rounds });
  if (!values['skip-http']) await httpComparisons();
}

await main();
