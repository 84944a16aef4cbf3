import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import autocannon from 'autocannon';
import { buildApp, type Vigil } from '../../src/app/compose';
import { systemClock } from '../../src/lib/clock';
import { loadConfig, type Config } from '../../src/lib/config';
import { createLogger } from '../../src/lib/logger';
import { installRateLimitHook } from '../../src/features/gateway/ratelimit/ratelimit.hook';
import { DEFAULT_RATE_LIMITS, type RateLimitConfig } from '../../src/features/gateway/ratelimit/policy';
import type { RateLimitService } from '../../src/features/gateway/ratelimit/ratelimit.service';
import { createMemoryStore } from '../../src/features/gateway/ratelimit/stores';
import type { App } from '../../src/server/types';

/** Limits far above what a benchmark can send, so every request is a full decision that admits. */
export const HUGE: RateLimitConfig = {
  ...DEFAULT_RATE_LIMITS,
  global: { requests_per_minute: 1e9, requests_per_hour: 1e9 },
  anonymous: { requests_per_minute: 1e9, requests_per_hour: 1e9 },
  endpoints: { '/api/v1/detect': { requests_per_minute: 1e9, requests_per_hour: 1e9 } },
};

export interface Measured {
  rps: number;
  p99: number;
  errors: number;
  /** Responses received. */
  total: number;
}

export async function measure(url: string, seconds: number, connections: number): Promise<Measured> {
  const result = await autocannon({ url, duration: seconds, connections, pipelining: 1 });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx, total: result.requests.total };
}

/** A bare Fastify route, optionally behind a limiter installed by `setup`. */
export async function bareServer(setup?: (app: FastifyInstance) => Promise<void> | void): Promise<{ url: string; close: () => Promise<void> }> {
  const app = Fastify();
  app.decorateRequest('principal', null);
  if (setup) await setup(app);
  app.get('/hello', async () => ({ hello: 'world' }));
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${base}/hello`, close: () => app.close() };
}

/** Vigil's own rate-limit hook over the in-memory store, with the configuration served from memory. */
export function installVigilLimiter(app: FastifyInstance) {
  const limits = {
    cachedConfig: () => HUGE,
    cachedOverridesFor: () => [],
    configFor: async () => HUGE,
    overridesFor: async () => [],
    recordRejection: () => undefined,
  } as unknown as RateLimitService;
  installRateLimitHook(app as unknown as App, {
    limits,
    store: createMemoryStore(systemClock),
    failMode: 'open',
    defaultOrganizationId: async () => 'bench',
    logger: createLogger('silent'),
  });
}

/** The whole Vigil server (file-backed SQLite, background jobs on) with the given settings. */
export async function vigilServer(overrides: Partial<Config>): Promise<{ vigil: Vigil; base: string; close: () => Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const config = loadConfig(
    {
      dataDir,
      logLevel: 'silent',
      backgroundJobs: true,
      adminUsername: 'bench',
      adminEmail: 'bench@vigil.local',
      adminPassword: 'bench-password',
      ...overrides,
    } as Record<string, unknown>,
    {},
  );
  const vigil = await buildApp({ config, logger: createLogger('silent') });
  const organizationId = await vigil.core.accounts.defaultOrganizationId();
  await vigil.core.settings.put(organizationId, 'gateway.rate_limits', HUGE);
  const base = await vigil.app.listen({ port: 0, host: '127.0.0.1' });
  return {
    vigil,
    base,
    close: async () => {
      await vigil.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * Measures every variant in turn, `rounds` times (interleaved, so that load from other processes hits all of
 * them alike), after a one-second warm-up each; answers the median requests/s and p99 of each variant.
 */
export async function compare(variants: { name: string; url: string }[], options: { seconds: number; connections: number; rounds: number }) {
  const samples = new Map<string, Measured[]>(variants.map((v) => [v.name, []]));
  for (const v of variants) await measure(v.url, 1, options.connections);
  for (let round = 0; round < options.rounds; round++) {
    for (const v of variants) {
      const m = await measure(v.url, options.seconds, options.connections);
      if (m.errors > 0) console.warn(`  ${v.name}: ${m.errors} errors or non-2xx answers`);
      samples.get(v.name)!.push(m);
    }
  }
  const result = new Map<string, { rps: number; p99: number; total: number }>();
  for (const [name, list] of samples) {
    result.set(name, { rps: median(list.map((m) => m.rps)), p99: median(list.map((m) => m.p99)), total: list.reduce((n, m) => n + m.total, 0) });
  }
  return result;
}
