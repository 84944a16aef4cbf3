import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../../../../lib/redis';
import { createThreatPipeline } from '../pipeline';
import { createSharedCorrelation } from './shared-windows';

const url = process.env.VIGIL_TEST_REDIS_URL;
if (!url) console.warn('VIGIL_TEST_REDIS_URL is not set: the shared correlation window tests are skipped');

const T0 = Date.parse('2026-03-01T10:00:00Z');
const failed = (i: number, ip: string) => `Mar  1 10:00:0${i} bastion sshd[${700 + i}]: Failed password for root from ${ip} port ${40_000 + i} ssh2`;

describe.skipIf(!url)('correlation windows in Redis', () => {
  const redis = url ? createRedis(url, { enableOfflineQueue: true }) : null;
  afterAll(() => redis?.disconnect());

  it('five failed logins analyzed by three pipelines (three instances) are one brute force, on the fifth line', async () => {
    const shared = createSharedCorrelation(redis!);
    const pipelines = [createThreatPipeline(), createThreatPipeline(), createThreatPipeline()];
    const org = `org-${randomUUID()}`;
    const types: string[][] = [];
    for (let i = 0; i < 5; i++) {
      const ctx = { organizationId: org, timestamp: T0 + i * 1000, source: null, metadata: null };
      const result = await shared.analyze(pipelines[i % 3]!, failed(i, '203.0.113.9'), ctx, undefined, null);
      types.push(result.detections.map((d) => d.threatType));
    }
    expect(types.slice(0, 4).flat()).not.toContain('brute_force_attack');
    expect(types[4]).toContain('brute_force_attack');
  });

  it('counts a committed event once when it is handed in again (replay after a failover), and reports the replay', async () => {
    const shared = createSharedCorrelation(redis!);
    const pipeline = createThreatPipeline();
    const org = `org-${randomUUID()}`;
    const ids = Array.from({ length: 4 }, () => randomUUID());
    const run = (i: number) => shared.analyze(pipeline, failed(i, '198.51.100.4'), { organizationId: org, timestamp: T0 + i * 1000, source: null, metadata: null }, undefined, ids[i]!);
    for (let i = 0; i < 4; i++) expect((await run(i)).duplicate).toBe(false);
    for (let i = 0; i < 4; i++) expect((await run(i)).duplicate).toBe(true); // the same four again
    const fifth = await shared.analyze(pipeline, failed(4, '198.51.100.4'), { organizationId: org, timestamp: T0 + 4000, source: null, metadata: null }, undefined, randomUUID());
    expect(fifth.detections.find((d) => d.threatType === 'brute_force_attack')?.explanation).toMatch(/^5 failed logins/);
  });

  it('keeps every line when many analyze the same window at once (compare-and-set retries, nothing lost)', async () => {
    const shared = createSharedCorrelation(redis!);
    const pipelines = [createThreatPipeline(), createThreatPipeline()];
    const org = `org-${randomUUID()}`;
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        shared.analyze(pipelines[i % 2]!, failed(i % 10, '192.0.2.77'), { organizationId: org, timestamp: T0 + i * 100, source: null, metadata: null }, undefined, randomUUID()),
      ),
    );
    const counts = results.flatMap((r) => r.detections.filter((d) => d.threatType === 'brute_force_attack').map((d) => Number(/^(\d+) failed/.exec(d.explanation)?.[1])));
    expect(Math.max(...counts)).toBe(12);
    expect(new Set(counts).size).toBe(counts.length); // each count seen once: no two lines saw the same window state
  });
});
