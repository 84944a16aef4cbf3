import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { installVigilLimiter, vigilServer } from './servers';

/**
 * The same comparisons as the autocannon section, measured as this process's CPU time per request through
 * Fastify's in-process injection (no sockets). CPU time is what the server spends; unlike requests per second it
 * barely moves when other processes load the machine, so ratios from a busy machine stay comparable. Variants
 * run interleaved, `rounds` times, median per variant.
 */
type Inject = () => Promise<{ statusCode: number }>;

async function bare(setup?: (app: FastifyInstance) => Promise<void> | void) {
  const app = Fastify();
  app.decorateRequest('principal', null);
  if (setup) await setup(app);
  app.get('/hello', async () => ({ hello: 'world' }));
  await app.ready();
  return { inject: (() => app.inject({ method: 'GET', url: '/hello' })) as Inject, close: () => app.close() };
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

async function perRequest(inject: Inject, requests: number): Promise<number> {
  const started = cpuMicros();
  for (let i = 0; i < requests; i++) {
    const res = await inject();
    if (res.statusCode !== 200) throw new Error(`status ${res.statusCode}`);
  }
  return (cpuMicros() - started) / requests;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function cpuComparisons(options: { requests: number; rounds: number }) {
  const plain = await bare();
  const headersOnly = await bare((app) => {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.header('x-ratelimit-limit', '1000000');
      reply.header('x-ratelimit-remaining', '999999');
      reply.header('x-ratelimit-reset', '1764470000');
      done();
    });
  });
  const ours = await bare(installVigilLimiter);
  const peer = await bare(async (app) => {
    await app.register(rateLimit, { max: 1e9, timeWindow: 60_000 });
  });
  const off = await vigilServer({ rateLimitsEnabled: false });
  const on = await vigilServer({ rateLimitsEnabled: true });
  const login = await off.vigil.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'bench', password: 'bench-password' } });
  const token = JSON.parse(login.body).data.access_token as string;
  const variants: [string, Inject][] = [
    ['bare Fastify route', plain.inject],
    ['bare route + the 3 headers only', headersOnly.inject],
    ['bare route + Vigil limiter hook (memory)', ours.inject],
    ['bare route + @fastify/rate-limit', peer.inject],
    ['Vigil GET /api/v1/version, limits off', () => off.vigil.app.inject({ method: 'GET', url: '/api/v1/version' })],
    ['Vigil GET /api/v1/version, limits on (memory)', () => on.vigil.app.inject({ method: 'GET', url: '/api/v1/version' })],
    ['Vigil GET /api/v1/user with a JWT, limits off', () => off.vigil.app.inject({ method: 'GET', url: '/api/v1/user', headers: { authorization: `Bearer ${token}` } })],
  ];
  const samples = new Map<string, number[]>(variants.map(([name]) => [name, []]));
  for (const [, inject] of variants) await perRequest(inject, Math.min(2_000, options.requests)); // warm-up
  for (let round = 0; round < options.rounds; round++) {
    for (const [name, inject] of variants) samples.get(name)!.push(await perRequest(inject, options.requests));
  }
  await Promise.all([plain.close(), headersOnly.close(), ours.close(), peer.close(), off.close(), on.close()]);

  const us = (name: string) => median(samples.get(name)!);
  console.log(`\nCPU per request (in-process inject, ${options.requests} requests x ${options.rounds} interleaved rounds, median; throughput ratio = inverse CPU ratio)`);
  for (const [name] of variants) console.log(`  ${name.padEnd(48)} ${us(name).toFixed(2).padStart(8)} µs`);
  const throughput = (a: string, b: string) => us(b) / us(a);
  const onOff = throughput('Vigil GET /api/v1/version, limits on (memory)', 'Vigil GET /api/v1/version, limits off');
  const vsPeer = throughput('bare route + Vigil limiter hook (memory)', 'bare route + @fastify/rate-limit');
  const user = throughput('Vigil GET /api/v1/user with a JWT, limits off', 'bare Fastify route');
  console.log(`  Vigil limits on / off:                 ${onOff.toFixed(3)}x (${((1 - onOff) * 100).toFixed(1)}% overhead), goal < 5%`);
  console.log(`  Vigil limiter / @fastify/rate-limit:   ${vsPeer.toFixed(3)}x, goal >= 1`);
  console.log(`  decision alone (ours - headers only):  ${(us('bare route + Vigil limiter hook (memory)') - us('bare route + the 3 headers only')).toFixed(2)} µs`);
  console.log(`  GET /api/v1/user (JWT) / bare Fastify: ${user.toFixed(3)}x, goal >= 0.5`);
}
