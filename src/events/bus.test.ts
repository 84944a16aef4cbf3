import { describe, expect, it } from 'vitest';
import { createEventBus } from './bus';
import { createLogger } from '../lib/logger';
import { createRedis } from '../lib/redis';

const logger = createLogger('silent');

describe('event bus', () => {
  it('delivers to matching subscribers and survives a failing listener', async () => {
    const bus = createEventBus({ logger });
    const seen: string[] = [];
    bus.subscribe(['api_key.created'], () => {
      throw new Error('boom');
    });
    bus.subscribe(['api_key.created'], async () => {
      throw new Error('async boom');
    });
    bus.subscribe(['api_key.created'], (event) => void seen.push(event.type));
    bus.subscribe('*', (event) => void seen.push(`*:${event.type}`));
    const unsubscribe = bus.subscribe(['api_key.revoked'], (event) => void seen.push(event.type));
    unsubscribe();
    bus.publish('api_key.created', 'org', { api_key_id: 'k', user_id: 'u', name: 'n' });
    bus.publish('api_key.revoked', 'org', { api_key_id: 'k', user_id: 'u' });
    expect(seen).toEqual(['api_key.created', '*:api_key.created', '*:api_key.revoked']);
    await bus.close();
  });

  const redisUrl = process.env.VIGIL_TEST_REDIS_URL;
  if (!redisUrl) console.warn('[vigil] Redis fan-out test skipped: VIGIL_TEST_REDIS_URL is not set.');
  it.skipIf(!redisUrl)('fans out through Redis to cluster subscribers of another bus, never to local ones', async () => {
    const clients = [createRedis(redisUrl!), createRedis(redisUrl!), createRedis(redisUrl!), createRedis(redisUrl!)];
    const a = createEventBus({ logger, redis: { publisher: clients[0]!, subscriber: clients[1]! } });
    const b = createEventBus({ logger, redis: { publisher: clients[2]!, subscriber: clients[3]! } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cluster: string[] = [];
    const local: string[] = [];
    b.subscribe(['anomaly.detected'], (e) => void cluster.push(e.organizationId), { scope: 'cluster' });
    b.subscribe(['anomaly.detected'], (e) => void local.push(e.organizationId), { scope: 'local' });
    const ownEcho: string[] = [];
    a.subscribe(['anomaly.detected'], (e) => void ownEcho.push(e.id), { scope: 'cluster' });
    a.publish('anomaly.detected', 'org-1', { anomaly_id: 'x', source: 's', metric: 'm', score: 1, severity: 'high' });
    for (let i = 0; i < 50 && cluster.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cluster).toEqual(['org-1']);
    expect(local).toEqual([]);
    expect(ownEcho).toHaveLength(1);
    await a.close();
    await b.close();
    for (const client of clients) client.disconnect();
  });
});
