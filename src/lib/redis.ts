import { Redis, type RedisOptions } from 'ioredis';

/**
 * A Redis connection that fails fast: commands issued while disconnected are rejected at once instead of
 * queueing, so callers (rate limits, the bus) can apply their own failure policy.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    lazyConnect: false,
    ...options,
  });
  // Connection errors are reported through /health and the callers' failures; never crash the process.
  client.on('error', () => undefined);
  return client;
}
